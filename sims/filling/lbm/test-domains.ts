/**
 * Test-only fixtures for the lattice-Boltzmann engine tests: painting a two-component lattice node
 * by node, the mirror map of walls at x = 0 and x = nx − 1, and the relative difference the engine
 * comparisons assert on. Imported by the *.test.ts files of this folder only (no library code).
 */
import { NODE } from './lattice.ts';

/** What one lattice node holds: a solid (with its adhesion strength), or fluid that is liquid or gas. */
export type PaintedNode = { solid: true; adhesion?: number } | { solid?: false; kind?: number; liquid: boolean };

/** Node kinds, adhesion strengths and component densities of a painted lattice (x fastest). */
export interface PaintedLattice {
  node: Uint8Array;
  /** Adhesion strength per node (0 on fluid and on solid painted without one). */
  strength: Float32Array;
  rho1: Float32Array;
  rho2: Float32Array;
}

/** The lattice densities of the two-component tests at G = 3: liquid-rich and gas-rich. */
export const TWO_PHASE = { hi: 1.037, lo: 0.049 } as const;

/**
 * Builds the node array, adhesion strengths and densities of an nx×ny×nz lattice from a per-node
 * description: solid nodes get their adhesion and zero density, fluid nodes (fluid, inlet or outlet
 * kind) get component 1 at `hi` and component 2 at `lo` where liquid, the reverse where gas.
 * @param nx lattice nodes along x.
 * @param ny lattice nodes along y.
 * @param nz lattice nodes along z.
 * @param at the content of node (x, y, z).
 * @param rho the liquid-rich and gas-rich lattice densities (defaults to TWO_PHASE).
 * @returns node kinds, adhesion strengths, component densities (x fastest).
 * @example
 * paintLattice(8, 8, 8, (x, y, z) => (z === 0 ? { solid: true, adhesion: -0.2 } : { liquid: z < 3 }));
 */
export function paintLattice(nx: number, ny: number, nz: number, at: (x: number, y: number, z: number) => PaintedNode, rho: { hi: number; lo: number } = TWO_PHASE): PaintedLattice {
  const n = nx * ny * nz;
  const node = new Uint8Array(n);
  const strength = new Float32Array(n);
  const rho1 = new Float32Array(n);
  const rho2 = new Float32Array(n);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const cell = at(x, y, z);
        if (cell.solid) {
          node[i] = NODE.solid;
          strength[i] = cell.adhesion ?? 0;
          continue;
        }
        node[i] = cell.kind ?? NODE.fluid;
        rho1[i] = cell.liquid ? rho.hi : rho.lo;
        rho2[i] = cell.liquid ? rho.lo : rho.hi;
      }
    }
  }
  return { node, strength, rho1, rho2 };
}

/**
 * Mirror map of walls at x = 0 and x = nx − 1 only (y stays periodic): each wall node takes the
 * densities of its inner neighbour, every other node −1.
 * @param nx lattice nodes along x.
 * @param ny lattice nodes along y.
 * @param nz lattice nodes along z.
 * @returns one index per node (x fastest).
 * @example
 * xWallMirror(4, 1, 1); // Int32Array [1, -1, -1, 2]
 */
export function xWallMirror(nx: number, ny: number, nz: number): Int32Array {
  const m = new Int32Array(nx * ny * nz).fill(-1);
  for (let row = 0; row < ny * nz; row++) {
    m[nx * row] = 1 + nx * row;
    m[nx - 1 + nx * row] = nx - 2 + nx * row;
  }
  return m;
}

/**
 * max |a − b| / max |a| over two equally long arrays.
 * @param a the reference values.
 * @param b the values compared with them.
 * @returns the largest difference relative to the largest reference magnitude.
 * @example
 * maxRelativeDifference(new Float32Array([2, 4]), new Float32Array([2, 3])); // 0.25
 */
export function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return diff / scale;
}
