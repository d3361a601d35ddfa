import { CX, CY, CZ, NODE, OPPOSITE, Q, W64 } from './lattice.ts';
import type { LatticeDomain, LatticePhysics } from './domain.ts';

/**
 * Plain TypedArray implementation of one Shan–Chen TRT step: the reference the fast engine
 * (fast-step.mjs, used by createLbmSolver and the worker threads) and the gpu.js kernels are tested
 * against, and the baseline of bench/fill-lbm.ts. Same algorithm and formulas, written for
 * clarity: push streaming, a loop per direction, one array per direction.
 * Distributions are laid out f[(k*19 + q)*N + node], k = 0 electrolyte, 1 gas.
 * Macroscopic fields: mac = [rho1 | rho2 | jx | jy | jz], j the summed momentum Σ_k Σ_q f c.
 */
export interface StepGeometry {
  domain: LatticeDomain;
  /** Wrap z periodically (closed test boxes) instead of ending at the z = 0 and z = nz-1 planes. */
  periodicZ: boolean;
}

const cx = Int32Array.from(CX);
const cy = Int32Array.from(CY);
const cz = Int32Array.from(CZ);
const opp = Int32Array.from(OPPOSITE);
const w = W64;

/** Densities of both components and their summed momentum at every node (mac layout above). */
export function computeMoments(f: Float32Array, node: Uint8Array, mac: Float32Array): void {
  const n = node.length;
  for (let i = 0; i < n; i++) {
    if (node[i] === NODE.solid) {
      mac[i] = 0;
      mac[n + i] = 0;
      mac[2 * n + i] = 0;
      mac[3 * n + i] = 0;
      mac[4 * n + i] = 0;
      continue;
    }
    let r1 = 0;
    let r2 = 0;
    let jx = 0;
    let jy = 0;
    let jz = 0;
    for (let q = 0; q < Q; q++) {
      const a = f[q * n + i]!;
      const b = f[(Q + q) * n + i]!;
      r1 += a;
      r2 += b;
      const s = a + b;
      jx += s * cx[q]!;
      jy += s * cy[q]!;
      jz += s * cz[q]!;
    }
    mac[i] = r1;
    mac[n + i] = r2;
    mac[2 * n + i] = jx;
    mac[3 * n + i] = jy;
    mac[4 * n + i] = jz;
  }
}

/** Equilibrium distributions of given densities at rest (used to initialise and for fixed nodes). */
export function equilibriumAtRest(rho1: Float32Array, rho2: Float32Array, node: Uint8Array): Float32Array {
  const n = node.length;
  const f = new Float32Array(2 * Q * n);
  for (let i = 0; i < n; i++) {
    if (node[i] === NODE.solid) continue;
    for (let q = 0; q < Q; q++) {
      f[q * n + i] = w[q]! * rho1[i]!;
      f[(Q + q) * n + i] = w[q]! * rho2[i]!;
    }
  }
  return f;
}

/**
 * One time step: collide every node (TRT with Guo forcing of the Shan–Chen cohesion and adhesion
 * forces), stream to neighbours with half-way bounce-back at solid nodes, reset inlet/outlet nodes.
 * Reads `f`, writes `fNew`; `mac` must hold the moments of `f` (computeMoments).
 *
 * The interaction forces use the pseudo-potential ψ(ρ) = max(ρ, 0) instead of ρ: identical for the
 * positive densities of the calibration, but in concave voxel corners next to strongly wetting
 * solid the dissolved component undershoots a little below 0 (TRT/Guo), and a force ∝ ρ < 0 then
 * pushes it further below, a feedback that blew up 25 %-calendered electrodes (θ = 10° and 45°,
 * NaN within 700 steps, with periodic or walled sides alike). With ψ ≥ 0 the undershoot stays bounded.
 *
 * A solid neighbour counts in the cohesion sum with the node's own ψ (a mirrored side wall with its
 * source's), not with ψ = 0. With ψ = 0 a wall pulls the dissolved minority of each phase towards
 * it (the sum over the fluid side is left unbalanced), so wetting solids collected the electrolyte
 * dissolved in the gas as a one-node film that ran ahead of the front on calendered electrodes and
 * filled their fine pores from the outlet side. With the node's own ψ a uniform phase feels no
 * cohesion from a wall; wetting is the adhesion's alone (the contact-angle map, calibration.ts).
 */
export function collideAndStream(geom: StepGeometry, phys: LatticePhysics, f: Float32Array, mac: Float32Array, fNew: Float32Array): void {
  const { nx, ny, nz, node, adhesion, mirror } = geom.domain;
  const n = nx * ny * nz;
  const g = phys.g;
  const op1 = 1 / phys.tau1;
  const om1 = 1 / phys.tauOdd;
  const op2 = 1 / phys.tau2;
  const om2 = 1 / phys.tauOdd;
  const nb = new Int32Array(Q);
  const post1 = new Float64Array(Q);
  const post2 = new Float64Array(Q);
  const off2 = Q * n;
  // Row bases of the 9 (dy, dz) neighbour rows and the x choice of each direction: a neighbour
  // index is then one table lookup plus one add. Rows beyond the z ends get a large negative base.
  const rowOf = new Int32Array(Q);
  const xOf = new Int32Array(Q);
  for (let q = 0; q < Q; q++) {
    rowOf[q] = cy[q]! + 1 + 3 * (cz[q]! + 1);
    xOf[q] = cx[q]! + 1;
  }
  const rowBase = new Int32Array(9);
  const xs = new Int32Array(3);
  for (let z = 0; z < nz; z++) {
    const zm = z > 0 ? z - 1 : geom.periodicZ ? nz - 1 : -1;
    const zp = z < nz - 1 ? z + 1 : geom.periodicZ ? 0 : -1;
    for (let y = 0; y < ny; y++) {
      const ym = y > 0 ? y - 1 : ny - 1;
      const yp = y < ny - 1 ? y + 1 : 0;
      const zz3 = [zm, z, zp];
      const yy3 = [ym, y, yp];
      for (let b = 0; b < 9; b++) {
        const zz = zz3[(b / 3) | 0]!;
        rowBase[b] = zz < 0 ? -(2 ** 30) : nx * (yy3[b % 3]! + ny * zz);
      }
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const kind = node[i]!;
        if (kind === NODE.solid) continue;
        xs[0] = x > 0 ? x - 1 : nx - 1;
        xs[1] = x;
        xs[2] = x < nx - 1 ? x + 1 : 0;
        for (let q = 0; q < Q; q++) {
          // Negative marks "beyond the z end"; such nodes are never fluid (createLbmSolver checks).
          const d = xs[xOf[q]!]! + rowBase[rowOf[q]!]!;
          nb[q] = d < 0 ? -1 : d;
        }
        if (kind === NODE.fluid) {
          let s1x = 0, s1y = 0, s1z = 0, s2x = 0, s2y = 0, s2z = 0;
          for (let q = 1; q < Q; q++) {
            // A mirrored side-wall node stands in with its source's densities (LatticeDomain.mirror).
            // Any other solid node stands in with this node's own densities (see collideAndStream).
            const m = mirror ? mirror[nb[q]!]! : -1;
            const k = m >= 0 ? m : nb[q]!;
            const j = node[k] === NODE.solid ? i : k;
            const wq = w[q]!;
            const r1 = Math.max(0, mac[j]!) * wq;
            const r2 = Math.max(0, mac[n + j]!) * wq;
            s1x += r2 * cx[q]!;
            s1y += r2 * cy[q]!;
            s1z += r2 * cz[q]!;
            s2x += r1 * cx[q]!;
            s2y += r1 * cy[q]!;
            s2z += r1 * cz[q]!;
          }
          const rho1 = mac[i]!;
          const rho2 = mac[n + i]!;
          const ax = adhesion[i]!;
          const ay = adhesion[n + i]!;
          const az = adhesion[2 * n + i]!;
          // F_k = -ψ_k (G Σ_q w_q ψ_other(x+c_q) c_q ± adhesion): cohesion between components, adhesion to solids.
          const psi1 = Math.max(0, rho1);
          const psi2 = Math.max(0, rho2);
          const f1x = -psi1 * (g * s1x + ax);
          const f1y = -psi1 * (g * s1y + ay);
          const f1z = -psi1 * (g * s1z + az);
          const f2x = -psi2 * (g * s2x - ax);
          const f2y = -psi2 * (g * s2y - ay);
          const f2z = -psi2 * (g * s2z - az);
          const rho = rho1 + rho2;
          // Barycentric velocity with half the force (Guo et al. 2002), shared by both equilibria.
          const ux = (mac[2 * n + i]! + 0.5 * (f1x + f2x)) / rho;
          const uy = (mac[3 * n + i]! + 0.5 * (f1y + f2y)) / rho;
          const uz = (mac[4 * n + i]! + 0.5 * (f1z + f2z)) / rho;
          collideNode(f, i, n, 0, rho1, ux, uy, uz, f1x, f1y, f1z, op1, om1, post1);
          collideNode(f, i, n, off2, rho2, ux, uy, uz, f2x, f2y, f2z, op2, om2, post2);
        } else {
          fixedEquilibrium(phys, kind, i, nx * ny, n, mac, post1, post2);
        }
        for (let q = 0; q < Q; q++) {
          const d = nb[q]!;
          if (d < 0) continue;
          if (node[d] === NODE.solid) {
            const o = opp[q]! * n + i;
            fNew[o] = post1[q]!;
            fNew[off2 + o] = post2[q]!;
          } else {
            fNew[q * n + d] = post1[q]!;
            fNew[off2 + q * n + d] = post2[q]!;
          }
        }
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const kind = node[i]!;
    if (kind !== NODE.inlet && kind !== NODE.outlet) continue;
    fixedEquilibrium(phys, kind, i, nx * ny, n, mac, post1, post2);
    for (let q = 0; q < Q; q++) {
      fNew[q * n + i] = post1[q]!;
      fNew[off2 + q * n + i] = post2[q]!;
    }
  }
}

/**
 * Densities of an outlet node: the composition of the next node inward at the outlet's pressure,
 * p = c_s²(ρ1+ρ2) + G c_s² ρ1 ρ2 of `phys.outletRho`, and at most as rich in electrolyte as outletRho. A fixed outlet composition is a source or
 * sink of each component: saturated gas there fed electrolyte that condensed on wetting walls near
 * the outlet ahead of the front, and any composition that differs from the gas inside drives a
 * diffusive counter-flow that changed the Washburn filling rate by factors of 0.3–1.8 in the slit
 * test (then laid out with its walls running into the outlet plane, which itself cost a quarter of
 * the rate: README "Filling rate"). With the inward composition only pressure is imposed, and whatever arrives leaves.
 */
export function outletDensities(phys: LatticePhysics, inward1: number, inward2: number): [number, number] {
  const [o1, o2] = phys.outletRho;
  const r2 = Math.max(0, inward2);
  // Never richer in electrolyte than outletRho (the gas it stands for): an outlet copying liquid
  // that reached it would become an electrolyte reservoir pulling the front back.
  const r1 = Math.min(Math.max(0, inward1), o2 > 0 ? (r2 * o1) / o2 : Number.POSITIVE_INFINITY);
  const target = o1 + o2 + phys.g * o1 * o2;
  const a = phys.g * r1 * r2;
  const b = r1 + r2;
  if (!(b > 0)) return [o1, o2];
  // Scale s of (r1, r2) with a s² + b s = target; the root that is positive (a ≥ 0).
  const s = a > 1e-12 ? (2 * target) / (b + Math.sqrt(b * b + 4 * a * target)) : target / b;
  return [s * r1, s * r2];
}

/**
 * Inlet/outlet nodes: equilibrium at the fixed densities (outlet: see outletDensities) moving with
 * the velocity of the next node inward. A rest equilibrium would act as a flow resistance of order 6/ρ per unit flux at the
 * boundary, larger than a whole capillary's, and slow filling down to a crawl.
 */
function fixedEquilibrium(phys: LatticePhysics, kind: number, i: number, plane: number, n: number, mac: Float32Array, post1: Float64Array, post2: Float64Array): void {
  const j = kind === NODE.inlet ? i + plane : i - plane;
  const fixed = kind === NODE.inlet ? phys.inletRho : outletDensities(phys, mac[j]!, mac[n + j]!);
  const rho = mac[j]! + mac[n + j]!;
  const ux = rho > 0 ? mac[2 * n + j]! / rho : 0;
  const uy = rho > 0 ? mac[3 * n + j]! / rho : 0;
  const uz = rho > 0 ? mac[4 * n + j]! / rho : 0;
  const usq = 1.5 * (ux * ux + uy * uy + uz * uz);
  for (let q = 0; q < Q; q++) {
    const cu = cx[q]! * ux + cy[q]! * uy + cz[q]! * uz;
    const e = w[q]! * (1 + 3 * cu + 4.5 * cu * cu - usq);
    post1[q] = e * fixed[0];
    post2[q] = e * fixed[1];
  }
}

/** TRT collision of one component at node i with the Guo source split into even and odd parts. */
function collideNode(
  f: Float32Array, i: number, n: number, base: number, rho: number,
  ux: number, uy: number, uz: number, fx: number, fy: number, fz: number,
  op: number, om: number, post: Float64Array,
): void {
  const usq = 1.5 * (ux * ux + uy * uy + uz * uz);
  const uf = 3 * (ux * fx + uy * fy + uz * fz);
  const sp = 1 - 0.5 * op;
  const sm = 1 - 0.5 * om;
  for (let q = 0; q < Q; q++) {
    const fq = f[base + q * n + i]!;
    const fo = f[base + opp[q]! * n + i]!;
    const cu = cx[q]! * ux + cy[q]! * uy + cz[q]! * uz;
    const cf = cx[q]! * fx + cy[q]! * fy + cz[q]! * fz;
    const wq = w[q]!;
    const wr = wq * rho;
    const eqp = wr * (1 + 4.5 * cu * cu - usq);
    const eqm = wr * 3 * cu;
    post[q] = fq - op * (0.5 * (fq + fo) - eqp) - om * (0.5 * (fq - fo) - eqm) + sp * wq * (9 * cu * cf - uf) + sm * wq * 3 * cf;
  }
}
