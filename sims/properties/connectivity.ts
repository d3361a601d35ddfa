import type { Shape } from '../../src/volume/volume.ts';

export type Axis = 'x' | 'y' | 'z';
export const AXES: readonly Axis[] = ['x', 'y', 'z'];
export const AXIS_INDEX: Record<Axis, 0 | 1 | 2> = { x: 0, y: 1, z: 2 };

/** Bits in `Components.faces`: low and high face of x, y, z. */
const FACE_BIT = { x: [1, 2], y: [4, 8], z: [16, 32] } as const;

/**
 * 6-connected components (face neighbours only: the neighbourhood through which diffusion on the
 * voxel grid actually flows). `label[i]` is the component of voxel i, or -1 outside the mask.
 */
export interface Components {
  label: Int32Array;
  count: number;
  /** Voxels per component. */
  size: Float64Array;
  /** Bit set of the domain faces each component touches (see FACE_BIT). */
  faces: Uint8Array;
}

/**
 * Where labelComponents takes its three voxel-sized Int32 arrays (the padded copy, the flood
 * stack, the labels) from: by default new arrays; the tortuosity workspace lends buffers the
 * solver fills only later, so that finding the percolating cluster costs no memory of its own.
 */
export interface ComponentScratch {
  padded(length: number): Int32Array;
  stack(length: number): Int32Array;
  label(length: number): Int32Array;
}

const FRESH: ComponentScratch = { padded: (n) => new Int32Array(n), stack: (n) => new Int32Array(n), label: (n) => new Int32Array(n) };

export function labelComponents(mask: Uint8Array, shape: Shape, scratch: ComponentScratch = FRESH): Components {
  const [nx, ny, nz] = shape;
  // Flood fill on a copy padded with one empty voxel on every side: neighbours need no bounds
  // checks and no coordinates (divisions were most of the cost); face contacts are read off the
  // six faces afterwards.
  const px = nx + 2;
  const py = ny + 2;
  const pplane = px * py;
  const padded = scratch.padded(px * py * (nz + 2)).fill(-2);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const src = nx * (y + ny * z);
      const dst = 1 + px * (y + 1 + py * (z + 1));
      for (let x = 0; x < nx; x++) if (mask[src + x]) padded[dst + x] = -1;
    }
  }
  const stack = scratch.stack(mask.length);
  const sizes: number[] = [];
  let count = 0;
  for (let seed = 0; seed < padded.length; seed++) {
    if (padded[seed] !== -1) continue;
    const id = count++;
    let top = 0;
    stack[top++] = seed;
    padded[seed] = id;
    let size = 0;
    while (top > 0) {
      const i = stack[--top]!;
      size++;
      if (padded[i - 1] === -1) (padded[i - 1] = id), (stack[top++] = i - 1);
      if (padded[i + 1] === -1) (padded[i + 1] = id), (stack[top++] = i + 1);
      if (padded[i - px] === -1) (padded[i - px] = id), (stack[top++] = i - px);
      if (padded[i + px] === -1) (padded[i + px] = id), (stack[top++] = i + px);
      if (padded[i - pplane] === -1) (padded[i - pplane] = id), (stack[top++] = i - pplane);
      if (padded[i + pplane] === -1) (padded[i + pplane] = id), (stack[top++] = i + pplane);
    }
    sizes.push(size);
  }
  const label = scratch.label(mask.length);
  const faces = new Uint8Array(count);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const dst = nx * (y + ny * z);
      const src = 1 + px * (y + 1 + py * (z + 1));
      for (let x = 0; x < nx; x++) {
        const c = padded[src + x]!;
        label[dst + x] = c < 0 ? -1 : c;
        if (c < 0) continue;
        // Only voxels on the box surface can touch a face.
        if (x === 0) faces[c]! |= FACE_BIT.x[0];
        if (x === nx - 1) faces[c]! |= FACE_BIT.x[1];
        if (y === 0) faces[c]! |= FACE_BIT.y[0];
        if (y === ny - 1) faces[c]! |= FACE_BIT.y[1];
        if (z === 0) faces[c]! |= FACE_BIT.z[0];
        if (z === nz - 1) faces[c]! |= FACE_BIT.z[1];
      }
    }
  }
  return { label, count, size: Float64Array.from(sizes), faces };
}

export interface ConnectivityFractions {
  /** Fraction of the phase volume in components touching both faces of the axis. */
  connected: number;
  /** Fraction touching neither face. */
  isolated: number;
  /** Fraction touching exactly one face. */
  deadEnd: number;
}

/** How many of the two faces of `axis` component `c` touches (0, 1 or 2). */
export function facesTouched(components: Components, c: number, axis: Axis): number {
  const [lo, hi] = FACE_BIT[axis];
  const f = components.faces[c]!;
  return ((f & lo) !== 0 ? 1 : 0) + ((f & hi) !== 0 ? 1 : 0);
}

export function connectivityFractions(components: Components, axis: Axis): ConnectivityFractions {
  let total = 0;
  const by = [0, 0, 0];
  for (let c = 0; c < components.count; c++) {
    const s = components.size[c]!;
    total += s;
    by[facesTouched(components, c, axis)]! += s;
  }
  if (total === 0) return { connected: 0, isolated: 0, deadEnd: 0 };
  return { connected: by[2]! / total, isolated: by[0]! / total, deadEnd: by[1]! / total };
}

/** Mask of the voxels in components that touch both faces of `axis` (the percolating cluster). */
export function percolatingMask(components: Components, axis: Axis, out: Uint8Array = new Uint8Array(components.label.length)): Uint8Array {
  const keep = new Uint8Array(components.count);
  for (let c = 0; c < components.count; c++) keep[c] = facesTouched(components, c, axis) === 2 ? 1 : 0;
  const label = components.label;
  for (let i = 0; i < out.length; i++) {
    const c = label[i]!;
    if (c >= 0 && keep[c]) out[i] = 1;
  }
  return out;
}
