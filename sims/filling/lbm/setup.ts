import type { Volume } from '../../../src/volume/volume.ts';
import { LABEL, phaseName } from '../../../src/volume/volume.ts';
import { ConfigError } from '../../../src/errors.ts';
import { parseWith } from '../../../src/config/validate.ts';
import { CS2, NODE } from './lattice.ts';
import { adhesionForAngle, calibrateInterface, contactAngleLineFor, laplaceSigma } from './calibration.ts';
import type { InterfaceCalibration } from './calibration.ts';
import type { LatticePhysics } from './domain.ts';
import { buildFillingLattice } from './geometry.ts';
import { oppositeFace } from '../common/faces.ts';
import { angleOfLabel, resolveOutlet } from '../common/wetting.ts';
import type { FillingLattice } from './geometry.ts';
import { LbmParamsSchema } from './params.ts';
import type { Face, LbmParams, LbmParamsInput } from './params.ts';
import { unitConversion } from './units.ts';
import type { UnitConversion } from './units.ts';

/**
 * Viscosity of the gas the electrolyte displaces (Pa·s): air or argon at room temperature, about
 * 1.8e-5 Pa·s. Only used to state how far the lattice's viscosity ratio is from the real one.
 */
export const GAS_VISCOSITY = 1.8e-5;
/** Density of that gas (kg/m³), for the density ratio the model does not reach. */
export const GAS_DENSITY = 1.2;

/**
 * What the model can and cannot represent for this run, in numbers a modeler can check against
 * the structure (README "Limits of the model" explains each).
 */
export interface LbmLimits {
  /** Electrolyte/gas dynamic viscosity ratio on the lattice, and the physical one. */
  viscosityRatio: { lattice: number; physical: number };
  /** Electrolyte/gas density ratio on the lattice, and the physical one (inertia is not matched). */
  densityRatio: { lattice: number; physical: number };
  /**
   * Equilibrium solubility of each component in the other, as a fraction of its own bulk
   * density: electrolyte dissolved in gas, gas dissolved in electrolyte.
   */
  dissolution: { electrolyteInGas: number; gasInElectrolyte: number };
  /** 10–90 % width of the electrolyte–gas interface (voxels). */
  interfaceWidthVoxels: number;
  /** Narrowest pore (voxels across) in which a meniscus is resolved, about two interface widths. */
  minResolvedPoreVoxels: number;
  notes: string[];
}

/** Everything a filling run needs, derived once from the volume and the parameters. */
export interface PreparedFilling {
  params: LbmParams;
  /** Resolved gas outlet: the face opposite the inlet, or closed. */
  outlet: Face | 'closed';
  cal: InterfaceCalibration;
  /** Lattice surface tension from the Laplace calibration. */
  sigmaLb: number;
  /** Contact angle (degrees) and adhesion strength of each solid phase present, by phase name. */
  angles: Record<string, number>;
  adhesion: Record<string, number>;
  /** Static contact angle of the side walls alongside the electrode (degrees); null with periodic sides. */
  wallContactAngle: number | null;
  units: UnitConversion;
  lattice: FillingLattice;
  physics: LatticePhysics;
  /** Initial densities (electrolyte, gas) per lattice node. */
  rho1: Float32Array;
  rho2: Float32Array;
  /** Density of the electrolyte-free gas at the pressure of the coexisting phases (lattice units). */
  dryGasDensity: number;
  limits: LbmLimits;
}

/**
 * Density of a gas holding no electrolyte at the bulk pressure of the coexisting phases:
 * c_s²ρ = c_s²(ρ_hi + ρ_lo) + G c_s² ρ_hi ρ_lo (Shan–Chen bulk pressure with ρ_electrolyte = 0).
 * The electrode's gas starts at this density (a dry electrode's gas holds no solvent vapour; see
 * prepareFilling), at the same pressure as the reservoir so nothing flows before the front moves.
 *
 * @param cal interface calibration at the run's G (calibrateInterface).
 * @returns the dry gas density (lattice units).
 * @example
 * dryGasDensity(await calibrateInterface(3.5)); // 1.164
 */
export function dryGasDensity(cal: InterfaceCalibration): number {
  return cal.rhoHi + cal.rhoLo + cal.g * cal.rhoHi * cal.rhoLo;
}

/**
 * Slow interdiffusion (τ_odd < 1) slows contact lines the more, the wider the interface, i.e. the
 * lower G: a Washburn slit (H 16, 45°) fills at 0.755 of Washburn's slope at G 4, 0.722 at G 3.8,
 * 0.700 at G 3.5 and 0.680 at G 3 with τ_odd 0.65 (0.712 at G 3 with τ_odd 1; README "Electrolyte
 * vapour"). A run that lowers G without raising τ_odd is told so in its limits.
 */
function slowContactLineNote(g: number, tauOdd: number): string[] {
  if (tauOdd >= 1 || g >= 3.8) return [];
  return [`G ${g} with τ_odd ${tauOdd}: contact lines are slow at this pairing (a 45° slit fills at 0.68–0.70 of Washburn's slope at G 3–3.5 with τ_odd 0.65, at the edge of or outside the model's 30 % validation); with G below 3.8 set lattice.tauOdd to 1`];
}

/**
 * Sets up a lattice-Boltzmann filling run: validates the parameters against the volume, calibrates
 * the interface at G, maps contact angles to adhesion, converts units, builds the lattice and the
 * initial state. Used by `fillLbm` (CLI, sweeps) and the viewer's live run, so both run the same
 * model.
 *
 * Composition of the boundaries and the initial gas (why electrolyte appears only behind its
 * front): the gas starts and leaves electrolyte-free (ρ_electrolyte = 0 at equal pressure), while
 * the electrolyte enters saturated with dissolved gas. In two-component Shan–Chen each component
 * dissolves in the other at ρ_lo/ρ_hi (4.7 % at G = 3, 1.9 % at G = 3.5, 1.1 % at G = 3.8, 0.7 % at the default G = 4). A gas holding that much electrolyte, or an
 * outlet supplying it, is saturated vapour: strongly wetting walls and narrow wetting pores
 * condense it (capillary condensation), so electrolyte collected near the outlet ahead of the
 * front. A dry electrode's gas holds no electrolyte; with it, condensation needs electrolyte
 * evaporated from the front itself and stays within a few voxels of it. The electrolyte is fed
 * saturated with gas so trapped bubbles do not dissolve away into it.
 *
 * @param volume labelled volume (voxel size in metres)
 * @param paramsIn LBM parameters (LbmParamsSchema; SI units)
 * @returns the prepared run; throws ConfigError naming the field for bad input
 * @example
 *   const prep = await prepareFilling(volume, { contactAngle: { am: 30, cbd: 60 } });
 *   const solver = createLbmSolver({ domain: prep.lattice.domain, physics: prep.physics, rho1: prep.rho1, rho2: prep.rho2, engine: 'typed-array' });
 */
export async function prepareFilling(volume: Volume, paramsIn: LbmParams | LbmParamsInput): Promise<PreparedFilling> {
  const params = parseWith(LbmParamsSchema, paramsIn);
  // The lattice has an outlet plane only opposite the inlet, or a solid lid; results name a lid 'closed'.
  const resolved = resolveOutlet(params.inlet, params.outlet);
  if (resolved !== 'none' && resolved !== oppositeFace(params.inlet)) {
    throw new ConfigError('outlet', params.outlet, `the face opposite the inlet (${oppositeFace(params.inlet)}), "opposite" or "closed"`);
  }
  const outlet: Face | 'closed' = resolved === 'none' ? 'closed' : resolved;
  const lat = params.lattice;
  const cal = await calibrateInterface(lat.g);
  const sigmaLb = await laplaceSigma(lat.g);
  // The static angle depends on the relaxation times (calibration.ts, CONTACT_ANGLE_LINES): tabled
  // sets are read at once, others measured once per process.
  const tau = { electrolyte: lat.tauElectrolyte, gas: lat.tauGas, odd: lat.tauOdd };
  await contactAngleLineFor(lat.g, tau);
  const labelsPresent = new Set<number>();
  for (const l of volume.labels) if (l !== LABEL.pore) labelsPresent.add(l);
  const angles: Record<string, number> = {};
  const adhesion: Record<string, number> = {};
  for (const l of labelsPresent) {
    const name = phaseName(l);
    const theta = angleOfLabel(params.contactAngle, l, 'required');
    angles[name] = theta;
    adhesion[name] = adhesionForAngle(theta, cal, tau);
  }
  // Side walls wet like the least wetting solid of the electrode unless told otherwise: a wall less
  // wetting than every particle traps gas against it (README, "Side walls").
  const wallAngle = params.wallContactAngle ?? (Object.keys(angles).length ? Math.max(...Object.values(angles)) : 90);
  const units = unitConversion({
    dx: volume.voxelSize,
    surfaceTension: params.surfaceTension,
    viscosity: params.viscosity,
    density: params.density,
    latticeSigma: sigmaLb,
    latticeDensity: cal.rhoHi,
    tau: lat.tauElectrolyte,
  });
  const lattice = buildFillingLattice(volume, {
    inlet: params.inlet,
    outletClosed: outlet === 'closed',
    lateral: params.lateral,
    reservoir: lat.reservoirLayers,
    strengthOfLabel: (l) => adhesion[phaseName(l)] ?? 0,
    wallStrength: params.lateral === 'wall' ? adhesionForAngle(wallAngle, cal, tau) : 0,
  });
  const { domain } = lattice;
  const n = domain.nx * domain.ny * domain.nz;
  const plane = domain.nx * domain.ny;
  // Overpressure enters as extra electrolyte density at the inlet: dp/dρ1 = c_s²(1 + G ρ2).
  const dpLb = params.inletPressure / units.pressureScale;
  const inletRho: [number, number] = [cal.rhoHi + dpLb / (CS2 * (1 + lat.g * cal.rhoLo)), cal.rhoLo];
  if (!(inletRho[0] > 0.5 * cal.rhoHi && inletRho[0] < 1.5 * cal.rhoHi)) {
    throw new ConfigError('inletPressure', params.inletPressure, `an overpressure within ±${(0.5 * cal.rhoHi * CS2 * units.pressureScale).toPrecision(3)} Pa at this voxel size (lattice density must stay within ±50%)`);
  }
  const gas = dryGasDensity(cal);
  const rho1 = new Float32Array(n);
  const rho2 = new Float32Array(n);
  // The reservoir's electrolyte meets the gas in a tanh profile of the interface's own width
  // rather than a step: a step puts Shan–Chen forces of order G·Δρ on the first gas layer and
  // lattice speeds of 0.4 in the first steps, which read as divergence.
  const zi = lattice.reservoirEndZ - 0.5;
  const halfWidth = Math.max(1, cal.width / 2);
  for (let i = 0; i < n; i++) {
    if (domain.node[i] === NODE.solid) continue;
    const z = Math.floor(i / plane);
    const liquid = domain.node[i] === NODE.inlet ? 1 : 0.5 * (1 - Math.tanh((z - zi) / halfWidth));
    rho1[i] = liquid * inletRho[0];
    rho2[i] = liquid * cal.rhoLo + (1 - liquid) * gas;
  }
  // The outlet imposes pressure and passes the inward gas, vapour included, up to saturation
  // (outletDensities). A dry outlet drains the vapour ahead of the front but slows contact lines
  // and dries the outlet face (README, "Walls in the cohesion sum"), so it is not used.
  const physics: LatticePhysics = { g: lat.g, tau1: lat.tauElectrolyte, tau2: lat.tauGas, tauOdd: lat.tauOdd, inletRho, outletRho: [cal.rhoLo, cal.rhoHi] };
  const muGasLb = gas * (lat.tauGas - 0.5) * CS2;
  const minPore = Math.ceil(2 * cal.width);
  const limits: LbmLimits = {
    viscosityRatio: { lattice: units.latticeViscosity / muGasLb, physical: params.viscosity / GAS_VISCOSITY },
    densityRatio: { lattice: cal.rhoHi / gas, physical: params.density / GAS_DENSITY },
    dissolution: { electrolyteInGas: cal.rhoLo / cal.rhoHi, gasInElectrolyte: cal.rhoLo / cal.rhoHi },
    interfaceWidthVoxels: cal.width,
    minResolvedPoreVoxels: minPore,
    notes: [
      'time is matched through the capillary number (viscous–capillary filling); inertia is not (lattice density ratio about 1)',
      `the gas is ${(units.latticeViscosity / muGasLb).toFixed(0)}× less viscous than the electrolyte on the lattice against about ${(params.viscosity / GAS_VISCOSITY).toFixed(0)}× in reality: the displaced gas adds up to ${(100 * muGasLb / units.latticeViscosity).toFixed(0)} % of the flow resistance where it fills as long a column as the electrolyte`,
      `each component dissolves in the other at ${(100 * cal.rhoLo / cal.rhoHi).toFixed(1)} % of its density; the gas starts and leaves dry, so the electrolyte that evaporates from the front is lost through the outlet (a small sink); ahead of the front it condenses in crevices to electrolyte fractions of 0.01–0.1, never a filled voxel (near the outlet of a 96-layer calendered electrode at half saturation 1.4 % of the pore volume at the default G 4, τ_odd 0.65, 4.3 % at G 3.5, τ_odd 1: lower solubility and slower interdiffusion, i.e. lower τ_odd, shrink it)`,
      'contact angles are static (measured map at these relaxation times); the moving front has a larger dynamic angle, as with a slip length of one voxel: a slit fills at 0.75 of Washburn\'s rate at capillary number 0.016 and 0.56 at 0.06',
      `pores narrower than about ${minPore} voxels hold no resolved meniscus, and gas pockets smaller than that are not resolved: trapped gas there is under-reported; compare with the quasi-static model`,
      ...slowContactLineNote(lat.g, lat.tauOdd),
    ],
  };
  return { params, outlet, cal, sigmaLb, angles, adhesion, wallContactAngle: params.lateral === 'wall' ? wallAngle : null, units, lattice, physics, rho1, rho2, dryGasDensity: gas, limits };
}
