import type { StudyInput } from './schema.ts';

/**
 * The study `mesolab study` runs with no arguments: small generated electrodes (48³ voxels of
 * 0.5 µm) varying porosity, calendering, CBD fraction and contact angle over a maximin Latin
 * hypercube, through the transport properties and quasi-static filling, plus short lattice-Boltzmann
 * filling runs on the first three points. Sized to finish in a few minutes on two cores.
 */
export const DEFAULT_STUDY: StudyInput = {
  name: 'default',
  description: 'small generated NMC electrodes: porosity, calendering, CBD fraction and contact angle → structure, transport and wetting',
  chain: ['generate', 'properties', 'fill-qs', 'fill-lbm'],
  fixed: {
    generate: { shape: [48, 48, 48], voxelSizeUm: 0.5, d50Um: 4, span: 1, cbdMorphology: 'bridge' },
    properties: { axes: ['z'], phases: ['pore', 'electrolyte', 'solid'], tol: 1e-3, sizes: true },
    'fill-qs': { mode: 'imbibition', inlet: 'z-', outlet: 'z+', contactAngle: { am: 25, cbd: 50 } },
    // A short lattice-Boltzmann look at the first part of filling (1200 steps), on the first 3 points only.
    // Generated electrodes are periodic in-plane, so the lateral boundary is too.
    'fill-lbm': { steps: 1200, inlet: 'z-', lateral: 'periodic', contactAngle: { am: 25, cbd: 50 }, timeLimitS: 90 },
  },
  varied: [
    { name: 'porosity_target', set: ['generate.porosity'], distribution: 'uniform', min: 0.36, max: 0.5, unit: '1', description: 'pore fraction before calendering' },
    { name: 'calendering', set: ['generate.calenderingPercent'], distribution: 'uniform', min: 0, max: 25, unit: '%', description: 'thickness reduction by calendering' },
    { name: 'contact_angle', set: ['fill-qs.contactAngle.am', 'fill-lbm.contactAngle.am'], distribution: 'uniform', min: 10, max: 110, unit: '°', description: 'contact angle of the electrolyte on the active material (above 90°: AM pores do not fill spontaneously)' },
    { name: 'cbd_target', set: ['generate.cbdFraction'], distribution: 'uniform', min: 0.06, max: 0.14, unit: '1', description: 'CBD volume fraction' },
  ],
  design: { type: 'lhs', candidates: 50 },
  samples: 30,
  seed: 20261124,
  replicates: 1,
  stageLimits: { 'fill-lbm': 3 },
  // A diverging lattice-Boltzmann run must not cost the sample its structure, transport and quasi-static results.
  optionalStages: ['fill-lbm'],
  // Kept so `mesolab view studies/default` opens any run in 3D with its wetting (~0.7 MB a run).
  fields: ['volume', 'qs_fill_pressure', 'qs_phase', 'lbm_arrival_time'],
  // Generous: the lattice-Boltzmann stage stops itself after 90 s (timeLimitS) with what it has.
  timeLimitSeconds: 300,
};
