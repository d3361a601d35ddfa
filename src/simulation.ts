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

/** Type of a scalar output column. */
export type OutputType = 'number' | 'string' | 'boolean';
/** A scalar output value; null where the quantity does not exist for this run (e.g. never reached). */
export type OutputValue = number | string | boolean | null;

/**
 * One scalar output a simulation promises, described once: the dataset column a sweep stores it
 * in, its unit, how to read it from the result, and how a table labels it. Sweeps (the generic
 * stage adapter, workers/model-stage.ts), the study's column table and the CLI's summary tables
 * all read this.
 */
export interface OutputSpec<R = never> {
  /** Column name in datasets (snake_case; a non-SI unit is part of the name: thickness_um). */
  name: string;
  /** Unit of the value ('1' dimensionless; absent for strings and booleans). */
  unit?: string;
  /** Column type; default 'number'. */
  type?: OutputType;
  description: string;
  /** Short human label for tables, without the unit (default: the name). */
  label?: string;
  /** What a null value means in a table, e.g. 'never' or 'not reached'. */
  absent?: string;
  /** Reads the value, in `unit`, from the simulation's result (or summary). */
  value?: (result: R) => OutputValue | undefined;
}

/** A field (one value per voxel, on the input volume's grid) a simulation can give. */
export interface FieldSpec<R = never> {
  /** Field name in datasets (snake_case). */
  name: string;
  /** What the values are, with their unit and special values. */
  description: string;
  data: (result: R) => Float32Array | Uint8Array;
}

/**
 * A registry entry: a named simulation with a zod schema for its parameters (every field states
 * its unit in `.describe()`), the scalar outputs and fields it promises (declared once, with the
 * readers every consumer uses), and `run(params, context)`.
 */
export interface SimulationModel<S extends z.ZodType = z.ZodType, I = unknown, R = unknown> {
  name: string;
  description: string;
  params: S;
  outputs: readonly OutputSpec<R>[];
  fields?: readonly FieldSpec<R>[];
  run(params: z.output<S>, input: I, context: SimContext): Promise<R>;
}

/**
 * The value of every output of `outputs` read from `result`, by column name. null is a value (the
 * quantity does not exist for this run: a time never reached); an output whose reader gives
 * undefined was not computed in this run (an axis not asked for) and is left out, as is one
 * without a reader.
 *
 * @param outputs the model's output specs
 * @param result the run's result (or its summary)
 * @returns column name → value
 * @example
 *   readOutputs(quasiStaticModel.outputs, result).qs_saturation // 0.93
 */
export function readOutputs<R>(outputs: readonly OutputSpec<R>[], result: R): Record<string, OutputValue> {
  const out: Record<string, OutputValue> = {};
  for (const o of outputs) {
    const v = o.value?.(result);
    if (v !== undefined) out[o.name] = v;
  }
  return out;
}
