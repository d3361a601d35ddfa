import type { Stage } from './stage.ts';
import { generateStage } from './generate-stage.ts';
import { propertiesStage } from './properties-stage.ts';
import { fillQsStage } from './fill-qs-stage.ts';
import { fillLbmStage } from './fill-lbm-stage.ts';
import { cellStage } from './cell-stage.ts';

/** The physics stages (generate, properties, fill-qs, fill-lbm, cell). */
export const simulationStages: readonly Stage[] = [generateStage, propertiesStage, fillQsStage, fillLbmStage, cellStage] as unknown as Stage[];
