import { CX, CY, CZ, NODE, Q, W } from './lattice.ts';

/**
 * The lattice the solver runs on: node kinds and the per-node adhesion vector. x and y are
 * periodic (walls are explicit solid layers); z ends at inlet/outlet planes or solid layers.
 */
export interface LatticeDomain {
  nx: number;
  ny: number;
  nz: number;
  /** NODE kind per node, x fastest. */
  node: Uint8Array;
  /**
   * Σ_q w_q g(x+c_q) c_q over solid neighbours, 3 values per node laid out [ax | ay | az] (each N
   * long), where g is the adhesion strength of that solid node for the electrolyte. The gas feels
   * the opposite strength (symmetric adhesion, so one field serves both components).
   */
  adhesion: Float32Array;
  /**
   * Side-wall nodes: the node whose densities the wall takes in the Shan–Chen cohesion sum (its
   * mirror image across the wall, in the same z layer); -1 on every other node. Without it a wall
   * node counts like any solid, with the densities of the fluid node whose force is summed (see
   * collideAndStream), which only approximates the image across the wall where the densities vary
   * along it; mirrored densities make a flat interface meet the wall at exactly 90°. A wall whose
   * source is solid counts as a plain solid. Absent: no mirrored walls. The filling lattice
   * (buildFillingLattice) no longer sets it: mirrored walls went unstable in one-voxel slots beside
   * partly wetting particles (lattice README, "The 96³ calendered electrode").
   */
  mirror?: Int32Array;
}

/** Lattice-unit physics of the two-component Shan–Chen model (component 1 electrolyte, 2 gas). */
export interface LatticePhysics {
  /** Inter-component cohesion strength G. */
  g: number;
  /** Viscous relaxation time of the electrolyte and of the gas. */
  tau1: number;
  tau2: number;
  /**
   * Relaxation time of the odd (momentum/flux) moments, shared by both components. In
   * multicomponent Shan–Chen it sets the interdiffusion; a low-viscosity gas with the usual TRT
   * magic pairing would get τ⁻ ≫ 1 and a smeared interface, so it is held at one value (1).
   */
  tauOdd: number;
  /** Fixed densities [electrolyte, gas] of inlet and outlet nodes. */
  inletRho: readonly [number, number];
  outletRho: readonly [number, number];
}

/** Periodic wrap in x/y. */
export function wrap(i: number, n: number): number {
  return i < 0 ? i + n : i >= n ? i - n : i;
}

/**
 * Adhesion vector of every fluid node from the adhesion strength of each solid node
 * (`solidStrength`, 0 on non-solid nodes). Neighbours beyond z = 0 or z = nz-1 count as non-solid.
 * Each node gets a = Σ_q w_q g(x+c_q) c_q over its D3Q19 neighbours (x, y periodic); the solver
 * applies F_1 = −ψ_1 a to the electrolyte and F_2 = +ψ_2 a to the gas, the fluid–solid force of
 * Shan–Chen-type multicomponent models that the contact-angle map assumes.
 *
 * @param nx lattice size along x (nodes).
 * @param ny lattice size along y (nodes).
 * @param nz lattice size along z, the flow axis (nodes).
 * @param solidStrength adhesion strength g per node, x fastest (lattice units; negative wets the
 *   electrolyte, adhesionForAngle), 0 on non-solid nodes.
 * @returns the adhesion vectors laid out [ax | ay | az], each nx·ny·nz long (lattice units).
 * @example
 * const s = new Float32Array(4 * 4 * 6);
 * s.fill(-0.2, 0, 16); // a wetting floor at z = 0
 * adhesionField(4, 4, 6, s)[2 * 96 + 16]; // az just above the floor: 0.0333
 * @see Huang, Thorne, Schaap & Sukop, Phys. Rev. E 76 (2007) 066701.
 */
export function adhesionField(nx: number, ny: number, nz: number, solidStrength: Float32Array): Float32Array {
  const n = nx * ny * nz;
  const out = new Float32Array(3 * n);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        let ax = 0;
        let ay = 0;
        let az = 0;
        for (let q = 1; q < Q; q++) {
          const zz = z + CZ[q]!;
          if (zz < 0 || zz >= nz) continue;
          const j = wrap(x + CX[q]!, nx) + nx * (wrap(y + CY[q]!, ny) + ny * zz);
          const s = solidStrength[j]!;
          if (s === 0) continue;
          ax += W[q]! * s * CX[q]!;
          ay += W[q]! * s * CY[q]!;
          az += W[q]! * s * CZ[q]!;
        }
        out[i] = ax;
        out[n + i] = ay;
        out[2 * n + i] = az;
      }
    }
  }
  return out;
}

/**
 * A domain of the given node kinds with a uniform adhesion strength on every solid node (one
 * contact angle everywhere; tests and calibration geometries). No mirrored side walls.
 *
 * @param nx lattice size along x (nodes).
 * @param ny lattice size along y (nodes).
 * @param nz lattice size along z, the flow axis (nodes).
 * @param node NODE kind per node (fluid, solid, inlet, outlet), x fastest, nx·ny·nz long.
 * @param strength adhesion strength g of every solid node (lattice units; negative wets the
 *   electrolyte, see adhesionForAngle).
 * @returns the LatticeDomain with its adhesion field (adhesionField).
 * @example
 * const node = new Uint8Array(4 * 4 * 6);
 * node.fill(NODE.solid, 0, 16).fill(NODE.solid, 80); // floor and lid
 * const domain = uniformDomain(4, 4, 6, node, adhesionForAngle(30, cal));
 */
export function uniformDomain(nx: number, ny: number, nz: number, node: Uint8Array, strength: number): LatticeDomain {
  const s = new Float32Array(node.length);
  for (let i = 0; i < node.length; i++) if (node[i] === NODE.solid) s[i] = strength;
  return { nx, ny, nz, node, adhesion: adhesionField(nx, ny, nz, s) };
}

/**
 * Mirror map of the `pad`-thick solid side walls of a lattice (x < pad, x ≥ nx−pad, y < pad,
 * y ≥ ny−pad): each wall node takes the node reflected across the wall plane (half-way between the
 * last wall and the first interior node, where bounce-back puts the wall), corners in both axes.
 */
export function sideWallMirror(nx: number, ny: number, nz: number, pad: number): Int32Array {
  const mirror = new Int32Array(nx * ny * nz).fill(-1);
  if (pad <= 0) return mirror;
  const reflect = (i: number, n: number): number => (i < pad ? 2 * pad - 1 - i : i >= n - pad ? 2 * (n - pad) - 1 - i : i);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        if (x >= pad && x < nx - pad && y >= pad && y < ny - pad) continue;
        mirror[x + nx * (y + ny * z)] = reflect(x, nx) + nx * (reflect(y, ny) + ny * z);
      }
    }
  }
  return mirror;
}
