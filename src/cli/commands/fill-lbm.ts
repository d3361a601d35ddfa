import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILL_COMMON_OPTIONS, readFillInputs, reportFill } from '../sim-options.ts';
import { nonNegativeInteger, positiveNumber } from '../option-values.ts';
import { ConfigError } from '../../errors.ts';
import { simulationProgress } from '../sim-progress.ts';
import { Rng } from '../../random/rng.ts';
import { writeField } from '../../volume/io.ts';
import type { Shape } from '../../volume/volume.ts';
import type { FillOutput } from './fill.ts';
import { formatTable, jsonReplacer, outputRows } from '../output.ts';
import { LbmParamsSchema } from '../../../sims/filling/lbm/params.ts';
import { fillLbm } from '../../../sims/filling/lbm/fill.ts';
import type { LbmResult, LbmSummary } from '../../../sims/filling/lbm/fill.ts';
import { LBM_OUTPUTS } from '../../../sims/filling/lbm/outputs.ts';

/** Options `mesolab fill --model lbm` adds to the ones both models share. */
export const options: ReadonlyArray<readonly [string, string]> = [
  ...FILL_COMMON_OPTIONS,
  ['--steps <n>', 'lbm: most lattice steps (default 20000)'],
  ['--snapshot-every <n>', 'lbm: steps between electrolyte-fraction snapshots (default: about 20 per run)'],
  ['--time-limit <s>', 'lbm: wall-clock limit in seconds (default 3600)'],
  ['--viscosity <mPa·s>', 'lbm: electrolyte viscosity in mPa·s (default 3)'],
  ['--lateral <periodic|wall>', 'lbm: boundary of the faces parallel to the flow (default wall)'],
  ['--wall-contact-angle <deg>', 'lbm: static contact angle of the side walls (default: the largest of the electrode\'s solids)'],
  ['--engine <name>', 'lbm: auto | typed-array | wasm | kernels | webgpu (default auto: WGSL on webgpu, WebAssembly SIMD on every core on CPU backends)'],
];

export async function run(volumePath: string, opts: Record<string, unknown>, globals: { backend?: string; debug?: boolean }, output?: FillOutput): Promise<void> {
  const { params, volume, compute } = await readFillInputs(LbmParamsSchema, volumePath, opts, globals.backend, 'lbm parameters', flagParams);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort('interrupted');
  process.once('SIGINT', onSigint);
  let result: LbmResult;
  try {
    result = await fillLbm(volume, params, { rng: new Rng(0), compute, signal: abort.signal, onProgress: simulationProgress({ quiet: Boolean(opts.json) }) });
  } finally {
    process.off('SIGINT', onSigint);
  }
  await reportFill(summaryOf(result), opts, output, (dir) => writeOutputs(dir, result, volume.shape, volume.voxelSize), describe);
}

/** The LBM model's own flags as schema fields; they override the config file field by field. */
function flagParams(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.steps !== undefined) out.steps = nonNegativeInteger(opts.steps, '--steps', 'a positive integer number of steps');
  if (opts.snapshotEvery !== undefined) out.snapshotEvery = nonNegativeInteger(opts.snapshotEvery, '--snapshot-every', 'a non-negative integer number of steps');
  if (opts.timeLimit !== undefined) out.timeLimitS = positiveNumber(opts.timeLimit, '--time-limit', 'a positive number of seconds');
  if (opts.viscosity !== undefined) out.viscosity = positiveNumber(opts.viscosity, '--viscosity', 'a positive viscosity in mPa·s') * 1e-3;
  if (opts.lateral !== undefined) out.lateral = opts.lateral;
  if (opts.wallContactAngle !== undefined) {
    const expected = 'a contact angle in degrees, above 0 and below 180';
    const angle = positiveNumber(opts.wallContactAngle, '--wall-contact-angle', expected);
    if (angle >= 180) throw new ConfigError('--wall-contact-angle', opts.wallContactAngle, expected);
    out.wallContactAngle = angle;
  }
  if (opts.engine !== undefined) out.engine = opts.engine;
  return out;
}

export function summaryOf(r: LbmResult): LbmSummary {
  const { arrivalTime: _a, snapshots: _s, snapshotSteps: _ss, snapshotTimes: _st, ...summary } = r;
  return summary;
}

/**
 * Writes arrival-time.tif/.vti (s; +Infinity never reached, NaN solid), result.json, curve.csv and
 * the snapshots as ONE uint8 raw stack (frames one after another, each x fastest then y then z,
 * value = electrolyte fraction × 255) with snapshots/index.json naming shape, voxel size, byte
 * offset, step and time of every frame: the viewer fetches one file and slices frames by offset.
 */
async function writeOutputs(dir: string, r: LbmResult, shape: Shape, voxelSize: number): Promise<void> {
  await mkdir(join(dir, 'snapshots'), { recursive: true });
  const field = { shape, voxelSize, data: r.arrivalTime, name: 'arrival time (s)' };
  await writeField(join(dir, 'arrival-time.tif'), field);
  await writeField(join(dir, 'arrival-time.vti'), field);
  const frameBytes = shape[0] * shape[1] * shape[2];
  const stack = new Uint8Array(frameBytes * r.snapshots.length);
  r.snapshots.forEach((s, k) => stack.set(s, k * frameBytes));
  await writeFile(join(dir, 'snapshots', 'electrolyte-fraction.raw'), stack);
  const index = {
    file: 'electrolyte-fraction.raw',
    dtype: 'uint8',
    meaning: 'electrolyte fraction × 255 (solid voxels 0)',
    shape,
    voxelSize,
    order: 'x fastest, then y, then z; frames consecutive',
    frames: r.snapshotSteps.map((step, k) => ({ step, t: r.snapshotTimes[k], offset: k * frameBytes })),
  };
  await writeFile(join(dir, 'snapshots', 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(summaryOf(r), jsonReplacer, 2)}\n`);
  const csv = ['step,t_s,saturation', ...r.curve.map((p) => `${p.step},${p.t},${p.saturation}`)].join('\n');
  await writeFile(join(dir, 'curve.csv'), `${csv}\n`);
}

function describe(s: LbmSummary, out: string | undefined): string {
  const rows: (string | number)[][] = [
    // The model's declared outputs, as the fill-lbm stage stores them.
    ...outputRows(LBM_OUTPUTS, s),
    ['simulated time (s)', s.curve[s.curve.length - 1]?.t ?? 0],
    ['engine (backend)', `${s.engine} (${s.backend})`],
    ['wall time (s)', s.wallSeconds],
  ];
  const l = s.limits;
  const lines = [formatTable(rows, ['lbm filling', 'value'])];
  lines.push(
    `model limits: viscosity ratio ${l.viscosityRatio.lattice.toFixed(1)} (real ≈ ${l.viscosityRatio.physical.toFixed(0)}), density ratio ${l.densityRatio.lattice.toFixed(2)} (real ≈ ${l.densityRatio.physical.toFixed(0)}), ` +
      `mutual solubility ${(100 * l.dissolution.electrolyteInGas).toFixed(1)} %, pores under ${l.minResolvedPoreVoxels} voxels unresolved (sims/filling/lbm/README.md)`,
  );
  if (out) lines.push(`wrote ${out}/arrival-time.tif, arrival-time.vti, snapshots/electrolyte-fraction.raw + index.json, result.json, curve.csv`);
  return lines.join('\n');
}

