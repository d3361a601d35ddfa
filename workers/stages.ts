import type { StageCatalog } from '../src/study/stage-catalog.ts';
import type { Stage } from './stage.ts';
import { quadraticStage } from './analytic-stage.ts';
import { simulationStages } from './sim-stages.ts';

/** Every stage a study's chain may name. */
export const STAGES: ReadonlyMap<string, Stage> = new Map(
  ([quadraticStage, ...simulationStages] as Stage[]).map((s) => [s.name, s]),
);

export const STAGE_CATALOG: StageCatalog = STAGES;
