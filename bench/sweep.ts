import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, runStandalone, type BenchRun, type Figure } from './lib.ts';
import { loadStudy } from '../workers/load-study.ts';
import { runSweep } from '../workers/sweep.ts';
import { runChain } from '../workers/chain.ts';
import { stagesFor } from '../workers/sweep.ts';
import { expandRuns } from '../src/study/runs.ts';
import { createCompute } from '../src/gpu/backend.ts';
import { RUNTIME_FLAGS, runtimeKeepsToBudget } from '../src/threads.ts';

/** A small real study: generated electrodes through properties and quasi-static filling. */
export function benchStudy(samples: number, n: number): ReturnType<typeof loadStudy> {
  return loadStudy({
    name: 'bench-sweep',
    chain: ['generate', 'properties', 'fill-qs'],
    fixed: {
      generate: { shape: [n, n, n], voxelSizeUm: 0.5, d50Um: 5, cbdMorphology: 'bridge' },
      properties: { axes: ['z'], phases: ['pore', 'electrolyte'], tol: 1e-3, sizes: false },
      'fill-qs': { mode: 'imbibition' },
    },
    varied: [
      { name: 'porosity_target', set: ['generate.porosity'], distribution: 'uniform', min: 0.38, max: 0.48 },
      { name: 'calendering', set: ['generate.calenderingPercent'], distribution: 'uniform', min: 0, max: 20 },
    ],
    design: { type: 'lhs' },
    samples,
    seed: 99,
  });
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Steady-state runs per minute of `copies` processes running the bench study's chains in-process
 * at the same time (bench/sweep-chains-child.ts), summed: what independent programs get from these
 * cores, no pool, no shared process. Their sum over `copies` × one process is the machine's own
 * ceiling for the pool's parallel efficiency (memory bandwidth, caches, the runtime's GC and
 * compiler threads, other tenants all take their share). The children get this process's node
 * options (RUNTIME_FLAGS under `npm run bench`), so the ceiling and the pool run alike.
 */
async function independentRate(copies: number, samples: number, n: number): Promise<number> {
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, join(ROOT, 'bin', 'run-ts.js'), join(ROOT, 'bench', 'sweep-chains-child.ts'), String(samples), String(n)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Number(out.trim().split('\n').pop())) : reject(new Error(`sweep-chains-child exited ${code}: ${err.trim().split('\n').pop()}`))));
    });
  const rates = await Promise.all(Array.from({ length: copies }, one));
  return rates.reduce((a, b) => a + b, 0);
}

/**
 * Sweep throughput on generate → properties → fill-qs chains of 48³ electrodes: runs per minute
 * in the main thread with no pool (reference), then the same study swept on a thread budget of
 * one core and of every core (src/threads.ts: workers × in-run threads ≤ cores). Parallel
 * efficiency = rate(N cores) / (N · rate(1 core)), given twice: on steady-state rates (after each
 * worker's first run, which pays start-up and JIT warm-up) and on wall rates (start-up included);
 * and the wall time on N cores against 1 core. Each sweep starts from an empty study folder.
 */
export const run: BenchRun = async ({ quick }) => {
  // 64 runs (about 15 s on one core): each worker's start-up and JIT warm-up (about 1 s) is
  // amortized as in a real sweep; at 16 it was a quarter of the 1-core wall time.
  const samples = quick ? 8 : 64;
  const n = quick ? 32 : 48;
  const study = benchStudy(samples, n);
  const cores = machine().cpus;
  const backend = process.env.MESOLAB_BACKEND ?? 'cpu';
  const figures: Figure[] = [];
  // Other processes on the machine take cores from both measurements unevenly; the load is noted.
  const loadAtStart = os.loadavg()[0]!;
  const compute = await createCompute({ backend });
  const t0 = performance.now();
  for (const task of expandRuns(study)) {
    await runChain({ chain: stagesFor(study, task), fixed: study.fixed, varied: study.varied, point: task.point, seed: task.seed, keepFields: [] }, async () => compute);
  }
  const serialRate = (samples / (performance.now() - t0)) * 60_000;
  compute.destroy();
  figures.push({ name: `sweep ${samples}× ${n}³ in-process, no pool (${backend})`, unit: 'runs/min', median: serialRate, repeats: 1 });

  const measured = new Map<number, { steady: number; wall: number; seconds: number; firstQuarter: number }>();
  for (const budget of [...new Set([1, cores])]) {
    const dir = mkdtempSync(join(tmpdir(), 'mesolab-bench-'));
    try {
      const finishedAt: number[] = [];
      const t0 = performance.now();
      let plan = '';
      const s = await runSweep(study, {
        dir,
        cores: budget,
        backend,
        onPlan: (p) => (plan = `${p.workers} worker(s) × ${p.threadsPerRun} thread(s)`),
        onProgress: (c) => (c.done + c.failed > finishedAt.length ? finishedAt.push(performance.now()) : 0),
      });
      if (s.failed > 0) throw new Error(`${s.failed} bench run(s) failed: ${s.records.find((r) => r.error)?.error}`);
      const workers = Math.min(budget, samples);
      const wall = (s.done / s.seconds) * 60;
      // Steady state: runs finished after each worker's first (start-up and JIT warm-up) run.
      const steady = finishedAt.length > workers ? ((finishedAt.length - workers) / (finishedAt[finishedAt.length - 1]! - finishedAt[workers - 1]!)) * 60_000 : NaN;
      // A short sweep's wall time: until a quarter of the runs had finished (start-up included).
      const firstQuarter = (finishedAt[Math.ceil(samples / 4) - 1]! - t0) / 1000;
      measured.set(budget, { steady, wall, seconds: s.seconds, firstQuarter });
      figures.push({
        name: `sweep ${samples}× ${n}³ on ${budget} core(s) (${backend})`,
        unit: 'runs/min',
        median: wall,
        repeats: 1,
        ratio: { to: 'in-process, no pool', value: wall / serialRate },
        note: `${plan}; ${s.seconds.toFixed(1)} s wall, worker start-up included; steady state ${steady.toFixed(1)} runs/min`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Ceiling of the machinery itself: analytic runs that take no time, so the rate is set by the
  // pool round trip and one DuckDB transaction per run.
  const trivial = quick ? 100 : 400;
  const overheadStudy = loadStudy({
    name: 'bench-overhead',
    chain: ['test-quadratic'],
    fixed: { 'test-quadratic': { sleepMs: 0 } },
    varied: [{ name: 'x', set: ['test-quadratic.x'], distribution: 'uniform', min: 0, max: 1 }],
    design: { type: 'random' },
    samples: trivial,
    seed: 1,
  });
  const dir = mkdtempSync(join(tmpdir(), 'mesolab-bench-'));
  try {
    const s = await runSweep(overheadStudy, { dir, cores });
    figures.push({ name: `sweep machinery: ${trivial} zero-cost runs, ${cores} worker(s)`, unit: 'runs/s', median: s.done / s.seconds, repeats: 1, note: 'pool round trip + one DuckDB transaction per run; worker start-up included' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const one = measured.get(1)!;
  const all = measured.get(cores)!;
  // The machine's own ceiling, same study: one process alone, then one per core at once.
  const solo = await independentRate(1, samples, n);
  const together = await independentRate(cores, samples, n);
  const ceiling = together / (cores * solo);
  const runtime = runtimeKeepsToBudget() ? 'V8 GC and compiler on each worker\'s own thread' : `V8 helper threads share the cores (started without ${RUNTIME_FLAGS.join(' ')})`;
  const where = `${cores} cores (${machine().cpuModel}), load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end; ${runtime}`;
  figures.push({ name: `parallel efficiency, ${cores} workers (steady state)`, unit: '', median: all.steady / (cores * one.steady), repeats: 1, ratio: { to: '1 core', value: all.steady / one.steady }, note: `${where}; steady-state rates, after each worker's first run; ${(all.steady / (cores * one.steady) / ceiling).toFixed(2)} × the ceiling of ${cores} independent processes` });
  figures.push({ name: `parallel efficiency, ${cores} independent processes (machine ceiling)`, unit: '', median: ceiling, repeats: 1, note: `${samples}× ${n}³ chains in-process in each of ${cores} processes at once against one alone (${solo.toFixed(1)} runs/min), steady state; no pool or shared process can beat it` });
  figures.push({ name: `parallel efficiency, ${cores} workers (with start-up)`, unit: '', median: all.wall / (cores * one.wall), repeats: 1, ratio: { to: '1 core', value: all.wall / one.wall }, note: `${where}; wall rates, worker start-up included` });
  figures.push({ name: `sweep wall time on ${cores} cores / on 1 core`, unit: '', median: all.seconds / one.seconds, repeats: 1, note: `${all.seconds.toFixed(1)} s against ${one.seconds.toFixed(1)} s (ideal ${(1 / cores).toFixed(2)})` });
  const quarter = Math.ceil(samples / 4);
  figures.push({ name: `time to the first ${quarter} runs on ${cores} cores / on 1 core`, unit: '', median: all.firstQuarter / one.firstQuarter, repeats: 1, note: `${all.firstQuarter.toFixed(1)} s against ${one.firstQuarter.toFixed(1)} s: what a ${quarter}-run sweep gets, where each worker's start-up and JIT warm-up (about 1 s) weigh` });
  return figures;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
