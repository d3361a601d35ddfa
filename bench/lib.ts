import os from 'node:os';
import { MesolabError } from '../src/errors.ts';

/**
 * Shared benchmark plumbing. Every figure is a median over repeats with min and max, and a
 * speed is also given as a ratio to a reference measured in the same run, because absolute
 * timings move from machine to machine.
 */
export interface Figure {
  /** e.g. "tortuosity 128³ webasm" */
  name: string;
  unit: string;
  median: number;
  min?: number;
  max?: number;
  repeats?: number;
  /** Ratio to a reference measured in the same run. */
  ratio?: { to: string; value: number };
  note?: string;
}

export interface BenchOptions {
  quick: boolean;
}

/** A benchmark module: `bench/<name>.ts` exports `run` and is also runnable on its own. */
export type BenchRun = (options: BenchOptions) => Promise<Figure[]>;

export interface Timing {
  median: number;
  min: number;
  max: number;
  repeats: number;
}

/** Times `fn` `repeats` times (after `warmup` untimed calls); milliseconds. */
export async function time(fn: () => unknown | Promise<unknown>, repeats = 3, warmup = 0): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return summarize(ts);
}

export function summarize(values: number[]): Timing {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, repeats: s.length };
}

/**
 * STREAM-like copy bandwidth of one thread in this process, bytes per second (read + write counted).
 * The reference for memory-bound solvers (stencils, lattice Boltzmann).
 */
export function copyBandwidth(bytes = 256 * 2 ** 20, repeats = 5): Timing & { bytesPerSecond: number } {
  const n = bytes / 4;
  const a = new Float32Array(n).fill(1);
  const b = new Float32Array(n);
  const ts: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    b.set(a);
    ts.push(performance.now() - t0);
  }
  const t = summarize(ts);
  return { ...t, bytesPerSecond: (2 * bytes) / (t.median / 1000) };
}

export function machine(): { cpus: number; cpuModel: string; memoryBytes: number; node: string; platform: string } {
  return {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Prints figures as a Markdown table. */
export function markdownTable(figures: readonly Figure[]): string {
  const fmt = (v: number | undefined): string => (v === undefined ? '' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const rows = figures.map(
    (f) => `| ${f.name} | ${fmt(f.median)} ${f.unit} | ${fmt(f.min)}–${fmt(f.max)} | ${f.ratio ? `${f.ratio.value.toPrecision(3)} × ${f.ratio.to}` : ''} | ${f.note ?? ''} |`,
  );
  return ['| figure | median | min–max | ratio | note |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** Lets a bench module run standalone: `node bin/run-ts.js bench/x.ts [--quick]`. */
export async function runStandalone(run: BenchRun): Promise<void> {
  const quick = process.argv.includes('--quick');
  let figures: Figure[];
  try {
    figures = await run({ quick });
  } catch (e) {
    // A bad MESOLAB_* setting is bad input, as on the CLI: one line naming it, exit status 2.
    if (!(e instanceof MesolabError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${markdownTable(figures)}\n`);
}
