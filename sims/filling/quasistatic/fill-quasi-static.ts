import { LABEL, assertAllocatable, validateVolume, type Volume } from '../../../src/volume/volume.ts';
import type { SimContext, SimulationModel } from '../../../src/simulation.ts';
import { QUASI_STATIC_FIELDS, QUASI_STATIC_OUTPUTS } from './outputs.ts';
import { ConfigError, ImpossibleRequestError, throwIfAborted } from '../../../src/errors.ts';
import { parseWith } from '../../../src/config/parse.ts';
import { faceMask } from '../common/faces.ts';
import { invade, VOXEL_STATE } from '../common/invasion.ts';
import { angleOfLabel, resolveOutlet, type Outlet } from '../common/wetting.ts';
import { componentSizes } from '../../../src/voxel/components.ts';
import { QuasiStaticParamsSchema, type QuasiStaticParams, type QuasiStaticParamsInput } from './params.ts';
import { wettingGeometry } from './wetting-geometry.ts';
import { connectedEntryPressure } from './connected-entry.ts';
import { sphereCover, ballRadiusSq, type CoverPath } from './sphere-cover.ts';

/** Final phase codes in `QuasiStaticResult.phase`. */
export const PHASE = { solid: 0, electrolyte: 1, trappedGas: 2, unreachedGas: 3 } as const;

export interface PcPoint {
  /** Capillary pressure, Pa (imbibition: gas minus liquid pressure; drainage: applied liquid overpressure). */
  pc: number;
  /** Fraction of the pore space holding electrolyte after this level. */
  saturation: number;
}

export interface TrappedClusters {
  count: number;
  /** Sizes of the trapped gas clusters in voxels, largest first. */
  sizesVoxels: number[];
  largestVoxels: number;
  /** Sizes in m³ (voxel count × voxelSize³), largest first. */
  volumesM3: number[];
}

export interface QuasiStaticSummary {
  model: 'quasi-static';
  mode: QuasiStaticParams['mode'];
  /** Electrolyte-filled fraction of the pore space at the end. */
  saturation: number;
  /** Trapped gas / pore volume. */
  trappedFraction: number;
  trappedClusters: TrappedClusters;
  /** Gas neither displaced nor trapped (too large or small for the final pressure, cut off from the inlet, closed porosity) / pore volume. */
  unreachedFraction: number;
  /** Integer bookkeeping: filled + trapped + unreached = pore, exactly. */
  voxelCounts: { pore: number; filled: number; trapped: number; unreached: number };
  pcCurve: PcPoint[];
  /** Capillary pressure (Pa) at which the electrolyte first reaches the far face; null if it never does. */
  breakthroughPc: number | null;
  parameters: Record<string, unknown>;
  /** Backend of the compute context, and what ran the sphere cover. */
  backend: string;
  coverRanOn: string;
  /** connectivity: entry pressures per ball centre, and in drainage the minimax flood from the inlet. */
  timingsMs: { distanceTransform: number; connectivity: number; sphereCover: number; invasion: number; total: number };
}

export interface QuasiStaticResult extends QuasiStaticSummary {
  /** Pa at which each voxel filled: NaN on solid, +Infinity where it never filled. */
  fillPressure: Float32Array;
  /** Final phase per voxel: 0 solid, 1 electrolyte, 2 trapped gas, 3 unreached gas. */
  phase: Uint8Array;
}

export interface QuasiStaticOptions {
  /** Force the sphere-cover path (tests compare them); default: see defaultCoverPath. */
  coverPath?: CoverPath;
}

/**
 * Quasi-static electrolyte filling by pore morphology (Hilpert & Miller 2001; PoreSpy
 * drainage/imbibition; GeoDict SatuDict). Young–Laplace with the exact EDT: Pc = 2σ cos θ / r.
 *  - imbibition: a voxel holds electrolyte once Pc falls below the lowest entry pressure
 *    2σ cos θ_c / EDT(c) of the balls that hold it (its local thickness, in pascal); Pc falls from
 *    the highest entry pressure down to 0⁺, so pores whose balls feel θ ≥ 90° never fill on their
 *    own (no spontaneous imbibition);
 *  - drainage: electrolyte with θ ≥ 90° on every solid is pushed in; ball centres are reached at the
 *    minimax entry pressure of a path from the inlet, and a voxel fills at the lowest pressure of
 *    the reached balls that hold it;
 *  - both: inlet connectivity through the invader and permanent trapping of gas cut off from the
 *    outlet (see sims/filling/common/invasion.ts).
 *
 * @param volume labelled volume ({ shape, voxelSize in m, labels: 0 pore, 1 AM, 2 CBD, …}).
 * @param params mode (imbibition | drainage), inlet face (default z-), outlet (a face, `opposite`
 *   or `none`), contactAngle per solid (degrees), surfaceTension (N/m), pressureSteps (count),
 *   cbdWetted; validated by QuasiStaticParamsSchema.
 * @param ctx compute backend, generator, progress callback and abort signal.
 * @param options coverPath: force the sphere-cover path (tests compare the two).
 * @returns fillPressure per voxel (Pa; Infinity never filled), phase per voxel (0 solid,
 *   1 electrolyte, 2 trapped gas, 3 unreached gas), the Pc–saturation curve (Pa, fraction), final
 *   saturation and trapped-gas fraction and clusters.
 * @example
 * const r = await fillQuasiStatic(volume, { contactAngle: { am: 25, cbd: 50 } }, ctx);
 * r.saturation; // share of the pore space holding electrolyte, e.g. 0.93
 * @see Hilpert & Miller, Adv. Water Resour. 24 (2001) 243; PoreSpy's `drainage`/`imbibition`.
 */
export async function fillQuasiStatic(
  volume: Volume,
  params: QuasiStaticParamsInput,
  ctx: SimContext,
  options: QuasiStaticOptions = {},
): Promise<QuasiStaticResult> {
  const t0 = performance.now();
  validateVolume(volume);
  const p = parseWith(QuasiStaticParamsSchema, params, 'params');
  const { shape, labels, voxelSize } = volume;
  const n = labels.length;
  // The largest single array is the float64 squared distance; the whole working set is about
  // 70 bytes per voxel (1.2 GB at 256³).
  assertAllocatable(shape, 8, 'squared-distance field');

  if (p.mode === 'drainage' && p.cbdWetted) {
    throw new ConfigError('cbdWetted', true, 'false in drainage mode', 'a CBD soaked with electrolyte makes the electrolyte wetting; use imbibition');
  }
  const angles = anglesPresent(labels, p);
  if (p.mode === 'drainage') checkDrainageAngles(angles);
  const outlet = resolveOutlet(p.inlet, p.outlet);
  if (outlet === p.inlet) throw new ConfigError('outlet', p.outlet, `a face other than the inlet (${p.inlet}) or none`);

  const pore = new Uint8Array(n);
  let poreCount = 0;
  for (let i = 0; i < n; i++) if (labels[i] === LABEL.pore) (pore[i] = 1), poreCount++;

  ctx.onProgress?.({ stage: 'distance transform', done: 0, total: 1 });
  const tEdt = performance.now();
  const geometry = wettingGeometry(labels, volume.shape, angles);
  const edtMs = performance.now() - tEdt;
  throwIfAborted(ctx.signal);

  // k = 2σ cos θ / h: pressure (Pa) times radius (voxels).
  const twoSigmaOverH = (2 * p.surfaceTension) / voxelSize;
  const [nx, ny, nz] = shape;
  const wholeBox = nx * nx + ny * ny + nz * nz + 1;
  const radiusSq = new Float32Array(n);
  const centrePressure = new Float32Array(n);
  const tConn = performance.now();
  if (p.mode === 'imbibition') {
    for (let i = 0; i < n; i++) {
      if (!pore[i]) continue;
      const d2 = geometry.dist2[i]!;
      radiusSq[i] = d2 === Infinity ? wholeBox : d2;
      centrePressure[i] = d2 === Infinity ? 0 : (twoSigmaOverH * geometry.cosTheta[i]!) / Math.sqrt(d2);
    }
  } else {
    const entry = new Float64Array(n).fill(Infinity);
    for (let i = 0; i < n; i++) {
      if (!pore[i]) continue;
      const d2 = geometry.dist2[i]!;
      entry[i] = d2 === Infinity ? 0 : (-twoSigmaOverH * geometry.cosTheta[i]!) / Math.sqrt(d2);
    }
    // Round entry pressures to float32 first, so the levels (float32) and the flood agree exactly.
    for (let i = 0; i < n; i++) if (entry[i]! < Infinity) entry[i] = Math.fround(entry[i]!);
    const connected = connectedEntryPressure(entry, pore, faceMask(shape, p.inlet), shape);
    for (let i = 0; i < n; i++) {
      const pc = connected[i]!;
      if (!pore[i] || pc === Infinity) continue;
      const d2 = geometry.dist2[i]!;
      const k = -twoSigmaOverH * geometry.cosTheta[i]!;
      // The ball that enters at pressure pc has radius k / pc ≤ EDT; with k = 0 (θ = 90°) any ball fits at 0⁺.
      const r2 = k === 0 || pc === 0 ? d2 : Math.min(ballRadiusSq(k / pc), d2);
      radiusSq[i] = r2 === Infinity ? wholeBox : r2;
      centrePressure[i] = pc;
    }
  }
  const connMs = performance.now() - tConn;
  throwIfAborted(ctx.signal);

  ctx.onProgress?.({ stage: 'sphere cover', done: 0, total: 1 });
  const tCover = performance.now();
  const { cover, ranOn } = await sphereCover(radiusSq, centrePressure, shape, ctx.compute, options.coverPath);
  const coverMs = performance.now() - tCover;
  throwIfAborted(ctx.signal);

  // Order key: open at level L when key ≤ L. Imbibition walks Pc downwards (key = −Pc) and only
  // over Pc > 0: a threshold ≤ 0 needs forced imbibition, which this model does not apply.
  const key = new Float32Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    if (!pore[i]) continue;
    const t = cover[i]!;
    if (p.mode === 'imbibition') key[i] = t > 0 && t < Infinity ? -t : Infinity;
    else key[i] = t;
  }
  const levelPressures = chooseLevels(key, pore, p.mode, p.pressureSteps);
  const levels = Float64Array.from(levelPressures, (pc) => (p.mode === 'imbibition' ? -pc : pc));

  const tInv = performance.now();
  const inv = invade({
    shape,
    pore,
    key,
    levels,
    inlet: p.inlet,
    outlet,
    conduit: p.cbdWetted ? labelMask(labels, LABEL.cbd) : undefined,
    signal: ctx.signal,
    onLevel: (l, reached) =>
      ctx.onProgress?.({ stage: 'invasion', done: l + 1, total: levels.length, unit: 'levels', info: { pc: levelPressures[l]!, reachedBeforeTrapping: poreCount ? reached / poreCount : 0 } }),
  });
  const invMs = performance.now() - tInv;

  const fillPressure = new Float32Array(n);
  const phase = new Uint8Array(n);
  let filled = 0;
  let trapped = 0;
  let unreached = 0;
  const trappedMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = inv.state[i]!;
    if (!pore[i]) {
      fillPressure[i] = NaN;
      continue;
    }
    if (s === VOXEL_STATE.filled) {
      phase[i] = PHASE.electrolyte;
      fillPressure[i] = levelPressures[inv.fillLevel[i]!]!;
      filled++;
    } else if (s === VOXEL_STATE.trapped) {
      phase[i] = PHASE.trappedGas;
      fillPressure[i] = Infinity;
      trappedMask[i] = 1;
      trapped++;
    } else {
      phase[i] = PHASE.unreachedGas;
      fillPressure[i] = Infinity;
      unreached++;
    }
  }
  const sizes = componentSizes(trappedMask, shape);
  const voxelVolume = voxelSize ** 3;
  const frac = (c: number): number => (poreCount ? c / poreCount : 0);
  const pcCurve = levelPressures.map((pc, l) => ({ pc, saturation: frac(inv.filledAfter[l]!) }));

  return {
    model: 'quasi-static',
    mode: p.mode,
    saturation: frac(filled),
    trappedFraction: frac(trapped),
    trappedClusters: { count: sizes.length, sizesVoxels: sizes, largestVoxels: sizes[0] ?? 0, volumesM3: sizes.map((s) => s * voxelVolume) },
    unreachedFraction: frac(unreached),
    voxelCounts: { pore: poreCount, filled, trapped, unreached },
    pcCurve,
    breakthroughPc: inv.breakthroughLevel >= 0 ? levelPressures[inv.breakthroughLevel]! : null,
    parameters: describeParameters(p, outlet, volume, angles, levelPressures.length),
    backend: ctx.compute.backend,
    coverRanOn: ranOn,
    timingsMs: { distanceTransform: edtMs, connectivity: connMs, sphereCover: coverMs, invasion: invMs, total: performance.now() - t0 },
    fillPressure,
    phase,
  };
}

/** Contact angle (degrees) per solid label present in the volume. */
function anglesPresent(labels: Uint8Array, p: QuasiStaticParams): Map<number, number> {
  const present = new Uint8Array(256);
  for (let i = 0; i < labels.length; i++) present[labels[i]!] = 1;
  const out = new Map<number, number>();
  for (let l = 1; l < 256; l++) {
    if (!present[l]) continue;
    out.set(l, l === LABEL.cbd && p.cbdWetted ? 0 : angleOfLabel(p.contactAngle, l, 'default'));
  }
  return out;
}

function checkDrainageAngles(angles: ReadonlyMap<number, number>): void {
  for (const [label, deg] of angles) {
    if (deg < 90) {
      const name = label === LABEL.am ? 'am' : label === LABEL.cbd ? 'cbd' : 'other';
      throw new ImpossibleRequestError(
        `contactAngle.${name}`,
        deg,
        'an angle ≥ 90° in drainage mode',
        `drainage pushes in a non-wetting electrolyte; at ${deg}° it wets ${name === 'other' ? `label ${label}` : name} and enters by itself: use mode imbibition`,
      );
    }
  }
}

function labelMask(labels: Uint8Array, label: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) out[i] = 1;
  return out;
}

/**
 * Pressure levels in invasion order (imbibition: decreasing, drainage: increasing). Every distinct
 * threshold when there are at most `steps`; otherwise `steps` levels spaced geometrically (linearly
 * when the range starts at 0), the last one the extreme threshold so every open voxel gets a level.
 */
export function chooseLevels(key: Float32Array, pore: Uint8Array, mode: QuasiStaticParams['mode'], steps: number): number[] {
  const values = new Set<number>();
  let lo = Infinity;
  let hi = -Infinity;
  let tooMany = false;
  for (let i = 0; i < key.length; i++) {
    const k = key[i]!;
    if (!pore[i] || !(k < Infinity)) continue;
    const pc = mode === 'imbibition' ? -k : k;
    lo = Math.min(lo, pc);
    hi = Math.max(hi, pc);
    if (!tooMany) {
      values.add(pc);
      if (values.size > steps) tooMany = true;
    }
  }
  let pcs: number[];
  if (!tooMany) pcs = [...values];
  else {
    pcs = [];
    for (let j = 0; j < steps; j++) {
      const t = j / (steps - 1);
      pcs.push(lo > 0 ? lo * (hi / lo) ** t : lo + (hi - lo) * t);
    }
    pcs[0] = lo;
    pcs[steps - 1] = hi;
    // Level keys are compared with float32 keys; round so the extremes match exactly.
    pcs = pcs.map((v) => Math.fround(v));
  }
  pcs.sort((a, b) => (mode === 'imbibition' ? b - a : a - b));
  return pcs;
}

function describeParameters(p: QuasiStaticParams, outlet: Outlet, volume: Volume, angles: ReadonlyMap<number, number>, levelCount: number): Record<string, unknown> {
  const perLabel: Record<string, number> = {};
  for (const [label, deg] of angles) perLabel[label === LABEL.am ? 'am' : label === LABEL.cbd ? 'cbd' : `label${label}`] = deg;
  return {
    surfaceTension: { value: p.surfaceTension, unit: 'N/m' },
    contactAngle: { value: perLabel, unit: 'degree', note: 'per solid label present; a ball feels the angle of the solid nearest its centre' },
    cbdWetted: p.cbdWetted,
    mode: p.mode,
    inlet: p.inlet,
    outlet,
    pressureSteps: p.pressureSteps,
    levels: levelCount,
    voxelSize: { value: volume.voxelSize, unit: 'm' },
    shape: [...volume.shape],
    youngLaplace: 'Pc = 2σ cos θ / r, r = exact Euclidean distance to the nearest solid voxel centre × voxelSize',
    phaseCodes: { 0: 'solid', 1: 'electrolyte', 2: 'trapped gas', 3: 'unreached gas' },
  };
}

export const quasiStaticModel: SimulationModel<typeof QuasiStaticParamsSchema, Volume, QuasiStaticResult> = {
  name: 'quasi-static',
  description: 'pore-morphology electrolyte filling (imbibition or drainage) with per-label contact angles, inlet connectivity and gas trapping',
  params: QuasiStaticParamsSchema,
  outputs: QUASI_STATIC_OUTPUTS,
  fields: QUASI_STATIC_FIELDS,
  run: (params, volume, context) => fillQuasiStatic(volume, params, context),
};
