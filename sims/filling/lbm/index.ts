/** Dynamic electrolyte filling by two-component Shan–Chen lattice Boltzmann: the public surface. */
export { LbmParamsSchema, FACES } from './params.ts';
export type { LbmParams, LbmParamsInput, Face } from './params.ts';
export { fillLbm, lbmModel } from './fill.ts';
export type { LbmResult, LbmSummary, CurvePoint, StopReason } from './fill.ts';
export { createLbmSolver } from './solver.ts';
export type { LbmSolver, LbmSolverOptions, LbmEngineKind } from './solver.ts';
export type { LatticeDomain, LatticePhysics } from './domain.ts';
export { adhesionField, uniformDomain } from './domain.ts';
export { adhesionForAngle, angleForAdhesion, bulkPressure, calibrateInterface, electrolyteFraction, laplaceSigma, measureDroplet, HUANG_CORRECTION } from './calibration.ts';
export type { InterfaceCalibration, DropletMeasurement } from './calibration.ts';
export { sessileAngle } from './sessile-drop.ts';
export { unitConversion } from './units.ts';
export type { UnitConversion } from './units.ts';
export { buildFillingLattice } from './geometry.ts';
export { trappedGas } from './trapped-gas.ts';
