/**
 * D3Q19 velocity set and weights shared by the TypedArray engine and the gpu.js kernels. Direction
 * q and OPPOSITE[q] are paired so that bounce-back and the TRT split into symmetric and
 * antisymmetric parts are index lookups.
 */
export const Q = 19;

export const CX = Float32Array.from([0, 1, -1, 0, 0, 0, 0, 1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 0, 0]);
export const CY = Float32Array.from([0, 0, 0, 1, -1, 0, 0, 1, -1, -1, 1, 0, 0, 0, 0, 1, -1, 1, -1]);
export const CZ = Float32Array.from([0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 1, -1, -1, 1, 1, -1, -1, 1]);
/** Weights in double precision: float32 weights sum to 1 + 1e-8, a steady mass gain of that much per step. */
export const W64 = Float64Array.from([
  1 / 3,
  1 / 18, 1 / 18, 1 / 18, 1 / 18, 1 / 18, 1 / 18,
  1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36,
]);
/** Float32 copy of the weights for the gpu.js kernels. */
export const W = Float32Array.from(W64);
export const OPPOSITE = Float32Array.from([0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15, 18, 17]);

/** Lattice speed of sound squared. */
export const CS2 = 1 / 3;

/** Lattice kinematic viscosity of a relaxation time. */
export function latticeViscosity(tau: number): number {
  return (tau - 0.5) * CS2;
}

/** Node kinds of the lattice domain. */
export const NODE = { fluid: 0, solid: 1, inlet: 2, outlet: 3 } as const;

/**
 * Density the engines' density fields hold at solid nodes (never reported: moments give solids 0).
 * A fluid node's Shan–Chen sum reads it as "solid" and counts that neighbour with the node's own ψ
 * (see collideAndStream in typed-array-engine.ts); no fluid density comes near −1, so any value
 * below −½ is the marker. fast-step.mjs and the wasm kernel keep their own copy of the value.
 */
export const SOLID_RHO = -1;
