/** Electrode mesostructure generator: process parameters → labelled 3D electrode. */
export { GenerateParamsSchema, resolveParams, calenderedThickness, MAX_PACKING_FRACTION, Z_FACES } from './params.ts';
export type { GenerateParams, ParsedGenerateParams, ResolvedParams, Population, ZFaces } from './params.ts';
export { generateElectrode, AM_TOLERANCE, GROSS_OVERLAP } from './generate.ts';
export type { GenerateResult, GenerateSummary, Particle } from './generate.ts';
export { mesostructureModel } from './model.ts';
export { voxelize, binParticles, SURFACE_MARGIN } from './voxelize.ts';
export type { Spheroids, VoxelizeResult } from './voxelize.ts';
export { gaussianRandomField, placeCbdWeb } from './cbd-web.ts';
export type { CbdWebOptions } from './cbd-web.ts';
export { ksStatistic, ksPValue, ksCriticalValue } from './stats.ts';
export { lognormalCdf, lognormalQuantile, sigmaFromSpan, sigmaFromD10D90 } from './psd.ts';
