/**
 * mesolab as a library: the same simulations and surrogates the CLI runs, as typed functions on
 * plain data. Like src/cli, this module is a composition root: it alone (with the CLI) joins
 * sims/, surrogates/ and the compute backends. Units follow the project's conventions: SI in
 * results (metres, pascal, seconds), the parameter names say where another unit is taken (µm in
 * `voxelSizeUm`, `d50Um`; % in `calenderingPercent`; degrees in contact angles).
 *
 * @example
 * import { generateElectrode, computeProperties } from 'mesolab';
 * const { volume } = await generateElectrode({ shape: [48, 48, 48], voxelSizeUm: 0.5, d50Um: 4, porosity: 0.4, seed: 1 });
 * const props = await computeProperties(volume, { axes: ['z'] });
 * console.log(props.fractions.pore, props.tortuosity.pore?.z?.tau);
 */
import { ConfigError } from '../src/errors.ts';
import { getCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import type { Progress, SimContext } from '../src/simulation.ts';
import type { Volume } from '../src/volume/volume.ts';
import { parseWith } from '../src/config/validate.ts';
import { generateElectrode as generate } from '../sims/mesostructure/generate.ts';
import type { GenerateParams, GenerateResult } from '../sims/mesostructure/index.ts';
import { computeProperties as properties, PropertiesParamsSchema } from '../sims/properties/properties.ts';
import type { PropertiesInput, PropertiesResult } from '../sims/properties/properties.ts';
import { fillQuasiStatic as quasiStatic } from '../sims/filling/quasistatic/fill-quasi-static.ts';
import type { QuasiStaticResult } from '../sims/filling/quasistatic/fill-quasi-static.ts';
import type { QuasiStaticParamsInput } from '../sims/filling/quasistatic/params.ts';
import { fillLbm as lbm } from '../sims/filling/lbm/fill.ts';
import type { LbmResult } from '../sims/filling/lbm/fill.ts';
import type { LbmParamsInput } from '../sims/filling/lbm/params.ts';

export { GaussianProcess } from './gaussian-process.ts';
export type { GaussianProcessOptions, GaussianProcessKernel } from './gaussian-process.ts';
export { MesolabError, ConfigError } from '../src/errors.ts';
export { LABEL } from '../src/volume/volume.ts';
export type { Volume, Progress };
export type { GenerateParams, GenerateResult, PropertiesInput, PropertiesResult, QuasiStaticParamsInput, QuasiStaticResult, LbmParamsInput, LbmResult };

/** How a library call runs: where, how it reports progress, how it is stopped. */
export interface RunOptions {
  /** Compute backend: 'auto' (default; as `mesolab doctor` reports), 'webgpu', 'webasm' or 'cpu'. */
  backend?: 'auto' | 'webgpu' | 'webgl2' | 'webasm' | 'cpu';
  /** Seed of the context generator, for choices the parameters leave open (default 0). */
  seed?: number;
  /** Called as the computation advances (stage, done, total, unit). */
  onProgress?: (p: Progress) => void;
  /** Aborts the computation: it rejects with an AbortedError. */
  signal?: AbortSignal;
}

async function context(opts: RunOptions): Promise<SimContext> {
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw new ConfigError('seed', seed, 'an integer >= 0');
  return {
    rng: new Rng(seed),
    compute: await getCompute(opts.backend),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}

/**
 * Process parameters → a labelled 3D electrode (what `mesolab generate` does).
 *
 * @param params shape in voxels, voxelSizeUm (µm), d50Um (µm) with span or d10Um/d90Um, porosity
 *   (fraction, before calendering), cbdFraction (fraction), calenderingPercent (%), seed…; every
 *   field of `mesolab generate --config` (see sims/mesostructure/params.ts).
 * @param opts backend, progress callback, abort signal.
 * @returns `volume` ({ shape, voxelSize in m, labels: 0 pore, 1 AM, 2 CBD }), the particles and a summary.
 * @example
 * const { volume, summary } = await generateElectrode({ shape: [48, 48, 48], voxelSizeUm: 0.5, d50Um: 4, porosity: 0.4, seed: 7 });
 */
export async function generateElectrode(params: GenerateParams = {}, opts: RunOptions = {}): Promise<GenerateResult> {
  return generate(params, await context(opts));
}

/**
 * Transport properties of a labelled volume (what `mesolab properties` does): volume fractions,
 * interface areas (1/m), connectivity, tortuosity factors and effective diffusivities per
 * conducting set and axis, pore and particle sizes (m).
 *
 * @param volume a labelled volume: { shape: [nx, ny, nz], voxelSize (m), labels (Uint8Array, x fastest) }.
 * @param params axes (default x, y, z), phases (pore, electrolyte, solid), tol, engine, sizes…
 * @param opts backend, progress callback (stage, solve k of n, ETA info), abort signal.
 * @returns the PropertiesResult (SI throughout: voxelSize in m, sizes in m, areas in 1/m).
 * @example
 * const r = await computeProperties(volume, { axes: ['z'], phases: ['pore'] });
 * r.tortuosity.pore?.z?.tau; // e.g. 1.8
 */
export async function computeProperties(volume: Volume, params: PropertiesInput = {}, opts: RunOptions = {}): Promise<PropertiesResult> {
  return properties(volume, parseWith(PropertiesParamsSchema, params, 'params'), await context(opts));
}

/**
 * Quasi-static (capillary-pressure) electrolyte filling by pore morphology (what
 * `mesolab fill --model quasi-static` does).
 *
 * @param volume a labelled volume (voxelSize in m).
 * @param params mode (imbibition | drainage), inlet face (default z-), outlet (a face, opposite —
 *   the default — or none), contactAngle per solid (degrees; default am 25, cbd 50, an angle left
 *   out takes its default), surfaceTension (N/m), cbdWetted…
 * @param opts backend, progress callback, abort signal.
 * @returns fill pressure per voxel (Pa), final phase per voxel, the Pc–saturation curve, final
 *   saturation and trapped gas.
 * @example
 * const qs = await fillQuasiStatic(volume, { contactAngle: { am: 25, cbd: 50 } });
 * qs.saturation; // electrolyte-filled share of the pore space, e.g. 0.93
 */
export async function fillQuasiStatic(volume: Volume, params: QuasiStaticParamsInput = {}, opts: RunOptions = {}): Promise<QuasiStaticResult> {
  return quasiStatic(volume, params, await context(opts));
}

/**
 * Dynamic electrolyte filling by Shan–Chen lattice Boltzmann (what `mesolab fill --model lbm` does).
 *
 * @param volume a labelled volume (voxelSize in m).
 * @param params steps (count), inlet face (default z-), outlet (opposite or none), lateral boundary,
 *   contactAngle per solid (degrees; default am 25, cbd 50; a given map names every solid present),
 *   viscosity (Pa·s), timeLimitS (s), engine…
 * @param opts backend, progress callback, abort signal.
 * @returns saturation against physical time (s), t50/t90/t95 (s), arrival time per voxel (s),
 *   trapped gas, limits, and why the run stopped.
 * @example
 * const run = await fillLbm(volume, { steps: 2000, contactAngle: { am: 30, cbd: 60 } });
 * run.saturation; run.t90; // share of the pore space filled, seconds to 90 %
 */
export async function fillLbm(volume: Volume, params: LbmParamsInput = {}, opts: RunOptions = {}): Promise<LbmResult> {
  return lbm(volume, params, await context(opts));
}
