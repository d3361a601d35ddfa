import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError } from '../errors.ts';

/** A large array a run keeps: a field (Float32) or a label volume (Uint8) on a voxel grid. */
export interface FieldData {
  shape: readonly [number, number, number];
  /** Voxel size in metres. */
  voxelSize: number;
  data: Float32Array | Uint8Array;
  /** What the values are and their unit, e.g. "arrival time (s)". */
  description?: string;
}

export const FIELDS_DIR = 'fields';

/**
 * Writes a run's fields as raw little-endian arrays with a JSON header beside each
 * (`<name>.raw` + `<name>.json`, the mesolab raw format of src/volume/raw.ts), into a temporary folder renamed to
 * `fields/<runId>/` only when complete, so a crash never leaves a half-written run folder under
 * its final name. Returns file paths relative to the study folder.
 */
export function writeRunFields(studyDir: string, runId: string, fields: Record<string, FieldData>): Record<string, string> {
  const names = Object.keys(fields);
  if (names.length === 0) return {};
  const root = join(studyDir, FIELDS_DIR);
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.${runId}.tmp-${process.pid}`);
  const final = join(root, runId);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const files: Record<string, string> = {};
  for (const name of names) {
    const f = fields[name]!;
    const dtype = f.data instanceof Uint8Array ? 'uint8' : 'float32';
    const bytes = new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength);
    writeFileSync(join(tmp, `${name}.raw`), bytes);
    // The header of src/volume/raw.ts, so readVolume/readField (and the viewer) open these files.
    const header = { format: 'mesolab-raw', version: 1, shape: f.shape, voxelSize: f.voxelSize, dtype, byteOrder: 'little', order: 'x-fastest', kind: dtype === 'uint8' ? 'labels' : 'field', ...(f.description ? { name: f.description } : {}) };
    writeFileSync(join(tmp, `${name}.json`), `${JSON.stringify(header, null, 2)}\n`);
    files[name] = `${FIELDS_DIR}/${runId}/${name}.raw`;
  }
  // A leftover folder from an attempt killed before its row was written is replaced.
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  return files;
}

/** Reads a field written by writeRunFields. */
export function readRunField(studyDir: string, relativePath: string): FieldData {
  const raw = join(studyDir, relativePath);
  const headerPath = raw.replace(/\.raw$/, '.json');
  if (!existsSync(raw) || !existsSync(headerPath)) throw new FileFormatError('field', relativePath, 'a .raw file with its .json header');
  const header = JSON.parse(readFileSync(headerPath, 'utf8')) as { shape: [number, number, number]; voxelSize: number; dtype: string; name?: string };
  const buf = readFileSync(raw);
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  const data = header.dtype === 'uint8' ? copy : new Float32Array(copy.buffer);
  const expected = header.shape[0] * header.shape[1] * header.shape[2];
  if (data.length !== expected) throw new FileFormatError('field', relativePath, `${expected} values (shape ${header.shape.join('×')})`, `found ${data.length}`);
  const out: FieldData = { shape: header.shape, voxelSize: header.voxelSize, data };
  if (header.name) out.description = header.name;
  return out;
}

/**
 * Removes temporary field folders left by a process killed mid-write. Call only while holding the
 * study database open (DuckDB's lock guarantees no other writer).
 */
export function removeStaleFieldTemps(studyDir: string): number {
  const root = join(studyDir, FIELDS_DIR);
  if (!existsSync(root)) return 0;
  const stale = readdirSync(root).filter((n) => n.startsWith('.') && n.includes('.tmp-'));
  for (const n of stale) rmSync(join(root, n), { recursive: true, force: true });
  return stale.length;
}
