import type { Volume } from '../../src/volume/volume.ts';
import type { SimContext } from '../../src/simulation.ts';
import { ConfigError, SolverDivergedError, throwIfAborted } from '../../src/errors.ts';
import type { Axis } from '../../src/voxel/components.ts';
import {
  buildDiffusionProblem,
  checkFlux,
  coarsenDiffusivity,
  fluxStats,
  linearGuess,
  problemFromDiffusivity,
  prolong,
  type DiffusionProblem,
  type FluxCheck,
} from './diffusion-problem.ts';
import { sorSweepsCpu } from './sor-cpu.ts';
import { createMgPcg } from './mg-pcg.ts';
import { createGpuSor } from './sor-gpujs.ts';
import { createWebGpuPcg, pcgTuning } from './pcg-webgpu.ts';
import { getWebGpuDevice } from '../../src/gpu/webgpu-device.ts';
import type { SolveWorkspace } from './workspace.ts';

/**
 * Which implementation solves: 'webgpu-pcg' Jacobi-preconditioned CG as WGSL compute shaders on
 * mesolab's WebGPU device (pcg-webgpu.ts; the field stays on the device, only the plane fluxes
 * come back at each check); 'gpujs' red–black SOR as a gpu.js kernel pipeline on the context's
 * backend; 'sor' the same SOR on plain typed arrays (the reference the gpu.js path is tested
 * against); 'mgpcg' multigrid-preconditioned conjugate gradients on typed arrays (fastest on a
 * CPU: iterations nearly flat with size, each ≈ 8 SOR sweeps of work). 'auto' takes 'webgpu-pcg'
 * on the webgpu backend (measured faster than the gpu.js SOR there, README), 'gpujs' on webgl2
 * (browser) and 'mgpcg' on cpu and webasm.
 */
export type SolverEngine = 'auto' | 'webgpu-pcg' | 'gpujs' | 'sor' | 'mgpcg';

export interface TortuosityOptions {
  /** Convergence tolerance on both criteria (see TortuosityResult.converged). Default 1e-4. */
  tol?: number;
  /** Give up (converged: false) after this many sweeps (PCG iterations for 'mgpcg' and 'webgpu-pcg'). Default 100 000. */
  maxIterations?: number;
  /**
   * Sweeps (or 'webgpu-pcg' iterations) between convergence checks (a check reads the field, or on
   * 'webgpu-pcg' the plane fluxes, back). Default: from the grid size; 1 for 'mgpcg'.
   */
  checkEvery?: number;
  /** Over-relaxation factor in (0, 2). Default: from the grid size. */
  omega?: number;
  engine?: SolverEngine;
  /**
   * Start from the solution on successively coarsened grids instead of the linear profile
   * (default false). It gives a more accurate τ at a loose tol, but on overlapping spheres it saves
   * only ~10% of the full-grid sweeps (the slowest error, in dead-end pockets, is not a long
   * wavelength) and its setup costs about as much, so it is off unless asked for.
   */
  coarseGuess?: boolean;
  /** Tolerance the coarse-grid solves are taken to (default 1e-2). */
  coarseTol?: number;
  /**
   * Threads for the 'mgpcg' engine's finest-level passes: 1 or 2 (same iterations, τ equal to
   * ~1e-9). Default: 2 on the main thread of a machine with at least two cores when the
   * percolating cluster has ≥ 60 000 cells, else 1; the default drops to 1 during the solve when
   * the worker thread is starved (another process holds the second core).
   */
  threads?: number;
  /** Never drop the default threads to 1 during a solve (MgPcgOptions.steadyThreads): τ independent of the machine's load. */
  steadyThreads?: boolean;
  /**
   * Arrays shared by successive solves (computeProperties passes one per run), so that memory
   * does not grow with the number of solves; without it each solve allocates its own.
   */
  workspace?: SolveWorkspace;
}

export interface TortuosityResult {
  /** τ = ⟨D⟩ / D_eff with ⟨D⟩ = Σ ε_i·D_i (= ε·D for one phase); Infinity when nothing percolates. */
  tau: number;
  /** D_eff / D_bulk, relative to a bulk conductivity of 1. */
  effectiveDiffusivity: number;
  /** Volume fraction of the conducting set (every voxel with conductivity > 0). */
  porosity: number;
  /** Sweeps done on the full grid (one sweep = a red and a black half-sweep), or PCG iterations for 'mgpcg' and 'webgpu-pcg'. */
  iterations: number;
  /** Sweeps spent on the coarsened grids for the initial guess (each ≤ 1/8 the cost of a full one). */
  coarseSweeps: number;
  /** Flux non-uniformity at the last check: max over planes |F_k − F̄| / F̄. */
  residual: number;
  /** Relative change of τ between the last two checks. */
  tauChange: number;
  /** residual < tol and tauChange < tol. */
  converged: boolean;
  /** Whether any cluster of the conducting set joins both faces (6-neighbourhood). */
  percolating: boolean;
  /** What ran the sweeps, e.g. "typed-array cpu" or "webgpu (fused-encoder)". */
  backend: string;
  /** Device memory the 'webgpu-pcg' solve held, bytes per voxel (all buffers); absent for other engines. */
  deviceBytesPerVoxel?: number;
  /** Wall time of the solve in milliseconds (setup included). */
  ms: number;
}

const DEFAULT_TOL = 1e-4;
const DEFAULT_MAX_ITERATIONS = 100_000;
const DEFAULT_COARSE_TOL = 1e-2;
/** Coarsen only while every side of the coarse grid keeps at least this many cells. */
const MIN_COARSE_SIDE = 8;

/**
 * Relaxation factor of red–black SOR. For the Laplacian on a box with longest side n the optimum
 * is 2 / (1 + sin(π/n)); diffusion paths in a porous medium are longer than the box, which pushes
 * the optimum up. Measured on overlapping-sphere packings (ε ≈ 0.45): best ω ≈ 1.93 at n = 32 and
 * ≈ 1.96 at n = 64, i.e. the box formula with n stretched by 2.5, which this returns (it roughly
 * halves the sweeps against the box value; still < 2, so SOR cannot diverge).
 */
export function defaultOmega(dims: readonly number[]): number {
  const n = Math.max(...dims, 2);
  return 2 / (1 + Math.sin(Math.PI / (2.5 * n)));
}

/**
 * Sweeps between convergence checks. A check reads the field (on a GPU: back to the host), so GPU
 * runs check every n/2 sweeps; on the CPU a check costs about a third of a sweep, and checking every
 * n/8 lets a solve stop closer to the sweep where it converged.
 */
export function defaultCheckEvery(dims: readonly number[], onGpu = false): number {
  const n = Math.max(...dims);
  return onGpu ? Math.min(200, Math.max(10, Math.round(n / 2))) : Math.min(50, Math.max(8, Math.round(n / 8)));
}

/**
 * Tortuosity factor and effective diffusivity of one conducting set along one axis, by steady-state
 * finite volumes with harmonic face averaging (fixed values on the two faces normal to the axis,
 * no flux on the others): τ = ε · D / D_eff, as TauFactor 2 reports it.
 *
 * @param volume labelled volume (voxelSize in m).
 * @param conductivityPerLabel conductivity of each label relative to the bulk (0 = blocked), e.g.
 *   from conductivitySets.
 * @param axis 'x', 'y' or 'z' (z through the electrode thickness).
 * @param opts tol (relative, convergence of τ and flux uniformity), maxIterations (count), engine
 *   ('auto', 'mgpcg', 'sor', 'gpujs', 'webgpu-pcg'), checkEvery (sweeps), omega (SOR factor), …
 * @param ctx compute backend, progress callback and abort signal.
 * @returns τ (Infinity when the set does not percolate), D_eff/D (dimensionless), the conducting
 *   fraction ε, iterations, residual, whether it converged, the engine that ran and the time (ms).
 * @example
 * const r = await tortuosity(volume, [1, 0, 0], 'z', { tol: 1e-4 }, ctx); // pore space only
 * r.tau; // e.g. 1.8
 * @see Cooper et al., SoftwareX 5 (2016) 203 and Kench et al., J. Open Source Softw. 8 (2023) 5358 (TauFactor).
 */
export async function tortuosity(
  volume: Volume,
  conductivityPerLabel: readonly number[],
  axis: Axis,
  opts: TortuosityOptions,
  ctx: SimContext,
): Promise<TortuosityResult> {
  const t0 = performance.now();
  const tol = opts.tol ?? DEFAULT_TOL;
  if (!(tol > 0 && tol < 1)) throw new ConfigError('tol', tol, 'a tolerance in (0, 1)');
  const maxIterations = opts.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new ConfigError('maxIterations', maxIterations, 'a positive integer');
  const requested = opts.engine ?? 'auto';
  const engine = requested === 'auto' ? autoEngine(ctx.compute.backend) : requested;
  // The workspace serves the CPU multigrid engine, whose arrays are the whole footprint. The GPU
  // engines hold their fields on the device, and Dawn's writeBuffer refuses the workspace's
  // SharedArrayBuffers, so they build their host arrays fresh.
  const ws = engine === 'mgpcg' ? opts.workspace : undefined;
  const problem = buildDiffusionProblem(volume, conductivityPerLabel, axis, ws);
  const omega = opts.omega ?? defaultOmega(problem.dims);
  if (!(omega > 0 && omega < 2)) throw new ConfigError('omega', omega, 'a relaxation factor in (0, 2)');
  const useGpu = engine === 'gpujs';
  // A PCG iteration costs ~8 sweeps, so it is checked after every iteration.
  const checkEvery =
    opts.checkEvery ?? (engine === 'mgpcg' ? 1 : engine === 'webgpu-pcg' ? defaultPcgCheckEvery(problem.dims) : defaultCheckEvery(problem.dims, useGpu));
  if (!Number.isInteger(checkEvery) || checkEvery < 1) throw new ConfigError('checkEvery', checkEvery, 'a positive integer');
  if (opts.threads !== undefined && opts.threads !== 1 && opts.threads !== 2) throw new ConfigError('threads', opts.threads, '1 or 2');
  const base = { porosity: problem.porosity, ms: 0 };
  if (problem.percolatingFraction === 0) {
    return {
      ...base,
      tau: Infinity,
      effectiveDiffusivity: 0,
      iterations: 0,
      coarseSweeps: 0,
      residual: 0,
      tauChange: 0,
      converged: true,
      percolating: false,
      backend: useGpu ? ctx.compute.backend : engine === 'webgpu-pcg' ? 'webgpu (WGSL Jacobi-PCG)' : engineLabel(engine),
      ms: performance.now() - t0,
    };
  }

  const guess =
    opts.coarseGuess === true
      ? cascadeGuess(problem, opts.coarseTol ?? DEFAULT_COARSE_TOL, ctx.signal)
      : // On the mgpcg engine with a workspace the guess is written straight into the solver's x.
        { c: linearGuess(problem, ws && engine === 'mgpcg' ? ws.f64('L0.x', problem.ga.length) : new Float64Array(problem.ga.length)), sweeps: 0 };
  const stepper = useGpu
    ? gpuStepper(ctx, problem, omega, checkEvery, guess.c)
    : engine === 'webgpu-pcg'
      ? await webgpuPcgStepper(problem, guess.c)
      : engine === 'mgpcg'
        ? pcgStepper(problem, guess.c, opts.threads, ctx.threads, ws, opts.steadyThreads)
        : cpuStepper(problem, omega, guess.c);
  const measure = async (): Promise<FluxCheck> => (stepper.check ? await stepper.check() : checkFlux(problem, stepper.field()));
  try {
    let iterations = 0;
    let prevTau = NaN;
    let check: FluxCheck = await measure();
    let tau = problem.meanDiffusivity / check.effectiveDiffusivity;
    let tauChange = Infinity;
    for (;;) {
      throwIfAborted(ctx.signal);
      const sweeps = Math.min(checkEvery, maxIterations - iterations);
      await stepper.step(sweeps);
      iterations += sweeps;
      check = await measure();
      prevTau = tau;
      tau = problem.meanDiffusivity / check.effectiveDiffusivity;
      if (!Number.isFinite(check.meanFlux) || !Number.isFinite(tau) || tau <= 0) {
        throw new SolverDivergedError('tortuosity', tau, 'a finite positive tortuosity factor', `axis ${axis}, after ${iterations} sweeps`, {
          iterations,
          residual: check.nonUniformity,
        });
      }
      tauChange = Math.abs(tau - prevTau) / tau;
      ctx.onProgress?.({
        stage: `tortuosity ${axis}`,
        done: iterations,
        unit: 'sweeps',
        info: { tau, residual: check.nonUniformity, taufactorSpread: check.taufactorSpread },
      });
      if ((check.nonUniformity < tol && tauChange < tol) || iterations >= maxIterations || stepper.exhausted?.(check)) break;
    }
    return {
      ...base,
      tau,
      effectiveDiffusivity: check.effectiveDiffusivity,
      iterations,
      coarseSweeps: guess.sweeps,
      residual: check.nonUniformity,
      tauChange,
      converged: check.nonUniformity < tol && tauChange < tol,
      percolating: true,
      backend: stepper.backend(),
      ...(stepper.deviceBytesPerVoxel !== undefined ? { deviceBytesPerVoxel: stepper.deviceBytesPerVoxel } : {}),
      ms: performance.now() - t0,
    };
  } finally {
    stepper.destroy();
  }
}

interface Stepper {
  step(sweeps: number): Promise<void>;
  field(): ArrayLike<number>;
  /** The flux check computed where the field lives (GPU engines that never read the field back). */
  check?(): Promise<FluxCheck>;
  backend(): string;
  deviceBytesPerVoxel?: number;
  /** True when more iterations cannot improve the field (float32 floor reached), judged from the latest check. */
  exhausted?(check: FluxCheck): boolean;
  destroy(): void;
}

/** The engine 'auto' picks on a compute backend. */
export function autoEngine(backend: string): Exclude<SolverEngine, 'auto'> {
  return backend === 'webgpu' ? 'webgpu-pcg' : backend === 'webgl2' ? 'gpujs' : 'mgpcg';
}

/**
 * Iterations between convergence checks of 'webgpu-pcg'. A check is one extra pass over a plane's
 * worth of threads per plane plus a read-back of L + 1 floats and a queue round trip (~0.1 ms on
 * a GPU, ~1 iteration's time at 64³ on SwiftShader), and a solve may overshoot by up to this many
 * iterations: n/16 (4 at 64³, 16 at 256³ and up) keeps both under a few percent of the
 * iterations the solve needs (they grow ∝ n with the Jacobi preconditioner).
 */
export function defaultPcgCheckEvery(dims: readonly number[]): number {
  return Math.min(16, Math.max(4, Math.round(Math.max(...dims) / 16)));
}

/** Checks without progress before the 'webgpu-pcg' solver restarts from the true residual. */
const STALL_CHECKS = 2;

async function webgpuPcgStepper(problem: DiffusionProblem, start: Float64Array): Promise<Stepper> {
  const { device, report } = await getWebGpuDevice();
  const pcg = createWebGpuPcg(device, problem, start, pcgTuning(report.software));
  let lost = false;
  void device.lost.then(() => (lost = true));
  const adapter = report.description || report.device || report.vendor || 'unknown adapter';
  let best = Infinity;
  let stalled = 0;
  let restarts = 0;
  let fruitless = 0;
  let lastTau = NaN;
  return {
    async step(iterations) {
      if (lost) throw new Error('tortuosity: the WebGPU device was lost during the solve');
      pcg.iterate(iterations);
    },
    field: () => {
      throw new Error('webgpu-pcg keeps the field on the device; use check()');
    },
    async check() {
      const stats = fluxStats(await pcg.planeFlux(), problem.dims);
      // Stall detection for the float32 recurrence (see WebGpuPcg.restart): when the field stops
      // moving (τ unchanged to 1e-9 for STALL_CHECKS checks; CG's flux non-uniformity itself is
      // not monotone, so it cannot be the signal), CG restarts from the true residual. Restarts
      // that bring the best non-uniformity no 10% gain mean the float32 field cannot represent the
      // solution any better (1.2e-5 on two layers in series): the solve then stops, unconverged
      // if tol is below that floor, instead of running to maxIterations.
      const tau = problem.meanDiffusivity / stats.effectiveDiffusivity;
      if (stats.nonUniformity < 0.9 * best) {
        best = stats.nonUniformity;
        fruitless = 0;
      }
      stalled = Math.abs(tau - lastTau) <= 1e-9 * tau ? stalled + 1 : 0;
      lastTau = tau;
      if (stalled >= STALL_CHECKS) {
        pcg.restart();
        restarts++;
        fruitless++;
        stalled = 0;
      }
      return stats;
    },
    backend: () => `webgpu (WGSL Jacobi-PCG on ${adapter}${restarts > 0 ? `, ${restarts} residual restart${restarts > 1 ? 's' : ''}` : ''})`,
    deviceBytesPerVoxel: pcg.bytesPerVoxel,
    exhausted: () => fruitless >= STALL_CHECKS,
    destroy() {
      pcg.destroy();
    },
  };
}

function cpuStepper(problem: DiffusionProblem, omega: number, c: Float64Array): Stepper {
  return {
    async step(sweeps) {
      sorSweepsCpu(problem, c, omega, sweeps);
    },
    field: () => c,
    backend: () => engineLabel('sor'),
    destroy() {},
  };
}

function engineLabel(engine: 'sor' | 'mgpcg', threads = 1, startThreads = threads): string {
  if (engine === 'sor') return 'typed-array cpu (red–black SOR)';
  const note = threads > 1 ? `, ${threads} threads` : startThreads > 1 ? `, 1 thread after ${startThreads} (second core busy)` : '';
  return `typed-array cpu (multigrid-preconditioned CG${note})`;
}

/**
 * Iterations of 'mgpcg' without a 10 % gain in the best flux non-uniformity before the solve stops
 * as exhausted. Why: its float32 search directions set a floor (8.8e-9 on a 24³ electrode's pore
 * space, reached in 16 iterations, where it gains ×3 or more per iteration); asked for less, it ran
 * to maxIterations, 100,000 by default (half an hour at 128³) without moving τ in its tenth digit.
 * CG's non-uniformity is not monotone, hence the best of it and a window, not the last two checks.
 */
const PCG_STALL_ITERATIONS = 50;

function pcgStepper(problem: DiffusionProblem, start: Float64Array, threads: number | undefined, maxThreads: number | undefined, workspace: SolveWorkspace | undefined, steadyThreads = false): Stepper {
  // The run's share of a sweep's thread budget caps the default; an explicit `threads` wins.
  const solver = createMgPcg(problem, start, { ...(threads !== undefined ? { threads } : {}), ...(maxThreads !== undefined ? { maxThreads } : {}), ...(workspace ? { workspace } : {}), ...(steadyThreads ? { steadyThreads } : {}) });
  let best = Infinity;
  let fruitless = 0;
  return {
    exhausted(check) {
      if (check.nonUniformity < 0.9 * best) {
        best = check.nonUniformity;
        fruitless = 0;
      } else fruitless++;
      return fruitless >= PCG_STALL_ITERATIONS;
    },
    async step(iterations) {
      for (let k = 0; k < iterations; k++) solver.iterate();
    },
    field: () => solver.x,
    backend: () => engineLabel('mgpcg', solver.threads, solver.startThreads),
    destroy() {
      solver.dispose();
    },
  };
}

function gpuStepper(ctx: SimContext, problem: DiffusionProblem, omega: number, checkEvery: number, start: Float64Array): Stepper {
  let c: Float32Array = Float32Array.from(start);
  // One compiled plan per chunk length; the last chunk before maxIterations may be shorter.
  const plans = new Map<number, ReturnType<typeof createGpuSor>>();
  const plan = (sweeps: number): ReturnType<typeof createGpuSor> => {
    let p = plans.get(sweeps);
    if (!p) plans.set(sweeps, (p = createGpuSor(ctx.compute, problem, omega, sweeps)));
    return p;
  };
  plan(checkEvery);
  return {
    async step(sweeps) {
      c = await plan(sweeps).run(c);
    },
    field: () => c,
    backend: () => plan(checkEvery).backend(),
    destroy() {
      for (const p of plans.values()) p.destroy();
    },
  };
}

/**
 * Nested iteration (cascadic multigrid without cycles): the diffusivity is coarsened by 2 per axis
 * down to ~8-cell sides, each level is solved by SOR to a loose tolerance starting from the
 * injected solution of the level below, and the result is injected into the full grid. SOR
 * removes the short-wavelength error that injection leaves in a few sweeps, while the long
 * wavelengths it is slow on (sweeps ∝ n) come solved from the coarse grids. Always on the typed
 * CPU path: the coarse grids hold 1/7 of the work at most.
 */
export function cascadeGuess(problem: DiffusionProblem, tol: number, signal?: AbortSignal): { c: Float64Array; sweeps: number } {
  const c = new Float64Array(problem.ga.length);
  if (Math.min(...problem.dims) < 2 * MIN_COARSE_SIDE) return { c: linearGuess(problem, c), sweeps: 0 };
  const field = coarsenDiffusivity(problem.diffusivity, problem.dims);
  const coarse = problemFromDiffusivity(field.d, field.dims);
  if (coarse.percolatingFraction === 0) return { c: linearGuess(problem, c), sweeps: 0 };
  const below = cascadeGuess(coarse, tol, signal);
  const cc = below.c;
  const omega = defaultOmega(coarse.dims);
  const every = defaultCheckEvery(coarse.dims);
  const limit = 50 * Math.max(...coarse.dims);
  let sweeps = 0;
  let tau = coarse.meanDiffusivity / checkFlux(coarse, cc).effectiveDiffusivity;
  while (sweeps < limit) {
    throwIfAborted(signal);
    sorSweepsCpu(coarse, cc, omega, every);
    sweeps += every;
    const check = checkFlux(coarse, cc);
    const next = coarse.meanDiffusivity / check.effectiveDiffusivity;
    const change = Math.abs(next - tau) / next;
    tau = next;
    if (!(check.nonUniformity >= tol || change >= tol)) break;
  }
  prolong(coarse, cc, problem, c);
  return { c, sweeps: below.sweeps + sweeps };
}
