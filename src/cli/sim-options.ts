import { ConfigError } from '../errors.ts';
import { readConfigFile } from '../config/parse.ts';
import { readVolume } from '../volume/io.ts';
import type { Volume } from '../volume/volume.ts';

/** Command-line plumbing shared by the simulation commands (config files, volumes, numeric flags). */

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

/** Reads `--config` as a JSON/YAML object (empty when not given). */
export async function readConfigObject(path: unknown, what: string): Promise<Record<string, unknown>> {
  if (path === undefined) return {};
  const value = await readConfigFile(String(path));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError('--config', path, `a JSON or YAML object of ${what}`);
  return value as Record<string, unknown>;
}

/** Reads the input volume honouring `--voxel-size` (µm) and `--labels`. */
export function readVolumeWithFlags(path: string, opts: Record<string, unknown>): Promise<Volume> {
  return readVolume(path, {
    ...(opts.voxelSize !== undefined ? { voxelSize: positiveNumber(opts.voxelSize, '--voxel-size', 'a voxel edge in µm') * 1e-6 } : {}),
    ...(opts.labels !== undefined ? { labels: String(opts.labels) } : {}),
  });
}

export function positiveNumber(value: unknown, field: string, expected: string): number {
  const v = Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(v) || v <= 0) throw new ConfigError(field, value, expected);
  return v;
}

export function nonNegativeInteger(value: unknown, field: string, expected: string): number {
  const v = Number(value);
  if (typeof value === 'boolean' || !Number.isInteger(v) || v < 0) throw new ConfigError(field, value, expected);
  return v;
}

/**
 * `--contact-angle am=30,cbd=60` merged over the config file's `contactAngle`, field by field.
 * Names accepted: am, cbd, other, labelN; each model's schema then says which it takes.
 */
export function contactAnglesFromFlag(flag: unknown, fromFile: Record<string, unknown>): Record<string, unknown> | undefined {
  if (flag === undefined) return undefined;
  const base = typeof fromFile.contactAngle === 'object' && fromFile.contactAngle !== null ? (fromFile.contactAngle as Record<string, unknown>) : {};
  return { ...base, ...parseAngleList(String(flag)) };
}

/** "am=30,cbd=60,label4=80" → { am: 30, cbd: 60, label4: 80 }, each within 0–180°. */
export function parseAngleList(text: string): Record<string, number> {
  const expected = 'comma-separated label=degrees with labels am, cbd, other or labelN (e.g. am=30,cbd=60)';
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^\s*(am|cbd|other|label\d+)\s*=\s*([-+0-9.eE]+)\s*$/.exec(part);
    if (!m) throw new ConfigError('--contact-angle', text, expected, `cannot read "${part}"`);
    const deg = Number(m[2]);
    if (!Number.isFinite(deg)) throw new ConfigError('--contact-angle', text, expected, `"${m[2]}" is not a number`);
    if (deg < 0) throw new ConfigError(`--contact-angle.${m[1]}`, deg, 'a number >= 0');
    if (deg > 180) throw new ConfigError(`--contact-angle.${m[1]}`, deg, 'a number <= 180');
    out[m[1]!] = deg;
  }
  return out;
}
