import { Rng } from '../../src/random/rng.ts';
import { ImpossibleRequestError, throwIfAborted } from '../../src/errors.ts';
import type { SimContext } from '../../src/simulation.ts';
import { LABEL } from '../../src/volume/volume.ts';
import type { Volume } from '../../src/volume/volume.ts';
import { resolveParams } from './params.ts';
import type { GenerateParams, ResolvedParams } from './params.ts';
import { addParticles, drawRadii, growAndRelax, overlapStats, relax, removeParticles, sphereVolume } from './packing.ts';
import type { Box, SpherePacking } from './packing.ts';
import { calender } from './calender.ts';
import { voxelize } from './voxelize.ts';
import { placeCbd } from './cbd.ts';
import { placeCbdWeb } from './cbd-web.ts';

/** A placed particle, in metres. A sphere of radius r before calendering; rxy, rz its semi-axes as placed. */
export interface Particle {
  x: number;
  y: number;
  z: number;
  r: number;
  rxy: number;
  rz: number;
  /** 0, or 1 for the second population of a bimodal PSD */
  population: number;
}

/** What a generation achieved; plain JSON. Fractions are of the final (calendered) volume. */
export interface GenerateSummary {
  fractions: { pore: number; am: number; cbd: number };
  /** pore (label 0) fraction */
  porosity: number;
  /** pore fraction plus the CBD's internal porosity: porosity + cbd · cbdPorosity */
  totalPorosity: number;
  cbdPorosity: number;
  /** particles reaching into the volume (with 'cut' faces, those packed beyond them are not counted) */
  particles: number;
  shape: [number, number, number];
  voxelSizeUm: number;
  thicknessUm: number;
  /** thickness reduction realised on the voxel grid (%), 100·(1 − nz'/nz) */
  calenderingPercent: number;
  arealLoadingMgCm2: number;
  /** overlap depth / smaller radius over touching pairs of the uncalendered packing: of the packing cores, so the merging that particleOverlap asks for is not counted */
  meanOverlap: number;
  maxOverlap: number;
  overlappingPairs: number;
  /** AM voxels after calendering / before: below 1 where flattened particles overlap */
  amVolumeRetained: number;
  targets: { amFraction: number; cbdFraction: number; porosity: number };
  /** number-weighted lognormal actually sampled, per population */
  psd: { numberMedianDiameterUm: number; sigmaLog: number; volumeShare: number }[];
  seed: number;
  backend: string;
  kernelRanOn: string;
  /** voxels within float32 rounding of a surface, settled in float64 on the CPU */
  bandedVoxels: number;
  packingRounds: number;
  timings: { packingMs: number; voxelizationMs: number; cbdMs: number; totalMs: number };
}

export interface GenerateResult {
  volume: Volume;
  particles: Particle[];
  summary: GenerateSummary;
}

/** Voxelized AM fraction must land this close to the target before calendering. */
export const AM_TOLERANCE = 0.003;
/** Largest overlap / radius the packing may keep; beyond it the target is not reachable by packing. */
export const GROSS_OVERLAP = 0.05;
const MAX_ROUNDS = 8;

/**
 * Process parameters → labelled electrode: dense random sphere packing by growth and overlap
 * removal (a share `particleAggregation` of the particles placed against another, of those a share
 * `particleCompactness` where they touch the most, cores of
 * r/(1 + particleOverlap) kept apart so that neighbours merge at necks when voxelized at r),
 * corrected until the voxelized AM fraction meets the target (with zFaces 'cut' the packing runs a
 * particle diameter beyond each z face and only the box between them is voxelized and counted, so
 * the AM is as dense at the faces as inside, as in a tomogram crop); then calendering (affine
 * compression in z, volume-preserving flattening); then CBD in the pore space by neck score
 * (bridge), distance to AM (film) or neck score minus a correlated random field (web, cbd-web.ts)
 * until its volume is met to the voxel.
 *
 * @param params process parameters (GenerateParamsSchema: shape in voxels, voxel size and d50 in
 *   µm, porosity/CBD fraction as volume fractions, calendering in % of thickness, seed)
 * @param ctx the run's context: seeded Rng, gpu.js compute backend, optional progress and abort
 * @returns the labelled volume (0 pore, 1 AM, 2 CBD; voxel size in m), the placed particles (m) and
 *   a summary (realised fractions, thickness, areal loading, overlaps)
 * @example
 *   const { volume, summary } = await generateElectrode({ shape: [64, 64, 64], voxelSizeUm: 0.5, d50Um: 4, porosity: 0.4, seed: 1 }, { rng: new Rng(1), compute });
 */
export async function generateElectrode(params: GenerateParams, ctx: SimContext): Promise<GenerateResult> {
  const rp = resolveParams(params);
  const tStart = performance.now();
  // Without a seed parameter, one is drawn from the context generator and reported, so the
  // summary's seed always reproduces the volume.
  const seed = rp.seed ?? ctx.rng.nextUint32();
  const rng = new Rng(seed);
  const rngDraw = rng.fork();
  const rngPlace = rng.fork();
  const rngFix = rng.fork();
  // Forked after the others, so the packing streams (and bridge/film volumes) are unchanged.
  const rngCbd = rng.fork();
  const [nx, ny, nz] = rp.shape;
  // 'cut' faces: the packing runs zMargin voxels beyond each z face, so particles that cross a face
  // sit in packing as dense as the bulk; only the box between the faces is voxelized and counted.
  const margin = rp.zMargin;
  const box: Box = { nx, ny, nz: nz + 2 * margin };
  const n = nx * ny * nz;
  const nPacked = nx * ny * box.nz;
  const progress = ctx.onProgress ?? (() => {});
  // Merged particles: the packing keeps cores of radius r/grow apart, and every particle is
  // voxelized at its drawn radius r, so touching cores overlap by particleOverlap of a radius.
  const grow = 1 + rp.particleOverlap;
  const drawCores = (volume: number): { r: number[]; pop: number[] } => {
    const d = drawRadii(rngDraw, rp.populations, volume * grow ** 3);
    return grow === 1 ? d : { r: d.r.map((r) => r / grow), pop: d.pop };
  };
  let voxMs = 0;
  let bandedVoxels = 0;
  let kernelRanOn = '';
  const timedVoxelize = async (packing: SpherePacking, s: number, shape: [number, number, number]): Promise<Uint8Array> => {
    throwIfAborted(ctx.signal);
    const t = performance.now();
    const v = await voxelize(calender(packing, s, grow, margin), shape, ctx.compute);
    voxMs += performance.now() - t;
    bandedVoxels += v.banded;
    kernelRanOn = v.ranOn;
    return v.solid;
  };

  // Packing: draw the solid volume the target needs (allowing for the parts cut off at the faces).
  const t0 = performance.now();
  const meanR = rp.populations.reduce((s, p) => s + (p.volumeShare * p.medianD) / 2, 0);
  const packing: SpherePacking = { x: [], y: [], z: [], r: [], pop: [] };
  const placement = { aggregation: rp.particleAggregation, compactness: rp.particleCompactness, dispersion: rp.particleDispersion };
  const first = drawCores((rp.amFraction * nPacked * (1 + (3 * meanR) / (8 * box.nz))) / grow ** 3);
  const order = first.r.map((_, i) => i).sort((a, b) => first.r[b]! - first.r[a]! || a - b);
  const sphereFraction = first.r.reduce((s, r) => s + sphereVolume(r), 0) / nPacked;
  const startScale = Math.min(1, Math.cbrt(0.25 / sphereFraction));
  addParticles(packing, order.map((i) => first.r[i]!), order.map((i) => first.pop[i]!), box, rngPlace, { scale: startScale, ...placement });
  growAndRelax(packing, box, {
    startScale,
    steps: 12,
    sweepsPerStep: 25,
    finalSweeps: 400,
    tolerance: 0.01,
    signal: ctx.signal,
    onStep: (done, total) => progress({ stage: 'packing', done, total, unit: 'growth steps' }),
  });
  let packMs = performance.now() - t0 - voxMs;

  // Correction: add or remove particles until the voxelized AM fraction meets the target.
  let solid = await timedVoxelize(packing, 1, [nx, ny, nz]);
  let amCount = countOnes(solid);
  let rounds = 1;
  while (Math.abs(amCount / n - rp.amFraction) > AM_TOLERANCE && rounds < MAX_ROUNDS) {
    const t = performance.now();
    const sphereVol = packing.r.reduce((s, r) => s + sphereVolume(r), 0);
    // Voxels gained per unit of core volume (overlap and face cuts lower it, grown particles raise it).
    const voxelsPerSphereVolume = amCount > 0 && sphereVol > 0 ? amCount / sphereVol : 1;
    const missing = ((rp.amFraction - amCount / n) * n) / voxelsPerSphereVolume;
    if (missing > 0) {
      const extra = drawCores(missing);
      addParticles(packing, extra.r, extra.pop, box, rngFix, placement);
    } else {
      const candidates = rngFix.shuffle(packing.r.map((_, i) => i));
      const drop: number[] = [];
      const goal = -missing;
      let removed = 0;
      // A random prefix, not a size-filtered pick, so removal leaves the size distribution unbiased;
      // it stops before a particle that would overshoot more than it helps.
      for (const i of candidates) {
        const v = sphereVolume(packing.r[i]!);
        if (removed + v / 2 >= goal) break;
        drop.push(i);
        removed += v;
      }
      removeParticles(packing, drop);
    }
    relax(packing, box, { tolerance: 0.01, maxSweeps: 400, signal: ctx.signal });
    packMs += performance.now() - t;
    solid = await timedVoxelize(packing, 1, [nx, ny, nz]);
    amCount = countOnes(solid);
    rounds++;
    progress({ stage: 'packing', done: rounds, unit: 'correction rounds', info: { amFraction: amCount / n } });
  }
  const overlap = overlapStats(packing, box);
  const reached = amCount / n;
  if (Math.abs(reached - rp.amFraction) > AM_TOLERANCE || overlap.max > GROSS_OVERLAP) {
    throw new ImpossibleRequestError(
      rp.input.amFraction !== undefined ? 'amFraction' : 'porosity',
      rp.input.amFraction ?? rp.input.porosity ?? 1 - rp.amFraction - rp.cbdFraction,
      `a target the sphere packing reaches (AM fraction within ${AM_TOLERANCE}, overlap below ${GROSS_OVERLAP} of a radius)`,
      `reached AM fraction ${reached.toFixed(4)} for target ${rp.amFraction.toFixed(4)}, max overlap ${overlap.max.toFixed(3)} after ${rounds} rounds`,
    );
  }

  // Calendering.
  const nzc = rp.nzCalendered;
  const finalShape: [number, number, number] = [nx, ny, nzc];
  const beforeAm = amCount;
  if (rp.calenderScale < 1) {
    progress({ stage: 'calendering', done: 0, total: 1 });
    solid = await timedVoxelize(packing, rp.calenderScale, finalShape);
    amCount = countOnes(solid);
  }
  const particles = toParticles(packing, rp, grow);

  // CBD, its volume conserved through calendering.
  const t2 = performance.now();
  progress({ stage: 'cbd', done: 0, total: 1 });
  const nFinal = nx * ny * nzc;
  const labels = solid; // 1 = AM already, 0 = pore
  const cbdTarget = Math.round(rp.cbdFraction * n);
  const pores = nFinal - amCount;
  if (cbdTarget > pores) {
    throw new ImpossibleRequestError(
      'cbdFraction',
      rp.cbdFraction,
      'a CBD volume that fits in the pore space left by the packing',
      `${cbdTarget} CBD voxels asked for, ${pores} pore voxels left`,
    );
  }
  const placed = calender(packing, rp.calenderScale, grow, margin);
  const morphology = rp.cbdMorphology;
  const cbdCount =
    morphology === 'web'
      ? placeCbdWeb(labels, placed, finalShape, cbdTarget, rp.cbdWeb ?? { domain: 2, reach: 0 }, rngCbd, ctx.signal)
      : placeCbd(labels, placed, finalShape, morphology, cbdTarget, ctx.signal);
  const cbdMs = performance.now() - t2;
  progress({ stage: 'cbd', done: 1, total: 1 });

  const am = amCount / nFinal;
  const cbd = cbdCount / nFinal;
  const pore = 1 - am - cbd;
  const vsUm = rp.input.voxelSizeUm;
  const thicknessM = nzc * rp.voxelSize;
  return {
    volume: { shape: finalShape, voxelSize: rp.voxelSize, labels },
    particles,
    summary: {
      fractions: { pore, am, cbd },
      porosity: pore,
      totalPorosity: pore + cbd * rp.cbdPorosity,
      cbdPorosity: rp.cbdPorosity,
      particles: particles.length,
      shape: finalShape,
      voxelSizeUm: vsUm,
      thicknessUm: nzc * vsUm,
      calenderingPercent: 100 * (1 - rp.calenderScale),
      // kg/m² → mg/cm²: × 1e6 mg/kg / 1e4 cm²/m²
      arealLoadingMgCm2: am * thicknessM * rp.amDensity * 100,
      meanOverlap: overlap.mean,
      maxOverlap: overlap.max,
      overlappingPairs: overlap.pairs,
      amVolumeRetained: amCount / beforeAm,
      targets: { amFraction: rp.amFraction, cbdFraction: rp.cbdFraction, porosity: 1 - rp.amFraction - rp.cbdFraction },
      psd: rp.populations.map((p) => ({ numberMedianDiameterUm: p.medianD * vsUm, sigmaLog: p.sigmaLog, volumeShare: p.volumeShare })),
      seed,
      backend: ctx.compute.backend,
      kernelRanOn,
      bandedVoxels,
      packingRounds: rounds,
      timings: { packingMs: packMs, voxelizationMs: voxMs, cbdMs, totalMs: performance.now() - tStart },
    },
  };
}

function countOnes(a: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) c += a[i] === LABEL.am ? 1 : 0;
  return c;
}

/** The particles that reach into the final volume, in metres with z from its lower face (those packed beyond 'cut' faces only shape it). */
function toParticles(p: SpherePacking, rp: ResolvedParams, grow: number): Particle[] {
  const vs = rp.voxelSize;
  const s = rp.calenderScale;
  const out: Particle[] = [];
  p.r.forEach((r, i) => {
    const z = (p.z[i]! - rp.zMargin) * s;
    const rz = r * grow * s;
    if (z + rz <= 0 || z - rz >= rp.nzCalendered) return;
    out.push({
      x: p.x[i]! * vs,
      y: p.y[i]! * vs,
      z: z * vs,
      r: r * grow * vs,
      rxy: (s === 1 ? r * grow : (r * grow) / Math.sqrt(s)) * vs,
      rz: rz * vs,
      population: p.pop[i]!,
    });
  });
  return out;
}
