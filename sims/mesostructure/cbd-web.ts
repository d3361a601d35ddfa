import type { Shape } from '../../src/volume/volume.ts';
import type { Rng } from '../../src/random/rng.ts';
import { throwIfAborted } from '../../src/errors.ts';
import { cbdScores, fillLowest, selectKth } from './cbd.ts';
import { strandScores } from './cbd-strands.ts';
import type { Spheroids } from './voxelize.ts';

/**
 * The "web" carbon-binder model: CBD seeded at the particle necks and surfaces, spread into the
 * pores as a fine, fragmented web whose grain is set by its own length scale.
 *
 * Each pore voxel gets the neck score of the `bridge` model (sum of the distances to the two
 * nearest particles, small in necks and along close surfaces) minus a correlated random field:
 *
 *   score = (d1 + w·d2) − reach · G(x)
 *
 * with w the neck weight: 1 collects binder at the contacts, 0 coats the particle surfaces (a
 * binder that wets the active material, or a binder-rich slurry).
 * G is a Gaussian random field of unit variance with covariance exp(−r²/L²) (white noise smoothed
 * by a Gaussian of σ = L/2, see smoothingSigma); the `target` lowest scores become CBD, so the
 * fraction is voxel-exact. `reach` (voxels) is how far from the necks the binder can wander: 0
 * gives the bridge model exactly; `L` (voxels) is the size of the domains it breaks into. Process
 * reading: intensive mixing breaks carbon-black/binder agglomerates into smaller domains (small
 * L); a binder-rich, well-dispersed slurry coats and spans pores (large reach) rather than
 * collecting at contacts.
 */
export interface CbdWebOptions {
  /** correlation length L of the field (voxels), covariance exp(−r²/L²) */
  domain: number;
  /** amplitude of the field in score units (voxels of neck distance) */
  reach: number;
  /** weight w of the distance to the second-nearest particle, score d1 + w·d2 − reach·G: 1 necks, 0 a coating (default 1) */
  neckWeight?: number;
  /** share s of the field given to fibres rather than domains, 0–1 (default 0; see fibreField) */
  fibres?: number;
  /** share of the binder laid first as strands across the gaps between neighbouring particles, 0–1 (default 0; cbd-strands.ts) */
  strands?: number;
  /** widest gap a strand spans (voxels; default the median particle radius) */
  strandGap?: number;
}

/**
 * Mixes a unit-variance Gaussian field G1 with a fibre field built from it and a second,
 * independent one G2, in place in G1:
 *
 *   F = ((1 − s)·G1 + s·H) / √((1 − s)² + s²),   H = (2 − G1² − G2²) / 2
 *
 * G1² + G2² is χ² with two degrees of freedom (mean 2, variance 4), so H has zero mean and unit
 * variance; it peaks on the lines where both fields cross zero, a connected network of curves
 * through the whole box. Why: the excursion set {G > t} of a phase of 15 % is separate blobs,
 * while the carbon-binder of a real electrode spans the pores as a lace of strands one voxel or
 * two across beside a film on the particles (TauFactor 2's NMC electrode: CBD–pore area twice
 * the AM–CBD area, pore local thickness rarely under 3 voxels). Choosing the lowest scores of
 * d − reach·F with s near 1 lays the binder along those strands near the particles. s = 0 leaves
 * G1 as it is.
 *
 * @param g1 unit-variance Gaussian field (gaussianRandomField), overwritten with F.
 * @param g2 a second, independent field of the same shape and correlation length.
 * @param share s, 0–1.
 * @returns g1.
 * @example fibreField(gaussianRandomField(shape, 3, rng), gaussianRandomField(shape, 3, rng), 1)
 */
export function fibreField(g1: Float32Array, g2: Float32Array, share: number): Float32Array {
  const norm = Math.sqrt((1 - share) ** 2 + share ** 2);
  for (let i = 0; i < g1.length; i++) {
    const a = g1[i]!;
    const b = g2[i]!;
    g1[i] = ((1 - share) * a + (share * (2 - a * a - b * b)) / 2) / norm;
  }
  return g1;
}

/** σ of the Gaussian smoothing whose output has covariance exp(−r²/L²): convolving two Gaussians of σ gives exp(−r²/(4σ²)). */
export function smoothingSigma(domain: number): number {
  return domain / 2;
}

/**
 * Unit-variance Gaussian random field on `shape` with covariance exp(−r²/L²), L = `domain` voxels.
 * Periodic in x and y (as the packing is); in z the noise is drawn on a padded slab and cut, so the
 * separator and collector faces are neither correlated nor of lower variance. Same Rng state →
 * same field, bit for bit.
 *
 * @param shape [nx, ny, nz] (voxels)
 * @param domain correlation length L (voxels)
 * @param rng the stream the white noise is drawn from
 * @param signal aborts a long smoothing between planes
 * @returns the field, one float per voxel (x fastest), mean ≈ 0, variance ≈ 1
 * @example const g = gaussianRandomField([64, 64, 64], 4, rng.fork());
 */
export function gaussianRandomField(shape: Shape, domain: number, rng: Rng, signal?: AbortSignal): Float32Array {
  const [nx, ny, nz] = shape;
  const sigma = smoothingSigma(domain);
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const w = new Float64Array(2 * radius + 1);
  let sw = 0;
  for (let k = -radius; k <= radius; k++) sw += w[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  let sw2 = 0;
  for (let k = 0; k < w.length; k++) {
    w[k]! /= sw;
    sw2 += w[k]! * w[k]!;
  }
  const pz = nz + 2 * radius;
  const plane = nx * ny;
  const a = new Float32Array(plane * pz);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const b = new Float32Array(a.length);
  // x pass (periodic), a → b
  for (let row = 0; row < ny * pz; row++) {
    const o = row * nx;
    for (let x = 0; x < nx; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += w[k + radius]! * a[o + ((((x + k) % nx) + nx) % nx)]!;
      b[o + x] = s;
    }
  }
  throwIfAborted(signal);
  // y pass (periodic), b → a
  for (let z = 0; z < pz; z++) {
    for (let y = 0; y < ny; y++) {
      const o = z * plane + y * nx;
      for (let x = 0; x < nx; x++) {
        let s = 0;
        for (let k = -radius; k <= radius; k++) s += w[k + radius]! * b[z * plane + ((((y + k) % ny) + ny) % ny) * nx + x]!;
        a[o + x] = s;
      }
    }
  }
  throwIfAborted(signal);
  // z pass on the padded slab, cut to nz; scaled to unit variance (each pass multiplies it by Σw²).
  const scale = 1 / Math.sqrt(sw2 * sw2 * sw2);
  const out = new Float32Array(plane * nz);
  for (let z = 0; z < nz; z++) {
    for (let i = 0; i < plane; i++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += w[k + radius]! * a[(z + radius + k) * plane + i]!;
      out[z * plane + i] = s * scale;
    }
  }
  return out;
}

/**
 * Places exactly `target` CBD voxels (labels 0 → 2) by the web model (see CbdWebOptions). The
 * neck distances are searched within a cap that doubles until every chosen voxel's distances are
 * exact (a capped score is a lower bound of the true one, so voxels left out stay out), as in
 * placeCbd. Exactness is read per voxel (cbdScores' lowerBound), not from the score: with a neck
 * weight of 0.07 a score below 0.07·cap was the only proof, and the cap doubled to twice the box
 * (80 s for a 96³ electrode, about N⁶; the same bytes now in a fraction of that).
 * With `strands`, that share of the target is laid first across the particle gaps (placeStrands)
 * and the web places the rest.
 *
 * @param labels 0 pore / 1 AM on entry; CBD written in place.
 * @param p the (calendered) particles in voxel units.
 * @param shape [nx, ny, nz] (voxels).
 * @param target CBD voxels to place (count).
 * @param opts domain and reach (voxels), neck weight, fibres, strands (shares).
 * @param rng the generator's CBD stream.
 * @param signal aborts between the cap's doublings.
 * @returns the number placed (= target).
 * @example placeCbdWeb(labels, spheroids, [64, 64, 64], 30000, { domain: 3, reach: 6 }, rng.fork())
 */
export function placeCbdWeb(labels: Uint8Array, p: Spheroids, shape: Shape, target: number, opts: CbdWebOptions, rng: Rng, signal?: AbortSignal): number {
  if (target <= 0) return 0;
  const stranded = placeStrands(labels, p, shape, Math.round((opts.strands ?? 0) * target), opts.strandGap, signal);
  target -= stranded;
  if (target <= 0) return stranded;
  const field = gaussianRandomField(shape, opts.domain, rng, signal);
  // The second field is drawn only for fibres, so a web without them keeps its bytes.
  if ((opts.fibres ?? 0) > 0) fibreField(field, gaussianRandomField(shape, opts.domain, rng, signal), opts.fibres!);
  const radii = Array.from(p.c).sort((a, b) => a - b);
  const longest = Math.max(shape[0], shape[1], shape[2]);
  let cap = Math.max(3, radii[radii.length >> 1] ?? 3);
  const lowerBound = new Uint8Array(labels.length);
  for (;;) {
    const w = opts.neckWeight ?? 1;
    const raw = cbdScores(labels, p, shape, 'bridge', cap, signal, w, lowerBound);
    const score = new Float64Array(raw.length);
    let pores = 0;
    for (let i = 0; i < raw.length; i++) {
      score[i] = raw[i]! - opts.reach * field[i]!;
      if (raw[i]! < Infinity) pores++;
    }
    const values = new Float64Array(pores);
    for (let i = 0, k = 0; i < raw.length; i++) if (raw[i]! < Infinity) values[k++] = score[i]!;
    if (target > pores) throw new RangeError(`placeCbdWeb: ${target} CBD voxels asked for, only ${pores} pore voxels`);
    const threshold = selectKth(values, target - 1);
    let exact = true;
    for (let i = 0; i < raw.length && exact; i++) if (score[i]! <= threshold && lowerBound[i] === 1) exact = false;
    if (exact || cap >= 2 * longest) return stranded + fillLowest(labels, score, target, threshold);
    cap *= 2;
  }
}

/**
 * Lays up to `count` CBD voxels as strands across the particle gaps (strandScores), lowest detour
 * first; fewer where fewer pore voxels lie between two particles within `maxGap`. No random draw,
 * so a web without strands keeps its bytes.
 *
 * @returns the number placed.
 */
function placeStrands(labels: Uint8Array, p: Spheroids, shape: Shape, count: number, maxGap: number | undefined, signal?: AbortSignal): number {
  if (count <= 0) return 0;
  const radii = Array.from(p.a).sort((a, b) => a - b);
  const gap = maxGap ?? radii[radii.length >> 1] ?? 3;
  const score = strandScores(labels, p, shape, gap, signal);
  let candidates = 0;
  for (let i = 0; i < score.length; i++) if (score[i]! < Infinity) candidates++;
  const n = Math.min(count, candidates);
  if (n === 0) return 0;
  const values = new Float64Array(candidates);
  for (let i = 0, k = 0; i < score.length; i++) if (score[i]! < Infinity) values[k++] = score[i]!;
  return fillLowest(labels, score, n, selectKth(values, n - 1));
}
