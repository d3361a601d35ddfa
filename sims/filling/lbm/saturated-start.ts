import type { Volume } from '../../../src/volume/volume.ts';
import type { LatticeDomain, LatticePhysics } from './domain.ts';
import { buildFillingLattice } from './geometry.ts';
import { NODE } from './lattice.ts';

/** A lattice, its physics and the densities to start from (the LbmSolverOptions an engine takes). */
export interface EngineCase {
  domain: LatticeDomain;
  physics: LatticePhysics;
  rho1: Float32Array;
  rho2: Float32Array;
}

/**
 * The engine-comparison and benchmark lattice of a volume: walled sides (plain solid walls, as in a
 * filling run; tests that need mirrored walls set domain.mirror) unless asked periodic,
 * inlet and outlet planes, wetting adhesion −0.25 on every solid, G = 3, and the coexisting
 * densities of G = 3 (1.037 / 0.049) with electrolyte in the reservoir and `extraLiquidLayers`
 * beyond it, saturated gas elsewhere. Not the filling model's start (prepareFilling starts the gas
 * dry): engines are compared on any state, and this one exercises every kind of node.
 *
 * @param volume labelled volume
 * @param opts reservoir layers; gas relaxation time (default 0.55); inlet electrolyte density
 *   (default 1.037); liquid layers past the reservoir (default 0); lateral boundaries (default
 *   walls, mirrored; 'periodic' for volumes that wrap in x and y)
 * @returns domain, physics and initial densities
 * @example const c = saturatedStart(volume, { reservoir: 4 }); createLbmSolver({ ...c, engine: 'typed-array' });
 */
export function saturatedStart(volume: Volume, opts: { reservoir: number; tauGas?: number; inletRho1?: number; extraLiquidLayers?: number; lateral?: 'wall' | 'periodic' }): EngineCase {
  const lattice = buildFillingLattice(volume, { inlet: 'z-', outletClosed: false, lateral: opts.lateral ?? 'wall', reservoir: opts.reservoir, strengthOfLabel: () => -0.25 });
  const { domain } = lattice;
  const n = domain.nx * domain.ny * domain.nz;
  const rho1 = new Float32Array(n);
  const rho2 = new Float32Array(n);
  const liquidEnd = (lattice.reservoirEndZ + (opts.extraLiquidLayers ?? 0)) * domain.nx * domain.ny;
  for (let i = 0; i < n; i++) {
    if (domain.node[i] === NODE.solid) continue;
    const liquid = i < liquidEnd;
    rho1[i] = liquid ? 1.037 : 0.049;
    rho2[i] = liquid ? 0.049 : 1.037;
  }
  const physics: LatticePhysics = { g: 3, tau1: 1, tau2: opts.tauGas ?? 0.55, tauOdd: 1, inletRho: [opts.inletRho1 ?? 1.037, 0.049], outletRho: [0.049, 1.037] };
  return { domain, physics, rho1, rho2 };
}
