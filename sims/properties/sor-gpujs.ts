import type { IConstantsThis, IKernelFunctionThis, IKernelRunShortcut, IPipelineHandle, IPipelineRunShortcut } from 'gpu.js';
import type { Compute } from '../../src/gpu/backend.ts';
import { inletRhs, type DiffusionProblem } from './diffusion-problem.ts';

interface SorConstants {
  [key: string]: number;
  a: number;
  plane: number;
  omega: number;
  colour: number;
}

/**
 * One red–black half-sweep as a gpu.js kernel over the padded flat grid. The colour of a cell is
 * the sign of its inverse diagonal (see DiffusionProblem), so the kernel needs no integer index
 * arithmetic, which loses exactness in float shaders beyond 2^24 cells.
 */
function sorHalfSweep(
  this: IKernelFunctionThis<SorConstants>,
  c: number[],
  ga: number[],
  gb: number[],
  gl: number[],
  rhs: number[],
  sd: number[],
): number {
  const q = this.thread.x;
  const inv = sd[q]! * this.constants.colour;
  const old = c[q]!;
  if (inv <= 0) return old;
  const a = this.constants.a;
  const plane = this.constants.plane;
  const r =
    rhs[q]! +
    ga[q - 1]! * (c[q - 1]! - old) +
    ga[q]! * (c[q + 1]! - old) +
    gb[q - a]! * (c[q - a]! - old) +
    gb[q]! * (c[q + a]! - old) +
    gl[q - plane]! * (c[q - plane]! - old) +
    gl[q]! * (c[q + plane]! - old);
  return old + this.constants.omega * r * inv;
}

export interface GpuSor {
  /** Runs `sweeps` full sweeps (fixed when created) from `c` and resolves the new field. */
  run(c: Float32Array): Promise<Float32Array>;
  /** The gpu.js mode that really ran the kernels, and how the pipeline executed. */
  backend(): string;
  destroy(): void;
}

/**
 * Builds a gpu.js pipeline of `sweeps` red–black sweeps. The coefficient arrays are uploaded once
 * per call and every intermediate field stays on the device; only the final field is read back,
 * for the convergence check.
 */
export function createGpuSor(compute: Compute, p: DiffusionProblem, omega: number, sweeps: number): GpuSor {
  const total = p.ga.length;
  const [a, b] = p.dims;
  const settings = { output: [total], precision: 'single' as const, tactic: 'precision' as const };
  const red = compute.gpu.createKernel(sorHalfSweep, { ...settings, constants: { a, plane: a * b, omega, colour: 1 } }) as IKernelRunShortcut;
  const black = compute.gpu.createKernel(sorHalfSweep, { ...settings, constants: { a, plane: a * b, omega, colour: -1 } }) as IKernelRunShortcut;
  const plan: IPipelineRunShortcut = compute.gpu.createPipeline(
    function (this: { constants: IConstantsThis }, c: IPipelineHandle, ga: IPipelineHandle, gb: IPipelineHandle, gl: IPipelineHandle, rhs: IPipelineHandle, sd: IPipelineHandle): IPipelineHandle {
      let u: IPipelineHandle = c;
      const n = Number(this.constants.sweeps);
      for (let s = 0; s < n; s++) {
        u = red(u, ga, gb, gl, rhs, sd);
        u = black(u, ga, gb, gl, rhs, sd);
      }
      return u;
    },
    { constants: { sweeps } },
  );
  const rhs = inletRhs(p);
  return {
    async run(c) {
      const out = await plan(c, p.ga, p.gb, p.gl, rhs, p.signedInvDiag);
      return toFloat32(out, total);
    },
    backend() {
      return `${plan.backend ?? compute.backend} (${plan.executorKind})`;
    },
    destroy() {
      void plan.destroy();
      red.destroy?.();
      black.destroy?.();
    },
  };
}

function toFloat32(out: unknown, total: number): Float32Array {
  if (out instanceof Float32Array) return out;
  if (ArrayBuffer.isView(out) || Array.isArray(out)) return Float32Array.from(out as ArrayLike<number>);
  throw new Error(`gpu.js pipeline returned ${typeof out}, expected ${total} numbers`);
}
