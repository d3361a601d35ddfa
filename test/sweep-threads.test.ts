import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStudy } from '../workers/load-study.ts';
import { runSweep } from '../workers/sweep.ts';
import { WorkerPool } from '../workers/pool.ts';
import type { ThreadPlan } from '../src/threads.ts';
import { ConfigError } from '../src/errors.ts';
import { existsSync } from 'node:fs';
import { runCli } from './helpers/cli.ts';

function study(samples: number): ReturnType<typeof loadStudy> {
  return loadStudy({
    name: 'threads-test',
    chain: ['test-quadratic'],
    fixed: { 'test-quadratic': { sleepMs: 1, reportThreads: true } },
    varied: [{ name: 'x', set: ['test-quadratic.x'], distribution: 'uniform', min: 0, max: 1 }],
    design: { type: 'random' },
    samples,
    seed: 3,
  });
}

async function sweep(samples: number, opts: { cores?: number; workers?: number }): Promise<{ plan: ThreadPlan | undefined; threads: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'mesolab-threads-'));
  try {
    let plan: ThreadPlan | undefined;
    const s = await runSweep(study(samples), { dir, ...opts, onPlan: (p) => (plan = p) });
    expect(s.failed).toBe(0);
    return { plan, threads: s.records.map((r) => r.outputs.run_threads as number) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a sweep shares one thread budget between its workers and the threads inside each run', () => {
  it('gives every run the cores the pool leaves over, and each run really receives its share', async () => {
    // 4 runs on 4 cores: 4 workers × 1 thread.
    const wide = await sweep(4, { cores: 4 });
    expect(wide.plan).toMatchObject({ workers: 4, threadsPerRun: 1 });
    expect(wide.threads).toEqual([1, 1, 1, 1]);
    // 1 run on 4 cores: the pool needs one worker, the run gets the other three cores too.
    const one = await sweep(1, { cores: 4 });
    expect(one.plan).toMatchObject({ workers: 1, threadsPerRun: 4 });
    expect(one.threads).toEqual([4]);
    // Workers asked for: the budget is split, 2 workers × 3 threads of 6 cores.
    const asked = await sweep(3, { cores: 6, workers: 2 });
    expect(asked.plan).toMatchObject({ workers: 2, threadsPerRun: 3 });
    expect(asked.threads).toEqual([3, 3, 3]);
    for (const p of [wide.plan!, one.plan!, asked.plan!]) expect(p.workers * p.threadsPerRun).toBeLessThanOrEqual(p.cores);
  });
});

describe('sweeps that share a pool (learn runs one per batch)', () => {
  it('start their workers once, keep the pool open, and still split the budget by the runs each sweep has', async () => {
    const pool = new WorkerPool({ size: 2, backend: 'cpu' });
    const dir = mkdtempSync(join(tmpdir(), 'mesolab-threads-'));
    try {
      const plans: ThreadPlan[] = [];
      const a = await runSweep(study(4), { dir: join(dir, 'a'), cores: 2, pool, onPlan: (p) => plans.push(p) });
      const b = await runSweep(study(1), { dir: join(dir, 'b'), cores: 2, pool, onPlan: (p) => plans.push(p) });
      expect([a.done, b.done]).toEqual([4, 1]);
      // The second sweep has one run: one worker of the two runs it, with both cores.
      expect(plans.map((p) => [p.workers, p.threadsPerRun])).toEqual([[2, 1], [1, 2]]);
      expect(b.records.map((r) => r.outputs.run_threads)).toEqual([2]);
      expect(pool.spawned).toBe(2);
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a bad thread budget is refused before anything is written', () => {
  it('names the field and the value, in-process and from the CLI (exit status 2)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mesolab-threads-')), 'study');
    try {
      await expect(runSweep(study(2), { dir, cores: 0 })).rejects.toThrow(ConfigError);
      await expect(runSweep(study(2), { dir, cores: 2.5 })).rejects.toThrow(/cores: got 2.5, expected a whole number of cores ≥ 1/);
      expect(existsSync(dir)).toBe(false);
      const r = await runCli(['sweep', join(import.meta.dirname, '..', 'examples', 'study-quadratic.json'), '--cores', '0', '-o', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--cores: got "0", expected a positive integer/);
      expect(existsSync(dir)).toBe(false);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});
