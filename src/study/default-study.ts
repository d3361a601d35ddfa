import type { StudyInput } from './schema.ts';

/**
 * The study `mesolab study` runs with no arguments: small generated electrodes (24×24×32 voxels of
 * 0.5 µm: 12 µm across, 16 µm thick) varying porosity, calendering, CBD fraction and contact angle
 * over a maximin Latin hypercube, each point twice with different packings, through the transport
 * properties and quasi-static filling, plus lattice-Boltzmann filling to its plateau on the first
 * three points. The quasi-static filling is the low and the LBM the high fidelity of a
 * multi-fidelity surrogate of the LBM saturation. Sized to finish in a few minutes on two cores
 * (4 min 13 s wall, 7 min 9 s of CPU measured on two cores with 40 points):
 * an LBM run here needs 11k–50k steps to its plateau on about 22k–24k lattice nodes (0.5–2 min on an idle core).
 */
export const DEFAULT_STUDY: StudyInput = {
  name: 'default',
  description: 'small generated NMC electrodes: porosity, calendering, CBD fraction and contact angle → structure, transport and wetting',
  chain: ['generate', 'properties', 'fill-qs', 'fill-lbm'],
  fixed: {
    generate: { shape: [24, 24, 32], voxelSizeUm: 0.5, d50Um: 4, span: 1, cbdMorphology: 'bridge' },
    properties: { axes: ['z'], phases: ['pore', 'electrolyte', 'solid'], tol: 1e-3, sizes: true },
    'fill-qs': { mode: 'imbibition', inlet: 'z-', outlet: 'z+', contactAngle: { am: 25, cbd: 50 } },
    // Lattice-Boltzmann filling until it stops at its plateau (saturation or the outlet-connected gas
    // stops changing). On these electrodes `npm start` measured 11,150–50,000 steps to the plateau,
    // so 80,000 is only the safety stop; 600 s lets the slowest of them finish at the 2.2 MLUPS a
    // busy machine gave it. Generated electrodes are periodic in-plane, so the lateral boundary is
    // too; the small lateral size keeps a run near a minute on an idle core (~7 MLUPS).
    'fill-lbm': { steps: 80000, inlet: 'z-', lateral: 'periodic', contactAngle: { am: 25, cbd: 50 }, timeLimitS: 600 },
  },
  varied: [
    { name: 'porosity_target', set: ['generate.porosity'], distribution: 'uniform', min: 0.38, max: 0.5, unit: '1', description: 'pore fraction before calendering (below 0.38 the 12 µm-wide electrodes cannot always be packed)' },
    { name: 'calendering', set: ['generate.calenderingPercent'], distribution: 'uniform', min: 0, max: 25, unit: '%', description: 'thickness reduction by calendering' },
    { name: 'contact_angle', set: ['fill-qs.contactAngle.am', 'fill-lbm.contactAngle.am'], distribution: 'uniform', min: 10, max: 110, unit: '°', description: 'contact angle of the electrolyte on the active material (above 90°: AM pores do not fill spontaneously)' },
    { name: 'cbd_target', set: ['generate.cbdFraction'], distribution: 'uniform', min: 0.06, max: 0.14, unit: '1', description: 'CBD volume fraction' },
  ],
  design: { type: 'lhs', candidates: 50 },
  samples: 40,
  seed: 20261124,
  // Two packings per point: the report measures each output's irreducible spread and warns when these
  // small electrodes are not representative for it (src/study/noise.ts).
  replicates: 2,
  // LBM on the first three points (six runs with the replicates); quasi-static filling everywhere.
  stageLimits: { 'fill-lbm': 3 },
  // A diverging lattice-Boltzmann run must not cost the sample its structure, transport and quasi-static results.
  optionalStages: ['fill-lbm'],
  // Kept so `mesolab view studies/default` opens any run in 3D with its wetting (~0.7 MB a run).
  fields: ['volume', 'qs_fill_pressure', 'qs_phase', 'lbm_arrival_time'],
  // Above the LBM stage's own 600 s, so that stage stops itself with what it has before the sweep's limit.
  timeLimitSeconds: 720,
  // Quasi-static filling (every point) is the cheap and LBM (first three points) the expensive
  // fidelity: `mesolab study` trains the multi-fidelity surrogate of each pair.
  fidelity: { low: 'fill-qs', high: 'fill-lbm', pairs: { lbm_saturation: 'qs_saturation', lbm_trapped_fraction: 'qs_trapped_fraction' } },
};

/**
 * The default study without its lattice-Boltzmann stage (examples/study-default-structure.json):
 * what `mesolab learn` should be given for the structure, transport and quasi-static outputs,
 * since the points a learner adds run every stage of the chain (stageLimits counts design points
 * only), and an LBM run at each of them would cost about a minute instead of a fraction of a second.
 */
export const DEFAULT_STRUCTURE_STUDY: StudyInput = (() => {
  const { fidelity: _f, stageLimits: _s, optionalStages: _o, ...rest } = DEFAULT_STUDY;
  const { 'fill-lbm': _lbm, ...fixed } = DEFAULT_STUDY.fixed ?? {};
  return {
    ...rest,
    name: 'default-structure',
    description: `${DEFAULT_STUDY.description ?? ''}; without the lattice-Boltzmann stage, for mesolab learn`,
    chain: DEFAULT_STUDY.chain.filter((s) => s !== 'fill-lbm'),
    fixed,
    varied: (DEFAULT_STUDY.varied ?? []).map((v) => ({ ...v, set: (v.set ?? []).filter((p) => !p.startsWith('fill-lbm.')) })),
    fields: (DEFAULT_STUDY.fields ?? []).filter((f) => !f.startsWith('lbm_')),
    timeLimitSeconds: 120,
  };
})();
