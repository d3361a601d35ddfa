import type { z } from 'zod';
import type { SimContext } from '../src/simulation.ts';
import type { Volume } from '../src/volume/volume.ts';
import type { Scalar, StageInfo } from '../src/study/stage-catalog.ts';
import type { FieldData } from '../src/store/fields.ts';

/** What a stage leaves for the stages after it. */
export interface ChainState {
  volume?: Volume;
  /** Phase of each voxel after a filling (0 solid, 1 electrolyte, 2 trapped gas, 3 unreached gas). */
  fillPhase?: Uint8Array;
}

export interface StageResult {
  /** Scalar outputs by column name. */
  outputs: Record<string, Scalar>;
  /** Large arrays the study may keep, by field name. */
  fields?: Record<string, FieldData>;
  /** A volume for later stages (the generator's). */
  volume?: Volume;
  /** A filling's phase field for later stages (the cell stage's wetting). */
  fillPhase?: Uint8Array;
}

/** A stage of a study's chain: its description for validation, and how to run it. */
export interface Stage<S extends z.ZodType = z.ZodType> extends StageInfo {
  params: S;
  /** Whether the stage runs gpu.js kernels (the worker creates a compute backend only then). */
  usesCompute: boolean;
  run(params: z.output<S>, state: ChainState, context: SimContext): Promise<StageResult>;
}
