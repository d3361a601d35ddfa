import { ConfigError, ImpossibleRequestError } from '../errors.ts';

/** Phase labels. New labels may be added; existing ones are never renumbered. */
export const LABEL = { pore: 0, am: 1, cbd: 2 } as const;
export type PhaseName = keyof typeof LABEL;
export const PHASE_NAMES: readonly PhaseName[] = ['pore', 'am', 'cbd'];

export type Shape = readonly [nx: number, ny: number, nz: number];

/**
 * A labelled voxel volume. x is fastest (index = x + nx*(y + ny*z)); z runs through the electrode
 * thickness, z = 0 facing the separator and z = nz-1 the current collector. voxelSize in metres.
 */
export interface Volume {
  shape: Shape;
  voxelSize: number;
  labels: Uint8Array;
}

/** A scalar field on a volume's grid (saturation, arrival time, concentration...). */
export interface Field {
  shape: Shape;
  voxelSize: number;
  data: Float32Array;
  /** What the values are and their unit, e.g. "arrival time (s)". */
  name?: string;
}

/** Refuse, before allocating, volumes that would not fit in memory (bytes per voxel times count). */
export const MAX_VOXELS = 2 ** 31 - 1;

export function voxelCount(shape: Shape): number {
  return shape[0] * shape[1] * shape[2];
}

export function index3(shape: Shape, x: number, y: number, z: number): number {
  return x + shape[0] * (y + shape[1] * z);
}

export function validateShape(shape: readonly number[], field = 'shape'): Shape {
  if (!Array.isArray(shape) || shape.length !== 3) {
    throw new ConfigError(field, shape, 'three positive integers [nx, ny, nz]');
  }
  shape.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1) {
      throw new ConfigError(`${field}[${i}]`, n, 'a positive integer number of voxels');
    }
  });
  return [shape[0]!, shape[1]!, shape[2]!];
}

export function validateVoxelSize(voxelSize: number, field = 'voxelSize'): number {
  if (typeof voxelSize !== 'number' || !Number.isFinite(voxelSize) || voxelSize <= 0) {
    throw new ConfigError(field, voxelSize, 'a positive voxel size in metres');
  }
  return voxelSize;
}

/**
 * Checks that `bytesPerVoxel * voxels` can be allocated before anything is allocated, so an
 * oversized request fails with a message instead of an out-of-memory crash.
 */
export function assertAllocatable(shape: Shape, bytesPerVoxel: number, what = 'volume'): void {
  const n = voxelCount(shape);
  const bytes = n * bytesPerVoxel;
  const limit = allocationLimitBytes();
  if (n > MAX_VOXELS || bytes > limit) {
    throw new ImpossibleRequestError(
      'shape',
      shape,
      `a ${what} that fits in memory (at most ${formatBytes(limit)})`,
      `${shape.join('×')} voxels need ${formatBytes(bytes)}`,
    );
  }
}

/** Memory we allow one array to take: a quarter of physical memory, and at most 2 GiB-1 bytes per typed array. */
export function allocationLimitBytes(): number {
  const envLimit = typeof process === 'undefined' ? Number.NaN : Number(process.env?.MESOLAB_MAX_BYTES);
  if (Number.isFinite(envLimit) && envLimit > 0) return envLimit;
  // Lazily reach os so this module stays usable in browsers (the viewer imports it).
  const total = typeof process !== 'undefined' && process.versions?.node ? totalMemory() : 4 * 2 ** 30;
  return Math.min(total / 4, 2 ** 32 - 1);
}

let cachedTotal: number | undefined;
function totalMemory(): number {
  if (cachedTotal === undefined) {
    // process.getBuiltinModule keeps this module free of a static node:os import, so the browser
    // viewer can share it.
    const os = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:os') as
      | { totalmem(): number }
      | undefined;
    cachedTotal = os ? os.totalmem() : 8 * 2 ** 30;
  }
  return cachedTotal;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 100 || u === 0 ? 0 : 1)} ${units[u]}`;
}

export function createVolume(shape: readonly number[], voxelSize: number, labels?: Uint8Array): Volume {
  const s = validateShape(shape);
  validateVoxelSize(voxelSize);
  if (labels) {
    if (labels.length !== voxelCount(s)) {
      throw new ConfigError('labels', labels.length, `${voxelCount(s)} values for shape ${s.join('×')}`);
    }
    return { shape: s, voxelSize, labels };
  }
  assertAllocatable(s, 1);
  return { shape: s, voxelSize, labels: new Uint8Array(voxelCount(s)) };
}

export function validateVolume(v: Volume, field = 'volume'): Volume {
  validateShape(v.shape, `${field}.shape`);
  validateVoxelSize(v.voxelSize, `${field}.voxelSize`);
  if (!(v.labels instanceof Uint8Array)) throw new ConfigError(`${field}.labels`, typeof v.labels, 'a Uint8Array');
  if (v.labels.length !== voxelCount(v.shape)) {
    throw new ConfigError(`${field}.labels`, v.labels.length, `${voxelCount(v.shape)} labels for shape ${v.shape.join('×')}`);
  }
  return v;
}

/** Count of every label value present (index = label). */
export function labelCounts(v: Volume): Float64Array {
  const counts = new Float64Array(256);
  const l = v.labels;
  for (let i = 0; i < l.length; i++) counts[l[i]!]!++;
  return counts;
}

/** Volume fraction of each named phase, plus `label<N>` for any other label present. */
export function volumeFractions(v: Volume): Record<string, number> {
  const counts = labelCounts(v);
  const n = v.labels.length;
  const out: Record<string, number> = {};
  for (const name of PHASE_NAMES) out[name] = counts[LABEL[name]]! / n;
  for (let lab = 3; lab < 256; lab++) if (counts[lab]! > 0) out[`label${lab}`] = counts[lab]! / n;
  return out;
}

export function phaseName(label: number): string {
  const hit = PHASE_NAMES.find((p) => LABEL[p] === label);
  return hit ?? `label${label}`;
}
