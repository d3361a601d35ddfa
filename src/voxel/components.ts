import type { Shape } from '../volume/volume.ts';
import { findRoot } from './union-find.ts';

export type Axis = 'x' | 'y' | 'z';
export const AXES: readonly Axis[] = ['x', 'y', 'z'];
export const AXIS_INDEX: Record<Axis, 0 | 1 | 2> = { x: 0, y: 1, z: 2 };

/** Which axes wrap around (x, y, z); the generator's volumes are periodic in x and y. */
export type Periodic = readonly [boolean, boolean, boolean];
const NOT_PERIODIC: Periodic = [false, false, false];

/** Bits in `Components.faces`: low and high face of x, y, z. */
export const FACE_BIT = { x: [1, 2], y: [4, 8], z: [16, 32] } as const;

/**
 * 6-connected components (face neighbours only: the neighbourhood through which diffusion and
 * flow on the voxel grid actually pass). `label[i]` is the component of voxel i, or -1 outside
 * the mask. Components are numbered in the order of their first voxel (x fastest).
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

export interface ComponentOptions {
  /** Axes along which the volume wraps, so that voxels on opposite faces are neighbours. Default none. */
  periodic?: Periodic;
  scratch?: ComponentScratch;
}

const FRESH: ComponentScratch = { padded: (n) => new Int32Array(n), stack: (n) => new Int32Array(n), label: (n) => new Int32Array(n) };

/**
 * Labels the 6-connected components of a binary mask (like scipy.ndimage.label with the default
 * structuring element, or PoreSpy's region labelling).
 *
 * @param mask  1 (any non-zero) in the phase, 0 outside; x fastest, index x + nx·(y + ny·z).
 * @param shape [nx, ny, nz] in voxels.
 * @param options `periodic` axes join opposite faces; `scratch` lends the working arrays.
 * @returns labels (−1 outside the mask), component count, sizes in voxels and faces touched.
 * @example
 *   const c = labelComponents(pore, [64, 64, 64], { periodic: [true, true, false] });
 *   c.count; // number of pore clusters
 */
export function labelComponents(mask: Uint8Array, shape: Shape, options: ComponentOptions = {}): Components {
  const [nx, ny, nz] = shape;
  const scratch = options.scratch ?? FRESH;
  // Flood fill on a copy padded with one empty voxel on every side: neighbours need no bounds
  // checks and no coordinates (divisions were most of the cost); face contacts are read off the
  // six faces afterwards, and periodic axes join components across faces afterwards too.
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
  let faces: Uint8Array = new Uint8Array(count);
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
  let size: Float64Array = Float64Array.from(sizes);
  const periodic = options.periodic ?? NOT_PERIODIC;
  if (periodic[0] || periodic[1] || periodic[2]) {
    const joined = joinAcrossFaces(label, shape, periodic, count, size, faces);
    count = joined.count;
    size = joined.size;
    faces = joined.faces;
  }
  return { label, count, size, faces };
}

/**
 * Merges the components that meet across the faces of periodic axes (union-find over component
 * ids, a pass over the faces only) and renumbers them in order of their first voxel, as the
 * non-periodic labelling numbers them.
 */
function joinAcrossFaces(label: Int32Array, shape: Shape, periodic: Periodic, count: number, size: Float64Array, faces: Uint8Array): Pick<Components, 'count' | 'size' | 'faces'> {
  const [nx, ny, nz] = shape;
  const parent = new Int32Array(count);
  for (let c = 0; c < count; c++) parent[c] = c;
  const find = (c: number): number => findRoot(parent, c);
  const join = (a: number, b: number): void => {
    if (a < 0 || b < 0) return;
    const ra = find(a);
    const rb = find(b);
    // The smaller id stays the root, so roots are the first-numbered component of each set.
    if (ra < rb) parent[rb] = ra;
    else if (rb < ra) parent[ra] = rb;
  };
  const plane = nx * ny;
  if (periodic[0]) for (let r = 0; r < ny * nz; r++) join(label[nx * r]!, label[nx * r + nx - 1]!);
  if (periodic[1]) {
    for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) join(label[x + plane * z]!, label[x + nx * (ny - 1) + plane * z]!);
  }
  if (periodic[2]) for (let i = 0; i < plane; i++) join(label[i]!, label[i + plane * (nz - 1)]!);
  const newId = new Int32Array(count);
  let merged = 0;
  for (let c = 0; c < count; c++) newId[c] = find(c) === c ? merged++ : -1;
  const outSize = new Float64Array(merged);
  const outFaces = new Uint8Array(merged);
  for (let c = 0; c < count; c++) {
    const m = newId[find(c)]!;
    outSize[m]! += size[c]!;
    outFaces[m]! |= faces[c]!;
  }
  for (let c = 0; c < count; c++) newId[c] = newId[find(c)]!;
  for (let i = 0; i < label.length; i++) {
    const c = label[i]!;
    if (c >= 0) label[i] = newId[c]!;
  }
  return { count: merged, size: outSize, faces: outFaces };
}

/** How many of the two faces of `axis` component `c` touches (0, 1 or 2). */
export function facesTouched(components: Components, c: number, axis: Axis): number {
  const [lo, hi] = FACE_BIT[axis];
  const f = components.faces[c]!;
  return ((f & lo) !== 0 ? 1 : 0) + ((f & hi) !== 0 ? 1 : 0);
}

/**
 * Sizes in voxels of the 6-connected clusters of `mask`, largest first.
 * @example componentSizes(gasMask, [32, 32, 32]); // e.g. [812, 40, 3]
 */
export function componentSizes(mask: Uint8Array, shape: Shape, options: Omit<ComponentOptions, 'scratch'> = {}): number[] {
  return Array.from(labelComponents(mask, shape, options).size).sort((a, b) => b - a);
}
