import { ConfigError } from '../../errors.ts';
import type { SimContext } from '../../simulation.ts';
import type { Volume } from '../../volume/volume.ts';
import { thicknessToZ } from '../../volume/orient.ts';
import type { Axis } from '../../voxel/components.ts';
import type { GenerateParams, ZFaces } from '../../../sims/mesostructure/index.ts';
import { compareDescriptors, measureTomogram, twinParams, twinReplicates, type DescriptorReport } from './calibrate.ts';
import { DEFAULT_WEIGHTS, mismatch, type MismatchWeights } from './mismatch.ts';

/**
 * Checking a generator config against a tomogram on seeds of the caller's choosing: the question
 * a calibration's own table cannot answer, since its search and race picked the config on their
 * seeds (the TauFactor electrode's τ solid y read +4.9 % on the race's eight seeds and +6.2 % on
 * eight others; bench/README.md).
 */
export interface CheckOptions {
  /** the twins' shape (voxels; default the tomogram's); smaller: the tomogram is measured in boxes of it, as calibrate does */
  shape?: [number, number, number];
  /** number of seeds (default 2) */
  seeds?: number;
  /** first seed (default 1); pick seeds the calibration did not use */
  seed?: number;
  /** the seeds themselves, over seeds and seed: a set that skips some (a race's) */
  seedList?: readonly number[];
  /** the tomogram's axis through the electrode's thickness (default z), turned to the twins' z */
  thicknessAxis?: Axis;
  /** the twins' z faces, over the config's own */
  zFaces?: ZFaces;
  weights?: MismatchWeights;
}

export interface CheckReport {
  /** the parameters the twins were generated with (the tomogram's fractions and the twins' shape; before calendering where calendered), without seed */
  generated: GenerateParams;
  /** the twins' shape (voxels; after calendering where calendered) */
  shape: [number, number, number];
  seeds: number[];
  /** the tomogram's boxes (CalibrationReport.tomogramBoxes) */
  tomogramBoxes: { shape: [number, number, number]; count: number };
  thicknessAxis: Axis;
  /** each descriptor, real against the twins' mean ± spread and standard error (compareDescriptors) */
  descriptors: DescriptorReport[];
  /** the weighted mismatch of the twins (mismatch.ts) */
  mismatch: number;
  /** generate + properties evaluations (one per seed), the tomogram's own not counted */
  evaluations: number;
  wallSeconds: number;
}

/** Relative difference above which a config's voxel size is not the tomogram's (the file and the flag round differently). */
const VOXEL_SIZE_TOLERANCE = 1e-3;

/**
 * Generates twins of a generator config on the given seeds and compares each descriptor with the
 * tomogram's. The config's own shape and fractions are replaced by the tomogram's (a config
 * `mesolab calibrate -o` wrote is at the search's shape and, calendered, at the fractions before
 * calendering); every other parameter is the config's.
 *
 * @param real segmented tomogram (labels 0 pore, 1 AM, 2 CBD; voxelSize in m), as read.
 * @param config generator parameters (`mesolab calibrate -o`, or any `mesolab generate --config`
 *   file); its voxelSizeUm, where given, must be the tomogram's (µm).
 * @param opts twins' shape, seeds, the tomogram's thickness axis, z faces, mismatch weights.
 * @param ctx compute backend, abort signal.
 * @param field the name of the config input, for error messages.
 * @returns the twins' descriptors against the tomogram's, their mismatch, and the parameters used.
 * @example const r = await checkCalibration(tomogram, JSON.parse(await readFile('cal.json', 'utf8')), { shape: [256, 256, 256], seeds: 8, seed: 13, thicknessAxis: 'x' }, ctx);
 */
export async function checkCalibration(real: Volume, config: GenerateParams, opts: CheckOptions, ctx: SimContext, field = '--check'): Promise<CheckReport> {
  const t0 = performance.now();
  const nSeeds = opts.seeds ?? 2;
  const seed0 = opts.seed ?? 1;
  const seeds = opts.seedList ? [...opts.seedList] : Array.from({ length: nSeeds }, (_, k) => seed0 + k);
  if (seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) throw new ConfigError('seeds', opts.seedList ?? nSeeds, 'one or more seeds, integers >= 0');
  const thicknessAxis = opts.thicknessAxis ?? 'z';
  real = thicknessToZ(real, thicknessAxis);
  const voxelUm = Number((real.voxelSize * 1e6).toPrecision(4));
  if (config.voxelSizeUm !== undefined && Math.abs(config.voxelSizeUm - voxelUm) > VOXEL_SIZE_TOLERANCE * voxelUm) {
    throw new ConfigError(`${field} voxelSizeUm`, config.voxelSizeUm, `the tomogram's voxel size, ${voxelUm} µm (a config calibrated at another resolution measures other sizes and areas)`);
  }
  const shape: [number, number, number] = opts.shape ?? [real.shape[0], real.shape[1], real.shape[2]];
  const { mean: measured, spread: realSpread, boxes } = await measureTomogram(real, shape, ctx);
  const v = measured.values;
  const { seed: _seed, amFraction: _am, ...rest } = config;
  const p: GenerateParams = {
    ...rest,
    shape,
    voxelSizeUm: voxelUm,
    porosity: Number(v['fraction.pore']!.toPrecision(4)),
    cbdFraction: Number(v['fraction.cbd']!.toPrecision(4)),
    ...(opts.zFaces ? { zFaces: opts.zFaces } : {}),
  };
  // Validated by the generator, as calendered: the target's own AM fraction may be above what packs uncalendered.
  const generated = await twinParams(p, seeds[0]!, ctx);
  let evaluations = 0;
  const reps = await twinReplicates(generated, seeds, real.shape, ctx, () => {
    evaluations++;
    ctx.onProgress?.({ stage: 'check', done: evaluations, total: seeds.length, unit: 'seeds' });
  });
  return {
    generated,
    shape: [...shape],
    seeds,
    tomogramBoxes: boxes,
    thicknessAxis,
    descriptors: compareDescriptors(measured, reps, realSpread),
    mismatch: mismatch(measured, reps, opts.weights ?? DEFAULT_WEIGHTS),
    evaluations,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}
