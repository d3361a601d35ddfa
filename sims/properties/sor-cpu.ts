import type { DiffusionProblem } from './diffusion-problem.ts';

/**
 * Red–black successive over-relaxation on plain typed arrays: the fast path for CPU backends
 * (gpu.js's cpu and webasm modes run the same stencil more slowly; tests keep the two equal).
 * Updates `c` (padded layout, Float64 so τ = 1 cases hold to 1e-6) in place for `sweeps` sweeps,
 * each sweep a red half then a black half.
 */
export function sorSweepsCpu(p: DiffusionProblem, c: Float64Array, omega: number, sweeps: number): void {
  for (let s = 0; s < sweeps; s++) {
    halfSweep(p, c, omega, p.activeEven);
    halfSweep(p, c, omega, p.activeOdd);
  }
}

function halfSweep(p: DiffusionProblem, c: Float64Array, omega: number, cells: Int32Array): void {
  const a = p.dims[0];
  const plane = a * p.dims[1];
  const { ga, gb, gl, inlet, signedInvDiag: sd, pad } = p;
  // The right-hand side is the inlet conductance on the first plane, 0 elsewhere.
  const inletEnd = pad + plane;
  for (let k = 0; k < cells.length; k++) {
    const q = cells[k]!;
    const old = c[q]!;
    const r =
      (q < inletEnd ? inlet[q - pad]! : 0) +
      ga[q - 1]! * (c[q - 1]! - old) +
      ga[q]! * (c[q + 1]! - old) +
      gb[q - a]! * (c[q - a]! - old) +
      gb[q]! * (c[q + a]! - old) +
      gl[q - plane]! * (c[q - plane]! - old) +
      gl[q]! * (c[q + plane]! - old);
    c[q] = old + omega * r * Math.abs(sd[q]!);
  }
}
