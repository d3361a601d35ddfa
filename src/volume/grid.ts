import type { Shape } from './volume.ts';

/** The numeric arrays the file formats can hold, before they become labels or a field. */
export type SampleArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export type SampleType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

/**
 * What a reader found in a file: samples on a grid (x fastest, then y, then z), the voxel size in
 * metres if the file states one, and the name of the quantity if the file records it.
 */
export interface DecodedGrid {
  shape: Shape;
  voxelSize: number | undefined;
  data: SampleArray;
  name?: string;
  /** The file says it holds mesolab labels (written by mesolab), so any label value is taken as is. */
  declaredLabels?: boolean;
}

export const BYTES_PER_SAMPLE: Record<SampleType, number> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  float64: 8,
};

export function sampleTypeOf(a: SampleArray): SampleType {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}

export function isIntegerType(t: SampleType): boolean {
  return t !== 'float32' && t !== 'float64';
}

export function allocateSamples(type: SampleType, n: number): SampleArray {
  switch (type) {
    case 'uint8':
      return new Uint8Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
  }
}

export function bytesOf(a: SampleArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Reverses the byte order of every sample in place (files written on big-endian machines). */
export function swapBytes(bytes: Uint8Array, sampleSize: number): void {
  if (sampleSize === 1) return;
  for (let i = 0; i + sampleSize <= bytes.length; i += sampleSize) {
    for (let a = i, b = i + sampleSize - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** The machine's byte order; every format mesolab writes is little-endian. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
