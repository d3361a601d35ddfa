import type { z } from 'zod';

export type ColumnType = 'number' | 'string' | 'boolean';
export type Scalar = number | string | boolean | null;

/** A scalar output a stage promises, with its unit. */
export interface OutputColumn {
  name: string;
  unit?: string;
  type: ColumnType;
  description?: string;
}

/**
 * What the study validator needs to know about a stage, without running it: its parameter schema
 * (to check names and values), whether it needs the generated volume, the columns and fields it
 * produces.
 */
export interface StageInfo {
  name: string;
  description: string;
  params: z.ZodType;
  needsVolume: boolean;
  producesVolume: boolean;
  outputs: readonly OutputColumn[];
  /** Names of the large arrays this stage can keep as files. */
  fields: readonly string[];
}

export type StageCatalog = ReadonlyMap<string, StageInfo>;
