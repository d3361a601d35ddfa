import { LABEL, PHASE_NAMES, type PhaseName, type Volume } from '../../src/volume/volume.ts';
import type { SimContext } from '../../src/simulation.ts';
import { AXES, type Axis } from '../../src/voxel/components.ts';
import { computeProperties, PropertiesParamsSchema, type PropertiesResult } from './properties.ts';
import { correlationLength, twoPointCorrelation } from './two-point.ts';

/**
 * The structural fingerprint of a three-phase electrode that a calibration matches: volume
 * fractions, the three interface areas, tortuosity factors of the pore space (ionic) and of the
 * solid (electronic) along each axis, pore and particle size distributions (local thickness
 * D10/D50/D90) and the two-point correlation function of each phase (its curves, and their
 * correlation lengths as scalars). Named scalars in SI units (areas 1/m, sizes and lengths m).
 */
export interface StructureDescriptors {
  /** scalar descriptors by name: fraction.pore, area.cbd_pore, tau.pore.z, poreSize.d50, s2Length.cbd … */
  values: Record<string, number>;
  /** S2(r) per phase and axis at lags 0…maxLag voxels */
  s2: Partial<Record<PhaseName, Partial<Record<Axis, number[]>>>>;
}

/** The τ sets a calibration compares (pore: ionic through the pores; solid: electronic through AM + CBD). */
export const DESCRIPTOR_TAU_SETS = ['pore', 'solid'] as const;

/** What each descriptor name is, its unit, and the phases it needs (for saying what can still be matched). */
export interface DescriptorSpec {
  name: string;
  unit: string;
  group: 'fraction' | 'area' | 'tau' | 'size' | 's2';
  phases: PhaseName[];
}

/** Every scalar descriptor, in report order. */
export const DESCRIPTOR_SPECS: readonly DescriptorSpec[] = [
  ...PHASE_NAMES.map((p) => ({ name: `fraction.${p}`, unit: '1', group: 'fraction' as const, phases: [p] })),
  { name: 'area.am_pore', unit: '1/m', group: 'area', phases: ['am', 'pore'] },
  { name: 'area.am_cbd', unit: '1/m', group: 'area', phases: ['am', 'cbd'] },
  { name: 'area.cbd_pore', unit: '1/m', group: 'area', phases: ['cbd', 'pore'] },
  ...AXES.map((a) => ({ name: `tau.pore.${a}`, unit: '1', group: 'tau' as const, phases: ['pore' as PhaseName] })),
  ...AXES.map((a) => ({ name: `tau.solid.${a}`, unit: '1', group: 'tau' as const, phases: ['am' as PhaseName] })),
  ...(['d10', 'd50', 'd90'] as const).map((q) => ({ name: `poreSize.${q}`, unit: 'm', group: 'size' as const, phases: ['pore' as PhaseName] })),
  ...(['d10', 'd50', 'd90'] as const).map((q) => ({ name: `particleSize.${q}`, unit: 'm', group: 'size' as const, phases: ['am' as PhaseName] })),
  ...PHASE_NAMES.map((p) => ({ name: `s2Length.${p}`, unit: 'm', group: 's2' as const, phases: [p] })),
];

export interface DescriptorOptions {
  /** tortuosity convergence tolerance (default 1e-3: τ to about 0.1 %, far inside seed scatter) */
  tol?: number;
  /** largest S2 lag (voxels; default half the shortest side, at most 32) */
  maxLag?: number;
}

/**
 * Measures the descriptors of a labelled volume (labels 0 pore, 1 AM, 2 CBD).
 *
 * @param volume labelled volume, voxelSize in m.
 * @param ctx compute backend, abort signal, threads (progress is not forwarded: a calibration runs hundreds of these).
 *   The τ solves keep the threads they start with: a calibration's search picks its next trial
 *   from these numbers, and must not follow τ's last digits as the machine's load moves them
 *   (two runs of one search parted after 38 trials, the likeliest cause; bench/README.md).
 * @returns named scalars (SI) and the S2 curves.
 * @example const d = await measureDescriptors(volume, ctx); d.values['area.cbd_pore'] // 1/m
 */
export async function measureDescriptors(volume: Volume, ctx: SimContext, opts: DescriptorOptions = {}): Promise<StructureDescriptors> {
  const params = PropertiesParamsSchema.parse({ phases: [...DESCRIPTOR_TAU_SETS], tol: opts.tol ?? 1e-3, engine: 'auto' });
  const p: PropertiesResult = await computeProperties(volume, params, { ...ctx, onProgress: undefined }, { steadyThreads: true });
  const values: Record<string, number> = {};
  for (const name of PHASE_NAMES) values[`fraction.${name}`] = p.fractions[name] ?? 0;
  values['area.am_pore'] = p.surfaceArea.am_pore;
  values['area.am_cbd'] = p.surfaceArea.am_cbd;
  values['area.cbd_pore'] = p.surfaceArea.cbd_pore;
  for (const set of DESCRIPTOR_TAU_SETS) for (const a of AXES) values[`tau.${set}.${a}`] = p.tortuosity[set]?.[a]?.tau ?? NaN;
  for (const q of ['d10', 'd50', 'd90'] as const) {
    values[`poreSize.${q}`] = p.poreSize?.[q] ?? NaN;
    values[`particleSize.${q}`] = p.particleSize?.[q] ?? NaN;
  }
  const [nx, ny, nz] = volume.shape;
  const maxLag = opts.maxLag ?? Math.min(32, Math.floor(Math.min(nx, ny, nz) / 2));
  const c = twoPointCorrelation(volume.labels, volume.shape, volume.voxelSize, { maxLag });
  const s2: StructureDescriptors['s2'] = {};
  for (const name of PHASE_NAMES) {
    const l = LABEL[name];
    const curves = c.s2[l];
    const phi = c.fraction[l] ?? 0;
    if (!curves) {
      values[`s2Length.${name}`] = NaN;
      continue;
    }
    s2[name] = {};
    let sum = 0;
    for (const a of AXES) {
      const curve = curves[a]!;
      s2[name][a] = Array.from(curve);
      sum += correlationLength(curve, phi);
    }
    values[`s2Length.${name}`] = (sum / AXES.length) * volume.voxelSize;
  }
  return { values, s2 };
}
