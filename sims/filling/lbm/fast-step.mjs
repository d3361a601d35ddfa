// Fast Shan–Chen TRT step, plain JavaScript so that worker threads load it without a TypeScript
// loader and the browser viewer can import it too (no Node imports). Same physics and formulas as
// typed-array-engine.ts (the reference implementation), reorganised for speed:
//  - each (q, opposite q) pair is collided together: the even parts are shared, the odd ones flip
//    sign, which halves the arithmetic;
//  - densities are computed once per step into `rho` and the Shan–Chen forces read them;
//  - inlet/outlet nodes are kept in a list and handled apart, solid nodes are skipped;
//  - no allocation or function call per node;
//  - all work is split into z-slabs so several threads can share the same buffers: `collideSlab`
//    reads `f` and writes `g` (including into neighbouring slabs, at addresses no other node
//    writes), `finishSlab` then fixes the inlet/outlet nodes and the densities of `g`.
// Layout: node-major, f[node*38 + k*19 + q] (k = 0 electrolyte, 1 gas): the 38 values a node reads
// share three cache lines, where one array per direction keeps 76 streams in flight (measured 1.3×
// slower on a 64³ electrode). toPublicLayout gives the solver's [(k*19 + q)*n + node]. rho = [rho1 | rho2].

const Q = 19;
const CX = [0, 1, -1, 0, 0, 0, 0, 1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 0, 0];
const CY = [0, 0, 0, 1, -1, 0, 0, 1, -1, -1, 1, 0, 0, 0, 0, 1, -1, 1, -1];
const CZ = [0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 1, -1, -1, 1, 1, -1, -1, 1];
const W = [
  1 / 3,
  1 / 18, 1 / 18, 1 / 18, 1 / 18, 1 / 18, 1 / 18,
  1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36, 1 / 36,
];
const W1 = 1 / 18;
const W2 = 1 / 36;
const cx = Int32Array.from(CX);
const cy = Int32Array.from(CY);
const cz = Int32Array.from(CZ);
const w = Float64Array.from(W);
const SOLID = 1;
const FLUID = 0;
const INLET = 2;

/**
 * Everything about a lattice that does not change between steps. `node` and `adhesion` may live in
 * SharedArrayBuffers; the plan holds only plain numbers and typed arrays so it can be posted to
 * workers and rebuilt there with `preparePlan`.
 */
export function preparePlan(domain, physics, periodicZ) {
  const { nx, ny, nz, node, adhesion } = domain;
  const n = nx * ny * nz;
  let fixedCount = 0;
  for (let i = 0; i < n; i++) if (node[i] !== FLUID && node[i] !== SOLID) fixedCount++;
  const fixed = new Int32Array(fixedCount);
  // fixedStart[z] = first entry of `fixed` on layer z, so slabs find theirs without a search.
  const fixedStart = new Int32Array(nz + 1);
  let k = 0;
  for (let z = 0; z < nz; z++) {
    fixedStart[z] = k;
    for (let i = z * nx * ny; i < (z + 1) * nx * ny; i++) if (node[i] !== FLUID && node[i] !== SOLID) fixed[k++] = i;
  }
  fixedStart[nz] = k;
  // Mirrored side-wall nodes (domain.mirror) as (wall, source) pairs in z order, mirrorStart[z] the
  // first pair on layer z; a source is on its wall's layer, so a slab fills its own walls.
  const mirror = domain.mirror;
  let mirrorCount = 0;
  if (mirror) for (let i = 0; i < n; i++) if (mirror[i] >= 0) mirrorCount++;
  const mirrorPairs = new Int32Array(2 * mirrorCount);
  const mirrorStart = new Int32Array(nz + 1);
  let m = 0;
  for (let z = 0; z < nz; z++) {
    mirrorStart[z] = m;
    if (!mirror) continue;
    for (let i = z * nx * ny; i < (z + 1) * nx * ny; i++) {
      if (mirror[i] < 0) continue;
      mirrorPairs[2 * m] = i;
      mirrorPairs[2 * m + 1] = mirror[i];
      m++;
    }
  }
  mirrorStart[nz] = m;
  // 1 on solid nodes, 0 elsewhere: lets the streaming pick bounce-back by arithmetic, not a branch.
  const solid = new Uint8Array(n);
  for (let i = 0; i < n; i++) solid[i] = node[i] === SOLID ? 1 : 0;
  return {
    nx, ny, nz, n, node, adhesion, fixed, fixedStart, solid, mirrorPairs, mirrorStart,
    periodicZ: periodicZ ? 1 : 0,
    g: physics.g,
    op1: 1 / physics.tau1,
    om1: 1 / physics.tauOdd,
    op2: 1 / physics.tau2,
    om2: 1 / physics.tauOdd,
    in1: physics.inletRho[0],
    in2: physics.inletRho[1],
    out1: physics.outletRho[0],
    out2: physics.outletRho[1],
    // Outlet pressure over c_s² (Shan–Chen bulk pressure of outletRho).
    pout: physics.outletRho[0] + physics.outletRho[1] + physics.g * physics.outletRho[0] * physics.outletRho[1],
  };
}

/** Scratch arrays of one thread (reused every step). `fixedPost` may be shared between threads. */
export function createScratch(plan) {
  return { nb: new Int32Array(Q), fixedPost: new Float32Array(2 * Q * plan.fixed.length) };
}

/** Equilibrium at rest of the given densities (solid nodes 0), in the engine's node-major layout. */
export function restEquilibrium(rho1, rho2, node, out) {
  const n = node.length;
  for (let i = 0; i < n; i++) {
    if (node[i] === SOLID) continue;
    for (let q = 0; q < Q; q++) {
      out[i * 38 + q] = w[q] * rho1[i];
      out[i * 38 + Q + q] = w[q] * rho2[i];
    }
  }
}

/** Distributions in the solver's public layout [(k*19 + q)*n + node] from the node-major one. */
export function toPublicLayout(f, n, out) {
  for (let i = 0; i < n; i++) {
    const b = i * 38;
    for (let kq = 0; kq < 38; kq++) out[kq * n + i] = f[b + kq];
  }
}

/** Density the rho array holds at solid nodes: a marker no fluid density reaches (see psiAt; SOLID_RHO in lattice.ts). */
const SOLID_RHO = -1;

/**
 * ψ of a neighbour in the force sum: max(ρ, 0), or the summing node's own ψ where the neighbour is
 * solid (marked SOLID_RHO; see the reference engine's collideAndStream for why).
 */
function psiAt(v, own) {
  return v < -0.5 ? own : v > 0 ? v : 0;
}

/**
 * Densities of both components on layers [z0, z1), summed in float64 in q order like the reference
 * engine; mirrored side-wall nodes then take the densities of their source node (the Shan–Chen sum
 * reads them; fullMoments still reports solid nodes as 0).
 */
export function densitySlab(plan, f, rho, z0, z1) {
  const n = plan.n;
  const plane = plan.nx * plan.ny;
  for (let i = z0 * plane, end = z1 * plane; i < end; i++) {
    const b = i * 38;
    let r1 = 0;
    let r2 = 0;
    for (let q = 0; q < Q; q++) {
      r1 += f[b + q];
      r2 += f[b + Q + q];
    }
    // Solid nodes hold the marker SOLID_RHO: the force sum gives them the summing node's own ψ.
    rho[i] = plan.solid[i] ? SOLID_RHO : r1;
    rho[n + i] = plan.solid[i] ? SOLID_RHO : r2;
  }
  const pairs = plan.mirrorPairs;
  for (let e = plan.mirrorStart[z0], end = plan.mirrorStart[z1]; e < end; e++) {
    const i = pairs[2 * e];
    const src = pairs[2 * e + 1];
    rho[i] = rho[src];
    rho[n + i] = rho[n + src];
  }
}

/**
 * Collision and push-streaming of the fluid and inlet/outlet nodes on layers [z0, z1): reads f and
 * rho (densities of f), writes g. Inlet/outlet equilibria also go to scratch.fixedPost for finishSlab.
 */
export function collideSlab(plan, f, rho, g, scratch, z0, z1) {
  const { nx, ny, nz, n, node, adhesion } = plan;
  const gc = plan.g;
  const op1 = plan.op1, om1 = plan.om1, op2 = plan.op2, om2 = plan.om2;
  const sp1 = 1 - 0.5 * op1, sm1 = 1 - 0.5 * om1, sp2 = 1 - 0.5 * op2, sm2 = 1 - 0.5 * om2;
  const n2 = 2 * n;
  const nb = scratch.nb;
  const solid = plan.solid;
  for (let z = z0; z < z1; z++) {
    const zm = z > 0 ? z - 1 : plan.periodicZ ? nz - 1 : -1;
    const zp = z < nz - 1 ? z + 1 : plan.periodicZ ? 0 : -1;
    for (let y = 0; y < ny; y++) {
      const ym = y > 0 ? y - 1 : ny - 1;
      const yp = y < ny - 1 ? y + 1 : 0;
      // Row bases of the (y, z) neighbour rows; rows beyond the z ends get a large negative base.
      const far = -(2 ** 30);
      const r00 = nx * (y + ny * z), rm0 = nx * (ym + ny * z), rp0 = nx * (yp + ny * z);
      const r0m = zm < 0 ? far : nx * (y + ny * zm), r0p = zp < 0 ? far : nx * (y + ny * zp);
      const rmp = zp < 0 ? far : nx * (ym + ny * zp), rpm = zm < 0 ? far : nx * (yp + ny * zm);
      const rpp = zp < 0 ? far : nx * (yp + ny * zp), rmm = zm < 0 ? far : nx * (ym + ny * zm);
      for (let x = 0; x < nx; x++) {
        const i = r00 + x;
        if (node[i] !== FLUID) continue;
        const b38 = i * 38;
        const xm = x > 0 ? x - 1 : nx - 1;
        const xp = x < nx - 1 ? x + 1 : 0;
        // Neighbour of each direction (D3Q19 order of lattice.ts).
        nb[1] = r00 + xp; nb[2] = r00 + xm; nb[3] = rp0 + x; nb[4] = rm0 + x; nb[5] = r0p + x; nb[6] = r0m + x;
        nb[7] = rp0 + xp; nb[8] = rm0 + xm; nb[9] = rm0 + xp; nb[10] = rp0 + xm;
        nb[11] = r0p + xp; nb[12] = r0m + xm; nb[13] = r0m + xp; nb[14] = r0p + xm;
        nb[15] = rpp + x; nb[16] = rmm + x; nb[17] = rpm + x; nb[18] = rmp + x;
        // Σ_q w_q ψ(x+c_q) c_q for both components with ψ = max(ρ, 0) (see collideAndStream in the
        // reference engine; solid neighbours count with this node's own ψ, mirrored side walls with their source's), written out per
        // axis: each c component is 0 or ±1, so most of the 108 products of a loop are zeros.
        const rho1 = rho[i];
        const rho2 = rho[n + i];
        const own1 = rho1 > 0 ? rho1 : 0;
        const own2 = rho2 > 0 ? rho2 : 0;
        const a1 = psiAt(rho[nb[1]], own1), a2 = psiAt(rho[nb[2]], own1), a3 = psiAt(rho[nb[3]], own1), a4 = psiAt(rho[nb[4]], own1), a5 = psiAt(rho[nb[5]], own1), a6 = psiAt(rho[nb[6]], own1);
        const a7 = psiAt(rho[nb[7]], own1), a8 = psiAt(rho[nb[8]], own1), a9 = psiAt(rho[nb[9]], own1), a10 = psiAt(rho[nb[10]], own1), a11 = psiAt(rho[nb[11]], own1), a12 = psiAt(rho[nb[12]], own1);
        const a13 = psiAt(rho[nb[13]], own1), a14 = psiAt(rho[nb[14]], own1), a15 = psiAt(rho[nb[15]], own1), a16 = psiAt(rho[nb[16]], own1), a17 = psiAt(rho[nb[17]], own1), a18 = psiAt(rho[nb[18]], own1);
        const b1 = psiAt(rho[n + nb[1]], own2), b2 = psiAt(rho[n + nb[2]], own2), b3 = psiAt(rho[n + nb[3]], own2), b4 = psiAt(rho[n + nb[4]], own2), b5 = psiAt(rho[n + nb[5]], own2), b6 = psiAt(rho[n + nb[6]], own2);
        const b7 = psiAt(rho[n + nb[7]], own2), b8 = psiAt(rho[n + nb[8]], own2), b9 = psiAt(rho[n + nb[9]], own2), b10 = psiAt(rho[n + nb[10]], own2), b11 = psiAt(rho[n + nb[11]], own2), b12 = psiAt(rho[n + nb[12]], own2);
        const b13 = psiAt(rho[n + nb[13]], own2), b14 = psiAt(rho[n + nb[14]], own2), b15 = psiAt(rho[n + nb[15]], own2), b16 = psiAt(rho[n + nb[16]], own2), b17 = psiAt(rho[n + nb[17]], own2), b18 = psiAt(rho[n + nb[18]], own2);
        const s2x = W1 * (a1 - a2) + W2 * (a7 - a8 + a9 - a10 + a11 - a12 + a13 - a14);
        const s2y = W1 * (a3 - a4) + W2 * (a7 - a8 - a9 + a10 + a15 - a16 + a17 - a18);
        const s2z = W1 * (a5 - a6) + W2 * (a11 - a12 - a13 + a14 + a15 - a16 - a17 + a18);
        const s1x = W1 * (b1 - b2) + W2 * (b7 - b8 + b9 - b10 + b11 - b12 + b13 - b14);
        const s1y = W1 * (b3 - b4) + W2 * (b7 - b8 - b9 + b10 + b15 - b16 + b17 - b18);
        const s1z = W1 * (b5 - b6) + W2 * (b11 - b12 - b13 + b14 + b15 - b16 - b17 + b18);
        // Net momentum of each (q, opposite) pair, then Σ c_q per axis.
        const d1 = f[b38 + 1] + f[b38 + 20] - f[b38 + 2] - f[b38 + 21];
        const d3 = f[b38 + 3] + f[b38 + 22] - f[b38 + 4] - f[b38 + 23];
        const d5 = f[b38 + 5] + f[b38 + 24] - f[b38 + 6] - f[b38 + 25];
        const d7 = f[b38 + 7] + f[b38 + 26] - f[b38 + 8] - f[b38 + 27];
        const d9 = f[b38 + 9] + f[b38 + 28] - f[b38 + 10] - f[b38 + 29];
        const d11 = f[b38 + 11] + f[b38 + 30] - f[b38 + 12] - f[b38 + 31];
        const d13 = f[b38 + 13] + f[b38 + 32] - f[b38 + 14] - f[b38 + 33];
        const d15 = f[b38 + 15] + f[b38 + 34] - f[b38 + 16] - f[b38 + 35];
        const d17 = f[b38 + 17] + f[b38 + 36] - f[b38 + 18] - f[b38 + 37];
        const jx = d1 + d7 + d9 + d11 + d13;
        const jy = d3 + d7 - d9 + d15 + d17;
        const jz = d5 + d11 - d13 + d15 - d17;
        const ax = adhesion[i], ay = adhesion[n + i], az = adhesion[n2 + i];
        // F_k = -ψ_k (G Σ_q w_q ψ_other(x+c_q) c_q ± adhesion), as in the reference engine.
        const psi1 = rho1 > 0 ? rho1 : 0, psi2 = rho2 > 0 ? rho2 : 0;
        const f1x = -psi1 * (gc * s1x + ax), f1y = -psi1 * (gc * s1y + ay), f1z = -psi1 * (gc * s1z + az);
        const f2x = -psi2 * (gc * s2x - ax), f2y = -psi2 * (gc * s2y - ay), f2z = -psi2 * (gc * s2z - az);
        const rt = rho1 + rho2;
        const ux = (jx + 0.5 * (f1x + f2x)) / rt;
        const uy = (jy + 0.5 * (f1y + f2y)) / rt;
        const uz = (jz + 0.5 * (f1z + f2z)) / rt;
        const usq = 1.5 * (ux * ux + uy * uy + uz * uz);
        const uf1 = 3 * (ux * f1x + uy * f1y + uz * f1z);
        const uf2 = 3 * (ux * f2x + uy * f2y + uz * f2z);
        // Rest direction: no odd part, no streaming.
        {
          const a = f[b38];
          const b = f[b38 + 19];
          g[b38] = a - op1 * (a - w[0] * rho1 * (1 - usq)) - sp1 * w[0] * uf1;
          g[b38 + 19] = b - op2 * (b - w[0] * rho2 * (1 - usq)) - sp2 * w[0] * uf2;
        }
        // The nine (q, o = opposite) pairs, written out so c_q · u and c_q · F need no products (c
        // components are 0 or ±1) and V8 sees no loop or call. The even parts are shared by q and o,
        // the odd parts flip sign. Each post-collision value is pushed to x + c_q (o: x − c_q), or
        // bounced back into the node itself when that neighbour is solid (half-way bounce-back).
        {
          const cu = ux;
          const cf1 = f1x;
          const cf2 = f2x;
          const even = 1 + 4.5 * cu * cu - usq;
          const a = f[b38 + 1];
          const ao = f[b38 + 2];
          const sym1 = op1 * (0.5 * (a + ao) - W1 * rho1 * even) - sp1 * W1 * (9 * cu * cf1 - uf1);
          const asym1 = om1 * (0.5 * (a - ao) - W1 * rho1 * 3 * cu) - sm1 * W1 * 3 * cf1;
          const b = f[b38 + 20];
          const bo = f[b38 + 21];
          const sym2 = op2 * (0.5 * (b + bo) - W1 * rho2 * even) - sp2 * W1 * (9 * cu * cf2 - uf2);
          const asym2 = om2 * (0.5 * (b - bo) - W1 * rho2 * 3 * cu) - sm2 * W1 * 3 * cf2;
          // Target index without a branch (solid neighbours are random in a porous medium, so a
          // branch here is mispredicted about half the time).
          const dq = nb[1];
          const tq = dq * 38 + 1 + solid[dq] * ((i - dq) * 38 + 1);
          g[tq] = a - sym1 - asym1;
          g[tq + 19] = b - sym2 - asym2;
          const dox = nb[2];
          const to = dox * 38 + 2 + solid[dox] * ((i - dox) * 38 + -1);
          g[to] = ao - sym1 + asym1;
          g[to + 19] = bo - sym2 + asym2;
        }
        {
          const cu = uy;
          const cf1 = f1y;
          const cf2 = f2y;
          const even = 1 + 4.5 * cu * cu - usq;
          const a = f[b38 + 3];
          const ao = f[b38 + 4];
          const sym1 = op1 * (0.5 * (a + ao) - W1 * rho1 * even) - sp1 * W1 * (9 * cu * cf1 - uf1);
          const asym1 = om1 * (0.5 * (a - ao) - W1 * rho1 * 3 * cu) - sm1 * W1 * 3 * cf1;
          const b = f[b38 + 22];
          const bo = f[b38 + 23];
          const sym2 = op2 * (0.5 * (b + bo) - W1 * rho2 * even) - sp2 * W1 * (9 * cu * cf2 - uf2);
          const asym2 = om2 * (0.5 * (b - bo) - W1 * rho2 * 3 * cu) - sm2 * W1 * 3 * cf2;
          // Target index without a branch (solid neighbours are random in a porous medium, so a
          // branch here is mispredicted about half the time).
          const dq = nb[3];
          const tq = dq * 38 + 3 + solid[dq] * ((i - dq) * 38 + 1);
          g[tq] = a - sym1 - asym1;
          g[tq + 19] = b - sym2 - asym2;
          const dox = nb[4];
          const to = dox * 38 + 4 + solid[dox] * ((i - dox) * 38 + -1);
          g[to] = ao - sym1 + asym1;
          g[to + 19] = bo - sym2 + asym2;
        }
        {
          const cu = uz;
          const cf1 = f1z;
          const cf2 = f2z;
          const even = 1 + 4.5 * cu * cu - usq;
          const a = f[b38 + 5];
          const ao = f[b38 + 6];
          const sym1 = op1 * (0.5 * (a + ao) - W1 * rho1 * even) - sp1 * W1 * (9 * cu * cf1 - uf1);
          const asym1 = om1 * (0.5 * (a - ao) - W1 * rho1 * 3 * cu) - sm1 * W1 * 3 * cf1;
          const b = f[b38 + 24];
          const bo = f[b38 + 25];
          const sym2 = op2 * (0.5 * (b + bo) - W1 * rho2 * even) - sp2 * W1 * (9 * cu * cf2 - uf2);
          const asym2 = om2 * (0.5 * (b - bo) - W1 * rho2 * 3 * cu) - sm2 * W1 * 3 * cf2;
          // Target index without a branch (solid neighbours are random in a porous medium, so a
          // branch here is mispredicted about half the time).
          const dq = nb[5];
          const tq = dq * 38 + 5 + solid[dq] * ((i - dq) * 38 + 1);
          g[tq] = a - sym1 - asym1;
          g[tq + 19] = b - sym2 - asym2;
          const dox = nb[6];
          const to = dox * 38 + 6 + solid[dox] * ((i - dox) * 38 + -1);
          g[to] = ao - sym1 + asym1;
          g[to + 19] = bo - sym2 + asym2;
        }
        {
          const cu = ux + uy;
          const cf1 = f1x + f1y;
          const cf2 = f2x + f2y;
          const even = 1 + 4.5 * cu * cu - usq;
          const a = f[b38 + 7];
          const ao = f[b38 + 8];
          const sym1 = op1 * (0.5 * (a + ao) - W2 * rho1 * even) - sp1 * W2 * (9 * cu * cf1 - uf1);
          const asym1 = om1 * (0.5 * (a - ao) - W2 * rho1 * 3 * cu) - sm1 * W2 * 3 * cf1;
          const b = f[b38 + 26];
          const bo = f[b38 + 27];
          const sym2 = op2 * (0.5 * (b + bo) - W2 * rho2 * even) - sp2 * W2 * (9 * cu * cf2 - uf2);
          const asym2 = om2 * (0.5 * (b - bo) - W2 * rho2 * 3 * cu) - sm2 * W2 * 3 * cf2;
          // Target index without a branch (solid neighbours are random in a porous medium, so a
          // branch here is mispredicted about half the time).
          const dq = nb[7];
          const tq = dq * 38 + 7 + solid[dq] * ((i - dq) * 38 + 1);
          g[tq] = a - sym1 - asym1;
          g[tq + 19] = b - sym2 - asym2;
          const dox = nb[8];
          const to = dox * 38 + 8 + solid[dox] * ((i - dox) * 38 + -1);
          g[to] = ao - sym1 + asym1;
          g[to + 19] = bo - sym2 + asym2;
        }
        {
          const cu = ux - uy;
          const cf1 = f1x - f1y;
          const cf2 = f2x - f2y;
          const even = 1 + 4.5 * cu * cu - usq;
          const a = f[b38 + 9];
          const ao = f[b38 + 10];
          const sym1 = op1 * (0.5 * (a + ao) - W2 * rho1 * even) - sp1 * W2 * (9 * cu * cf1 - uf1);
          const asym1 = om1 * (0.5 * (a - ao) - W2 * rho1 * 3 * cu) - sm1 * W2 * 3 * cf1;
          const b = f[b38 + 28];
          const bo = f[b38 + 29];
          const sym2 = op2 * (0.5 * (b + bo) - W2 * rho2 * even) - sp2 * W2 * (9 * cu * cf2 - uf2);
          const asym2 = om2 * (0.5 * (b - bo) - W2 * rho2 * 3 * cu) - sm2 * W2 * 3 * cf2;
          // Target index without a branch (solid neighbours are random in a porous medium, so a
          // branch here is mispredicted about half the time).
          const dq = nb[9];
          const tq = dq * 38 + 9 + solid[dq] * ((i - dq) * 38 + 1);
          g[tq] = a - sym1 - asym1;
          g[tq + 19] = b - sym2 - asym2;
          const dox = nb[10];
          const to = dox * 38 + 10 + solid[dox] * ((i - dox) * 38 + -1);
          g[to] = ao - sym1 + asym1;
          g[to + 19] = bo - sym2 + asym2;
        }
        {
          const cu = ux + uz;
          const cf1 = f1x + f1z;
          const cf2 = f2x + f2z;
          const even = 1 + 4.5 * cu * cu - usq;
          const a = f[b38 + 11];
          const ao = f[b38 + 12];
          const sym1 = op1 * (0.5 * (a + ao) - W2 * rho1 * even) - sp1 * W2 * (9 * cu * cf1 - uf1);
          const asym1 = om1 * (0.5 * (a - ao) - W2 * rho1 * 3 * cu) - sm1 * W2 * 3 * cf1;
          const b = f[b38 + 30];
          const bo = f[b38 + 31];
          const sym2 = op2 * (0.5 * (b + bo) - W2 * rho2 * even) - sp2 * W2 * (9 * cu * cf2 - uf2);
          const asym2 = om2 * (0.5 * (b - bo) - W2 * rho2 * 3 * cu) - sm2 * W2 * 3 * cf2;
          // Target index without a branch (solid neighbours are random in a porous medium, so a
          // branch here is mispredicted about half the time).
          const dq = nb[11];
          const tq = dq * 38 + 11 + solid[dq] * ((i - dq) * 38 + 1);
          g[tq] = a - sym1 - asym1;
          g[tq + 19] = b - sym2 - asym2;
          const dox = nb[12];
          const to = dox * 38 + 12 + solid[dox] * ((i - dox) * 38 + -1);
          g[to] = ao - sym1 + asym1;
          g[to + 19] = bo - sym2 + asym2;
        }
        {
          const cu = ux - uz;
          const cf1 = f1x - f1z;
          const cf2 = f2x - f2z;
          const even = 1 + 4.5 * cu * cu - usq;
          const a = f[b38 + 13];
          const ao = f[b38 + 14];
          const sym1 = op1 * (0.5 * (a + ao) - W2 * rho1 * even) - sp1 * W2 * (9 * cu * cf1 - uf1);
          const asym1 = om1 * (0.5 * (a - ao) - W2 * rho1 * 3 * cu) - sm1 * W2 * 3 * cf1;
          const b = f[b38 + 32];
          const bo = f[b38 + 33];
          const sym2 = op2 * (0.5 * (b + bo) - W2 * rho2 * even) - sp2 * W2 * (9 * cu * cf2 - uf2);
          const asym2 = om2 * (0.5 * (b - bo) - W2 * rho2 * 3 * cu) - sm2 * W2 * 3 * cf2;
          // Target index without a branch (solid neighbours are random in a porous medium, so a
          // branch here is mispredicted about half the time).
          const dq = nb[13];
          const tq = dq * 38 + 13 + solid[dq] * ((i - dq) * 38 + 1);
          g[tq] = a - sym1 - asym1;
          g[tq + 19] = b - sym2 - asym2;
          const dox = nb[14];
          const to = dox * 38 + 14 + solid[dox] * ((i - dox) * 38 + -1);
          g[to] = ao - sym1 + asym1;
          g[to + 19] = bo - sym2 + asym2;
        }
        {
          const cu = uy + uz;
          const cf1 = f1y + f1z;
          const cf2 = f2y + f2z;
          const even = 1 + 4.5 * cu * cu - usq;
          const a = f[b38 + 15];
          const ao = f[b38 + 16];
          const sym1 = op1 * (0.5 * (a + ao) - W2 * rho1 * even) - sp1 * W2 * (9 * cu * cf1 - uf1);
          const asym1 = om1 * (0.5 * (a - ao) - W2 * rho1 * 3 * cu) - sm1 * W2 * 3 * cf1;
          const b = f[b38 + 34];
          const bo = f[b38 + 35];
          const sym2 = op2 * (0.5 * (b + bo) - W2 * rho2 * even) - sp2 * W2 * (9 * cu * cf2 - uf2);
          const asym2 = om2 * (0.5 * (b - bo) - W2 * rho2 * 3 * cu) - sm2 * W2 * 3 * cf2;
          // Target index without a branch (solid neighbours are random in a porous medium, so a
          // branch here is mispredicted about half the time).
          const dq = nb[15];
          const tq = dq * 38 + 15 + solid[dq] * ((i - dq) * 38 + 1);
          g[tq] = a - sym1 - asym1;
          g[tq + 19] = b - sym2 - asym2;
          const dox = nb[16];
          const to = dox * 38 + 16 + solid[dox] * ((i - dox) * 38 + -1);
          g[to] = ao - sym1 + asym1;
          g[to + 19] = bo - sym2 + asym2;
        }
        {
          const cu = uy - uz;
          const cf1 = f1y - f1z;
          const cf2 = f2y - f2z;
          const even = 1 + 4.5 * cu * cu - usq;
          const a = f[b38 + 17];
          const ao = f[b38 + 18];
          const sym1 = op1 * (0.5 * (a + ao) - W2 * rho1 * even) - sp1 * W2 * (9 * cu * cf1 - uf1);
          const asym1 = om1 * (0.5 * (a - ao) - W2 * rho1 * 3 * cu) - sm1 * W2 * 3 * cf1;
          const b = f[b38 + 36];
          const bo = f[b38 + 37];
          const sym2 = op2 * (0.5 * (b + bo) - W2 * rho2 * even) - sp2 * W2 * (9 * cu * cf2 - uf2);
          const asym2 = om2 * (0.5 * (b - bo) - W2 * rho2 * 3 * cu) - sm2 * W2 * 3 * cf2;
          // Target index without a branch (solid neighbours are random in a porous medium, so a
          // branch here is mispredicted about half the time).
          const dq = nb[17];
          const tq = dq * 38 + 17 + solid[dq] * ((i - dq) * 38 + 1);
          g[tq] = a - sym1 - asym1;
          g[tq + 19] = b - sym2 - asym2;
          const dox = nb[18];
          const to = dox * 38 + 18 + solid[dox] * ((i - dox) * 38 + -1);
          g[to] = ao - sym1 + asym1;
          g[to + 19] = bo - sym2 + asym2;
        }
      }
    }
  }
  collideFixed(plan, f, g, scratch, z0, z1);
}

/**
 * Inlet/outlet nodes: equilibrium at the fixed densities moving with the velocity of the next node
 * inward (see fixedEquilibrium in the reference engine), pushed to the neighbours and kept in
 * scratch.fixedPost so finishSlab can reset the node itself once every push has landed.
 */
function collideFixed(plan, f, g, scratch, z0, z1) {
  const { nx, ny, nz, n, node, fixed, fixedStart } = plan;
  const plane = nx * ny;
  const post = scratch.fixedPost;
  const m = fixed.length;
  for (let e = fixedStart[z0]; e < fixedStart[z1]; e++) {
    const i = fixed[e];
    const inlet = node[i] === INLET;
    const j = inlet ? i + plane : i - plane;
    let r = 0, jx = 0, jy = 0, jz = 0, ra = 0, rb = 0;
    for (let q = 0; q < Q; q++) {
      const a = f[j * 38 + q];
      const b = f[j * 38 + Q + q];
      ra += a;
      rb += b;
      const s = a + b;
      r += s;
      jx += s * cx[q]; jy += s * cy[q]; jz += s * cz[q];
    }
    const ux = r > 0 ? jx / r : 0, uy = r > 0 ? jy / r : 0, uz = r > 0 ? jz / r : 0;
    const usq = 1.5 * (ux * ux + uy * uy + uz * uz);
    let fa = plan.in1;
    let fb = plan.in2;
    if (!inlet) {
      // Outlet: the inward composition at the outlet pressure (outletDensities in the reference engine).
      // The reference sums the densities in float32 (computeMoments into a Float32Array).
      const r2 = Math.max(0, Math.fround(rb));
      const r1 = Math.min(Math.max(0, Math.fround(ra)), plan.out2 > 0 ? (r2 * plan.out1) / plan.out2 : Infinity);
      const qa = plan.g * r1 * r2, qb = r1 + r2;
      const sc = !(qb > 0) ? 0 : qa > 1e-12 ? (2 * plan.pout) / (qb + Math.sqrt(qb * qb + 4 * qa * plan.pout)) : plan.pout / qb;
      fa = qb > 0 ? sc * r1 : plan.out1;
      fb = qb > 0 ? sc * r2 : plan.out2;
    }
    const z = (i / plane) | 0;
    const rem = i - z * plane;
    const y = (rem / nx) | 0;
    const x = rem - y * nx;
    for (let q = 0; q < Q; q++) {
      const cu = cx[q] * ux + cy[q] * uy + cz[q] * uz;
      const eq = w[q] * (1 + 3 * cu + 4.5 * cu * cu - usq);
      const pa = eq * fa;
      const pb = eq * fb;
      post[q * m + e] = pa;
      post[(Q + q) * m + e] = pb;
      let zz = z + cz[q];
      if (zz < 0 || zz >= nz) {
        if (!plan.periodicZ) continue;
        zz = zz < 0 ? zz + nz : zz - nz;
      }
      let xx = x + cx[q];
      xx = xx < 0 ? xx + nx : xx >= nx ? xx - nx : xx;
      let yy = y + cy[q];
      yy = yy < 0 ? yy + ny : yy >= ny ? yy - ny : yy;
      const d = xx + nx * (yy + ny * zz);
      const o = q === 0 ? 0 : q % 2 === 1 ? q + 1 : q - 1;
      if (node[d] === SOLID) {
        g[i * 38 + o] = pa;
        g[i * 38 + Q + o] = pb;
      } else {
        g[d * 38 + q] = pa;
        g[d * 38 + Q + q] = pb;
      }
    }
  }
}

/** After every slab's collideSlab: reset the inlet/outlet nodes of g, then the densities of g. */
export function finishSlab(plan, g, rho, scratch, z0, z1) {
  const { n, fixed, fixedStart } = plan;
  const post = scratch.fixedPost;
  const m = fixed.length;
  for (let e = fixedStart[z0]; e < fixedStart[z1]; e++) {
    const i = fixed[e];
    for (let q = 0; q < Q; q++) {
      g[i * 38 + q] = post[q * m + e];
      g[i * 38 + Q + q] = post[(Q + q) * m + e];
    }
  }
  densitySlab(plan, g, rho, z0, z1);
}

/** Densities and summed momentum [rho1 | rho2 | jx | jy | jz] of every node (solid 0). */
export function fullMoments(plan, f, out) {
  const { n, node } = plan;
  out.fill(0);
  for (let i = 0; i < n; i++) {
    if (node[i] === SOLID) continue;
    let r1 = 0, r2 = 0, jx = 0, jy = 0, jz = 0;
    for (let q = 0; q < Q; q++) {
      const a = f[i * 38 + q];
      const b = f[i * 38 + Q + q];
      r1 += a;
      r2 += b;
      const s = a + b;
      jx += s * cx[q]; jy += s * cy[q]; jz += s * cz[q];
    }
    out[i] = r1;
    out[n + i] = r2;
    out[2 * n + i] = jx;
    out[3 * n + i] = jy;
    out[4 * n + i] = jz;
  }
}
