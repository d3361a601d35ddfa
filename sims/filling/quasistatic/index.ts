export { QuasiStaticParamsSchema, type QuasiStaticParams, type QuasiStaticParamsInput } from './params.ts';
export { fillQuasiStatic, quasiStaticModel, PHASE, type QuasiStaticResult, type QuasiStaticSummary, type PcPoint, type TrappedClusters, type QuasiStaticOptions } from './fill-quasi-static.ts';
