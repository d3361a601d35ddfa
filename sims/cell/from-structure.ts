import { z } from 'zod';
import { createVolume, LABEL, type Volume } from '../../src/volume/volume.ts';
import { ConfigError, ImpossibleRequestError } from '../../src/errors.ts';
import type { SimContext } from '../../src/simulation.ts';
import { electrodeMetrics } from '../properties/electrode-tortuosity.ts';
import { tortuosity } from '../properties/tortuosity.ts';
import { interfaceAreasOf } from '../properties/surface-area.ts';
import { sizeDistribution } from '../properties/size-distribution.ts';
import { CHEN2020, ElectrolyteSchema, MeshSchema, parseCellParams, SeparatorSchema, type CellParams } from './params.ts';
import { OCP_FUNCTIONS } from './materials.ts';

/** Label given to pore voxels that a filling left gas-filled (trapped or unreached). */
export const GAS_LABEL = 3;

const chenPositive = CHEN2020.positive;
const chenElectrolyte = CHEN2020.electrolyte;

/**
 * How a labelled electrode volume becomes the positive electrode of a half cell against lithium:
 * the material's intrinsic data (OCP, capacity, diffusivity, kinetics) are chosen here, the
 * geometry (ε, τ or τ(x), active area, particle size, solid conductivity) is computed from the
 * volume. Defaults: NMC 811 of Chen et al. 2020, LiPF6 in EC:EMC (Nyman 2008), a 25 µm separator.
 */
export const StructureCellSchema = z
  .object({
    cRates: z.array(z.number().gt(0).max(100)).min(1).default([0.1, 1, 2]).describe('discharge rates (C, multiples of the window capacity per hour)'),
    maxConcentration: z.number().gt(100).lt(2e5).default(chenPositive.maxConcentration).describe('maximum lithium concentration of the active material (mol/m³)'),
    initialStoichiometry: z.number().gt(0).lt(1).default(chenPositive.initialConcentration / chenPositive.maxConcentration).describe('initial (charged) lithium stoichiometry (fraction)'),
    diffusivity: z.number().gt(1e-20).lt(1e-9).default(chenPositive.diffusivity).describe('solid lithium diffusivity (m²/s)'),
    ocp: z.enum(Object.keys(OCP_FUNCTIONS) as [keyof typeof OCP_FUNCTIONS, ...(keyof typeof OCP_FUNCTIONS)[]]).default('nmc811-chen2020').describe('open-circuit potential function'),
    rateConstant: z.number().gt(0).default(chenPositive.rateConstant).describe('exchange-current rate constant (A/m² (m³/mol)^1.5)'),
    solidConductivity: z.number().gt(0).default(10).describe('bulk electronic conductivity of the solid network, AM and CBD (S/m); the structure sets the effective value'),
    // Field defaults, so a study can vary one separator field alone.
    separator: z
      .object({
        thickness: SeparatorSchema.shape.thickness.default(25e-6),
        porosity: SeparatorSchema.shape.porosity.default(0.4),
        tortuosity: SeparatorSchema.shape.tortuosity,
      })
      .strict()
      .default({ thickness: 25e-6, porosity: 0.4 }),
    electrolyte: ElectrolyteSchema.default({ ...chenElectrolyte, thermodynamicFactor: 1 } as z.output<typeof ElectrolyteSchema>),
    lithiumExchangeCurrent: z.number().positive().default(10).describe('lithium foil exchange-current density (A/m²)'),
    area: z.number().positive().default(1e-4).describe('electrode area (m²)'),
    voltageMin: z.number().gt(0).lt(5).default(3).describe('lower cut-off voltage vs Li (V)'),
    voltageMax: z.number().gt(0).lt(6).default(4.4).describe('upper voltage vs Li (V)'),
    useProfiles: z.boolean().default(true).describe('use the through-thickness ε(x), τ(x), a(x) profiles instead of scalars'),
    mesh: MeshSchema.default({ negative: 12, separator: 6, positive: 12, particle: 10 }),
  })
  .strict();

export type StructureCellParams = z.output<typeof StructureCellSchema>;
export type StructureCellInput = z.input<typeof StructureCellSchema>;

/** What was measured on the structure to build the cell. */
export interface StructureSummary {
  thickness: number;
  /** Pore fraction and the part of it filled with electrolyte (ε of the model). */
  poreFraction: number;
  electrolyteFraction: number;
  /** Electrolyte-filled fraction of the pore space. */
  saturation: number;
  activeFraction: number;
  /** Wetted AM–electrolyte area per volume (1/m) and its share of the whole AM–pore area. */
  activeArea: number;
  wettedAreaFraction: number;
  /** Radius from the AM volume-median local-thickness diameter (m). */
  particleRadius: number;
  /** Ionic tortuosity of the wetted pore space through the thickness, and τ_EIS. */
  ionicTortuosity: number;
  tauEis: number;
  /** Solid-network tortuosity and effective electronic conductivity (S/m). */
  solidTortuosity: number;
  conductivity: number;
}

/**
 * The volume as the electrolyte sees it: pore voxels left gas-filled by a filling (phase 2
 * trapped, 3 unreached) become GAS_LABEL, which neither conducts ions nor reacts.
 *
 * @param volume labelled electrode volume (voxel size in m); not modified.
 * @param phase per-voxel phase of a filling: 0 solid, 1 electrolyte, 2 trapped gas, 3 unreached gas
 * @returns a copy of the volume with gas-filled pore voxels relabelled GAS_LABEL (the copy equals
 *   the volume when no phase is given)
 * @example
 * const wet = wettedVolume(volume, qs.phase); // qs = await fillQuasiStatic(volume, {}, ctx)
 */
export function wettedVolume(volume: Volume, phase?: Uint8Array): Volume {
  const out = createVolume(volume.shape, volume.voxelSize, volume.labels.slice());
  if (!phase) return out;
  if (phase.length !== volume.labels.length) throw new ConfigError('phase', phase.length, `one phase value per voxel (${volume.labels.length})`);
  for (let i = 0; i < phase.length; i++) if (out.labels[i] === LABEL.pore && (phase[i] === 2 || phase[i] === 3)) out.labels[i] = GAS_LABEL;
  return out;
}

/**
 * Half-cell parameters from a labelled electrode (0 pore, 1 AM, 2 CBD; z through the thickness,
 * z = 0 at the separator) and, optionally, the phase field of a filling.
 *
 * @param volume labelled electrode volume (voxel size in m)
 * @param options material, separator, electrolyte, cut-offs (see StructureCellSchema)
 * @param context compute backend for the tortuosity solves
 * @param phase filling result per voxel (0 solid, 1 electrolyte, 2/3 gas); absent = fully wetted
 * @returns validated CellParams and what was measured
 * @throws ImpossibleRequestError if the wetted pore space or the solid does not percolate through
 *   the thickness, or no active material touches electrolyte
 * @example
 * const { params, structure } = await cellParamsFromStructure(volume, StructureCellSchema.parse({}), ctx);
 * simulateCell(params, [0.1, 1]);
 */
export async function cellParamsFromStructure(volume: Volume, options: StructureCellParams, context: SimContext, phase?: Uint8Array): Promise<{ params: CellParams; structure: StructureSummary }> {
  const wet = wettedVolume(volume, phase);
  const n = wet.labels.length;
  const count = new Float64Array(256);
  for (let i = 0; i < n; i++) count[wet.labels[i]!]!++;
  const poreFraction = (count[LABEL.pore]! + count[GAS_LABEL]!) / n;
  const electrolyteFraction = count[LABEL.pore]! / n;
  const activeFraction = count[LABEL.am]! / n;
  if (activeFraction <= 0.02) throw new ImpossibleRequestError('volume', activeFraction, 'an active-material fraction above 0.02');
  if (electrolyteFraction <= 0.02) throw new ImpossibleRequestError('volume', electrolyteFraction, 'an electrolyte-filled fraction above 0.02 (the pore space is dry)');
  const thickness = wet.shape[2] * wet.voxelSize;

  const ionic = await tortuosity(wet, [1, 0, 0, 0], 'z', { engine: 'mgpcg', tol: 1e-4 }, context);
  if (!ionic.percolating) throw new ImpossibleRequestError('volume', 'wetted pore space', 'electrolyte percolating from the separator face to the current collector (z)');
  const solid = await tortuosity(wet, [0, 1, 1, 0], 'z', { engine: 'mgpcg', tol: 1e-4 }, context);
  if (!solid.percolating) throw new ImpossibleRequestError('volume', 'solid phase (AM + CBD)', 'a solid network percolating through the thickness (z)');

  // Profiles need far less than the 1e-10 default (they are slice averages).
  const metrics = electrodeMetrics(wet, { conductiveLabels: [LABEL.pore], reactiveLabels: [LABEL.am], axis: 'z', periodic: true, tol: 1e-7 });
  // Face counting overestimates curved areas (~1.5× on spheres); marching cubes gives the
  // amount, the face-count profile only its shape through the thickness.
  const areas = interfaceAreasOf(wet.labels, wet.shape, LABEL.am);
  const perVolume = 1 / (n * wet.voxelSize);
  const wetArea = areas[LABEL.pore]! * perVolume;
  const dryArea = areas[GAS_LABEL]! * perVolume;
  if (!(wetArea > 0)) throw new ImpossibleRequestError('volume', 0, 'active material in contact with electrolyte');
  const amMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) amMask[i] = wet.labels[i] === LABEL.am ? 1 : 0;
  // sizeDistribution gives metres (SI, as every properties result).
  const d50 = sizeDistribution(amMask, wet.shape, wet.voxelSize).d50;
  const particleRadius = d50 / 2;
  const conductivity = (options.solidConductivity * solid.effectiveDiffusivity);

  const prof = metrics.profiles;
  const faceMean = prof.activeArea.reduce((s, a) => s + a, 0) / prof.activeArea.length;
  // τ(x) is defined only where electrolyte carries flux; a slice without it cannot be averaged.
  const profilesUsable = options.useProfiles && prof.tau.every((t) => Number.isFinite(t) && t > 0) && prof.porosity.every((e) => e > 0.02 && e < 0.95);
  const profiles = profilesUsable
    ? {
        porosity: prof.porosity,
        // Rescaled so ⟨ε/τ(x)⟩⁻¹-weighted resistance matches the through-thickness solve.
        tortuosity: scaleTortuosity(prof.tau, prof.porosity, ionic.tau, electrolyteFraction),
        activeArea: prof.activeArea.map((a) => (a * wetArea) / faceMean),
      }
    : undefined;

  const params = parseCellParams({
    kind: 'half',
    separator: options.separator,
    positive: {
      thickness,
      porosity: electrolyteFraction,
      activeFraction,
      particleRadius,
      tortuosity: ionic.tau,
      conductivity,
      specificArea: wetArea,
      maxConcentration: options.maxConcentration,
      initialConcentration: options.initialStoichiometry * options.maxConcentration,
      diffusivity: options.diffusivity,
      ocp: options.ocp,
      rateConstant: options.rateConstant,
      ...(profiles ? { profiles } : {}),
    },
    electrolyte: options.electrolyte,
    lithiumExchangeCurrent: options.lithiumExchangeCurrent,
    area: options.area,
    voltageMin: options.voltageMin,
    voltageMax: options.voltageMax,
    mesh: options.mesh,
  });
  return {
    params,
    structure: {
      thickness,
      poreFraction,
      electrolyteFraction,
      saturation: poreFraction > 0 ? electrolyteFraction / poreFraction : 0,
      activeFraction,
      activeArea: wetArea,
      wettedAreaFraction: wetArea / (wetArea + dryArea),
      particleRadius,
      ionicTortuosity: ionic.tau,
      tauEis: metrics.tauEis,
      solidTortuosity: solid.tau,
      conductivity,
    },
  };
}

/**
 * τ(x) from the transport–reaction solve is a local ratio; the P2D needs the resistance of the
 * whole layer to equal the through-thickness solve's. Scale τ(x) by one factor so that
 * mean(τ(x)/ε(x)) = τ/ε.
 */
function scaleTortuosity(tauX: readonly number[], epsX: readonly number[], tau: number, eps: number): number[] {
  const mean = tauX.reduce((s, t, k) => s + t / epsX[k]!, 0) / tauX.length;
  const factor = tau / eps / mean;
  return tauX.map((t) => t * factor);
}
