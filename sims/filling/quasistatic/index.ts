export { QuasiStaticParamsSchema, type QuasiStaticParams, type QuasiStaticParamsInput } from './params.ts';
export { fillQuasiStatic, quasiStaticModel, PHASE, type QuasiStaticResult, type QuasiStaticSummary, type PcPoint, type TrappedClusters, type QuasiStaticOptions } from './fill-quasi-static.ts';
export { QUASI_STATIC_OUTPUTS, QUASI_STATIC_FIELDS } from './outputs.ts';
