export { generateDesign, gridSize, validateVariedParams, DesignSchema, type Design, type DesignPoint, type DesignSpec } from './design.ts';
export { VariedParamSchema, valueAt, gridValues, paramType, type VariedParam, type LevelValue } from './params.ts';
export { sobolPoints, directionNumbers, SOBOL_MAX_DIMENSIONS } from './sobol.ts';
export { latinHypercube, maximinLatinHypercube, minPairwiseDistance } from './lhs.ts';
export { normalQuantile as inverseNormalCdf } from '../random/normal.ts';
