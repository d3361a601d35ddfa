import type { Rng } from '../../src/random/rng.ts';
import { throwIfAborted } from '../../src/errors.ts';
import type { Population } from './params.ts';
import { drawDiameter } from './psd.ts';

/**
 * Sphere packing in voxel units: periodic in x (0..nx) and y (0..ny); centres held inside
 * 0 ≤ z ≤ nz, so particles at the z faces stick out of them. The generator voxelizes either this
 * whole box ('bounded' faces, AM-poor layers at them) or a box zMargin inside each face ('cut').
 */
export interface SpherePacking {
  x: number[];
  y: number[];
  z: number[];
  r: number[];
  /** population index of each particle (0, or 1 for the second mode of a bimodal PSD) */
  pop: number[];
}

export interface Box {
  nx: number;
  ny: number;
  nz: number;
}

export interface OverlapStats {
  /** mean over touching pairs of overlap depth / smaller radius */
  mean: number;
  /** largest overlap depth / smaller radius */
  max: number;
  pairs: number;
}

/** Draws radii (voxels) of each population until its share of `volume` (voxels³) is reached. */
export function drawRadii(rng: Rng, pops: readonly Population[], volume: number): { r: number[]; pop: number[] } {
  const r: number[] = [];
  const pop: number[] = [];
  pops.forEach((p, k) => {
    const goal = p.volumeShare * volume;
    let acc = 0;
    while (acc < goal) {
      const radius = drawDiameter(rng, p.medianD, p.sigmaLog, p.minD, p.maxD) / 2;
      const v = sphereVolume(radius);
      // Stop at whichever side of the goal is closer, so small requests are not overshot.
      if (acc + v > goal && acc + v - goal > goal - acc) break;
      r.push(radius);
      pop.push(k);
      acc += v;
    }
  });
  return { r, pop };
}

export function sphereVolume(r: number): number {
  return (4 / 3) * Math.PI * r * r * r;
}

/**
 * A uniform grid of cells at least as wide as the largest contact distance, periodic in x and y.
 * Neighbour cells are listed without repeats when an axis has fewer than three cells.
 */
class CellGrid {
  readonly ncx: number;
  readonly ncy: number;
  readonly ncz: number;
  private readonly csx: number;
  private readonly csy: number;
  private readonly csz: number;
  private head: Int32Array;
  private next: Int32Array;
  private readonly ox: number[];
  private readonly oy: number[];
  private readonly oz: number[];

  constructor(
    box: Box,
    reach: number,
    capacity: number,
  ) {
    // An empty packing has no reach: one cell then.
    const width = reach > 0 ? reach : Math.max(box.nx, box.ny, box.nz);
    this.ncx = Math.max(1, Math.floor(box.nx / width));
    this.ncy = Math.max(1, Math.floor(box.ny / width));
    this.ncz = Math.max(1, Math.floor(box.nz / width));
    this.csx = box.nx / this.ncx;
    this.csy = box.ny / this.ncy;
    this.csz = box.nz / this.ncz;
    this.head = new Int32Array(this.ncx * this.ncy * this.ncz).fill(-1);
    this.next = new Int32Array(capacity).fill(-1);
    const offsets = (n: number): number[] => (n >= 3 ? [-1, 0, 1] : n === 2 ? [0, 1] : [0]);
    this.ox = offsets(this.ncx);
    this.oy = offsets(this.ncy);
    this.oz = [-1, 0, 1];
  }

  cellOf(x: number, y: number, z: number): number {
    const cx = Math.min(this.ncx - 1, Math.max(0, Math.floor(x / this.csx)));
    const cy = Math.min(this.ncy - 1, Math.max(0, Math.floor(y / this.csy)));
    const cz = Math.min(this.ncz - 1, Math.max(0, Math.floor(z / this.csz)));
    return cx + this.ncx * (cy + this.ncy * cz);
  }

  rebuild(p: SpherePacking): void {
    this.head.fill(-1);
    if (this.next.length < p.x.length) this.next = new Int32Array(p.x.length * 2);
    for (let i = 0; i < p.x.length; i++) this.insert(i, p.x[i]!, p.y[i]!, p.z[i]!);
  }

  insert(i: number, x: number, y: number, z: number): void {
    if (this.next.length <= i) {
      const grown = new Int32Array(Math.max(16, i * 2));
      grown.set(this.next);
      this.next = grown;
    }
    const c = this.cellOf(x, y, z);
    this.next[i] = this.head[c]!;
    this.head[c] = i;
  }

  /** Calls fn for every particle in the 27 cells around (x, y, z). */
  forNear(x: number, y: number, z: number, fn: (j: number) => void): void {
    const c = this.cellOf(x, y, z);
    const cx = c % this.ncx;
    const cy = Math.floor(c / this.ncx) % this.ncy;
    const cz = Math.floor(c / (this.ncx * this.ncy));
    for (const dz of this.oz) {
      const qz = cz + dz;
      if (qz < 0 || qz >= this.ncz) continue;
      for (const dy of this.oy) {
        const qy = (cy + dy + this.ncy) % this.ncy;
        for (const dx of this.ox) {
          const qx = (cx + dx + this.ncx) % this.ncx;
          for (let j = this.head[qx + this.ncx * (qy + this.ncy * qz)]!; j >= 0; j = this.next[j]!) fn(j);
        }
      }
    }
  }
}

function wrap(v: number, n: number): number {
  const w = v - Math.floor(v / n) * n;
  return w >= n ? 0 : w;
}

function minImage(d: number, n: number): number {
  if (d > n / 2) return d - n;
  if (d < -n / 2) return d + n;
  return d;
}

function maxRadius(p: SpherePacking, extra: readonly number[] = []): number {
  let m = 0;
  for (const r of p.r) m = Math.max(m, r);
  for (const r of extra) m = Math.max(m, r);
  return m;
}

/** Centres within this × the contact distance count as touching when a compact aggregate picks its position. */
const COMPACT_CONTACT = 1.15;

/**
 * Random sequential addition: each new sphere (radius scaled by `scale`) takes the first of
 * `tries` random positions where it overlaps nothing, else the position of least overlap.
 * With `aggregation` a > 0, a share a of the spheres (drawn per sphere) try positions touching a
 * randomly chosen sphere already placed instead of anywhere in the box: agglomerated particles.
 * Relaxation pushes overlapping pairs apart only to contact, so these contacts survive the growth.
 *
 * Of those, a share `compactness` c (drawn per sphere; no draw at 0 or 1) looks at all its tries
 * and takes the free one touching the most spheres (centres within COMPACT_CONTACT of contact),
 * not the first free one. Why: a sphere stuck to one random sphere grows chains, which bring the
 * AM surface down as far as a tomogram's only with a skeleton more tortuous than it; spheres that
 * settle into hollows grow compact agglomerates (secondary particles pressed together in a dry
 * or intensive premix), with fewer, wider gaps between them.
 *
 * Of the spheres that do not aggregate, a share |dispersion| (drawn per sphere; no draw at 0 or
 * ±1) looks at up to DISPERSE_CANDIDATES free positions and takes the one where the packing around
 * it, within CROWD_DIAMETERS mean diameters, holds the least sphere volume (dispersion
 * above 0: a well-dispersed slurry, particles spread evenly) or the most (below 0: a flocculated
 * one, particles in flocs of many with voids between). Why: random addition fixes how uneven the
 * packing is at the scale of a few particles, which sets the largest pores and how well the solid
 * connects: a 256³ twin of the TauFactor electrode (bench/README.md, one seed) reads, from 0 to +1,
 * pore D90 −24 points, τ solid +12–14 %, τ pore −4–7 %, AM–pore area +18 points; to −0.5, pore D50
 * and D90 +23 points, AM–pore area −17 points. Aggregation acts at the scale of one neighbour.
 */
export function addParticles(p: SpherePacking, radii: readonly number[], pops: readonly number[], box: Box, rng: Rng, opts: AddParticlesOptions = {}): void {
  const { scale = 1, tries = 30, aggregation = 0, compactness = 0, dispersion = 0 } = opts;
  const grid = new CellGrid(box, 2 * maxRadius(p, radii) * scale, p.x.length + radii.length);
  grid.rebuild(p);
  // The packing around a position: sphere volume within CROWD_DIAMETERS mean diameters, tapered
  // linearly to 0 there so that a sphere's weight does not jump as a candidate moves.
  const crowdReach = 2 * CROWD_DIAMETERS * meanRadius(p, radii) * scale;
  const crowd = dispersion !== 0 ? new CellGrid(box, crowdReach, p.x.length + radii.length) : undefined;
  crowd?.rebuild(p);
  // Emptiest for a dispersed slurry, fullest for a flocculated one.
  const sign = dispersion > 0 ? 1 : -1;
  const crowding = (x: number, y: number, z: number): number => {
    let sum = 0;
    crowd!.forNear(x, y, z, (j) => {
      const d = Math.hypot(minImage(x - p.x[j]!, box.nx), minImage(y - p.y[j]!, box.ny), z - p.z[j]!);
      if (d < crowdReach) sum += sphereVolume(p.r[j]!) * (1 - d / crowdReach);
    });
    return sum;
  };
  radii.forEach((r, k) => {
    let best = { x: 0, y: 0, z: 0, overlap: Infinity };
    // No draw at all without aggregation or dispersion: the default packing's random stream is unchanged.
    const stick = aggregation > 0 && p.x.length > 0 && rng.uniform() < aggregation;
    const compact = stick && compactness > 0 && (compactness >= 1 || rng.uniform() < compactness);
    const spread = !stick && crowd !== undefined && (Math.abs(dispersion) >= 1 || rng.uniform() < Math.abs(dispersion));
    let mostContacts = -1;
    let leastAround = Infinity;
    let freeSeen = 0;
    for (let t = 0; t < tries && (compact || (spread ? freeSeen < DISPERSE_CANDIDATES : best.overlap > 0)); t++) {
      let x: number, y: number, z: number;
      if (stick) {
        const j = rng.integer(0, p.x.length - 1);
        const d = (r + p.r[j]!) * scale;
        const cz = rng.range(-1, 1);
        const phi = rng.range(0, 2 * Math.PI);
        const sz = Math.sqrt(1 - cz * cz);
        x = wrap(p.x[j]! + d * sz * Math.cos(phi), box.nx);
        y = wrap(p.y[j]! + d * sz * Math.sin(phi), box.ny);
        z = Math.min(box.nz, Math.max(0, p.z[j]! + d * cz));
      } else {
        x = rng.range(0, box.nx);
        y = rng.range(0, box.ny);
        z = rng.range(0, box.nz);
      }
      let overlap = 0;
      let contacts = 0;
      grid.forNear(x, y, z, (j) => {
        const dx = minImage(x - p.x[j]!, box.nx);
        const dy = minImage(y - p.y[j]!, box.ny);
        const dz = z - p.z[j]!;
        const reach = (r + p.r[j]!) * scale;
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 < reach * reach) overlap += reach - Math.sqrt(d2);
        if (d2 < (reach * COMPACT_CONTACT) ** 2) contacts++;
      });
      // The sphere it sticks to sits at exactly the contact distance: rounding may call that a
      // sliver of overlap, which is no reason to pass over a position.
      const free = overlap <= 1e-9 * r * scale;
      if (compact && free) {
        if (best.overlap > 0 || contacts > mostContacts) {
          best = { x, y, z, overlap: 0 };
          mostContacts = contacts;
        }
      } else if (spread && free) {
        freeSeen++;
        const around = sign * crowding(x, y, z);
        if (best.overlap > 0 || around < leastAround) {
          best = { x, y, z, overlap: 0 };
          leastAround = around;
        }
      } else if (overlap < best.overlap) best = { x, y, z, overlap };
    }
    const i = p.x.length;
    p.x.push(best.x);
    p.y.push(best.y);
    p.z.push(best.z);
    p.r.push(r);
    p.pop.push(pops[k]!);
    grid.insert(i, best.x, best.y, best.z);
    crowd?.insert(i, best.x, best.y, best.z);
  });
}

/** How addParticles places its spheres. */
export interface AddParticlesOptions {
  /** radii are multiplied by this while placing (growth schedule); default 1 */
  scale?: number;
  /** random positions tried per sphere; default 30 */
  tries?: number;
  /** share of the spheres placed against one already placed (0–1); default 0 */
  aggregation?: number;
  /** share of those that take the free position touching the most spheres (0–1); default 0 */
  compactness?: number;
  /** share of the others (its magnitude) that take the free position where the packing around is emptiest (above 0) or fullest (below 0), −1–1; default 0 */
  dispersion?: number;
}

/** Free positions a dispersing sphere compares (of addParticles' tries). */
const DISPERSE_CANDIDATES = 8;
/** How far a dispersing sphere looks at the packing around a position, in mean diameters: the scale of flocs and the voids between them. */
const CROWD_DIAMETERS = 2;

function meanRadius(p: SpherePacking, extra: readonly number[]): number {
  let s = 0;
  for (const r of p.r) s += r;
  for (const r of extra) s += r;
  const n = p.r.length + extra.length;
  return n > 0 ? s / n : 1;
}

export interface RelaxOptions {
  /** stop when the largest overlap / smaller radius falls below this */
  tolerance: number;
  maxSweeps: number;
  /** radii are multiplied by this (growth schedule) */
  scale?: number;
  signal?: AbortSignal;
}

/**
 * Gauss–Seidel overlap removal (Jodrey–Tory style): every overlapping pair is pushed apart along
 * its centre line by the full overlap, the larger particle moving less (weights ∝ the other's
 * volume). Pairs come from a Verlet list (contact distance plus a skin), rebuilt once some
 * particle has moved half the skin, so a sweep costs a few pairs per particle rather than a
 * cell search. Returns the sweeps used and the overlap left.
 */
export function relax(p: SpherePacking, box: Box, opts: RelaxOptions): { sweeps: number; maxOverlap: number } {
  const scale = opts.scale ?? 1;
  const n = p.x.length;
  const { x, y, z, r } = p;
  let rMax = 0;
  let rSum = 0;
  for (let i = 0; i < n; i++) {
    rMax = Math.max(rMax, r[i]!);
    rSum += r[i]!;
  }
  const skin = Math.max(0.25, (0.5 * rSum) / Math.max(1, n)) * scale;
  const grid = new CellGrid(box, (2 * rMax * scale + skin) * 1.001, n);
  let pi = new Int32Array(16 * n);
  let pj = new Int32Array(16 * n);
  let npairs = 0;
  const x0 = new Float64Array(n);
  const y0 = new Float64Array(n);
  const z0 = new Float64Array(n);
  const build = (): void => {
    grid.rebuild(p);
    npairs = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      const zi = z[i]!;
      const ri = r[i]! * scale;
      grid.forNear(xi, yi, zi, (j) => {
        if (j <= i) return;
        const dx = minImage(x[j]! - xi, box.nx);
        const dy = minImage(y[j]! - yi, box.ny);
        const dz = z[j]! - zi;
        const reach = ri + r[j]! * scale + skin;
        if (dx * dx + dy * dy + dz * dz >= reach * reach) return;
        if (npairs === pi.length) {
          const gi = new Int32Array(pi.length * 2);
          const gj = new Int32Array(pj.length * 2);
          gi.set(pi);
          gj.set(pj);
          pi = gi;
          pj = gj;
        }
        pi[npairs] = i;
        pj[npairs] = j;
        npairs++;
      });
    }
    x0.set(x);
    y0.set(y);
    z0.set(z);
  };
  // Net displacement since the list was built (paths that jitter back and forth do not count).
  const maxDisplacement2 = (): number => {
    let m = 0;
    for (let i = 0; i < n; i++) {
      const dx = minImage(x[i]! - x0[i]!, box.nx);
      const dy = minImage(y[i]! - y0[i]!, box.ny);
      const dz = z[i]! - z0[i]!;
      m = Math.max(m, dx * dx + dy * dy + dz * dz);
    }
    return m;
  };
  build();
  let worst = Infinity;
  let sweep = 0;
  while (sweep < opts.maxSweeps) {
    if (sweep % 16 === 0) throwIfAborted(opts.signal);
    worst = 0;
    for (let k = 0; k < npairs; k++) {
      const i = pi[k]!;
      const j = pj[k]!;
      let dx = minImage(x[j]! - x[i]!, box.nx);
      let dy = minImage(y[j]! - y[i]!, box.ny);
      let dz = z[j]! - z[i]!;
      const ri = r[i]! * scale;
      const rj = r[j]! * scale;
      const reach = ri + rj;
      let d2 = dx * dx + dy * dy + dz * dz;
      if (d2 >= reach * reach) continue;
      if (d2 === 0) {
        // Coincident centres: separate along z, a deterministic choice.
        dx = 0;
        dy = 0;
        dz = 1e-6;
        d2 = dz * dz;
      }
      const d = Math.sqrt(d2);
      const overlap = reach - d;
      worst = Math.max(worst, overlap / Math.min(ri, rj));
      const vi = ri * ri * ri;
      const vj = rj * rj * rj;
      const mi = (overlap * vj) / (vi + vj);
      const mj = (overlap * vi) / (vi + vj);
      x[i] = wrap(x[i]! - (dx * mi) / d, box.nx);
      y[i] = wrap(y[i]! - (dy * mi) / d, box.ny);
      z[i] = Math.min(box.nz, Math.max(0, z[i]! - (dz * mi) / d));
      x[j] = wrap(x[j]! + (dx * mj) / d, box.nx);
      y[j] = wrap(y[j]! + (dy * mj) / d, box.ny);
      z[j] = Math.min(box.nz, Math.max(0, z[j]! + (dz * mj) / d));
    }
    sweep++;
    if (worst < opts.tolerance) break;
    // Pairs that were beyond contact + skin may now touch: refresh the list before they are missed.
    if (maxDisplacement2() > (skin * skin) / 4) build();
  }
  return { sweeps: sweep, maxOverlap: worst };
}

/** Overlap of the packing as it stands (pairs whose spheres intersect). */
export function overlapStats(p: SpherePacking, box: Box): OverlapStats {
  const n = p.x.length;
  const grid = new CellGrid(box, 2 * maxRadius(p) * 1.05, n);
  grid.rebuild(p);
  let sum = 0;
  let max = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    grid.forNear(p.x[i]!, p.y[i]!, p.z[i]!, (j) => {
      if (j <= i) return;
      const dx = minImage(p.x[j]! - p.x[i]!, box.nx);
      const dy = minImage(p.y[j]! - p.y[i]!, box.ny);
      const dz = p.z[j]! - p.z[i]!;
      const reach = p.r[i]! + p.r[j]!;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 >= reach * reach) return;
      const h = (reach - Math.sqrt(d2)) / Math.min(p.r[i]!, p.r[j]!);
      sum += h;
      max = Math.max(max, h);
      pairs++;
    });
  }
  return { mean: pairs ? sum / pairs : 0, max, pairs };
}

/** Removes the particles at the given indices (any order), keeping the others in order. */
export function removeParticles(p: SpherePacking, indices: readonly number[]): void {
  const drop = new Set(indices);
  for (const key of ['x', 'y', 'z', 'r', 'pop'] as const) {
    p[key] = p[key].filter((_, i) => !drop.has(i));
  }
}

export interface GrowOptions {
  /** radius scale the growth starts from (random addition is easy there) */
  startScale: number;
  steps: number;
  sweepsPerStep: number;
  finalSweeps: number;
  tolerance: number;
  signal?: AbortSignal;
  onStep?: (step: number, steps: number) => void;
}

/**
 * Places the spheres small and grows them to full size in `steps`, removing overlap after each
 * growth step: a force-biased growth that packs denser with less residual overlap than relaxing
 * full-size random spheres.
 */
export function growAndRelax(p: SpherePacking, box: Box, opts: GrowOptions): { sweeps: number; maxOverlap: number } {
  let sweeps = 0;
  for (let s = 1; s <= opts.steps; s++) {
    const scale = opts.startScale + ((1 - opts.startScale) * s) / opts.steps;
    const res = relax(p, box, { tolerance: opts.tolerance, maxSweeps: opts.sweepsPerStep, scale, signal: opts.signal });
    sweeps += res.sweeps;
    opts.onStep?.(s, opts.steps);
  }
  const last = relax(p, box, { tolerance: opts.tolerance, maxSweeps: opts.finalSweeps, signal: opts.signal });
  return { sweeps: sweeps + last.sweeps, maxOverlap: last.maxOverlap };
}
