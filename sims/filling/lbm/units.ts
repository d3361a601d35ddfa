import { latticeViscosity } from './lattice.ts';

/**
 * Lattice ↔ physical units. dx is the voxel size. A Shan–Chen fluid has its own surface tension
 * σ_lb and viscosity μ_lb = ρ_lb ν_lb; matching both σ and μ to the electrolyte leaves one time
 * scale, the capillary–viscous one: a lattice step lasts dt = dx (μ/σ)_phys (σ/μ)_lb, so the
 * capillary number (and with it Washburn/Darcy-type filling) is matched. What is not matched is
 * inertia: the viscous time dt_ν = ν_lb dx²/ν_phys differs from dt, and their ratio is reported
 * (inertia is exaggerated when dt_ν/dt < 1, which only matters in the first instants of a run).
 */
export interface UnitConversion {
  /** Lattice spacing (m). */
  dx: number;
  /** Physical seconds per lattice step, from the capillary–viscous match (s). */
  dt: number;
  /** Seconds per step that matching the kinematic viscosity alone would give (s). */
  dtViscous: number;
  /** Pascals per lattice pressure unit, σ_phys / (σ_lb dx) (Pa). */
  pressureScale: number;
  latticeSurfaceTension: number;
  latticeViscosity: number;
  latticeDensity: number;
  derivation: string;
}

/**
 * Lattice ↔ physical units of a run (see UnitConversion for why time is matched through the
 * capillary number): dt = dx (μ/σ)_phys (σ_lb/μ_lb) with μ_lb = ρ_lb (τ − ½)/3, dtViscous =
 * ν_lb dx²/ν_phys, and the pressure scale σ_phys/(σ_lb dx).
 *
 * @param opts dx: voxel size (m); surfaceTension: electrolyte–gas σ (N/m); viscosity: electrolyte
 *   dynamic viscosity (Pa·s); density: electrolyte density (kg/m³); latticeSigma: σ_lb from
 *   laplaceSigma (lattice units); latticeDensity: electrolyte bulk density ρ_hi (lattice units);
 *   tau: electrolyte relaxation time (lattice units, > ½).
 * @returns dx (m), dt and dtViscous (s per step), pressureScale (Pa per lattice pressure unit),
 *   the lattice σ, μ and ρ used, and a one-line derivation for the result's record.
 * @example
 * unitConversion({ dx: 0.5e-6, surfaceTension: 0.035, viscosity: 3e-3, density: 1250, latticeSigma: 0.08487, latticeDensity: 1.066, tau: 1 });
 * // dt ≈ 2.05e-8 s, dtViscous ≈ 1.74e-8 s, pressureScale ≈ 8.25e5 Pa
 */
export function unitConversion(opts: {
  dx: number;
  surfaceTension: number;
  viscosity: number;
  density: number;
  latticeSigma: number;
  latticeDensity: number;
  tau: number;
}): UnitConversion {
  const nuLb = latticeViscosity(opts.tau);
  const muLb = opts.latticeDensity * nuLb;
  const dt = opts.dx * (opts.viscosity / opts.surfaceTension) * (opts.latticeSigma / muLb);
  const dtViscous = (nuLb * opts.dx * opts.dx) / (opts.viscosity / opts.density);
  return {
    dx: opts.dx,
    dt,
    dtViscous,
    pressureScale: opts.surfaceTension / (opts.latticeSigma * opts.dx),
    latticeSurfaceTension: opts.latticeSigma,
    latticeViscosity: muLb,
    latticeDensity: opts.latticeDensity,
    derivation:
      'dx = voxel size; dt = dx·(μ/σ)_phys·(σ/μ)_lattice matches the capillary number (σ_lattice from the Laplace calibration, ' +
      'μ_lattice = ρ_lattice(τ−½)/3); dtViscous = ν_lattice dx²/ν_phys is what matching viscosity alone would give; inertia is not matched',
  };
}
