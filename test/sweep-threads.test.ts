import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStudy } from '../workers/load-study.ts';
import { runSweep } from '../workers/sweep.ts';
import type { ThreadPlan } from '../src/threads.ts';

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
