import { readFile, writeFile, stat, open } from 'node:fs/promises';
import { z } from 'zod';
import { describeExpected } from '../config/validate.ts';
import { FileFormatError } from '../errors.ts';
import { assertAllocatable, voxelCount, type Shape } from './volume.ts';
import { openFileSource } from './byte-source.ts';
import { allocateSamples, bytesOf, swapBytes, BYTES_PER_SAMPLE, HOST_LITTLE_ENDIAN, type DecodedGrid, type SampleType } from './grid.ts';
import { writeAll } from './tiff-write.ts';

/** The JSON header beside a `.raw` file: `x.raw` is described by `x.json`. */
const rawHeaderSchema = z
  .object({
    format: z.literal('mesolab-raw').optional().describe('marks a mesolab raw header'),
    version: z.literal(1).optional(),
    shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]).describe('[nx, ny, nz] voxels'),
    voxelSize: z.number().describe('voxel edge in metres'),
    dtype: z.enum(['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64']),
    byteOrder: z.enum(['little', 'big']).default('little'),
    order: z.literal('x-fastest').default('x-fastest').describe('index = x + nx*(y + ny*z)'),
    kind: z.enum(['labels', 'field']).optional(),
    name: z.string().optional().describe('what a field holds, with its unit'),
  })
  .strict();
export type RawHeader = z.input<typeof rawHeaderSchema>;

export function rawHeaderPath(rawPath: string): string {
  return rawPath.replace(/\.raw$/i, '.json');
}

async function readHeader(headerPath: string): Promise<z.output<typeof rawHeaderSchema>> {
  let text: string;
  try {
    text = await readFile(headerPath, 'utf8');
  } catch (e) {
    throw new FileFormatError('file', headerPath, 'the JSON header beside the .raw file (shape, voxelSize, dtype)', (e as NodeJS.ErrnoException).code);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError('file', headerPath, 'valid JSON', (e as Error).message);
  }
  const parsed = rawHeaderSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(header)';
    throw new FileFormatError(`${headerPath}: ${field}`, (json as Record<string, unknown>)?.[String(issue.path[0])], issue.code === 'unrecognized_keys' ? 'no such field (unknown fields are not ignored)' : describeExpected(issue));
  }
  const h = parsed.data;
  if (!Number.isFinite(h.voxelSize) || h.voxelSize <= 0) {
    throw new FileFormatError(`${headerPath}: voxelSize`, h.voxelSize, 'a positive voxel size in metres');
  }
  return h;
}

/** Reads `x.raw` using `x.json`: one plain read straight into the output array. */
export async function readRaw(path: string): Promise<DecodedGrid> {
  const header = await readHeader(rawHeaderPath(path));
  const shape: Shape = [header.shape[0], header.shape[1], header.shape[2]];
  const type: SampleType = header.dtype;
  const size = BYTES_PER_SAMPLE[type];
  // Before touching the data: the header alone could ask for more memory than exists.
  assertAllocatable(shape, size, 'raw volume');
  const expected = voxelCount(shape) * size;
  let actual: number;
  try {
    actual = (await stat(path)).size;
  } catch (e) {
    throw new FileFormatError('file', path, 'a readable .raw file', (e as NodeJS.ErrnoException).code);
  }
  if (actual !== expected) {
    throw new FileFormatError(
      'file',
      path,
      `${expected} bytes (${shape.join('×')} ${type} voxels, as its header says)`,
      `it has ${actual} bytes${actual < expected ? ': truncated' : ''}`,
    );
  }
  const data = allocateSamples(type, voxelCount(shape));
  const src = await openFileSource(path);
  try {
    await src.readInto(bytesOf(data), 0, 'the voxel data');
  } finally {
    await src.close();
  }
  if ((header.byteOrder === 'little') !== HOST_LITTLE_ENDIAN) swapBytes(bytesOf(data), size);
  return { shape, voxelSize: header.voxelSize, data, ...(header.name !== undefined ? { name: header.name } : {}), ...(header.kind === 'labels' ? { declaredLabels: true } : {}) };
}

export interface RawWrite {
  shape: Shape;
  voxelSize: number;
  data: Uint8Array | Float32Array;
  name?: string;
}

/** Writes `x.raw` (little-endian samples, x fastest) and its header `x.json`. */
export async function writeRaw(path: string, grid: RawWrite): Promise<void> {
  const isField = grid.data instanceof Float32Array;
  const header: RawHeader = {
    format: 'mesolab-raw',
    version: 1,
    shape: [grid.shape[0], grid.shape[1], grid.shape[2]],
    voxelSize: grid.voxelSize,
    dtype: isField ? 'float32' : 'uint8',
    byteOrder: 'little',
    order: 'x-fastest',
    kind: isField ? 'field' : 'labels',
    ...(grid.name !== undefined ? { name: grid.name } : {}),
  };
  let bytes = bytesOf(grid.data);
  if (!HOST_LITTLE_ENDIAN && isField) {
    bytes = bytes.slice();
    swapBytes(bytes, 4);
  }
  const fh = await open(path, 'w');
  try {
    await writeAll(fh, bytes, 0);
  } finally {
    await fh.close();
  }
  await writeFile(rawHeaderPath(path), `${JSON.stringify(header, null, 2)}\n`);
}
