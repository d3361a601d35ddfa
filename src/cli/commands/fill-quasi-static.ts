import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import { parseWith, readConfigFile } from '../../config/parse.ts';
import { getCompute } from '../../gpu/backend.ts';
import { Rng } from '../../random/rng.ts';
import { readVolume, writeField, writeVolume } from '../../volume/io.ts';
import { formatTable, printJson } from '../output.ts';
import type { Progress } from '../../simulation.ts';
import type { Shape } from '../../volume/volume.ts';
import { ContactAnglesSchema, QuasiStaticParamsSchema } from '../../../sims/filling/quasistatic/params.ts';
import { fillQuasiStatic, type QuasiStaticResult, type QuasiStaticSummary } from '../../../sims/filling/quasistatic/fill-quasi-static.ts';

/** Options `mesolab fill --model quasi-static` adds (flag syntax shared with the LBM model). */
export const options: ReadonlyArray<readonly [string, string]> = [
  ['--contact-angle <list>', 'contact angle per label in degrees, e.g. am=30,cbd=60 (other=… for labels ≥ 3)'],
  ['--inlet <face>', 'face the electrolyte enters through: x-, x+, y-, y+, z-, z+ (default z-, the separator side)'],
  ['--outlet <face>', 'face the gas escapes through, or none for a closed cell (default z+)'],
  ['--surface-tension <N/m>', 'electrolyte surface tension in N/m (default 0.035, LiPF6 in EC/DMC)'],
  ['--cbd-wetted', 'treat the CBD as a porous phase always soaked with electrolyte (quasi-static imbibition)'],
  ['--mode <imbibition|drainage>', 'quasi-static: spontaneous imbibition (default) or pressure-driven drainage'],
  ['--pressure-steps <n>', 'quasi-static: most capillary-pressure levels (default 200; fewer distinct thresholds are all used)'],
  ['--voxel-size <µm>', 'voxel edge in µm, for volume files that state none (overrides the file)'],
  ['--labels <map>', 'grey value → phase for the volume file, e.g. 0:pore,128:cbd,255:am'],
];

export async function run(volumePath: string, opts: Record<string, unknown>, globals: { backend?: string; debug?: boolean }): Promise<void> {
  const fromFile = opts.config !== undefined ? await readConfigFile(String(opts.config)) : {};
  if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
    throw new ConfigError('--config', opts.config, 'a JSON or YAML object of quasi-static parameters');
  }
  const params = parseWith(QuasiStaticParamsSchema, { ...(fromFile as Record<string, unknown>), ...flagParams(opts, fromFile as Record<string, unknown>) });

  const volume = await readVolume(volumePath, {
    ...(opts.voxelSize !== undefined ? { voxelSize: positiveNumber(opts.voxelSize, '--voxel-size', 'a voxel edge in µm') * 1e-6 } : {}),
    ...(opts.labels !== undefined ? { labels: String(opts.labels) } : {}),
  });
  const compute = await getCompute(globals.backend);
  const result = await fillQuasiStatic(volume, params, { rng: new Rng(0), compute, onProgress: progressPrinter(Boolean(opts.json)) });
  const summary = summaryOf(result);
  if (opts.out !== undefined) await writeOutputs(String(opts.out), result, volume.shape, volume.voxelSize);
  if (opts.json) printJson(summary);
  else process.stdout.write(`${describe(summary, opts.out !== undefined ? String(opts.out) : undefined)}\n`);
}

/** CLI flags as schema fields; they override the config file field by field. */
function flagParams(opts: Record<string, unknown>, fromFile: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.contactAngle !== undefined) {
    const base = typeof fromFile.contactAngle === 'object' && fromFile.contactAngle !== null ? (fromFile.contactAngle as Record<string, unknown>) : {};
    out.contactAngle = { ...base, ...parseWith(ContactAnglesSchema.partial(), parseAngleList(String(opts.contactAngle)), '--contact-angle') };
  }
  if (opts.surfaceTension !== undefined) out.surfaceTension = positiveNumber(opts.surfaceTension, '--surface-tension', 'a positive surface tension in N/m');
  if (opts.cbdWetted !== undefined) out.cbdWetted = Boolean(opts.cbdWetted);
  if (opts.mode !== undefined) out.mode = opts.mode;
  if (opts.inlet !== undefined) out.inlet = opts.inlet;
  if (opts.outlet !== undefined) out.outlet = opts.outlet;
  if (opts.pressureSteps !== undefined) {
    const s = Number(opts.pressureSteps);
    if (!Number.isInteger(s)) throw new ConfigError('--pressure-steps', opts.pressureSteps, 'an integer number of pressure levels ≥ 2');
    out.pressureSteps = s;
  }
  return out;
}

/** "am=30,cbd=60" → { am: 30, cbd: 60 }. */
export function parseAngleList(text: string): Record<string, number> {
  const expected = 'comma-separated label=degrees with labels am, cbd, other (e.g. am=30,cbd=60)';
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^\s*(am|cbd|other)\s*=\s*([-+0-9.eE]+)\s*$/.exec(part);
    if (!m) throw new ConfigError('--contact-angle', text, expected, `cannot read "${part}"`);
    const deg = Number(m[2]);
    if (!Number.isFinite(deg)) throw new ConfigError('--contact-angle', text, expected, `"${m[2]}" is not a number`);
    out[m[1]!] = deg;
  }
  return out;
}

function positiveNumber(value: unknown, field: string, expected: string): number {
  const v = Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(v) || v <= 0) throw new ConfigError(field, value, expected);
  return v;
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
    ['saturation', s.saturation],
    ['trapped gas fraction', s.trappedFraction],
    ['trapped clusters', s.trappedClusters.count],
    ['largest trapped cluster (voxels)', s.trappedClusters.largestVoxels],
    ['unreached gas fraction', s.unreachedFraction],
    ['breakthrough Pc (Pa)', s.breakthroughPc ?? 'never'],
    ['pressure levels', s.pcCurve.length],
    ['backend (sphere cover)', `${s.backend} (${s.coverRanOn})`],
    ['time (s)', s.timingsMs.total / 1000],
  ];
  const lines = [formatTable(rows, ['quasi-static filling', 'value'])];
  if (out) lines.push(`wrote ${out}/fill-pressure.tif, fill-pressure.vti, phase.tif, phase.vti, result.json, pc-curve.csv`);
  return lines.join('\n');
}

/** Progress on stderr: one rewritten line on a TTY, a line per stage and every 10 % otherwise. */
function progressPrinter(quiet: boolean): ((p: Progress) => void) | undefined {
  if (quiet && !process.stderr.isTTY) return undefined;
  const tty = Boolean(process.stderr.isTTY);
  const started = performance.now();
  let lastStage = '';
  let lastTenth = -1;
  return (p) => {
    const frac = p.total ? p.done / p.total : 0;
    const elapsed = (performance.now() - started) / 1000;
    const eta = frac > 0 && frac < 1 ? ` ETA ${((elapsed * (1 - frac)) / frac).toFixed(1)} s` : '';
    const line = `${p.stage}${p.total ? ` ${p.done}/${p.total}` : ''}${eta}`;
    if (tty) process.stderr.write(`\r${line.padEnd(60)}${frac >= 1 && p.stage === 'invasion' ? '\n' : ''}`);
    else {
      const tenth = Math.floor(frac * 10);
      if (p.stage !== lastStage || tenth > lastTenth) process.stderr.write(`${line}\n`);
      lastTenth = p.stage !== lastStage ? tenth : Math.max(lastTenth, tenth);
    }
    lastStage = p.stage;
  };
}
