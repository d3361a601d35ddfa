/**
 * WGSL source of the WebGPU lattice-Boltzmann engine (webgpu-engine.ts), generated as strings so the
 * per-direction code can be written out (unrolled) the way fast-step.mjs writes it: c_q components
 * are 0 or ±1, so c·u and c·F need no multiplications, and the buffer and slot of each of the 38
 * distributions is a compile-time constant. No Node imports: the viewer bundles this too.
 *
 * Storage: structure of arrays, distribution (k, q) of node i at element slot·n + i of one "part"
 * buffer. A part holds a run of consecutive directions of one component; with one part per
 * component (the usual case, 76 B per node per part set) that is [(q)·n + node] per component. More
 * parts per component are used only when 19·4·n bytes would pass the device's largest storage
 * binding (e.g. 512³ lattices on 4 GiB bindings); each index then stays below 2^32 elements.
 *
 * Kernels (one invocation per node, `i = gid.x + gid.y · rowStride`, 2-D dispatch so more than
 * 65,535 workgroups fit):
 *  - collide: TRT + Guo collision of both components of a fluid node from its 38 distributions and
 *    the densities of its 18 neighbours (Shan–Chen force), pushed to x + c_q or bounced back into
 *    the node itself when that neighbour is solid; inlet/outlet nodes write their fixed-density
 *    equilibrium into their own slots and push it to fluid neighbours. Every slot of the output
 *    has exactly one writer (fluid nodes do not push into inlet/outlet nodes, which their own
 *    invocation resets anyway, exactly what collideFixed + finishSlab end with), so there is no race.
 *  - density: ρ1, ρ2 of every non-solid node from the new distributions; invocations past n give
 *    each mirrored side-wall node the densities of its source node (summed from the source's
 *    distributions, so no invocation reads what another writes). Solid nodes keep ρ = 0.
 *  - init: rest equilibrium of the uploaded densities; zeroes ρ on solid nodes.
 *  - moment (one pipeline per component m via an override constant): ρ1, ρ2, jx, jy, jz.
 */
import { CX, CY, CZ, Q, SOLID_RHO } from './lattice.ts';

/**
 * FP32 weights that sum to exactly 1 (W1 = 14,913,080 · 2^-28, W2 = W1 / 2, W0 = 1 − 12 W1, all
 * exact in float32). The nearest float32 values of 1/3, 1/18, 1/36 sum to 1 + 1.5e-8, which in FP32
 * arithmetic is a steady mass gain of ~3e-8 per step (measured 8.6e-6 over 300 steps in a closed
 * box); these differ from 1/18, 1/36 by 6e-8 and from 1/3 by 1.2e-7 relative, float32 rounding size.
 */
const W1_32 = 14913080 * 2 ** -28;
export const WGSL_WEIGHTS: readonly number[] = [1 - 12 * W1_32, ...Array<number>(6).fill(W1_32), ...Array<number>(12).fill(W1_32 / 2)];
const W64 = WGSL_WEIGHTS;

/** Where each of the 38 distributions (index k·19 + q) lives: part buffer and slot within it. */
export interface WgslLayout {
  /** Number of part buffers per distribution set (2 when each component fits one binding). */
  parts: number;
  partOf: readonly number[];
  slotOf: readonly number[];
  workgroupSize: number;
}

/** Uniform block shared by every kernel (byte layout written by webgpu-engine.ts, 20 × 4 B). */
const PARAMS = /* wgsl */ `
struct Params {
  nx: u32, ny: u32, nz: u32, n: u32,
  plane: u32, periodicZ: u32, rowStride: u32, mirrors: u32,
  g: f32, op1: f32, om1: f32, op2: f32,
  om2: f32, in1: f32, in2: f32, out1: f32,
  out2: f32, kindsAt: u32, pairsAt: u32, pad0: u32,
};
@group(0) @binding(0) var<uniform> P: Params;
`;

/**
 * Per-node fields in ONE u32 binding (so the split-direction layout of large lattices still fits
 * few storage bindings): [ρ1 | ρ2 | ax | ay | az] as float bits (n each), then the node kinds packed
 * four per u32 (one byte each, little-endian, 1 B per node) from P.kindsAt, then the mirrored
 * side-wall (wall, source) pairs from P.pairsAt. Floats are read as u32 and bitcast, which keeps
 * every bit (a byte pattern read as f32 could be a denormal that a driver flushes).
 */
const KIND_FN = /* wgsl */ `
fn kindOf(d: u32) -> u32 { return (fields[P.kindsAt + (d >> 2u)] >> ((d & 3u) * 8u)) & 0xffu; }
fn fv(e: u32) -> f32 { return bitcast<f32>(fields[e]); }
fn psiAt(v: f32, own: f32) -> f32 { return select(max(v, 0.0), own, v < -0.5); }
`;

/** f32 literal of a float64 weight (WGSL rounds it to the nearest f32). */
const lit = (v: number): string => {
  const s = v.toPrecision(17);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
};

function partDecls(layout: WgslLayout, first: number, name: string, access: 'read' | 'read_write'): string {
  let s = '';
  for (let p = 0; p < layout.parts; p++) s += `@group(0) @binding(${first + p}) var<storage, ${access}> ${name}${p}: array<f32>;\n`;
  return s;
}

/** Expression addressing distribution (k, q) of node `idx` in part set `name`. */
function at(layout: WgslLayout, name: string, k: number, q: number, idx: string): string {
  const kq = k * Q + q;
  const slot = layout.slotOf[kq]!;
  return `${name}${layout.partOf[kq]}[${slot === 0 ? '' : `${slot}u * P.n + `}${idx}]`;
}

const OPP = (q: number): number => (q === 0 ? 0 : q % 2 === 1 ? q + 1 : q - 1);
const sgn = (c: number, v: string): string => (c === 0 ? '' : c > 0 ? ` + ${v}` : ` - ${v}`);
/** c_q · (vx, vy, vz) written without products, e.g. "(ux - uy)". */
function dot(q: number, vx: string, vy: string, vz: string): string {
  const s = (sgn(CX[q]!, vx) + sgn(CY[q]!, vy) + sgn(CZ[q]!, vz)).trim();
  return `(${s.startsWith('+ ') ? s.slice(2) : `0.0 ${s}`})`;
}
const yName = (c: number): string => (c < 0 ? 'm' : c > 0 ? 'p' : '0');
const xExpr = (c: number): string => (c < 0 ? 'xm' : c > 0 ? 'xp' : 'x');

/** Neighbour index of every direction, nb1 … nb18, from the nine (y, z) row bases. */
function neighbours(): string {
  let s = `
  let nx = P.nx; let ny = P.ny; let nz = P.nz; let n = P.n;
  let x = i % nx; let yz = i / nx; let y = yz % ny; let z = yz / ny;
  let xm = select(x - 1u, nx - 1u, x == 0u);
  let xp = select(x + 1u, 0u, x + 1u == nx);
  let ym = select(y - 1u, ny - 1u, y == 0u);
  let yp = select(y + 1u, 0u, y + 1u == ny);
  let zm = select(z - 1u, nz - 1u, z == 0u);
  let zp = select(z + 1u, 0u, z + 1u == nz);
  // Beyond the z end planes of a non-periodic lattice there is no neighbour (only inlet, outlet
  // and solid nodes sit on those planes: validateSolverOptions).
  let hasZm = z > 0u || P.periodicZ != 0u;
  let hasZp = z + 1u < nz || P.periodicZ != 0u;
`;
  for (const zc of [-1, 0, 1]) {
    for (const yc of [-1, 0, 1]) {
      const yv = yc < 0 ? 'ym' : yc > 0 ? 'yp' : 'y';
      const zv = zc < 0 ? 'zm' : zc > 0 ? 'zp' : 'z';
      s += `  let r${yName(yc)}${yName(zc)} = nx * (${yv} + ny * ${zv});\n`;
    }
  }
  for (let q = 1; q < Q; q++) s += `  let nb${q} = r${yName(CY[q]!)}${yName(CZ[q]!)} + ${xExpr(CX[q]!)};\n`;
  return s;
}

/** The collide + push-stream kernel (A → B). Bindings: 0 params, 1 fields (read), then input parts, then output parts. */
export function collideSource(layout: WgslLayout): string {
  const F = (k: number, q: number, idx = 'i'): string => at(layout, 'fi', k, q, idx);
  const G = (k: number, q: number, idx: string): string => at(layout, 'fo', k, q, idx);
  const W1 = lit(W64[1]!);
  const W2 = lit(W64[7]!);
  const rhoLoads: string[] = [];
  for (let q = 1; q < Q; q++) rhoLoads.push(`  let a${q} = psiAt(fv(nb${q}), psi1); let b${q} = psiAt(fv(n + nb${q}), psi2);`);
  // Same sums as fast-step.mjs (Σ_q w_q ψ(x+c_q) c_q per axis, no zero products).
  const axisSum = (v: string, axis: readonly number[] | Float32Array): string => {
    const t1: string[] = [];
    const t2: string[] = [];
    for (let q = 1; q < Q; q++) {
      const c = axis[q]!;
      if (c === 0) continue;
      (q < 7 ? t1 : t2).push(`${c > 0 ? '+' : '-'} ${v}${q}`);
    }
    const join = (ts: string[]): string => ts.join(' ').replace(/^\+ /, '');
    return `${W1} * (${join(t1)}) + ${W2} * (${join(t2)})`;
  };
  let pairs = '';
  for (let q = 1; q < Q; q += 2) {
    const o = q + 1;
    const W = q < 7 ? W1 : W2;
    pairs += `
    {
      let cu = ${dot(q, 'ux', 'uy', 'uz')};
      let cf1 = ${dot(q, 'f1x', 'f1y', 'f1z')};
      let cf2 = ${dot(q, 'f2x', 'f2y', 'f2z')};
      let even = 1.0 + 4.5 * cu * cu - usq;
      let a = ${F(0, q)}; let ao = ${F(0, o)};
      let sym1 = op1 * (0.5 * (a + ao) - ${W} * rho1 * even) - sp1 * ${W} * (9.0 * cu * cf1 - uf1);
      let asym1 = om1 * (0.5 * (a - ao) - ${W} * rho1 * 3.0 * cu) - sm1 * ${W} * 3.0 * cf1;
      let b = ${F(1, q)}; let bo = ${F(1, o)};
      let sym2 = op2 * (0.5 * (b + bo) - ${W} * rho2 * even) - sp2 * ${W} * (9.0 * cu * cf2 - uf2);
      let asym2 = om2 * (0.5 * (b - bo) - ${W} * rho2 * 3.0 * cu) - sm2 * ${W} * 3.0 * cf2;
      // Push to x + c_q, bounce back into this node's opposite slot at a solid neighbour, nothing
      // into an inlet/outlet node (its own invocation writes all of its slots).
      let kq = kindOf(nb${q});
      if (kq == 0u) { ${G(0, q, `nb${q}`)} = a - sym1 - asym1; ${G(1, q, `nb${q}`)} = b - sym2 - asym2; }
      else if (kq == 1u) { ${G(0, o, 'i')} = a - sym1 - asym1; ${G(1, o, 'i')} = b - sym2 - asym2; }
      let ko = kindOf(nb${o});
      if (ko == 0u) { ${G(0, o, `nb${o}`)} = ao - sym1 + asym1; ${G(1, o, `nb${o}`)} = bo - sym2 + asym2; }
      else if (ko == 1u) { ${G(0, q, 'i')} = ao - sym1 + asym1; ${G(1, q, 'i')} = bo - sym2 + asym2; }
    }`;
  }
  const momentum = (axis: readonly number[] | Float32Array): string => {
    const ts: string[] = [];
    for (let q = 1; q < Q; q += 2) if (axis[q] !== 0) ts.push(`${axis[q]! > 0 ? '+' : '-'} d${q}`);
    return ts.join(' ').replace(/^\+ /, '');
  };
  let pairMomenta = '';
  for (let q = 1; q < Q; q += 2) pairMomenta += `    let d${q} = ${F(0, q)} + ${F(1, q)} - ${F(0, q + 1)} - ${F(1, q + 1)};\n`;
  // Inlet/outlet: equilibrium at the inlet's fixed densities or the outlet's (inward composition at
  // the outlet pressure), moving with the next node inward.
  let fixedSums = '';
  for (let q = 0; q < Q; q++) {
    fixedSums += `    { let s = ${F(0, q, 'j')} + ${F(1, q, 'j')}; r = r + s;${CX[q] ? ` jx = jx ${CX[q]! > 0 ? '+' : '-'} s;` : ''}${CY[q] ? ` jy = jy ${CY[q]! > 0 ? '+' : '-'} s;` : ''}${CZ[q] ? ` jz = jz ${CZ[q]! > 0 ? '+' : '-'} s;` : ''} }\n`;
  }
  let fixedPush = '';
  for (let q = 0; q < Q; q++) {
    const cu = q === 0 ? '0.0' : dot(q, 'ux', 'uy', 'uz');
    fixedPush += `    {
      let cu = ${cu};
      let e = ${lit(W64[q]!)} * (1.0 + 3.0 * cu + 4.5 * cu * cu - usq);
      let pa = e * fa; let pb = e * fb;
      ${G(0, q, 'i')} = pa; ${G(1, q, 'i')} = pb;`;
    if (q > 0) {
      const cond = CZ[q]! < 0 ? 'hasZm && ' : CZ[q]! > 0 ? 'hasZp && ' : '';
      fixedPush += `
      if (${cond}kindOf(nb${q}) == 0u) { ${G(0, q, `nb${q}`)} = pa; ${G(1, q, `nb${q}`)} = pb; }`;
    }
    fixedPush += '\n    }\n';
  }
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> fields: array<u32>;
${partDecls(layout, 2, 'fi', 'read')}${partDecls(layout, 2 + layout.parts, 'fo', 'read_write')}${KIND_FN}
@compute @workgroup_size(${layout.workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * P.rowStride;
  if (i >= P.n) { return; }
  let kind = kindOf(i);
  if (kind == 1u) { return; }
${neighbours()}
  if (kind == 0u) {
    let op1 = P.op1; let om1 = P.om1; let op2 = P.op2; let om2 = P.om2;
    let sp1 = 1.0 - 0.5 * op1; let sm1 = 1.0 - 0.5 * om1; let sp2 = 1.0 - 0.5 * op2; let sm2 = 1.0 - 0.5 * om2;
    let rho1 = fv(i);
    let rho2 = fv(n + i);
    let psi1 = max(rho1, 0.0); let psi2 = max(rho2, 0.0);
    // Σ_q w_q ψ(x+c_q) c_q for both components, ψ = max(ρ, 0); solid neighbours hold the marker
    // SOLID_RHO and count with this node's own ψ, mirrored side walls their source's (the density
    // kernel wrote them).
${rhoLoads.join('\n')}
    let s2x = ${axisSum('a', CX)};
    let s2y = ${axisSum('a', CY)};
    let s2z = ${axisSum('a', CZ)};
    let s1x = ${axisSum('b', CX)};
    let s1y = ${axisSum('b', CY)};
    let s1z = ${axisSum('b', CZ)};
${pairMomenta}    let jx = ${momentum(CX)};
    let jy = ${momentum(CY)};
    let jz = ${momentum(CZ)};
    let ax = fv(2u * n + i); let ay = fv(3u * n + i); let az = fv(4u * n + i);
    // F_k = -ψ_k (G Σ_q w_q ψ_other(x+c_q) c_q ± adhesion): + for the electrolyte, − for the gas.
    let gc = P.g;
    let f1x = -psi1 * (gc * s1x + ax); let f1y = -psi1 * (gc * s1y + ay); let f1z = -psi1 * (gc * s1z + az);
    let f2x = -psi2 * (gc * s2x - ax); let f2y = -psi2 * (gc * s2y - ay); let f2z = -psi2 * (gc * s2z - az);
    // Barycentric velocity with half the force (Guo), shared by both equilibria.
    let rt = rho1 + rho2;
    let ux = (jx + 0.5 * (f1x + f2x)) / rt;
    let uy = (jy + 0.5 * (f1y + f2y)) / rt;
    let uz = (jz + 0.5 * (f1z + f2z)) / rt;
    let usq = 1.5 * (ux * ux + uy * uy + uz * uz);
    let uf1 = 3.0 * (ux * f1x + uy * f1y + uz * f1z);
    let uf2 = 3.0 * (ux * f2x + uy * f2y + uz * f2z);
    {
      let a = ${F(0, 0)};
      let b = ${F(1, 0)};
      ${G(0, 0, 'i')} = a - op1 * (a - ${lit(W64[0]!)} * rho1 * (1.0 - usq)) - sp1 * ${lit(W64[0]!)} * uf1;
      ${G(1, 0, 'i')} = b - op2 * (b - ${lit(W64[0]!)} * rho2 * (1.0 - usq)) - sp2 * ${lit(W64[0]!)} * uf2;
    }${pairs}
  } else {
    let inlet = kind == 2u;
    let j = select(i - P.plane, i + P.plane, inlet);
    var r = 0.0; var jx = 0.0; var jy = 0.0; var jz = 0.0;
${fixedSums}    let ux = select(0.0, jx / r, r > 0.0);
    let uy = select(0.0, jy / r, r > 0.0);
    let uz = select(0.0, jz / r, r > 0.0);
    let usq = 1.5 * (ux * ux + uy * uy + uz * uz);
    var fa = P.in1;
    var fb = P.in2;
    if (!inlet) {
      // Outlet: the inward composition at the outlet pressure, never richer in electrolyte than
      // (out1, out2): outletDensities in typed-array-engine.ts.
      let r2 = max(fv(n + j), 0.0);
      var r1 = max(fv(j), 0.0);
      if (P.out2 > 0.0) { r1 = min(r1, r2 * P.out1 / P.out2); }
      let pout = P.out1 + P.out2 + P.g * P.out1 * P.out2;
      let qa = P.g * r1 * r2;
      let qb = r1 + r2;
      fa = P.out1;
      fb = P.out2;
      if (qb > 0.0) {
        let sc = select(pout / qb, (2.0 * pout) / (qb + sqrt(qb * qb + 4.0 * qa * pout)), qa > 1e-12);
        fa = sc * r1;
        fb = sc * r2;
      }
    }
${fixedPush}  }
}
`;
}

/** Densities of f (see above). Bindings: 0 params, 1 fields (read-write: ρ written), then parts. */
export function densitySource(layout: WgslLayout): string {
  let s1 = '';
  let s2 = '';
  for (let q = 0; q < Q; q++) {
    s1 += `  r1 = r1 + ${at(layout, 'fi', 0, q, 'src')};\n`;
    s2 += `  r2 = r2 + ${at(layout, 'fi', 1, q, 'src')};\n`;
  }
  return `${PARAMS}
@group(0) @binding(1) var<storage, read_write> fields: array<u32>;
${partDecls(layout, 2, 'fi', 'read')}${KIND_FN}
@compute @workgroup_size(${layout.workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x + gid.y * P.rowStride;
  let n = P.n;
  var src = t;
  var dst = t;
  if (t < n) {
    if (kindOf(t) == 1u) { return; }
  } else if (t - n < P.mirrors) {
    let e = t - n;
    dst = fields[P.pairsAt + 2u * e];
    src = fields[P.pairsAt + 2u * e + 1u];
  } else {
    return;
  }
  var r1 = 0.0;
  var r2 = 0.0;
${s1}${s2}  fields[dst] = bitcast<u32>(r1);
  fields[n + dst] = bitcast<u32>(r2);
}
`;
}

/** Rest equilibrium of the densities in fields. Bindings: 0 params, 1 fields (read-write), then output parts. */
export function initSource(layout: WgslLayout): string {
  let body = '';
  for (let q = 0; q < Q; q++) {
    body += `  ${at(layout, 'fo', 0, q, 'i')} = ${lit(W64[q]!)} * r1;\n  ${at(layout, 'fo', 1, q, 'i')} = ${lit(W64[q]!)} * r2;\n`;
  }
  return `${PARAMS}
@group(0) @binding(1) var<storage, read_write> fields: array<u32>;
${partDecls(layout, 2, 'fo', 'read_write')}${KIND_FN}
@compute @workgroup_size(${layout.workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * P.rowStride;
  let n = P.n;
  if (i >= n) { return; }
  if (kindOf(i) == 1u) { fields[i] = bitcast<u32>(${lit(SOLID_RHO)}); fields[n + i] = bitcast<u32>(${lit(SOLID_RHO)}); return; }
  let r1 = fv(i);
  let r2 = fv(n + i);
${body}}
`;
}

/**
 * One moment per pipeline (override constant m: 0 ρ1, 1 ρ2, 2 jx, 3 jy, 4 jz; solid nodes 0), so
 * the output is n floats whatever the lattice size. Bindings: 0 params, 1 out, 2 fields, then parts.
 */
export function momentSource(layout: WgslLayout): string {
  let body = '';
  for (let q = 0; q < Q; q++) {
    const a = at(layout, 'fi', 0, q, 'i');
    const b = at(layout, 'fi', 1, q, 'i');
    body += `  { let a = ${a}; let b = ${b}; r1 = r1 + a; r2 = r2 + b; let s = a + b;${CX[q] ? ` jx = jx ${CX[q]! > 0 ? '+' : '-'} s;` : ''}${CY[q] ? ` jy = jy ${CY[q]! > 0 ? '+' : '-'} s;` : ''}${CZ[q] ? ` jz = jz ${CZ[q]! > 0 ? '+' : '-'} s;` : ''} }\n`;
  }
  return `${PARAMS}
override m: u32 = 0u;
@group(0) @binding(1) var<storage, read_write> outv: array<f32>;
@group(0) @binding(2) var<storage, read> fields: array<u32>;
${partDecls(layout, 3, 'fi', 'read')}${KIND_FN}
@compute @workgroup_size(${layout.workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * P.rowStride;
  if (i >= P.n) { return; }
  if (kindOf(i) == 1u) { outv[i] = 0.0; return; }
  var r1 = 0.0; var r2 = 0.0; var jx = 0.0; var jy = 0.0; var jz = 0.0;
${body}  var v = r1;
  if (m == 1u) { v = r2; } else if (m == 2u) { v = jx; } else if (m == 3u) { v = jy; } else if (m == 4u) { v = jz; }
  outv[i] = v;
}
`;
}

/** A WGSL copy kernel (vec4 per invocation) for the bandwidth bound of bench/gpu.ts. */
export function copySource(workgroupSize: number): string {
  return `
struct CopyParams { count: u32, rowStride: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<uniform> C: CopyParams;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(${workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * C.rowStride;
  if (i < C.count) { dst[i] = src[i]; }
}
`;
}
