import { describe, expect, it } from 'vitest';
import { planThreads } from './threads.ts';
import { ConfigError } from './errors.ts';

describe('planThreads: one budget for pool workers and in-run threads', () => {
  it('never plans more threads than cores, whatever the number of runs', () => {
    for (const cores of [1, 2, 3, 8, 48]) {
      for (const runs of [0, 1, 2, 5, 100]) {
        const p = planThreads({ cores, runs });
        expect(p.workers * p.threadsPerRun).toBeLessThanOrEqual(cores);
        expect(p.workers).toBeLessThanOrEqual(Math.max(1, runs));
        expect(p.oversubscribed).toBe(false);
      }
    }
  });

  it('gives the pool the cores first and the runs the rest', () => {
    expect(planThreads({ cores: 2, runs: 16 })).toMatchObject({ workers: 2, threadsPerRun: 1 });
    expect(planThreads({ cores: 2, runs: 1 })).toMatchObject({ workers: 1, threadsPerRun: 2 });
    expect(planThreads({ cores: 8, runs: 3 })).toMatchObject({ workers: 3, threadsPerRun: 2 });
    expect(planThreads({ cores: 8, runs: 100, workers: 2 })).toMatchObject({ workers: 2, threadsPerRun: 4 });
    expect(planThreads({ cores: 1, runs: 10 })).toMatchObject({ workers: 1, threadsPerRun: 1 });
  });

  it('honours more workers than cores with one thread each and says so', () => {
    expect(planThreads({ cores: 2, runs: 10, workers: 4 })).toEqual({ workers: 4, threadsPerRun: 1, cores: 2, oversubscribed: true });
  });

  it('refuses a budget or worker count that is not a whole number ≥ 1, naming the field', () => {
    expect(() => planThreads({ cores: 0, runs: 4 })).toThrow(ConfigError);
    expect(() => planThreads({ cores: 1.5, runs: 4 })).toThrow(/cores: got 1.5/);
    expect(() => planThreads({ cores: 2, runs: 4, workers: 0 })).toThrow(/workers: got 0/);
  });
});
