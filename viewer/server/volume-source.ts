import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError } from '../../src/errors.ts';
import { readGrid } from '../../src/volume/io.ts';
import type { SampleArray } from '../../src/volume/grid.ts';
import { validateShape, validateVoxelSize, voxelCount } from '../../src/volume/volume.ts';

export const VOLUME_EXTENSIONS = ['.raw', '.tif', '.tiff', '.vti'] as const;

export function isVolumeFile(file: string): boolean {
  return (VOLUME_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

/** A grid of samples as the viewer sends it: Uint8 for labels and phase maps, Float32 for fields. */
export interface ViewerGrid<T extends Uint8Array | Float32Array> {
  shape: [number, number, number];
  voxelSize: number;
  data: T;
}

interface LooseRawHeader {
  shape: [number, number, number];
  voxelSize: number;
  dtype?: string;
  byteOrder?: string;
}

const RAW_TYPES: Record<string, { bytes: number; make: (b: ArrayBuffer) => SampleArray }> = {
  uint8: { bytes: 1, make: (b) => new Uint8Array(b) },
  int8: { bytes: 1, make: (b) => new Int8Array(b) },
  uint16: { bytes: 2, make: (b) => new Uint16Array(b) },
  int16: { bytes: 2, make: (b) => new Int16Array(b) },
  uint32: { bytes: 4, make: (b) => new Uint32Array(b) },
  int32: { bytes: 4, make: (b) => new Int32Array(b) },
  float32: { bytes: 4, make: (b) => new Float32Array(b) },
  float64: { bytes: 8, make: (b) => new Float64Array(b) },
};

/**
 * `x.raw` + `x.json`. Read here rather than through io.ts's strict header schema so the viewer
 * also opens the headers the study store writes beside run fields (they carry `description` and a
 * worded `order`), which that schema refuses.
 */
async function readRawLoose(file: string): Promise<{ shape: [number, number, number]; voxelSize: number; data: SampleArray }> {
  const headerPath = file.replace(/\.raw$/i, '.json');
  let h: LooseRawHeader;
  try {
    h = JSON.parse(await readFile(headerPath, 'utf8')) as LooseRawHeader;
  } catch (e) {
    throw new FileFormatError(headerPath, (e as Error).message, 'a JSON header {shape:[nx,ny,nz], voxelSize, dtype} beside the .raw file');
  }
  const s = validateShape(h.shape, `${headerPath}: shape`);
  validateVoxelSize(h.voxelSize, `${headerPath}: voxelSize`);
  if (h.byteOrder !== undefined && h.byteOrder !== 'little') throw new FileFormatError(`${headerPath}: byteOrder`, h.byteOrder, '"little"');
  const buf = await readFile(file);
  const n = voxelCount(s);
  // Without a dtype, the file size tells uint8 labels from float32 fields.
  const dtype = h.dtype ?? (buf.byteLength === 4 * n ? 'float32' : 'uint8');
  const t = RAW_TYPES[dtype];
  if (!t) throw new FileFormatError(`${headerPath}: dtype`, dtype, `one of ${Object.keys(RAW_TYPES).join(', ')}`);
  if (buf.byteLength !== t.bytes * n) throw new FileFormatError(file, buf.byteLength, `${t.bytes * n} bytes (${dtype}) for shape ${s.join('×')}`);
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return { shape: [s[0], s[1], s[2]], voxelSize: h.voxelSize, data: t.make(copy) };
}

async function readAny(file: string): Promise<{ shape: [number, number, number]; voxelSize: number; data: SampleArray }> {
  if (path.extname(file).toLowerCase() === '.raw') return readRawLoose(file);
  const g = await readGrid(file);
  return { shape: [g.shape[0], g.shape[1], g.shape[2]], voxelSize: g.voxelSize, data: g.data };
}

/** Labels or a phase map: integer samples 0–255, sent as they are. */
export async function loadLabels(file: string): Promise<ViewerGrid<Uint8Array>> {
  const g = await readAny(file);
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
export async function loadField(file: string): Promise<ViewerGrid<Float32Array>> {
  const g = await readAny(file);
  return { ...g, data: g.data instanceof Float32Array ? g.data : Float32Array.from(g.data) };
}

/** Shape and voxel size (the manifest needs only these; for .raw only the header is read). */
export async function gridHeader(file: string): Promise<{ shape: [number, number, number]; voxelSize: number }> {
  if (path.extname(file).toLowerCase() === '.raw') {
    const headerPath = file.replace(/\.raw$/i, '.json');
    const h = JSON.parse(await readFile(headerPath, 'utf8')) as LooseRawHeader;
    const s = validateShape(h.shape, `${headerPath}: shape`);
    return { shape: [s[0], s[1], s[2]], voxelSize: validateVoxelSize(h.voxelSize, `${headerPath}: voxelSize`) };
  }
  const g = await readAny(file);
  return { shape: g.shape, voxelSize: g.voxelSize };
}
