import { z } from 'zod';
import { parseWith } from '../../src/config/validate.ts';
import { ConfigError } from '../../src/errors.ts';
import { OCP_FUNCTIONS } from './materials.ts';

const ocpName = z.enum(Object.keys(OCP_FUNCTIONS) as [keyof typeof OCP_FUNCTIONS, ...(keyof typeof OCP_FUNCTIONS)[]]);
const concentrationFunction = z.union([z.number().positive(), z.enum(['nyman2008', 'capiglia1999'])]);

/**
 * Through-thickness profiles measured on a structure (e.g. TauFactor-style ε(x), τ(x), a(x)),
 * sampled at equal spacing from the separator side to the current collector; they replace the
 * electrode's scalar values and are interpolated onto the P2D mesh.
 */
const ProfilesSchema = z
  .object({
    porosity: z.array(z.number().gt(0).lt(1)).min(2).optional().describe('electrolyte volume fraction per slice (fraction)'),
    tortuosity: z.array(z.number().positive()).min(2).optional().describe('ionic tortuosity factor per slice (1); κ_eff = κ ε / τ'),
    activeArea: z.array(z.number().min(0)).min(2).optional().describe('wetted active interface per volume per slice (1/m)'),
  })
  .strict();

export const ElectrodeSchema = z
  .object({
    thickness: z.number().gt(1e-6).lt(2e-3).describe('electrode thickness (m)'),
    porosity: z.number().gt(0.02).lt(0.95).describe('electrolyte volume fraction ε (fraction)'),
    activeFraction: z.number().gt(0.02).lt(0.98).describe('active-material volume fraction ε_s (fraction)'),
    particleRadius: z.number().gt(1e-8).lt(1e-4).describe('active particle radius (m)'),
    tortuosity: z.number().positive().optional().describe('ionic tortuosity factor τ (1); default Bruggeman ε^-0.5'),
    conductivity: z.number().gt(0).describe('effective electronic conductivity of the solid network (S/m)'),
    specificArea: z.number().positive().optional().describe('active interface per electrode volume (1/m); default 3 ε_s / R'),
    maxConcentration: z.number().gt(100).lt(2e5).describe('maximum lithium concentration in the active material (mol/m³)'),
    initialConcentration: z.number().positive().describe('initial lithium concentration in the active material (mol/m³)'),
    diffusivity: z.number().gt(1e-20).lt(1e-9).describe('lithium diffusivity in the active particles (m²/s)'),
    ocp: ocpName.describe('open-circuit potential function of stoichiometry'),
    rateConstant: z.number().gt(0).describe('k of i0 = k c_e^½ c_s^½ (c_max − c_s)^½ (A/m² (m³/mol)^1.5)'),
    transferCoefficient: z.number().gt(0).lt(1).default(0.5).describe('anodic charge-transfer coefficient α (cathodic 1 − α)'),
    profiles: ProfilesSchema.optional(),
  })
  .strict();

export const SeparatorSchema = z
  .object({
    thickness: z.number().gt(1e-7).lt(1e-3).describe('separator thickness (m)'),
    // 1 is allowed: a pure electrolyte gap, as in the Marquis 2019 (dualfoil) set.
    porosity: z.number().gt(0.05).max(1).describe('separator porosity (fraction)'),
    tortuosity: z.number().positive().optional().describe('separator tortuosity factor (1); default Bruggeman ε^-0.5'),
  })
  .strict();

export const ElectrolyteSchema = z
  .object({
    initialConcentration: z.number().gt(10).lt(5000).describe('salt concentration (mol/m³)'),
    transference: z.number().gt(0).lt(1).describe('cation transference number t+ (1)'),
    thermodynamicFactor: z.number().gt(0).default(1).describe('1 + d ln f / d ln c (1)'),
    conductivity: concentrationFunction.describe('bulk ionic conductivity (S/m) or a named function'),
    diffusivity: concentrationFunction.describe('bulk salt diffusivity (m²/s) or a named function'),
  })
  .strict();

export const MeshSchema = z
  .object({
    negative: z.number().int().min(3).max(400).default(12).describe('finite volumes across the negative electrode (count)'),
    separator: z.number().int().min(2).max(200).default(6).describe('finite volumes across the separator (count)'),
    positive: z.number().int().min(3).max(400).default(12).describe('finite volumes across the positive electrode (count)'),
    particle: z.number().int().min(3).max(200).default(10).describe('radial shells per particle (count)'),
  })
  .strict();

export const CellParamsSchema = z
  .object({
    kind: z.enum(['full', 'half']).describe('full: graphite|separator|cathode; half: lithium foil|separator|positive electrode'),
    negative: ElectrodeSchema.optional().describe('negative electrode (full cell only)'),
    separator: SeparatorSchema,
    positive: ElectrodeSchema,
    electrolyte: ElectrolyteSchema,
    lithiumExchangeCurrent: z.number().positive().default(10).describe('exchange-current density of the lithium foil (A/m², half cell)'),
    area: z.number().positive().default(1).describe('electrode area (m²)'),
    temperature: z.number().gt(200).lt(400).default(298.15).describe('temperature (K)'),
    voltageMin: z.number().gt(0).lt(5).describe('lower cut-off voltage (V)'),
    voltageMax: z.number().gt(0).lt(6).describe('upper voltage (V), checked against the initial OCV'),
    nominalCapacity: z.number().positive().optional().describe('capacity that defines 1C (A h); default the stoichiometric window'),
    mesh: MeshSchema.default({ negative: 12, separator: 6, positive: 12, particle: 10 }),
  })
  .strict();

export type ElectrodeParams = z.output<typeof ElectrodeSchema>;
export type CellParams = z.output<typeof CellParamsSchema>;
export type CellParamsInput = z.input<typeof CellParamsSchema>;

/**
 * Validated cell parameters: the schema's ranges, plus what the schema cannot say alone (a full
 * cell needs a negative electrode, volume fractions that fit, initial stoichiometry inside (0,1)).
 *
 * @param input a cell description as JSON would hold it (SI: m, mol/m³, S/m, m²/s, K; see CellParamsSchema).
 * @returns the validated CellParams with defaults filled in; a ConfigError names the first bad field.
 * @example
 * const params = parseCellParams(CHEN2020);
 * parseCellParams({ ...CHEN2020, kind: 'full', negative: undefined }); // ConfigError: negative
 */
export function parseCellParams(input: unknown): CellParams {
  const p = parseWith(CellParamsSchema, input);
  if (p.kind === 'full' && !p.negative) throw new ConfigError('negative', undefined, 'a negative electrode for a full cell');
  if (p.kind === 'half' && p.negative) throw new ConfigError('negative', 'given', 'no negative electrode for a half cell (lithium foil)');
  if (p.voltageMin >= p.voltageMax) throw new ConfigError('voltageMin', p.voltageMin, `a value below voltageMax (${p.voltageMax} V)`);
  const electrodes: [string, ElectrodeParams][] = [['positive', p.positive]];
  if (p.negative) electrodes.push(['negative', p.negative]);
  for (const [name, e] of electrodes) {
    if (e.porosity + e.activeFraction > 1 + 1e-12) throw new ConfigError(`${name}.activeFraction`, e.activeFraction, `at most 1 − porosity (${(1 - e.porosity).toFixed(4)})`);
    const sto = e.initialConcentration / e.maxConcentration;
    if (!(sto > 0 && sto < 1)) throw new ConfigError(`${name}.initialConcentration`, e.initialConcentration, `a value in (0, maxConcentration = ${e.maxConcentration}) mol/m³`);
  }
  return p;
}

/**
 * LG M50 21700 (NMC 811 | graphite-SiOx) from Chen et al., JES 167 (2020) 080534, with the
 * values PyBaMM ships as `Chen2020` (5 Ah nominal, 0.1027 m² of electrode, 2.5–4.2 V).
 */
export const CHEN2020: CellParamsInput = {
  kind: 'full',
  negative: {
    thickness: 85.2e-6,
    porosity: 0.25,
    activeFraction: 0.75,
    particleRadius: 5.86e-6,
    tortuosity: 0.25 ** -0.5,
    conductivity: 215,
    maxConcentration: 33133,
    initialConcentration: 29866,
    diffusivity: 3.3e-14,
    ocp: 'graphite-chen2020',
    rateConstant: 6.48e-7,
  },
  separator: { thickness: 12e-6, porosity: 0.47, tortuosity: 0.47 ** -0.5 },
  positive: {
    thickness: 75.6e-6,
    porosity: 0.335,
    activeFraction: 0.665,
    particleRadius: 5.22e-6,
    tortuosity: 0.335 ** -0.5,
    conductivity: 0.18,
    maxConcentration: 63104,
    initialConcentration: 17038,
    diffusivity: 4e-15,
    ocp: 'nmc811-chen2020',
    rateConstant: 3.42e-6,
  },
  electrolyte: { initialConcentration: 1000, transference: 0.2594, thermodynamicFactor: 1, conductivity: 'nyman2008', diffusivity: 'nyman2008' },
  area: 0.065 * 1.58,
  temperature: 298.15,
  voltageMin: 2.5,
  voltageMax: 4.2,
  nominalCapacity: 5,
};

/**
 * Kokam SLPB78205130H (LiCoO2 | MCMB 2528 graphite) as Marquis et al., JES 166 (2019) A3693
 * parameterised it from Newman's dualfoil and Moura's fastDFN, per square metre of electrode: the
 * set whose DFN solution COMSOL computed for that paper (the curves PyBaMM keeps as
 * comsol_<rate>C.json). 1C is 24 A/m² (the nominal 24 A h/m²: graphite from x = 0.8 to 0.2).
 * The electrodes' effective electronic conductivities are COMSOL's σ (1 − ε)^1.5: 100 · 0.7^1.5 and
 * 10 · 0.7^1.5 S/m; the electrolyte sees Bruggeman ε^1.5 (τ = ε^−0.5).
 */
export const MARQUIS2019: CellParamsInput = {
  kind: 'full',
  negative: {
    thickness: 100e-6,
    porosity: 0.3,
    activeFraction: 0.6,
    particleRadius: 10e-6,
    tortuosity: 0.3 ** -0.5,
    conductivity: 100 * 0.7 ** 1.5,
    maxConcentration: 24983.2619938437,
    initialConcentration: 19986.609595075,
    diffusivity: 3.9e-14,
    ocp: 'graphite-mcmb2528-dualfoil',
    rateConstant: 2e-5,
  },
  separator: { thickness: 25e-6, porosity: 1, tortuosity: 1 },
  positive: {
    thickness: 100e-6,
    porosity: 0.3,
    activeFraction: 0.5,
    particleRadius: 10e-6,
    tortuosity: 0.3 ** -0.5,
    conductivity: 10 * 0.7 ** 1.5,
    maxConcentration: 51217.9257309275,
    initialConcentration: 30730.7554385565,
    diffusivity: 1e-13,
    ocp: 'lico2-dualfoil',
    rateConstant: 6e-7,
  },
  electrolyte: { initialConcentration: 1000, transference: 0.4, thermodynamicFactor: 1, conductivity: 'capiglia1999', diffusivity: 'capiglia1999' },
  area: 1,
  temperature: 298.15,
  voltageMin: 3.105,
  voltageMax: 4.1,
  nominalCapacity: 24,
};
