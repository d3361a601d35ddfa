import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError } from '../../src/errors.ts';
import { readGrid, readVolume } from '../../src/volume/io.ts';
import type { SampleArray } from '../../src/volume/grid.ts';
import { validateShape, validateVoxelSize } from '../../src/volume/volume.ts';

export const VOLUME_EXTENSIONS = ['.raw', '.tif', '.tiff', '.vti'] as const;

export function isVolumeFile(file: string): boolean {
  return (VOLUME_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

/** What `mesolab view --voxel-size/--labels` says about a volume file that does not say it itself (metres; grey value → phase). */
export interface ReadOverrides {
  voxelSize?: number;
  labels?: string;
}

/** A grid of samples as the viewer sends it: Uint8 for labels and phase maps, Float32 for fields. */
export interface ViewerGrid<T extends Uint8Array | Float32Array> {
  shape: [number, number, number];
  voxelSize: number;
  data: T;
}

/**
 * Every format through src/volume/io.ts, .raw included: study run fields are written with the
 * standard mesolab-raw header (src/store/fields.ts), so no lenient reader is needed here.
 */
async function readAny(file: string, read: ReadOverrides = {}): Promise<{ shape: [number, number, number]; voxelSize: number; data: SampleArray }> {
  if (read.labels !== undefined) {
    const v = await readVolume(file, read);
    return { shape: [v.shape[0], v.shape[1], v.shape[2]], voxelSize: v.voxelSize, data: v.labels };
  }
  const g = await readGrid(file, read.voxelSize !== undefined ? { voxelSize: read.voxelSize } : {});
  return { shape: [g.shape[0], g.shape[1], g.shape[2]], voxelSize: g.voxelSize, data: g.data };
}

/** Labels or a phase map: integer samples 0–255, sent as they are. */
export async function loadLabels(file: string, read: ReadOverrides = {}): Promise<ViewerGrid<Uint8Array>> {
  const g = await readAny(file, read);
  if (g.data instanceof Uint8Array) return { ...g, data: g.data };
  if (g.data instanceof Float32Array || g.data instanceof Float64Array) {
    throw new FileFormatError(file, 'floating-point samples', 'integer labels (0 pore, 1 AM, 2 CBD) or a phase map');
  }
  const out = new Uint8Array(g.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = g.data[i]!;
    if (v < 0 || v > 255) throw new FileFormatError(file, v, 'label values 0–255');
    out[i] = v;
  }
  return { ...g, data: out };
}

/** A scalar field (arrival time, fill pressure), any numeric samples, as float32. */
export async function loadField(file: string, read: ReadOverrides = {}): Promise<ViewerGrid<Float32Array>> {
  const g = await readAny(file, read);
  return { ...g, data: g.data instanceof Float32Array ? g.data : Float32Array.from(g.data) };
}

/**
 * Shape and voxel size (the manifest needs only these). For .raw only the JSON header is read, to
 * keep the manifest quick on large volumes; the data request reads it fully and strictly.
 */
export async function gridHeader(file: string, read: ReadOverrides = {}): Promise<{ shape: [number, number, number]; voxelSize: number }> {
  if (path.extname(file).toLowerCase() === '.raw' && read.labels === undefined) {
    const headerPath = file.replace(/\.raw$/i, '.json');
    let h: { shape: number[]; voxelSize: number };
    try {
      h = JSON.parse(await readFile(headerPath, 'utf8')) as typeof h;
    } catch (e) {
      throw new FileFormatError(headerPath, (e as Error).message, 'a JSON header {shape:[nx,ny,nz], voxelSize, dtype} beside the .raw file');
    }
    const s = validateShape(h.shape, `${headerPath}: shape`);
    return { shape: [s[0], s[1], s[2]], voxelSize: read.voxelSize ?? validateVoxelSize(h.voxelSize, `${headerPath}: voxelSize`) };
  }
  const g = await readAny(file, read);
  return { shape: g.shape, voxelSize: g.voxelSize };
}
