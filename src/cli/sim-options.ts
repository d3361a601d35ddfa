import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { readConfigFile } from '../config/parse.ts';
import { parseWith } from '../config/validate.ts';
import { readVolume } from '../volume/io.ts';
import type { Volume } from '../volume/volume.ts';
import { getCompute } from '../gpu/backend.ts';
import type { Compute } from '../gpu/backend.ts';
import { contactAngleOption, positiveNumber, voxelSizeUmOption } from './option-values.ts';
import { printJson } from './output.ts';
import type { FillOutput } from './commands/fill.ts';

/** Command-line plumbing shared by the simulation commands (config files, volumes, shared flags); option values are read by option-values.ts. */

/** How every command that reads a volume file is told its voxel size and grey-value phases. */
export const VOLUME_READ_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['--voxel-size <µm>', 'voxel edge in µm, for volume files that state none (overrides the file)'],
  ['--labels <map>', 'grey value → phase for the volume file, e.g. 0:pore,128:cbd,255:am'],
];

/** Flags both filling models take, with one spelling (`mesolab fill` dedupes by flag). */
export const FILL_COMMON_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['--contact-angle <list>', 'contact angle per label in degrees, e.g. am=30,cbd=60 (other=… for labels ≥ 3; default am=25,cbd=50)'],
  ['--inlet <face>', 'face the electrolyte enters through: x-, x+, y-, y+, z-, z+ (default z-, the separator side)'],
  ['--outlet <face>', 'face the gas escapes through, or none for a closed cell (default opposite: the face opposite the inlet)'],
  ['--surface-tension <N/m>', 'electrolyte surface tension in N/m (default 0.035, LiPF6 in EC/DMC)'],
  ...VOLUME_READ_OPTIONS,
];

/** Reads `--config` (or the option `field`) as a JSON/YAML object (empty when not given). */
export async function readConfigObject(path: unknown, what: string, field = '--config'): Promise<Record<string, unknown>> {
  if (path === undefined) return {};
  const value = await readConfigFile(String(path), field);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(field, path, `a JSON or YAML object of ${what}`);
  return value as Record<string, unknown>;
}

/** Reads the input volume honouring `--voxel-size` (µm) and `--labels`. */
export function readVolumeWithFlags(path: string, opts: Record<string, unknown>): Promise<Volume> {
  return readVolume(path, {
    ...(opts.voxelSize !== undefined ? { voxelSize: voxelSizeUmOption(String(opts.voxelSize))! } : {}),
    ...(opts.labels !== undefined ? { labels: String(opts.labels) } : {}),
  });
}

/**
 * `--contact-angle am=30,cbd=60` merged over the config file's `contactAngle`, field by field.
 * Names accepted: am, cbd, other, labelN; each model's schema then says which it takes.
 */
export function contactAnglesFromFlag(flag: unknown, fromFile: Record<string, unknown>): Record<string, unknown> | undefined {
  if (flag === undefined) return undefined;
  const base = typeof fromFile.contactAngle === 'object' && fromFile.contactAngle !== null ? (fromFile.contactAngle as Record<string, unknown>) : {};
  return { ...base, ...contactAngleOption(String(flag)) };
}


/**
 * The flags of FILL_COMMON_OPTIONS as schema fields: `--contact-angle` merged over the config
 * file's angles, `--inlet`, `--outlet`, `--surface-tension` (N/m). Flags not given are left out.
 */
export function fillCommonFlags(opts: Record<string, unknown>, fromFile: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const angles = contactAnglesFromFlag(opts.contactAngle, fromFile);
  if (angles) out.contactAngle = angles;
  if (opts.inlet !== undefined) out.inlet = opts.inlet;
  if (opts.outlet !== undefined) out.outlet = opts.outlet;
  if (opts.surfaceTension !== undefined) out.surfaceTension = positiveNumber(opts.surfaceTension, '--surface-tension', 'a positive surface tension in N/m');
  return out;
}

/**
 * What a filling model runs on: its parameters (the `--config` object, `what` naming it in errors,
 * overridden field by field by the shared fill flags and then by the model's own flags, validated
 * by its schema), the volume (honouring `--voxel-size` and `--labels`) and the compute backend.
 */
export async function readFillInputs<S extends z.ZodType>(
  schema: S,
  volumePath: string,
  opts: Record<string, unknown>,
  backend: string | undefined,
  what: string,
  modelFlags: (opts: Record<string, unknown>) => Record<string, unknown>,
): Promise<{ params: z.output<S>; volume: Volume; compute: Compute }> {
  const file = await readConfigObject(opts.config, what);
  const params = parseWith(schema, { ...file, ...fillCommonFlags(opts, file), ...modelFlags(opts) });
  const volume = await readVolumeWithFlags(volumePath, opts);
  return { params, volume, compute: await getCompute(backend) };
}

/**
 * How a filling model's run ends: its files written into the output folder when there is one
 * (`writeFiles(dir)`), then the summary printed as JSON (`--json`) or as the model's table
 * (`describe`, told the folder the user named).
 */
export async function reportFill<S>(summary: S, opts: Record<string, unknown>, output: FillOutput | undefined, writeFiles: (dir: string) => Promise<void>, describe: (summary: S, shown: string | undefined) => string): Promise<void> {
  if (output) await writeFiles(output.dir);
  if (opts.json) printJson(summary);
  else process.stdout.write(`${describe(summary, output?.shown)}\n`);
}
