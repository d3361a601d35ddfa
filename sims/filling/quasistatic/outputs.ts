import type { FieldSpec, OutputSpec } from '../../../src/simulation.ts';
import type { QuasiStaticResult, QuasiStaticSummary } from './fill-quasi-static.ts';

/**
 * The scalar outputs of quasi-static filling, declared once: the dataset columns of the fill-qs
 * stage, their units and how each is read from the result (the summary suffices, so the CLI's
 * table reads the same list).
 */
export const QUASI_STATIC_OUTPUTS: readonly OutputSpec<QuasiStaticSummary>[] = [
  { name: 'qs_saturation', unit: '1', label: 'saturation', description: 'electrolyte-filled fraction of the pore space at the end', value: (r) => r.saturation },
  { name: 'qs_trapped_fraction', unit: '1', label: 'trapped gas fraction', description: 'trapped gas / pore volume', value: (r) => r.trappedFraction },
  { name: 'qs_unreached_fraction', unit: '1', label: 'unreached gas fraction', description: 'gas neither displaced nor trapped / pore volume', value: (r) => r.unreachedFraction },
  { name: 'qs_trapped_clusters', unit: '1', label: 'trapped clusters', description: 'number of trapped gas clusters', value: (r) => r.trappedClusters.count },
  { name: 'qs_largest_trapped_um3', unit: 'µm³', label: 'largest trapped cluster', description: 'volume of the largest trapped gas cluster', value: (r) => (r.trappedClusters.volumesM3[0] ?? 0) * 1e18 },
  { name: 'qs_breakthrough_pc', unit: 'Pa', label: 'breakthrough Pc', absent: 'never', description: 'capillary pressure at which electrolyte first reaches the far face (null: never)', value: (r) => r.breakthroughPc },
  { name: 'qs_pc_max', unit: 'Pa', label: 'highest Pc', description: 'highest capillary pressure of the Pc–saturation curve', value: (r) => r.pcCurve.reduce((m, p) => Math.max(m, p.pc), 0) },
];

/** The per-voxel fields of quasi-static filling, on the input volume's grid. */
export const QUASI_STATIC_FIELDS: readonly FieldSpec<QuasiStaticResult>[] = [
  { name: 'qs_fill_pressure', description: 'capillary pressure at which each voxel filled (Pa); NaN solid, Infinity never', data: (r) => r.fillPressure },
  { name: 'qs_phase', description: 'final phase: 0 solid, 1 electrolyte, 2 trapped gas, 3 unreached gas', data: (r) => r.phase },
];
