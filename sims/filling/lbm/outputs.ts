import type { FieldSpec, OutputSpec } from '../../../src/simulation.ts';
import type { LbmResult, LbmSummary } from './fill.ts';

// Declared apart from fill.ts, with type-only imports, so a sweep can list the lattice-Boltzmann
// columns without loading the solver.

/** The scalar outputs of lattice-Boltzmann filling, declared once: fill-lbm's dataset columns, units and readers. */
export const LBM_OUTPUTS: readonly OutputSpec<LbmSummary>[] = [
  { name: 'lbm_saturation', unit: '1', label: 'saturation', description: 'electrolyte fraction of the pore space at the end', value: (r) => r.saturation },
  { name: 'lbm_trapped_fraction', unit: '1', label: 'trapped gas fraction', description: 'trapped gas / pore volume', value: (r) => r.trappedFraction },
  { name: 'lbm_trapped_clusters', unit: '1', label: 'trapped clusters', description: 'number of trapped gas clusters', value: (r) => r.trappedClusters },
  { name: 'lbm_connected_gas', unit: '1', label: 'gas still connected to the outlet', description: 'gas inside the volume that can still leave through the outlet / pore volume', value: (r) => r.connectedGasFraction },
  { name: 'lbm_t50', unit: 's', label: 't50', absent: 'not reached', description: 'time to 50 % saturation (null: not reached)', value: (r) => r.t50 },
  { name: 'lbm_t90', unit: 's', label: 't90', absent: 'not reached', description: 'time to 90 % saturation (null: not reached)', value: (r) => r.t90 },
  { name: 'lbm_t95', unit: 's', label: 't95', absent: 'not reached', description: 'time to 95 % saturation (null: not reached)', value: (r) => r.t95 },
  { name: 'lbm_steps', unit: '1', label: 'steps', description: 'lattice steps run', value: (r) => r.steps },
  { name: 'lbm_mlups', unit: 'MLUPS', label: 'speed', description: 'million lattice-node updates per second', value: (r) => r.mlups },
  { name: 'lbm_stop_reason', type: 'string', label: 'stop reason', description: 'plateau, step-limit, time-limit or aborted', value: (r) => r.stopReason },
  { name: 'lbm_plateau_by', type: 'string', label: 'plateau reached by', absent: 'no plateau', description: 'saturation (stopped changing) or invasion (no gas left that can reach the outlet); null when the run did not end at a plateau', value: (r) => r.plateauBy },
];

/** The per-voxel fields of lattice-Boltzmann filling, on the input volume's grid. */
export const LBM_FIELDS: readonly FieldSpec<LbmResult>[] = [
  { name: 'lbm_arrival_time', description: 'time the electrolyte fraction passed 1/2 (s); Infinity never, NaN solid', data: (r) => r.arrivalTime },
];
