import { open } from 'node:fs/promises';
import { ImpossibleRequestError } from '../errors.ts';
import type { Shape } from './volume.ts';
import { bytesOf, swapBytes, HOST_LITTLE_ENDIAN } from './grid.ts';
import { RESOLUTION_UNIT, toRational } from './tiff-metadata.ts';

export interface TiffStack {
  shape: Shape;
  voxelSize: number;
  /** Labels (8-bit unsigned) or a field (32-bit float), x fastest, one page per z. */
  data: Uint8Array | Float32Array;
  /** Name of a field, kept in the ImageJ description. */
  name?: string;
}

const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;
const ASCII = 2;

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Inline values, or the offset of out-of-line ones (already resolved). */
  values: number[];
}

/**
 * An ImageJ hyperstack description, so ImageJ/Fiji open the file as a calibrated z-stack in µm.
 * `unit=um` together with ResolutionUnit=centimetre is the combination ImageJ converts (pixels per
 * cm → µm); mesolab_voxel_size_m keeps the exact metres value, which the rationals only approximate.
 */
function imageJDescription(stack: TiffStack): string {
  const { data } = stack;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const lines = [
    'ImageJ=1.11a',
    `images=${stack.shape[2]}`,
    `slices=${stack.shape[2]}`,
    'unit=um',
    `spacing=${Number((stack.voxelSize * 1e6).toPrecision(12))}`,
    'loop=false',
    ...(Number.isFinite(min) && Number.isFinite(max) ? [`min=${min}`, `max=${max}`] : []),
    `mesolab_voxel_size_m=${stack.voxelSize}`,
    ...(stack.data instanceof Uint8Array ? ['mesolab_kind=labels'] : []),
    ...(stack.name ? [`mesolab_field=${stack.name.replace(/[\r\n]+/g, ' ')}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Writes a baseline, uncompressed, little-endian multi-page TIFF: header, all directories, then
 * the pixel data as one strip per page, which is the voxel array itself written in one go.
 * (geotiff's writer makes single-image GeoTIFFs and utif2's cannot write float32 pages with
 * resolution tags, hence this small writer.)
 */
export async function writeTiff(path: string, stack: TiffStack): Promise<void> {
  const [nx, ny, nz] = stack.shape;
  const bytesPerSample = stack.data instanceof Float32Array ? 4 : 1;
  const pageBytes = nx * ny * bytesPerSample;
  const description = new TextEncoder().encode(imageJDescription(stack));
  const [resNum, resDen] = toRational(0.01 / stack.voxelSize);

  const entriesPerPage = (z: number): number => (z === 0 ? 15 : 14);
  const ifdSize = (z: number): number => 2 + entriesPerPage(z) * 12 + 4;
  // Layout: header | shared values (resolution, description) | directories | pixel data.
  const resOffset = 8;
  const descOffset = resOffset + 8;
  let cursor = descOffset + description.length + 1;
  cursor += cursor % 2;
  const ifdOffsets: number[] = [];
  for (let z = 0; z < nz; z++) {
    ifdOffsets.push(cursor);
    cursor += ifdSize(z);
  }
  const dataOffset = Math.ceil(cursor / 16) * 16;
  const total = dataOffset + pageBytes * nz;
  if (total > 0xffffffff) {
    throw new ImpossibleRequestError(
      'output',
      path,
      'a TIFF below 4 GiB (classic TIFF offsets are 32-bit)',
      `${stack.shape.join('×')} ${bytesPerSample === 4 ? 'float32' : 'uint8'} voxels need ${(total / 2 ** 30).toFixed(1)} GiB; write .raw or .vti instead`,
    );
  }

  const meta = new Uint8Array(dataOffset);
  const dv = new DataView(meta.buffer);
  meta.set([0x49, 0x49], 0);
  dv.setUint16(2, 42, true);
  dv.setUint32(4, ifdOffsets[0]!, true);
  dv.setUint32(resOffset, resNum, true);
  dv.setUint32(resOffset + 4, resDen, true);
  meta.set(description, descOffset);

  for (let z = 0; z < nz; z++) {
    const entries: Entry[] = [
      { tag: 254, type: LONG, count: 1, values: [0] },
      { tag: 256, type: LONG, count: 1, values: [nx] },
      { tag: 257, type: LONG, count: 1, values: [ny] },
      { tag: 258, type: SHORT, count: 1, values: [bytesPerSample * 8] },
      { tag: 259, type: SHORT, count: 1, values: [1] },
      { tag: 262, type: SHORT, count: 1, values: [1] },
      ...(z === 0 ? [{ tag: 270, type: ASCII, count: description.length + 1, values: [descOffset] }] : []),
      { tag: 273, type: LONG, count: 1, values: [dataOffset + z * pageBytes] },
      { tag: 277, type: SHORT, count: 1, values: [1] },
      { tag: 278, type: LONG, count: 1, values: [ny] },
      { tag: 279, type: LONG, count: 1, values: [pageBytes] },
      { tag: 282, type: RATIONAL, count: 1, values: [resOffset] },
      { tag: 283, type: RATIONAL, count: 1, values: [resOffset] },
      { tag: 296, type: SHORT, count: 1, values: [RESOLUTION_UNIT.centimetre] },
      { tag: 339, type: SHORT, count: 1, values: [bytesPerSample === 4 ? 3 : 1] },
    ];
    let p = ifdOffsets[z]!;
    dv.setUint16(p, entries.length, true);
    p += 2;
    for (const e of entries) {
      dv.setUint16(p, e.tag, true);
      dv.setUint16(p + 2, e.type, true);
      dv.setUint32(p + 4, e.count, true);
      if (e.type === SHORT) dv.setUint16(p + 8, e.values[0]!, true);
      else dv.setUint32(p + 8, e.values[0]!, true);
      p += 12;
    }
    dv.setUint32(p, z + 1 < nz ? ifdOffsets[z + 1]! : 0, true);
  }

  let pixels = bytesOf(stack.data);
  if (!HOST_LITTLE_ENDIAN && bytesPerSample > 1) {
    pixels = pixels.slice();
    swapBytes(pixels, bytesPerSample);
  }
  const fh = await open(path, 'w');
  try {
    await fh.write(meta, 0, meta.length, 0);
    await writeAll(fh, pixels, dataOffset);
  } finally {
    await fh.close();
  }
}

/** fs writes are limited to 2 GiB per call. */
export async function writeAll(fh: import('node:fs/promises').FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, Math.min(bytes.length - done, 2 ** 30), position + done);
    done += bytesWritten;
  }
}
