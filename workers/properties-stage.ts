import { PropertiesParamsSchema, computeProperties, TRANSPORT_PHASES, CONNECTIVITY_PHASES } from '../sims/properties/index.ts';
import { ConfigError } from '../src/errors.ts';
import type { OutputColumn, Scalar } from '../src/study/stage-catalog.ts';
import type { Stage } from './stage.ts';

const AXES = ['x', 'y', 'z'] as const;

const outputs: OutputColumn[] = [
  { name: 'surface_am_pore', type: 'number', unit: '1/m', description: 'AM–pore interface area per unit volume' },
  { name: 'surface_am_cbd', type: 'number', unit: '1/m', description: 'AM–CBD interface area per unit volume' },
  { name: 'surface_cbd_pore', type: 'number', unit: '1/m', description: 'CBD–pore interface area per unit volume' },
  ...TRANSPORT_PHASES.flatMap((p) => AXES.map((a): OutputColumn => ({ name: `tortuosity_${p}_${a}`, type: 'number', unit: '1', description: `tortuosity factor of the ${p} set along ${a} (Infinity: does not percolate)` }))),
  ...CONNECTIVITY_PHASES.flatMap((p) => AXES.map((a): OutputColumn => ({ name: `connected_${p}_${a}`, type: 'number', unit: '1', description: `fraction of the ${p} phase connected to both ${a} faces` }))),
  ...AXES.map((a): OutputColumn => ({ name: `ionic_eff_${a}`, type: 'number', unit: '1', description: `effective ionic conductivity / bulk along ${a}` })),
  ...AXES.map((a): OutputColumn => ({ name: `electronic_eff_${a}`, type: 'number', unit: '1', description: `effective electronic conductivity / reference along ${a}` })),
  { name: 'pore_d10_um', type: 'number', unit: 'µm', description: 'pore diameter (local thickness) below which 10 % of the pore volume lies' },
  { name: 'pore_d50_um', type: 'number', unit: 'µm', description: 'volume-median pore diameter' },
  { name: 'pore_d90_um', type: 'number', unit: 'µm', description: 'pore diameter below which 90 % of the pore volume lies' },
  { name: 'particle_d50_um', type: 'number', unit: 'µm', description: 'volume-median AM particle diameter (local thickness)' },
  { name: 'properties_iterations', type: 'number', unit: '1', description: 'SOR sweeps over all tortuosity solves' },
  { name: 'properties_residual', type: 'number', unit: '1', description: 'worst final flux non-uniformity' },
  { name: 'properties_converged', type: 'boolean', description: 'every tortuosity solve converged' },
];

/** Transport properties of the generated volume (sims/properties) as a chain stage, flattened to columns. */
export const propertiesStage: Stage<typeof PropertiesParamsSchema> = {
  name: 'properties',
  description: 'volume fractions, interface areas, connectivity, tortuosity and pore sizes (sims/properties)',
  params: PropertiesParamsSchema,
  needsVolume: true,
  producesVolume: false,
  usesCompute: true,
  outputs,
  fields: [],
  async run(params, state, ctx) {
    if (!state.volume) throw new ConfigError('chain', 'properties', 'a stage after generate');
    const r = await computeProperties(state.volume, params, ctx);
    const out: Record<string, Scalar> = {
      surface_am_pore: r.surfaceArea.am_pore,
      surface_am_cbd: r.surfaceArea.am_cbd,
      surface_cbd_pore: r.surfaceArea.cbd_pore,
      properties_iterations: r.iterations,
      properties_residual: r.residual,
      properties_converged: r.converged,
    };
    for (const p of TRANSPORT_PHASES) for (const a of AXES) { const t = r.tortuosity[p]?.[a]; if (t) out[`tortuosity_${p}_${a}`] = t.tau; }
    for (const p of CONNECTIVITY_PHASES) for (const a of AXES) out[`connected_${p}_${a}`] = r.connectivity[p][a].connected;
    for (const a of AXES) {
      const ionic = r.effectiveConductivity.ionic[a];
      const electronic = r.effectiveConductivity.electronic[a];
      if (ionic !== undefined) out[`ionic_eff_${a}`] = ionic;
      if (electronic !== undefined) out[`electronic_eff_${a}`] = electronic;
    }
    // The result is in metres; these columns keep the µm their names and units state.
    if (r.poreSize) Object.assign(out, { pore_d10_um: r.poreSize.d10 * 1e6, pore_d50_um: r.poreSize.d50 * 1e6, pore_d90_um: r.poreSize.d90 * 1e6 });
    if (r.particleSize) out.particle_d50_um = r.particleSize.d50 * 1e6;
    return { outputs: out };
  },
};
