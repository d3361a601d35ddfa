import { splitActiveCells, type DiffusionProblem } from './diffusion-problem.ts';
import { allocator, type Allocator, type SolveWorkspace } from './workspace.ts';
import { OP, gsHalf, residualFromInlet, zero, type KernelLevel, type KernelOperator, type OpCode } from './mg-kernels.mjs';
import { availableThreads, parallelRunner, sequentialRunner, type LevelRunner } from './fine-team.ts';

/**
 * Conjugate gradients preconditioned by one multigrid V-cycle, on plain typed arrays: the CPU
 * engine's solver. SOR needs sweeps ∝ n because each sweep moves information one cell; the
 * V-cycle's coarse grids carry the long wavelengths, and CG absorbs what an imperfect coarse
 * operator on a porous geometry gets wrong, so iterations stay nearly flat with size.
 *
 * The system is A·c = b with (A c)_q = Σ g·(c_q − c_nb), the reservoirs being faces to the padding
 * planes, where c is 0 (diffusion-problem.ts); symmetric positive definite on the percolating
 * cluster. Coarse levels are Galerkin: A_c = Pᵀ A P with P the injection from 2×2×2 blocks, which
 * is again a 7-point operator (a coarse face conductance is the sum of the fine conductances
 * crossing it, reservoir faces included), so pore necks and dead ends
 * are represented exactly as the fine grid sees them, with no re-discretisation. Smoothing is
 * red–black Gauss–Seidel, forward before and backward after the coarse correction, and the
 * coarsest level gets a fixed number of symmetric sweeps, so the preconditioner is a fixed
 * symmetric operator, as CG requires.
 *
 * The passes over the finest level (~7/8 of the work) run on two threads when the grid is large
 * enough (fine-team.ts, kernels in mg-kernels.mjs); the coarser levels run on the calling thread.
 */
interface Level {
  p: DiffusionProblem;
  k: KernelLevel;
}

/**
 * Smoothing is one forward and one backward red–black sweep per level (the passes of runOp):
 * measured on 128³ sphere packings, two of each cost 40% more per iteration and saved ~15% of the
 * iterations; over-relaxing the smoother (ω 1.2–1.4) saved none. The coarsest level (sides < 8)
 * gets this many symmetric sweeps instead of an exact solve.
 */
const COARSEST_SWEEPS = 30;
/**
 * Each level's coarse correction is scaled by this factor before it is added. Injection from
 * 2×2×2 blocks makes the coarse correction piecewise constant, which undershoots the smooth error
 * it should remove (the coarse grid sees the energy of a step, not of a slope); scaling it up is
 * the classic remedy of aggregation multigrid. Measured on 128³ sphere packings (ε 0.45): plain
 * (1.0) 16 / 23 / 29 iterations to a flux non-uniformity below 1e-2 / 1e-3 / 1e-4, 1.5 → 8 / 11 /
 * 15, 1.8 → 7 / 10 / 14, 2.2 → 7 / 12 / 14 (oscillating); on the finest level only it gains nothing. The scaled
 * cycle is still symmetric; should it lose definiteness on some geometry (rᵀz ≤ 0), the solver
 * restarts with the plain cycle.
 */
const OVERCORRECTION = 1.8;
const MIN_SIDE = 4;
/**
 * Active cells below which the finest level stays on one thread: each pass then takes well under
 * a millisecond and the fork–join handshakes (tens of µs each, 8 per iteration) eat the gain.
 */
export const MIN_PARALLEL_CELLS = 60_000;

export interface MgPcgOptions {
  /**
   * Threads for the finest level: 1 or 2, held for the whole solve. Default: 2 where the machine
   * has two cores and the grid is large enough, dropping to 1 after the first iterations if the
   * worker thread is starved (the caller waits for it longer than it computes itself: another
   * process holds the second core, and two threads would be slower than one).
   */
  threads?: number;
  /**
   * Most threads this solve may use (a sweep's in-run share of the thread budget, src/threads.ts).
   * With it, the default is 2 wherever it is ≥ 2 and the grid is large enough, also inside a pool
   * worker; without it, the default above (and 1 inside any worker thread).
   */
  maxThreads?: number;
  /**
   * Keep the default's starting threads for the whole solve, never dropping to 1 (default false).
   * Why: one thread and two sum in another order, so τ differs in its last digits (~1e-9) with the
   * machine's load; a calibration's search must not (src/cli/calibration).
   */
  steadyThreads?: boolean;
  /**
   * Arrays reused across solves (computeProperties passes one): the levels' fields, the coarse
   * operators and the cell lists are taken from it, in shared memory, instead of allocated anew.
   */
  workspace?: SolveWorkspace;
}

export interface MgPcgState {
  /** Current solution (padded layout of the problem): starts as a copy of x0. */
  x: Float64Array;
  /** Runs one PCG iteration. */
  iterate(): void;
  /** Levels in the hierarchy, the finest included. */
  levels: number;
  /** Threads running the finest level's passes now. */
  readonly threads: number;
  /** Threads the solve started with (2 and threads = 1: it fell back to one thread). */
  readonly startThreads: number;
  /** Hands back the worker thread, if any. */
  dispose(): void;
}

// Scalars shared with the worker: [0] α, [1] β, [2] coarse-correction scale, [3] worker's partial
// sum, [4] 1 when the smoothing pass should also return rᵀz.
const S_ALPHA = 0;
const S_BETA = 1;
const S_SCALE = 2;
const S_WANT_DOT = 4;

export function createMgPcg(problem: DiffusionProblem, x0: Float64Array, opts: MgPcgOptions = {}): MgPcgState {
  const activeCells = problem.activeEven.length + problem.activeOdd.length;
  const allowed = opts.maxThreads !== undefined ? Math.max(1, Math.min(2, opts.maxThreads)) : availableThreads();
  const threads = opts.threads ?? (activeCells >= MIN_PARALLEL_CELLS ? allowed : 1);
  const shared = threads > 1;
  const ws = opts.workspace;
  const f64 = (len: number, key: string): Float64Array => (ws ? ws.f64(key, len) : shared ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len));
  // The preconditioner's arrays (z, and the coarse levels' right-hand sides and corrections) are
  // float32: the V-cycle is an approximation anyway, and rounding it at 6e-8 left the iterations
  // unchanged down to a non-uniformity of 7e-7 on 128³ while cutting ~18% of the CPU time per
  // iteration (memory traffic). The search direction d and A·d are float32 too (8 bytes per voxel
  // less): A·d is computed from the stored, rounded d and x moves along that same d, so x and r
  // stay consistent (r is still b − A x up to float64 rounding); rounding d only costs CG a little
  // conjugacy, as the float32 z already does. x and r, the recurrences that accumulate, stay
  // float64, and every dot product sums in float64.
  const f32 = (len: number, key: string): Float32Array => (ws ? ws.f32(key, len) : shared ? new Float32Array(new SharedArrayBuffer(len * 4)) : new Float32Array(len));

  const problems: DiffusionProblem[] = [problem];
  for (let p = problem; Math.min(...p.dims) >= 2 * MIN_SIDE; ) {
    const next = galerkinCoarsen(p, allocator(ws, `L${problems.length}`));
    if (next.activeEven.length + next.activeOdd.length === 0) break;
    problems.push((p = next));
  }
  const levels: Level[] = problems.map((p, li) => {
    const len = p.ga.length;
    const fine = li === 0;
    const z = f32(len, `L${li}.z`);
    const k: KernelLevel = {
      g: kernelOperator(p, fine && shared),
      even: fine && shared ? toShared(p.activeEven) : p.activeEven,
      odd: fine && shared ? toShared(p.activeOdd) : p.activeOdd,
      parentEven: new Int32Array(0),
      parentOdd: new Int32Array(0),
      // In shared memory when two threads run: the worker writes the finest level's fields and
      // restricts into (and prolongs from) the next level's.
      r: fine ? f64(len, `L${li}.r`) : f32(len, `L${li}.r`),
      z,
      cf: new Float32Array(0),
      ce: new Float32Array(0),
      // The start itself when it already lives in this workspace (tortuosity writes the guess there).
      x: fine ? (ws && x0.buffer === ws.peekBuffer('L0.x') ? x0 : f64(len, `L${li}.x`)) : new Float64Array(0),
      d: fine ? f32(len, `L${li}.d`) : new Float32Array(0),
      // A·d shares z's array (4 B/voxel): A·d is read only by the pass that starts the V-cycle,
      // cell by cell just before that cell's z is written (updateXRStartZ), and z is dead from
      // the end of the cycle (d = z + β·d) until A·d is formed again. Both are written on the
      // active cells only, so the inactive ones stay 0, as the smoother's neighbours must.
      ad: fine ? z : new Float32Array(0),
    };
    return { p, k };
  });
  for (let li = 0; li + 1 < levels.length; li++) {
    const { k, p } = levels[li]!;
    const below = levels[li + 1]!;
    k.cf = below.k.r;
    k.ce = below.k.z;
    const { even, odd } = parents(p, below.p, allocator(ws, `L${li}`));
    k.parentEven = li === 0 && shared ? toShared(even) : even;
    k.parentOdd = li === 0 && shared ? toShared(odd) : odd;
  }

  const fine = levels[0]!.k;
  const scalars = shared ? new Float64Array(new SharedArrayBuffer(8 * 8)) : new Float64Array(8);
  scalars[S_SCALE] = OVERCORRECTION;
  const split = shared ? splitAtEvenPlane(problem, fine) : null;
  const team = split ? parallelRunner(fine, scalars, split.even, split.odd) : null;
  const runners: LevelRunner[] = levels.map((L, li) => (li === 0 && team ? team : sequentialRunner(L.k, scalars)));
  let run0 = runners[0]!;
  const startThreads = run0.threads;
  const adaptive = opts.threads === undefined && opts.steadyThreads !== true;
  let iterations = 0;
  const dropStarvedWorker = (): void => {
    if (!adaptive || run0.threads === 1 || iterations < 2 || run0.waitMs <= run0.ownMs) return;
    run0.release();
    run0 = runners[0] = sequentialRunner(fine, scalars);
  };

  const x = fine.x;
  if (x !== x0) x.set(x0);
  let rz = 0;
  const restart = (): void => {
    // r = b − A x, then z = M r and d = z.
    residualFromInlet(fine.g, x, problem.inlet, problem.pad, fine.r, fine.even, 0, fine.even.length);
    residualFromInlet(fine.g, x, problem.inlet, problem.pad, fine.r, fine.odd, 0, fine.odd.length);
    rz = vcycle(levels, runners, 0, scalars, OP.preSmooth);
    scalars[S_BETA] = 0;
    run0.run(OP.updateD);
  };
  try {
    restart();
  } catch (e) {
    run0.release();
    throw e;
  }

  return {
    x,
    levels: levels.length,
    get threads() {
      return run0.threads;
    },
    startThreads,
    iterate() {
      if (rz === 0) return;
      iterations++;
      dropStarvedWorker();
      const dad = run0.run(OP.applyAD);
      if (!(dad > 0)) return;
      scalars[S_ALPHA] = rz / dad;
      // x and r are updated in the V-cycle's first pass (updateXRPreSmooth).
      const rzNew = vcycle(levels, runners, 0, scalars, OP.updateXRPreSmooth);
      if (!(rzNew > 0) && scalars[S_SCALE] !== 1 && Number.isFinite(rzNew) && rzNew !== 0) {
        // The over-corrected cycle stopped being positive definite on this geometry: carry on from
        // the current x with the plain V-cycle, which always is.
        scalars[S_SCALE] = 1;
        restart();
        return;
      }
      scalars[S_BETA] = rzNew / rz;
      rz = rzNew;
      run0.run(OP.updateD);
    },
    dispose() {
      run0.release();
    },
  };
}

function toShared<T extends Int32Array | Float32Array>(a: T): T {
  // Workspace arrays already live in shared memory: the worker uses them in place.
  if (typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer) return a;
  const out = (a instanceof Int32Array ? new Int32Array(new SharedArrayBuffer(a.byteLength)) : new Float32Array(new SharedArrayBuffer(a.byteLength))) as T;
  out.set(a);
  return out;
}

function kernelOperator(p: DiffusionProblem, shared: boolean): KernelOperator {
  const s = <T extends Float32Array>(a: T): T => (shared ? toShared(a) : a);
  return { ga: s(p.ga), gb: s(p.gb), gl: s(p.gl), signedInvDiag: s(p.signedInvDiag), a: p.dims[0], plane: p.dims[0] * p.dims[1] };
}

/**
 * The even plane along the flux that splits the active cells most evenly, as the first even and
 * odd list entries at or above it (lists are in ascending padded order).
 */
function splitAtEvenPlane(p: DiffusionProblem, k: KernelLevel): { even: number; odd: number } {
  const plane = p.dims[0] * p.dims[1];
  const L = p.dims[2];
  const half = (k.even.length + k.odd.length) / 2;
  let best = { even: 0, odd: 0, gap: Infinity };
  for (let kk = 0; kk <= L; kk += 2) {
    const pos = p.pad + kk * plane;
    const even = lowerBound(k.even, pos);
    const odd = lowerBound(k.odd, pos);
    const gap = Math.abs(even + odd - half);
    if (gap < best.gap) best = { even, odd, gap };
  }
  return best;
}

function lowerBound(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * z ≈ A⁻¹ r by one V-cycle from level `li` (r and z are that level's k.r and k.z). Returns rᵀz on
 * the finest level (fused into the last smoothing pass), 0 on the others. `firstPass` is
 * preSmooth, or on the finest level updateXRPreSmooth, which first applies the CG step to x and r.
 */
function vcycle(levels: Level[], runners: LevelRunner[], li: number, s: Float64Array, firstPass: OpCode): number {
  const { k } = levels[li]!;
  const ne = k.even.length;
  const no = k.odd.length;
  if (li === levels.length - 1) {
    zero(k.z, k.even, 0, ne);
    zero(k.z, k.odd, 0, no);
    for (let sweep = 0; sweep < COARSEST_SWEEPS; sweep++) {
      gsHalf(k.g, k.z, k.r, k.even, 0, ne);
      gsHalf(k.g, k.z, k.r, k.odd, 0, no);
      gsHalf(k.g, k.z, k.r, k.odd, 0, no);
      gsHalf(k.g, k.z, k.r, k.even, 0, ne);
    }
    return 0;
  }
  const run = runners[li]!;
  run.run(firstPass);
  run.run(OP.smoothOdd);
  k.cf.fill(0);
  run.run(OP.residualRestrict);
  vcycle(levels, runners, li + 1, s, OP.preSmooth);
  run.run(OP.prolongEven);
  run.run(OP.prolongSmoothOdd);
  s[S_WANT_DOT] = li === 0 ? 1 : 0;
  return run.run(OP.smoothEvenDot);
}

/** Padded coarse index of the parent of each fine active cell (per colour list), −1 where the parent is inactive. */
function parents(fine: DiffusionProblem, coarse: DiffusionProblem, alloc: Allocator): { even: Int32Array; odd: Int32Array } {
  const [a, b, L] = fine.dims;
  const [ca, cb] = coarse.dims;
  const even = alloc.i32('parentEven', fine.activeEven.length);
  const odd = alloc.i32('parentOdd', fine.activeOdd.length);
  const sd = fine.signedInvDiag;
  let ke = 0;
  let ko = 0;
  // Walking the grid in padded order meets the active cells in list order.
  for (let k = 0, q = fine.pad; k < L; k++) {
    for (let j = 0; j < b; j++) {
      const row = coarse.pad + ca * ((j >> 1) + cb * (k >> 1));
      for (let i = 0; i < a; i++, q++) {
        const s = sd[q]!;
        if (s === 0) continue;
        const c = row + (i >> 1);
        const parent = coarse.signedInvDiag[c] !== 0 ? c : -1;
        if (s > 0) even[ke++] = parent;
        else odd[ko++] = parent;
      }
    }
  }
  return { even, odd };
}


/** Pᵀ A P for injection from 2×2×2 blocks, as a padded 7-point problem on the coarse grid. */
function galerkinCoarsen(fine: DiffusionProblem, alloc: Allocator): DiffusionProblem {
  const [a, b, L] = fine.dims;
  const dims: [number, number, number] = [Math.ceil(a / 2), Math.ceil(b / 2), Math.ceil(L / 2)];
  const [ca, cb, cl] = dims;
  const plane = ca * cb;
  const pad = plane;
  const total = ca * cb * cl + 2 * pad;
  const ga = alloc.f32('ga', total);
  const gb = alloc.f32('gb', total);
  const gl = alloc.f32('gl', total);
  // Only the plane of inlet conductances: the V-cycle never reads a coarse right-hand side (the
  // restricted residual is its input).
  const inlet = alloc.f32('inlet', plane);
  const finePlane = a * b;
  for (let k = 0, q = fine.pad; k < L; k++) {
    for (let j = 0; j < b; j++) {
      const row = pad + ca * ((j >> 1) + cb * (k >> 1));
      for (let i = 0; i < a; i++, q++) {
        if (fine.signedInvDiag[q] === 0) continue;
        const c = row + (i >> 1);
        // Fine faces between two children of the same block cancel in Pᵀ A P.
        if (i & 1) ga[c]! += fine.ga[q]!;
        if (j & 1) gb[c]! += fine.gb[q]!;
        // The outlet faces (out of the last plane) cross the coarse grid's last face whatever the
        // plane's parity; the inlet faces, held by the padding plane, its first.
        if (k & 1 || k === L - 1) gl[c]! += fine.gl[q]!;
        if (k === 0) {
          gl[c - plane]! += fine.gl[q - finePlane]!;
          inlet[c - pad]! += fine.inlet[q - fine.pad]!;
        }
      }
    }
  }
  const signedInvDiag = alloc.f32('signedInvDiag', total);
  for (let k = 0, c = pad; k < cl; k++) {
    for (let j = 0; j < cb; j++) {
      for (let i = 0; i < ca; i++, c++) {
        const diag = ga[c]! + ga[c - 1]! + gb[c]! + gb[c - ca]! + gl[c]! + gl[c - plane]!;
        if (diag === 0) continue;
        const colour = (i + j + k) & 1 ? -1 : 1;
        signedInvDiag[c] = colour / diag;
      }
    }
  }
  const { activeEven, activeOdd } = splitActiveCells(signedInvDiag, alloc);
  return {
    dims,
    pad,
    ga,
    gb,
    gl,
    inlet,
    signedInvDiag,
    activeEven,
    activeOdd,
    outlet: new Float32Array(plane),
    diffusivity: new Float32Array(0),
    meanDiffusivity: 0,
    porosity: 0,
    percolatingFraction: (activeEven.length + activeOdd.length) / (ca * cb * cl),
  };
}
