import { Worker, isMainThread } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { ConfigError } from '../../../src/errors.ts';
import { createLbmSolver, validateSolverOptions } from './solver.ts';
import type { LbmSolver, LbmSolverOptions } from './solver.ts';
import { densitySlab, fullMoments, preparePlan, restEquilibrium, toPublicLayout } from './fast-step.mjs';
import { Q } from './lattice.ts';
import { stepWorkers } from './worker-round.ts';

/**
 * The TypedArray engine on several threads (Node only: worker_threads). Distributions, densities,
 * node kinds and adhesion live in SharedArrayBuffers; each worker advances one z-slab with the same
 * per-node code as the single-thread engine (fast-step.mjs), so results are bitwise identical.
 */

/**
 * Smallest lattice worth threading: below this a step takes well under a millisecond and the two
 * barriers per step (tens of microseconds each on a loaded machine) eat the gain.
 */
export const MIN_THREADED_NODES = 32_768;

/**
 * Threads the machine can give (at least 1). Inside a worker thread (a sweep's pool already runs
 * one simulation per core) it stays at 1, so the cores are not oversubscribed.
 */
export function defaultThreads(): number {
  return isMainThread ? Math.max(1, availableParallelism()) : 1;
}

/** Splits [0, nz) into `parts` slabs with about equal numbers of non-solid nodes. */
export function slabBounds(node: Uint8Array, nx: number, ny: number, nz: number, parts: number): number[] {
  const plane = nx * ny;
  const perLayer: number[] = [];
  let total = 0;
  for (let z = 0; z < nz; z++) {
    let c = 0;
    for (let i = z * plane; i < (z + 1) * plane; i++) if (node[i] !== 1) c++;
    perLayer.push(c + 1);
    total += c + 1;
  }
  const bounds = [0];
  let acc = 0;
  for (let z = 0; z < nz && bounds.length < parts; z++) {
    acc += perLayer[z]!;
    if (acc >= (total * bounds.length) / parts && z + 1 < nz) bounds.push(z + 1);
  }
  bounds.push(nz);
  return bounds;
}

/**
 * A typed-array LbmSolver stepped by `threads` worker threads. Falls back to the single-thread
 * solver for one thread or lattices with fewer z layers than threads.
 */
export async function createThreadedLbmSolver(options: Omit<LbmSolverOptions, 'engine' | 'compute'>, threads = defaultThreads()): Promise<LbmSolver> {
  const { domain, physics } = options;
  const { nx, ny, nz } = domain;
  const n = nx * ny * nz;
  const periodicZ = options.periodicZ ?? false;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new ConfigError('threads', threads, 'a whole number of threads ≥ 1');
  const parties = Math.min(threads, Math.floor(nz / 2));
  if (parties < 2) return createLbmSolver({ ...options, engine: 'typed-array' });
  validateSolverOptions(options);

  const shared = <T extends Float32Array | Uint8Array>(make: (b: SharedArrayBuffer) => T, bytes: number): T => make(new SharedArrayBuffer(bytes));
  const a = shared((b) => new Float32Array(b), 2 * Q * n * 4);
  const b = shared((buf) => new Float32Array(buf), 2 * Q * n * 4);
  const rho = shared((buf) => new Float32Array(buf), 2 * n * 4);
  const node = shared((buf) => new Uint8Array(buf), n);
  node.set(domain.node);
  const adhesion = shared((buf) => new Float32Array(buf), 3 * n * 4);
  adhesion.set(domain.adhesion);
  const control = new SharedArrayBuffer(8);
  restEquilibrium(options.rho1, options.rho2, node, a);
  // The mirror map is only read to build each thread's plan, so workers get a copy.
  const sharedDomain = domain.mirror ? { nx, ny, nz, node, adhesion, mirror: domain.mirror } : { nx, ny, nz, node, adhesion };
  const plan = preparePlan(sharedDomain, physics, periodicZ);
  densitySlab(plan, a, rho, 0, nz);
  b.set(a);

  const bounds = slabBounds(node, nx, ny, nz, parties);
  const workers = bounds.slice(0, -1).map(
    (z0, t) =>
      new Worker(new URL('./lbm-worker.mjs', import.meta.url), {
        workerData: { domain: sharedDomain, physics, periodicZ, fBuffer: a.buffer, gBuffer: b.buffer, rhoBuffer: rho.buffer, controlBuffer: control, z0, z1: bounds[t + 1], parties: bounds.length - 1 },
      }),
  );
  let parity = 0;
  let done = 0;
  let broken: Error | null = null;
  const current = (): Float32Array => (parity === 0 ? a : b);

  const runOnAll = (steps: number): Promise<void> =>
    stepWorkers(workers, steps, parity, 'lbm worker').catch((err: Error) => {
      broken = err;
      throw err;
    });

  return {
    nodes: n,
    engine: 'typed-array',
    backend: () => 'typed-array',
    async step(steps) {
      if (broken) throw broken;
      if (steps <= 0) return;
      await runOnAll(steps);
      if (steps % 2 === 1) parity = 1 - parity;
      done += steps;
    },
    async moments() {
      const out = new Float32Array(5 * n);
      fullMoments(plan, current(), out);
      return out;
    },
    async distributions() {
      const out = new Float32Array(2 * Q * n);
      toPublicLayout(current(), n, out);
      return out;
    },
    stepsDone: () => done,
    destroy() {
      for (const w of workers) void w.terminate();
    },
  };
}
