import { Rng } from '../src/random/rng.ts';
import { AbortedError } from '../src/errors.ts';
import { parseWith } from '../src/config/parse.ts';
import type { Compute } from '../src/gpu/backend.ts';
import type { DesignPoint, VariedParam } from '../src/doe/index.ts';
import { paramsForStage } from '../src/study/stage-params.ts';
import type { Scalar } from '../src/study/stage-catalog.ts';
import type { FieldData } from '../src/store/fields.ts';
import type { ChainState } from './stage.ts';
import { STAGES } from './stages.ts';

/** What a worker needs to run one sample: the chain's definition and this run's point and seed. */
export interface ChainJob {
  chain: readonly string[];
  fixed: Record<string, Record<string, unknown>>;
  varied: readonly VariedParam[];
  point: DesignPoint;
  seed: number;
  /** Field names to return (others are dropped in the worker, never copied). */
  keepFields: readonly string[];
  /** Stages whose failure is recorded in stageErrors instead of failing the run. */
  optionalStages?: readonly string[];
  /** Most threads the run may use (its share of the sweep's thread budget); absent: each simulation decides. */
  threads?: number;
}

export interface ChainResult {
  /** Outputs of the stages that finished (all of them unless `failure`); an output a failed run never reached is absent (stored records give it as null). */
  outputs: Record<string, Scalar>;
  /** Set when a stage threw: the run failed, but what earlier stages computed is kept. */
  failure?: { stage: string; message: string; type: string };
  /** Optional stages that failed, with their messages; the run is still ok. */
  stageErrors?: Record<string, string>;
  fields: Record<string, FieldData>;
  stageSeconds: Record<string, number>;
  backend: string;
}

/** Stands in for a backend in stages that declare they use none; touching its gpu is a bug. */
const NO_COMPUTE: Compute = {
  get gpu(): never {
    throw new Error('this stage declared usesCompute: false but asked for a gpu.js instance');
  },
  backend: 'cpu',
  destroy() {},
};

/**
 * Runs one sample through the chain. Each stage gets its own random stream of the run seed, so a
 * stage's randomness does not depend on what ran before it.
 */
export async function runChain(job: ChainJob, getCompute: () => Promise<Compute>, signal?: AbortSignal): Promise<ChainResult> {
  const state: ChainState = {};
  const outputs: Record<string, Scalar> = {};
  const fields: Record<string, FieldData> = {};
  const stageSeconds: Record<string, number> = {};
  const stageErrors: Record<string, string> = {};
  let backend = 'none';
  for (let i = 0; i < job.chain.length; i++) {
    const name = job.chain[i]!;
    const stage = STAGES.get(name);
    if (!stage) throw new Error(`unknown stage ${name}`);
    let params;
    try {
      params = parseWith(stage.params, paramsForStage(job, name, job.point), `stage ${name}`);
    } catch (e) {
      const err = e as Error;
      return { outputs, fields, stageSeconds, backend, failure: { stage: name, message: err.message, type: err.name } };
    }
    const t0 = performance.now();
    const compute = stage.usesCompute ? await getCompute() : NO_COMPUTE;
    const context = { rng: Rng.stream(job.seed, i), compute, ...(signal ? { signal } : {}), ...(job.threads !== undefined ? { threads: job.threads } : {}) };
    let result;
    try {
      result = await stage.run(params, state, context);
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      const err = e instanceof Error ? e : new Error(String(e));
      if (job.optionalStages?.includes(name)) {
        stageErrors[name] = `${err.name}: ${err.message}`;
        stageSeconds[name] = Math.round(performance.now() - t0) / 1000;
        continue;
      }
      return { outputs, fields, stageSeconds, backend, failure: { stage: name, message: `${name}: ${err.message}`, type: err.name } };
    }
    stageSeconds[name] = Math.round(performance.now() - t0) / 1000;
    Object.assign(outputs, result.outputs);
    if (result.volume) state.volume = result.volume;
    if (result.fillPhase) state.fillPhase = result.fillPhase;
    if (stage.usesCompute) backend = compute.backend;
    for (const [k, f] of Object.entries(result.fields ?? {})) if (job.keepFields.includes(k)) fields[k] = f;
  }
  return { outputs, fields, stageSeconds, backend, ...(Object.keys(stageErrors).length ? { stageErrors } : {}) };
}

/** ArrayBuffers of a result's fields, to hand to the main thread as transferables. */
export function fieldBuffers(result: ChainResult): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const f of Object.values(result.fields)) {
    const b = f.data.buffer;
    // Only whole, unshared buffers can move; a view into a larger buffer is copied out first.
    if (b instanceof ArrayBuffer && f.data.byteOffset === 0 && f.data.byteLength === b.byteLength) seen.add(b);
  }
  return [...seen];
}
