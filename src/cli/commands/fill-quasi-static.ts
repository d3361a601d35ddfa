import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import { FILL_COMMON_OPTIONS, readFillInputs, reportFill } from '../sim-options.ts';
import { integerOption } from '../option-values.ts';
import { simulationProgress } from '../sim-progress.ts';
import { Rng } from '../../random/rng.ts';
import { writeField, writeVolume } from '../../volume/io.ts';
import type { FillOutput } from './fill.ts';
import { formatTable, outputRows } from '../output.ts';
import type { Shape } from '../../volume/volume.ts';
import { QuasiStaticParamsSchema } from '../../../sims/filling/quasistatic/params.ts';
import { QUASI_STATIC_OUTPUTS } from '../../../sims/filling/quasistatic/outputs.ts';
import { fillQuasiStatic, type QuasiStaticResult, type QuasiStaticSummary } from '../../../sims/filling/quasistatic/fill-quasi-static.ts';

/** Options `mesolab fill --model quasi-static` adds (flag syntax shared with the LBM model). */
export const options: ReadonlyArray<readonly [string, string]> = [
  ...FILL_COMMON_OPTIONS,
  ['--cbd-wetted', 'treat the CBD as a porous phase always soaked with electrolyte (quasi-static imbibition)'],
  ['--mode <imbibition|drainage>', 'quasi-static: spontaneous imbibition (default) or pressure-driven drainage'],
  ['--pressure-steps <n>', 'quasi-static: most capillary-pressure levels (default 200; fewer distinct thresholds are all used)'],
];

export async function run(volumePath: string, opts: Record<string, unknown>, globals: { backend?: string; debug?: boolean }, output?: FillOutput): Promise<void> {
  const { params, volume, compute } = await readFillInputs(QuasiStaticParamsSchema, volumePath, opts, globals.backend, 'quasi-static parameters', flagParams);
  const result = await fillQuasiStatic(volume, params, { rng: new Rng(0), compute, onProgress: simulationProgress({ quiet: Boolean(opts.json) }) });
  await reportFill(summaryOf(result), opts, output, (dir) => writeOutputs(dir, result, volume.shape, volume.voxelSize), describe);
}

/** The quasi-static model's own flags as schema fields; they override the config file field by field. */
function flagParams(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.cbdWetted !== undefined) out.cbdWetted = Boolean(opts.cbdWetted);
  if (opts.mode !== undefined) out.mode = opts.mode;
  // Any integer here; the schema's own bound (≥ 2) names the field if it is too small.
  if (opts.pressureSteps !== undefined) out.pressureSteps = integerOption(opts.pressureSteps, '--pressure-steps', -Infinity, 'an integer number of pressure levels ≥ 2');
  return out;
}

export function summaryOf(r: QuasiStaticResult): QuasiStaticSummary {
  const { fillPressure: _f, phase: _p, ...summary } = r;
  return summary;
}

async function writeOutputs(dir: string, r: QuasiStaticResult, shape: Shape, voxelSize: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const field = { shape, voxelSize, data: r.fillPressure, name: 'fill pressure (Pa)' };
  await writeField(join(dir, 'fill-pressure.tif'), field);
  await writeField(join(dir, 'fill-pressure.vti'), field);
  // Phase codes as an 8-bit label stack: 0 solid, 1 electrolyte, 2 trapped gas, 3 unreached gas.
  await writeVolume(join(dir, 'phase.tif'), { shape, voxelSize, labels: r.phase });
  await writeVolume(join(dir, 'phase.vti'), { shape, voxelSize, labels: r.phase });
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(summaryOf(r), (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`);
  const csv = ['pc_Pa,saturation', ...r.pcCurve.map((p) => `${p.pc},${p.saturation}`)].join('\n');
  await writeFile(join(dir, 'pc-curve.csv'), `${csv}\n`);
}

function describe(s: QuasiStaticSummary, out: string | undefined): string {
  const rows: (string | number)[][] = [
    ['mode', s.mode],
    // The model's declared outputs, as the fill-qs stage stores them.
    ...outputRows(QUASI_STATIC_OUTPUTS, s),
    ['largest trapped cluster (voxels)', s.trappedClusters.largestVoxels],
    ['pressure levels', s.pcCurve.length],
    ['backend (sphere cover)', `${s.backend} (${s.coverRanOn})`],
    ['time (s)', s.timingsMs.total / 1000],
  ];
  const lines = [formatTable(rows, ['quasi-static filling', 'value'])];
  if (out) lines.push(`wrote ${out}/fill-pressure.tif, fill-pressure.vti, phase.tif, phase.vti, result.json, pc-curve.csv`);
  return lines.join('\n');
}

