import type { z } from 'zod';
import { ConfigError } from '../src/errors.ts';
import { readOutputs, type FieldSpec, type OutputSpec, type SimContext } from '../src/simulation.ts';
import type { OutputColumn } from '../src/study/stage-catalog.ts';
import type { FieldData } from '../src/store/fields.ts';
import type { Volume } from '../src/volume/volume.ts';
import type { ChainState, Stage, StageResult } from './stage.ts';

/** How a simulation becomes a chain stage: everything but its outputs, which the model declares. */
export interface ModelStageOptions<S extends z.ZodType, R> {
  name: string;
  description: string;
  params: S;
  /** The model's declared outputs and fields (SimulationModel.outputs / .fields). */
  outputs: readonly OutputSpec<R>[];
  fields?: readonly FieldSpec<R>[];
  /** Whether the stage needs the generated volume (then `run` gets it) or makes one. */
  needsVolume: boolean;
  producesVolume?: boolean;
  usesCompute?: boolean;
  /** Runs the simulation on the chain's volume (undefined when the stage does not need one). */
  run(params: z.output<S>, volume: Volume | undefined, context: SimContext): Promise<R>;
  /** What the stage hands to later stages (a generated volume, a filling's phase). */
  handOn?(result: R): Pick<StageResult, 'volume' | 'fillPhase'>;
}

/**
 * The one stage adapter for simulations: columns, units and fields come from the model's
 * declaration (`OutputSpec`, `FieldSpec`), values from their readers, so a stage cannot list an
 * output the model does not give nor name it differently.
 *
 * @param o the stage's name, parameters, the model's outputs and how to run it
 * @returns a chain stage (workers/stage.ts)
 * @example
 *   const fillQsStage = modelStage({ name: 'fill-qs', description: '…', params: QuasiStaticParamsSchema,
 *     outputs: QUASI_STATIC_OUTPUTS, fields: QUASI_STATIC_FIELDS, needsVolume: true,
 *     run: (p, volume, ctx) => fillQuasiStatic(volume!, p, ctx) });
 */
export function modelStage<S extends z.ZodType, R>(o: ModelStageOptions<S, R>): Stage<S> {
  const unread = o.outputs.filter((s) => !s.value).map((s) => s.name);
  if (unread.length > 0) throw new Error(`stage ${o.name}: outputs without a reader: ${unread.join(', ')}`);
  const columns: OutputColumn[] = o.outputs.map((s) => ({ name: s.name, type: s.type ?? 'number', ...(s.unit !== undefined ? { unit: s.unit } : {}), description: s.description }));
  return {
    name: o.name,
    description: o.description,
    params: o.params,
    needsVolume: o.needsVolume,
    producesVolume: o.producesVolume ?? false,
    usesCompute: o.usesCompute ?? true,
    outputs: columns,
    fields: (o.fields ?? []).map((f) => f.name),
    async run(params: z.output<S>, state: ChainState, context: SimContext): Promise<StageResult> {
      if (o.needsVolume && !state.volume) throw new ConfigError('chain', o.name, 'a stage after generate');
      const result = await o.run(params, o.needsVolume ? state.volume : undefined, context);
      const handed = o.handOn?.(result) ?? {};
      const grid = state.volume ?? handed.volume;
      const fields: Record<string, FieldData> = {};
      if (o.fields && o.fields.length > 0) {
        if (!grid) throw new Error(`stage ${o.name}: fields need a volume's grid`);
        for (const f of o.fields) fields[f.name] = { shape: grid.shape, voxelSize: grid.voxelSize, data: f.data(result), description: f.description };
      }
      return { outputs: readOutputs(o.outputs, result), ...(o.fields && o.fields.length > 0 ? { fields } : {}), ...handed };
    },
  };
}
