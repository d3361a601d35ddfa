import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, runStandalone, type BenchRun, type Figure } from './lib.ts';
import { loadStudy } from '../workers/load-study.ts';
import { runSweep } from '../workers/sweep.ts';
import { runChain } from '../workers/chain.ts';
import { stagesFor } from '../workers/sweep.ts';
import { expandRuns } from '../src/study/runs.ts';
import { createCompute } from '../src/gpu/backend.ts';

/** A small real study: generated electrodes through properties and quasi-static filling. */
function benchStudy(samples: number, n: number): ReturnType<typeof loadStudy> {
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

/**
 * Sweep throughput: runs per minute in the main thread with no pool (reference), through the
 * pool with one worker, and with one worker per core; parallel efficiency = rate(N) / (N · rate(1))
 * on steady-state rates (after each worker's first run, which pays start-up and JIT warm-up).
 * Each pool measurement starts from an empty study folder; its wall rate includes start-up.
 */
export const run: BenchRun = async ({ quick }) => {
  const samples = quick ? 8 : 16;
  const n = quick ? 32 : 40;
  const study = benchStudy(samples, n);
  const cores = machine().cpus;
  const backend = process.env.MESOLAB_BACKEND ?? 'cpu';
  const figures: Figure[] = [];
  const compute = await createCompute({ backend });
  const t0 = performance.now();
  for (const task of expandRuns(study)) {
    await runChain({ chain: stagesFor(study, task), fixed: study.fixed, varied: study.varied, point: task.point, seed: task.seed, keepFields: [] }, async () => compute);
  }
  const serialRate = (samples / (performance.now() - t0)) * 60_000;
  compute.destroy();
  figures.push({ name: `sweep ${samples}× ${n}³ in-process, no pool (${backend})`, unit: 'runs/min', median: serialRate, repeats: 1 });

  const rates = new Map<number, number>();
  for (const workers of [...new Set([1, cores])]) {
    const dir = mkdtempSync(join(tmpdir(), 'mesolab-bench-'));
    try {
      const finishedAt: number[] = [];
      const s = await runSweep(study, { dir, workers, backend, onProgress: (c) => (c.done + c.failed > finishedAt.length ? finishedAt.push(performance.now()) : 0) });
      if (s.failed > 0) throw new Error(`${s.failed} bench run(s) failed: ${s.records.find((r) => r.error)?.error}`);
      const rate = (s.done / s.seconds) * 60;
      // Steady state: runs finished after each worker's first (start-up and JIT warm-up) run.
      const steady = finishedAt.length > workers ? ((finishedAt.length - workers) / (finishedAt[finishedAt.length - 1]! - finishedAt[workers - 1]!)) * 60_000 : NaN;
      rates.set(workers, steady);
      figures.push({
        name: `sweep ${samples}× ${n}³, ${workers} worker(s) (${backend})`,
        unit: 'runs/min',
        median: rate,
        repeats: 1,
        ratio: { to: 'in-process, no pool', value: rate / serialRate },
        note: `${s.seconds.toFixed(1)} s wall, worker start-up included; steady state ${steady.toFixed(1)} runs/min`,
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
    const s = await runSweep(overheadStudy, { dir, workers: cores });
    figures.push({ name: `sweep machinery: ${trivial} zero-cost runs, ${cores} worker(s)`, unit: 'runs/s', median: s.done / s.seconds, repeats: 1, note: 'pool round trip + one DuckDB transaction per run; worker start-up included' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const r1 = rates.get(1)!;
  const rN = rates.get(cores)!;
  figures.push({ name: `parallel efficiency, ${cores} workers (steady state)`, unit: '', median: rN / (cores * r1), repeats: 1, ratio: { to: '1 worker', value: rN / r1 }, note: `${cores} cores (${machine().cpuModel}); steady-state rates, after each worker's first run` });
  return figures;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
