import type { z } from 'zod';
import type { Rng } from './random/rng.ts';
import type { Compute } from './gpu/compute.ts';

/** Progress of a long computation: `done` of `total` units of `unit` (steps, particles, iterations). */
export interface Progress {
  stage: string;
  done: number;
  total?: number;
  unit?: string;
  /** Free-form figures worth showing (saturation, residual...). */
  info?: Record<string, number | string>;
}

/**
 * Everything a simulation may use besides its parameters. No globals, no I/O inside a
 * simulation: the caller owns files, workers and the CLI.
 */
export interface SimContext {
  rng: Rng;
  compute: Compute;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /**
   * Most threads this run may use, its own included (a sweep's in-run share of the machine's
   * cores, src/threads.ts). Absent: the simulation decides (on the main thread usually every core,
   * inside a worker thread one).
   */
  threads?: number;
}

/** Description of one scalar output, with its SI unit. */
export interface OutputSpec {
  name: string;
  unit: string;
  description: string;
}

/**
 * A registry entry: a named simulation with a zod schema for its parameters (every field states
 * its unit in `.describe()`), the scalar outputs it promises, and `run(params, context)`.
 */
export interface SimulationModel<S extends z.ZodType = z.ZodType, I = unknown, R = unknown> {
  name: string;
  description: string;
  params: S;
  outputs: readonly OutputSpec[];
  run(params: z.output<S>, input: I, context: SimContext): Promise<R>;
}
