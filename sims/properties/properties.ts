import { z } from 'zod';
import { LABEL, validateVolume, volumeFractions, type Volume } from '../../src/volume/volume.ts';
import type { Progress, SimContext, SimulationModel } from '../../src/simulation.ts';
import { throwIfAborted } from '../../src/errors.ts';
import { connectivityFractions, type ConnectivityFractions } from './connectivity.ts';
import { AXES, labelComponents, type Axis } from '../../src/voxel/components.ts';
import { interfaceAreasOf, DEFAULT_SIGMA } from './surface-area.ts';
import { sizeDistribution, type SizeStats } from './size-distribution.ts';
import { autoEngine, tortuosity, type TortuosityResult } from './tortuosity.ts';
import { paddedCells, reserveCellLists, reserveSolverFields } from './diffusion-problem.ts';
import { SolveWorkspace } from './workspace.ts';

import { CONNECTIVITY_PHASES, TRANSPORT_PHASES, type ConnectivityPhase, type TransportPhase } from './phases.ts';
import { PROPERTIES_OUTPUTS } from './outputs.ts';
export { CONNECTIVITY_PHASES, TRANSPORT_PHASES, type ConnectivityPhase, type TransportPhase } from './phases.ts';

export const PropertiesParamsSchema = z
  .object({
    axes: z
      .array(z.enum(['x', 'y', 'z']))
      .min(1)
      .default(['x', 'y', 'z'])
      .describe('axes along which transport is solved (x, y, z; z is through the thickness)'),
    phases: z
      .array(z.enum(TRANSPORT_PHASES))
      .min(1)
      .default([...TRANSPORT_PHASES])
      .describe('conducting sets for tortuosity: pore (pore only), electrolyte (pore + CBD pores), solid (AM + CBD, electronic)'),
    tol: z
      .number()
      .gt(0)
      .lt(1)
      .default(1e-4)
      .describe('convergence tolerance (dimensionless): plane-flux non-uniformity and relative change of τ between checks'),
    maxIterations: z.number().int().positive().default(100_000).describe('maximum SOR sweeps (or CG iterations for mgpcg) per solve (count)'),
    cbdPorosity: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('internal (nano)porosity of the carbon-binder domain ε_cbd (fraction)'),
    cbdIonicRelative: z
      .number()
      .min(0)
      .optional()
      .describe('D_cbd / D_bulk for ions through CBD pores (dimensionless); default Bruggeman ε_cbd^1.5'),
    amElectronicRelative: z.number().min(0).default(1).describe('electronic conductivity of AM relative to the reference (dimensionless)'),
    cbdElectronicRelative: z.number().min(0).default(1).describe('electronic conductivity of CBD relative to the reference (dimensionless)'),
    surfaceSigma: z.number().min(0).max(3).default(DEFAULT_SIGMA).describe('Gaussian pre-smoothing for marching-cubes areas (voxels)'),
    sizes: z.boolean().default(true).describe('compute pore and particle size distributions (local thickness)'),
    engine: z
      .enum(['auto', 'webgpu-pcg', 'gpujs', 'sor', 'mgpcg'])
      .default('auto')
      .describe(
        'solver: webgpu-pcg (Jacobi-preconditioned CG as WGSL on the WebGPU device), gpujs (SOR as gpu.js kernels), sor (same on typed arrays), mgpcg (multigrid-preconditioned CG, typed arrays), auto (webgpu-pcg on webgpu, gpujs on webgl2, else mgpcg)',
      ),
    omega: z.number().gt(0).lt(2).optional().describe('SOR over-relaxation factor (dimensionless); default from grid size'),
    checkEvery: z.number().int().positive().optional().describe('sweeps between convergence checks (count); default from grid size'),
    coarseGuess: z.boolean().default(false).describe('start each solve from the solution on coarsened grids instead of a linear profile'),
  })
  .strict();

export type PropertiesParams = z.output<typeof PropertiesParamsSchema>;
export type PropertiesInput = z.input<typeof PropertiesParamsSchema>;

export type TortuosityEntry = Omit<TortuosityResult, 'backend'>;

export interface PropertiesResult {
  shape: [number, number, number];
  /** Voxel edge length (m). */
  voxelSize: number;
  /** Volume fraction of every label present (pore, am, cbd, label<N>). */
  fractions: Record<string, number>;
  /**
   * Specific interface areas per unit total volume (1/m): marching cubes on each phase's smoothed
   * indicator, each surface cell's area split by the labels across it; the larger of the two
   * sides' views of each interface.
   */
  surfaceArea: { am_pore: number; am_cbd: number; cbd_pore: number };
  /** Per phase and axis: volume fractions of the phase connected to both faces, isolated, dead-end (6-neighbourhood). */
  connectivity: Record<ConnectivityPhase, Record<Axis, ConnectivityFractions>>;
  /** Per conducting set and requested axis. */
  tortuosity: Partial<Record<TransportPhase, Partial<Record<Axis, TortuosityEntry>>>>;
  /** Effective conductivities relative to the bulk (ionic: electrolyte, electronic: solid). */
  effectiveConductivity: { ionic: Partial<Record<Axis, number>>; electronic: Partial<Record<Axis, number>> };
  /** Relative conductivities used per label: ionic (electrolyte set) and electronic (solid set). */
  conductivities: { ionic: number[]; electronic: number[] };
  /** Local-thickness diameters (m), volume-weighted, of pores and of active-material particles. */
  poreSize?: SizeStats;
  particleSize?: SizeStats;
  /** Total iterations over all solves (SOR sweeps, or CG iterations for mgpcg), and the worst final flux non-uniformity. */
  iterations: number;
  residual: number;
  converged: boolean;
  backend: string;
  /** Wall time per stage, ms. */
  timings: Record<string, number>;
}

/**
 * Relative conductivity per label for each conducting set. D_cbd/D_bulk = ε_cbd^1.5 (Bruggeman) unless given.
 *
 * @param params validated properties parameters: cbdPorosity (fraction), cbdIonicRelative,
 *   amElectronicRelative, cbdElectronicRelative (dimensionless, relative to bulk).
 * @returns for each set (pore, electrolyte, solid) the conductivity of labels 0, 1, 2 relative to
 *   the set's bulk value (dimensionless).
 * @example
 * conductivitySets(PropertiesParamsSchema.parse({})).electrolyte; // [1, 0, ε_cbd^1.5]
 * @see Bruggeman, Ann. Phys. 416 (1935) 636.
 */
export function conductivitySets(params: PropertiesParams): Record<TransportPhase, number[]> {
  const cbdIonic = params.cbdIonicRelative ?? params.cbdPorosity ** 1.5;
  const set = (pore: number, am: number, cbd: number): number[] => {
    const out = [0, 0, 0];
    out[LABEL.pore] = pore;
    out[LABEL.am] = am;
    out[LABEL.cbd] = cbd;
    return out;
  };
  return {
    pore: set(1, 0, 0),
    electrolyte: set(1, 0, cbdIonic),
    solid: set(0, params.amElectronicRelative, params.cbdElectronicRelative),
  };
}

function maskOf(labels: Uint8Array, members: readonly number[], m: Uint8Array = new Uint8Array(labels.length)): Uint8Array {
  const isMember = new Uint8Array(256);
  for (const l of members) isMember[l] = 1;
  for (let i = 0; i < labels.length; i++) m[i] = isMember[labels[i]!]!;
  return m;
}

const CONNECTIVITY_MEMBERS: Record<ConnectivityPhase, number[]> = {
  pore: [LABEL.pore],
  am: [LABEL.am],
  cbd: [LABEL.cbd],
  electrolyte: [LABEL.pore, LABEL.cbd],
  solid: [LABEL.am, LABEL.cbd],
};

/**
 * Every property of a labelled volume (see PropertiesResult; SI units throughout).
 *
 * @param volume labelled volume (voxelSize in m).
 * @param params validated PropertiesParams (axes, phases, tol, engine…).
 * @param ctx compute backend, progress (the tortuosity stage reports solves done of all, with the
 *   set and axis of the current one, so the CLI can show an ETA), abort signal.
 * @param options.workspace arrays the tortuosity solves share, and the surface-area, connectivity
 *   and size stages borrow (default: a new one per call); pass one to read its byte accounting
 *   (peakBytes; its buffers are dropped at the end of the run).
 * @param options.steadyThreads keep each tortuosity solve on the threads it starts with
 *   (MgPcgOptions.steadyThreads), so that τ does not change in its last digits with the machine's load.
 * @returns the PropertiesResult.
 * @example const r = await computeProperties(volume, PropertiesParamsSchema.parse({ axes: ['z'] }), ctx);
 */
export async function computeProperties(volume: Volume, params: PropertiesParams, ctx: SimContext, options: { workspace?: SolveWorkspace; steadyThreads?: boolean } = {}): Promise<PropertiesResult> {
  validateVolume(volume);
  const { shape, voxelSize, labels } = volume;
  const timings: Record<string, number> = {};
  const stage = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    throwIfAborted(ctx.signal);
    ctx.onProgress?.({ stage: name, done: 0 });
    const t0 = performance.now();
    const out = await fn();
    timings[name] = performance.now() - t0;
    return out;
  };

  const fractions = await stage('fractions', () => volumeFractions(volume));

  const axes = AXES.filter((a) => params.axes.includes(a));
  const engine = params.engine === 'auto' ? autoEngine(ctx.compute.backend) : params.engine;
  // One workspace for the whole run. The tortuosity solves share its arrays (peak memory stays
  // that of one solve, however many there are), and the surface-area and connectivity stages
  // borrow the solver's fields, reserved at full size here, as their scratch: arrays of their own
  // would still be garbage, uncollected, when the solver's arrays pile on top of them (~20 B/voxel
  // at 128³). The other engines keep their fields on the GPU and do not use it after the borrowing.
  const workspace = options.workspace ?? new SolveWorkspace();
  reserveSolverFields(workspace, Math.max(...(axes.length > 0 ? axes : AXES).map((a) => paddedCells(shape, a))));

  const surfaceArea = await stage('surfaceArea', () => {
    const opts = { sigma: params.surfaceSigma, field: workspace.f32('L0.x', labels.length) };
    const seenFrom = [LABEL.pore, LABEL.am, LABEL.cbd].map((l) => interfaceAreasOf(labels, shape, l, opts));
    // Each interface is measured from both sides; the blur only ever erases area (films one or two
    // voxels thick vanish from their own phase's surface), so the larger view is the right one.
    const perVolume = 1 / (labels.length * voxelSize);
    const pair = (a: number, b: number): number => Math.max(seenFrom[a]![b]!, seenFrom[b]![a]!) * perVolume;
    return { am_pore: pair(LABEL.am, LABEL.pore), am_cbd: pair(LABEL.am, LABEL.cbd), cbd_pore: pair(LABEL.cbd, LABEL.pore) };
  });

  const connectivity = await stage('connectivity', () => {
    const out = {} as Record<ConnectivityPhase, Record<Axis, ConnectivityFractions>>;
    // One set of voxel-sized arrays for the five labellings, lent by the solver's fields: each
    // labelling is read off before the next (left to the collector, the five sets of ~13 B/voxel
    // piled up to the tortuosity stage).
    const mask = workspace.u8('L0.z', labels.length);
    const scratch = { padded: (n: number) => workspace.i32('L0.x', n), stack: (n: number) => workspace.i32('L0.d', n), label: (n: number) => workspace.i32('L0.r', n) };
    for (const phase of CONNECTIVITY_PHASES) {
      const comps = labelComponents(maskOf(labels, CONNECTIVITY_MEMBERS[phase], mask), shape, { scratch });
      out[phase] = { x: connectivityFractions(comps, 'x'), y: connectivityFractions(comps, 'y'), z: connectivityFractions(comps, 'z') };
    }
    return out;
  });

  if (engine !== 'mgpcg') workspace.clear();

  const sets = conductivitySets(params);
  const tortuosityOut: PropertiesResult['tortuosity'] = {};
  let iterations = 0;
  let residual = 0;
  let converged = true;
  let backend = '';
  await stage('tortuosity', async () => {
    const phases = TRANSPORT_PHASES.filter((p) => params.phases.includes(p));
    if (engine === 'mgpcg') reserveCellLists(workspace, volume, phases.map((p) => sets[p]));
    const solves = phases.length * axes.length;
    let solved = 0;
    for (const phase of phases) {
      const perAxis: Partial<Record<Axis, TortuosityEntry>> = {};
      for (const axis of axes) {
        // The share of this solve done: never reported lower than before, though the residual wobbles.
        let reached = 0;
        const r = await tortuosity(
          volume,
          sets[phase],
          axis,
          { tol: params.tol, maxIterations: params.maxIterations, engine: params.engine, omega: params.omega, checkEvery: params.checkEvery, coarseGuess: params.coarseGuess, workspace, ...(options.steadyThreads ? { steadyThreads: true } : {}) },
          { ...ctx, onProgress: (p) => ctx.onProgress?.(solveProgress(p, solved, solves, phase, axis, params.tol, (reached = Math.max(reached, solveFraction(p, params.tol))))) },
        );
        solved++;
        ctx.onProgress?.({ stage: 'tortuosity', done: solved, total: solves, unit: 'solves', info: { set: phase, axis, tau: r.tau } });
        const { backend: ranOn, ...entry } = r;
        perAxis[axis] = entry;
        iterations += r.iterations;
        residual = Math.max(residual, r.residual);
        converged &&= r.converged;
        if (r.percolating) backend = ranOn;
      }
      tortuosityOut[phase] = perAxis;
    }
  });

  const effectiveConductivity: PropertiesResult['effectiveConductivity'] = { ionic: {}, electronic: {} };
  for (const axis of axes) {
    const ionic = tortuosityOut.electrolyte?.[axis];
    const electronic = tortuosityOut.solid?.[axis];
    if (ionic) effectiveConductivity.ionic[axis] = ionic.effectiveDiffusivity;
    if (electronic) effectiveConductivity.electronic[axis] = electronic.effectiveDiffusivity;
  }

  let poreSize: SizeStats | undefined;
  let particleSize: SizeStats | undefined;
  if (params.sizes) {
    await stage('sizes', () => {
      // Local thickness works in the solver's buffers, done with by now, instead of ~35 B/voxel
      // of its own on top of them (they would not have been collected yet).
      const n = labels.length;
      const mask = workspace.u8('L0.gb', n);
      const scratch = () => ({ squared: workspace.f64('L0.x', n), radius: workspace.f64('L0.r', n), centres: workspace.u32('L0.d', n), rows: workspace.i32('L0.z', n), out: workspace.f32('L0.ga', n) });
      poreSize = sizeDistribution(maskOf(labels, [LABEL.pore], mask), shape, voxelSize, scratch());
      particleSize = sizeDistribution(maskOf(labels, [LABEL.am], mask), shape, voxelSize, scratch());
    });
  }
  // Nothing is left to borrow: the buffers go to the collector (the peak stays recorded).
  workspace.clear();

  return {
    shape: [shape[0], shape[1], shape[2]],
    voxelSize,
    fractions,
    surfaceArea,
    connectivity,
    tortuosity: tortuosityOut,
    effectiveConductivity,
    conductivities: { ionic: sets.electrolyte, electronic: sets.solid },
    ...(poreSize ? { poreSize } : {}),
    ...(particleSize ? { particleSize } : {}),
    iterations,
    residual,
    converged,
    backend: backend || ctx.compute.backend,
    timings,
  };
}

/**
 * One solve's progress as progress through all the solves of the run, so that the CLI shows one
 * count and an ETA for the whole tortuosity stage: solve k of n plus the fraction of the current
 * solve, read off its flux non-uniformity on a log scale between the first check and tol (CG's
 * residual falls roughly geometrically).
 */
function solveProgress(p: Progress, solved: number, solves: number, set: TransportPhase, axis: Axis, tol: number, fraction: number): Progress {
  const residual = typeof p.info?.residual === 'number' ? p.info.residual : NaN;
  return {
    stage: 'tortuosity',
    done: Math.round((solved + fraction) * 100) / 100,
    total: solves,
    unit: 'solves',
    info: { set, axis, ...(typeof p.info?.tau === 'number' ? { tau: p.info.tau } : {}), ...(Number.isFinite(residual) ? { residual } : {}) },
  };
}

/** How far a solve is, 0–0.99, from its flux non-uniformity on a log scale from 1 down to tol. */
function solveFraction(p: Progress, tol: number): number {
  const residual = typeof p.info?.residual === 'number' ? p.info.residual : NaN;
  return residual > 0 ? Math.min(0.99, Math.max(0, Math.log(residual) / Math.log(tol))) : 0;
}

export const propertiesModel: SimulationModel<typeof PropertiesParamsSchema, Volume, PropertiesResult> = {
  name: 'properties',
  description:
    'Transport properties of a labelled electrode volume: volume fractions, interface areas (marching cubes), connectivity, tortuosity factors and effective conductivities (finite volumes, red–black SOR), pore and particle sizes (local thickness).',
  params: PropertiesParamsSchema,
  outputs: PROPERTIES_OUTPUTS,
  run: (params, volume, context) => computeProperties(volume, params, context),
};
