import { extname } from 'node:path';
import { ConfigError } from '../errors.ts';
import { validateVolume, validateVoxelSize, type Field, type Volume } from './volume.ts';
import { openFileSource } from './byte-source.ts';
import { isIntegerType, sampleTypeOf, type DecodedGrid } from './grid.ts';
import { parseLabelMap, samplesToLabels, type LabelMap } from './labels-map.ts';
import { rawHeaderPath, readRaw, writeRaw } from './raw.ts';
import { writeWhole } from '../output-files.ts';
import { readTiff } from './tiff-read.ts';
import { writeTiff } from './tiff-write.ts';
import { readVti, writeVti } from './vti.ts';

export type VolumeFormat = 'tiff' | 'raw' | 'vti';

const EXTENSIONS: Record<string, VolumeFormat> = { '.tif': 'tiff', '.tiff': 'tiff', '.raw': 'raw', '.vti': 'vti' };
export const VOLUME_EXTENSIONS = Object.keys(EXTENSIONS);

/** The format a path names by its extension; `field` says which argument it came from in errors. */
export function formatOf(path: string, field = 'file'): VolumeFormat {
  const f = EXTENSIONS[extname(path).toLowerCase()];
  if (!f) throw new ConfigError(field, path, `a file name ending in ${VOLUME_EXTENSIONS.join(', ')}`);
  return f;
}

export interface ReadVolumeOptions {
  /** Grey value → phase, as "0:pore,128:cbd,255:am" or a parsed map. */
  labels?: string | LabelMap;
  /** Voxel edge in metres; overrides whatever the file says. */
  voxelSize?: number;
}

export interface ReadFieldOptions {
  voxelSize?: number;
}

/** Samples and voxel size as stored, before they become labels or a field. */
export async function readGrid(path: string, opts: ReadFieldOptions = {}): Promise<DecodedGrid & { voxelSize: number }> {
  const format = formatOf(path, 'input');
  if (opts.voxelSize !== undefined) validateVoxelSize(opts.voxelSize, 'voxelSize');
  let grid: DecodedGrid;
  if (format === 'raw') {
    grid = await readRaw(path);
  } else {
    const src = await openFileSource(path);
    try {
      grid = format === 'tiff' ? await readTiff(src, opts.voxelSize !== undefined ? { voxelSize: opts.voxelSize } : {}) : await readVti(src);
    } finally {
      await src.close();
    }
  }
  const voxelSize = opts.voxelSize ?? grid.voxelSize;
  if (voxelSize === undefined) {
    throw new ConfigError('voxelSize', undefined, 'a voxel size stated in the file or given explicitly', `${path} states none; pass --voxel-size <µm>`);
  }
  return { ...grid, voxelSize };
}

/** Reads a label volume; grey values become phases through `labels`, or must already be 0/1/2. */
export async function readVolume(path: string, opts: ReadVolumeOptions = {}): Promise<Volume> {
  const map = typeof opts.labels === 'string' ? parseLabelMap(opts.labels) : opts.labels;
  const grid = await readGrid(path, opts.voxelSize !== undefined ? { voxelSize: opts.voxelSize } : {});
  return validateVolume({ shape: grid.shape, voxelSize: grid.voxelSize, labels: samplesToLabels(grid.data, map, path, grid.declaredLabels) });
}

/** Reads a scalar field; any numeric samples become float32 (float64 files are rounded). */
export async function readField(path: string, opts: ReadFieldOptions = {}): Promise<Field> {
  return gridToField(await readGrid(path, opts));
}

function gridToField(grid: DecodedGrid & { voxelSize: number }): Field {
  const data = grid.data instanceof Float32Array ? grid.data : Float32Array.from(grid.data);
  return { shape: grid.shape, voxelSize: grid.voxelSize, data, ...(grid.name !== undefined ? { name: grid.name } : {}) };
}

export type VolumeOrField = { kind: 'volume'; volume: Volume } | { kind: 'field'; field: Field };

/** Integer samples are read as a label volume, floating-point ones as a field. */
export async function readVolumeOrField(path: string, opts: ReadVolumeOptions = {}): Promise<VolumeOrField> {
  const map = typeof opts.labels === 'string' ? parseLabelMap(opts.labels) : opts.labels;
  const grid = await readGrid(path, opts.voxelSize !== undefined ? { voxelSize: opts.voxelSize } : {});
  if (!isIntegerType(sampleTypeOf(grid.data))) return { kind: 'field', field: gridToField(grid) };
  const volume = validateVolume({ shape: grid.shape, voxelSize: grid.voxelSize, labels: samplesToLabels(grid.data, map, path, grid.declaredLabels) });
  return { kind: 'volume', volume };
}

/** A .raw volume's JSON header travels with it (renamed with it by writeWhole). */
const companionsOf = (format: VolumeFormat) => (file: string): string[] => (format === 'raw' ? [rawHeaderPath(file)] : []);

/**
 * Writes a label volume as 8-bit TIFF pages, raw + JSON header, or VTK ImageData, by extension,
 * whole: into a temporary file renamed onto `path` when complete (src/output-files.ts). Whether
 * an existing file may be replaced is the caller's decision (assertFileReplaceable).
 */
export async function writeVolume(path: string, volume: Volume): Promise<void> {
  const format = formatOf(path, 'output');
  validateVolume(volume);
  const grid = { shape: volume.shape, voxelSize: volume.voxelSize, data: volume.labels };
  await writeWhole(
    path,
    (tmp) => (format === 'tiff' ? writeTiff(tmp, grid) : format === 'raw' ? writeRaw(tmp, grid) : writeVti(tmp, { ...grid, name: 'labels' })),
    companionsOf(format),
  );
}

/** Writes a float32 field (NaN, ±Infinity and denormals kept bit for bit), by extension, whole (as writeVolume). */
export async function writeField(path: string, field: Field): Promise<void> {
  const format = formatOf(path, 'output');
  validateVoxelSize(field.voxelSize, 'field.voxelSize');
  const n = field.shape[0] * field.shape[1] * field.shape[2];
  if (!(field.data instanceof Float32Array) || field.data.length !== n) {
    throw new ConfigError('field.data', field.data?.length, `a Float32Array of ${n} values for shape ${field.shape.join('×')}`);
  }
  const grid = { shape: field.shape, voxelSize: field.voxelSize, data: field.data, ...(field.name !== undefined ? { name: field.name } : {}) };
  await writeWhole(
    path,
    (tmp) => (format === 'tiff' ? writeTiff(tmp, grid) : format === 'raw' ? writeRaw(tmp, grid) : writeVti(tmp, { ...grid, name: field.name ?? 'field' })),
    companionsOf(format),
  );
}

export { parseLabelMap, type LabelMap } from './labels-map.ts';
