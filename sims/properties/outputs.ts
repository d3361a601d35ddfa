import type { OutputSpec } from '../../src/simulation.ts';
import { CONNECTIVITY_PHASES, TRANSPORT_PHASES } from './phases.ts';
import type { PropertiesResult } from './properties.ts';

const AXES = ['x', 'y', 'z'] as const;

/**
 * The scalar outputs of the transport properties, declared once: the properties stage's dataset
 * columns (flattened: one per set and axis), their units and how each is read from the result. A
 * set or axis not computed in a run reads as undefined and is left out of that run's row.
 */
export const PROPERTIES_OUTPUTS: readonly OutputSpec<PropertiesResult>[] = [
  { name: 'surface_am_pore', unit: '1/m', description: 'AM–pore interface area per unit volume', value: (r) => r.surfaceArea.am_pore },
  { name: 'surface_am_cbd', unit: '1/m', description: 'AM–CBD interface area per unit volume', value: (r) => r.surfaceArea.am_cbd },
  { name: 'surface_cbd_pore', unit: '1/m', description: 'CBD–pore interface area per unit volume', value: (r) => r.surfaceArea.cbd_pore },
  ...TRANSPORT_PHASES.flatMap((p) =>
    AXES.map((a): OutputSpec<PropertiesResult> => ({ name: `tortuosity_${p}_${a}`, unit: '1', description: `tortuosity factor of the ${p} set along ${a} (Infinity: does not percolate)`, value: (r) => r.tortuosity[p]?.[a]?.tau })),
  ),
  ...CONNECTIVITY_PHASES.flatMap((p) =>
    AXES.map((a): OutputSpec<PropertiesResult> => ({ name: `connected_${p}_${a}`, unit: '1', description: `fraction of the ${p} phase connected to both ${a} faces`, value: (r) => r.connectivity[p][a].connected })),
  ),
  ...AXES.map((a): OutputSpec<PropertiesResult> => ({ name: `ionic_eff_${a}`, unit: '1', description: `effective ionic conductivity / bulk along ${a}`, value: (r) => r.effectiveConductivity.ionic[a] })),
  ...AXES.map((a): OutputSpec<PropertiesResult> => ({ name: `electronic_eff_${a}`, unit: '1', description: `effective electronic conductivity / reference along ${a}`, value: (r) => r.effectiveConductivity.electronic[a] })),
  // The result is in metres; these columns keep the µm their names and units state.
  { name: 'pore_d10_um', unit: 'µm', description: 'pore diameter (local thickness) below which 10 % of the pore volume lies', value: (r) => (r.poreSize ? r.poreSize.d10 * 1e6 : undefined) },
  { name: 'pore_d50_um', unit: 'µm', description: 'volume-median pore diameter', value: (r) => (r.poreSize ? r.poreSize.d50 * 1e6 : undefined) },
  { name: 'pore_d90_um', unit: 'µm', description: 'pore diameter below which 90 % of the pore volume lies', value: (r) => (r.poreSize ? r.poreSize.d90 * 1e6 : undefined) },
  { name: 'particle_d50_um', unit: 'µm', description: 'volume-median AM particle diameter (local thickness)', value: (r) => (r.particleSize ? r.particleSize.d50 * 1e6 : undefined) },
  { name: 'properties_iterations', unit: '1', description: 'SOR sweeps over all tortuosity solves', value: (r) => r.iterations },
  { name: 'properties_residual', unit: '1', description: 'worst final flux non-uniformity', value: (r) => r.residual },
  { name: 'properties_converged', type: 'boolean', description: 'every tortuosity solve converged', value: (r) => r.converged },
];
