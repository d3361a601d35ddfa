import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { planThreads, RUNTIME_FLAGS, runtimeKeepsToBudget } from './threads.ts';
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

describe('RUNTIME_FLAGS: the V8 helper threads stay inside the budget', () => {
  const root = new URL('../', import.meta.url);
  const flags = RUNTIME_FLAGS.join(' ');

  it('are passed by every launcher: the CLI shebang and the start and bench scripts', () => {
    expect(readFileSync(new URL('bin/mesolab.js', root), 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe(`node ${flags} bin/mesolab.js study`);
    expect(scripts.bench).toBe(`node ${flags} bin/run-ts.js bench/run.ts`);
  });

  it('are options this node accepts, and runtimeKeepsToBudget sees them', () => {
    // A node that dropped one of them would refuse to start every launcher: this fails first.
    const argv = JSON.parse(execFileSync(process.execPath, [...RUNTIME_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' })) as string[];
    expect(argv.slice(0, RUNTIME_FLAGS.length)).toEqual([...RUNTIME_FLAGS]);
    expect(runtimeKeepsToBudget(argv)).toBe(true);
    expect(runtimeKeepsToBudget(['--single-threaded-gc'])).toBe(false);
    expect(runtimeKeepsToBudget([])).toBe(false);
  });
});
