// Two-component Shan–Chen TRT D3Q19 step in WebAssembly SIMD (4 × f32 lanes along x).
// Same physics as fast-step.mjs; built by scripts/build-wasm.mjs into ../build/lbm.wasm.
//
// Memory (all owned by the JS side, wasm-engine.ts; this module allocates nothing, so every
// worker can instantiate it on the same shared memory):
//  - rows of R floats: real x at [4, 4+nx), a ghost copy of x = nx-1 at 3 and of x = 0 at 4+nx
//    (periodic x with plain unaligned loads), R a multiple of 4 so every vector store is aligned;
//  - distributions as arrays of structures of 4-lane vectors: a lattice row (y, z) is a run of
//    groups of 4 consecutive x, group g holding x = 4(g−1) … 4(g−1)+3 (group 0 and the pad lanes
//    past nx hold the ghosts x = −1 and x = nx), each group the 38 vectors (k*19 + q) of its 4
//    nodes, 608 contiguous bytes. Every pull then reads 9 sequential streams (the neighbour rows)
//    and writes one, which the hardware prefetchers follow. One array per direction (76 streams)
//    and 38-row blocks were both measured 3–4× slower than their in-cache arithmetic at 64³: the
//    lines came from DRAM one miss at a time. x-shifted pulls join two groups with one shuffle.
//    The values are POST-collision:
//    streaming is a pull, f_q(x) = S_q(x − c_q), or S_opq(x) when x − c_q is solid (half-way
//    bounce-back as a per-lane select), so each node writes only its own 38 slots and threads
//    never write the same address;
//  - a static row block per row, [bits | ax | ay | az] × R: bits has bit 0 fluid, bit q (1..18)
//    source x − c_q solid, bit 19 solid, bit 20 inlet/outlet; a the adhesion vector;
//  - densities live only in a per-thread ring of three z planes: the density of layer z+1 is
//    pulled just before layer z collides (its planes are still in cache), which saves the
//    separate density pass of the JS engine and its full-lattice rho array.

let NX: i32 = 0;
let NY: i32 = 0;
let NZ: i32 = 0;
let R: i32 = 0;
let P: i32 = 0;
/** Bytes of one row of R floats (static rows and density ring). */
let NB: usize = 0;
/** Bytes of one distribution row: (VECS + 2) groups of 38 vectors. */
let RBB: usize = 0;
/** Bytes of one group of 38 vectors. */
const GS: usize = 38 * 16;
let VECS: i32 = 0;
/** Static row blocks (bits and adhesion). */
let STAT: usize = 0;
let MIR: usize = 0;
let MIRS: usize = 0;
let FIX: usize = 0;
let FIXS: usize = 0;
/** Own state of the inlet/outlet nodes, 38 floats per entry: read from FSRC, written to FDST. */
let FSRC: usize = 0;
let FDST: usize = 0;
let TAB: usize = 0;
/** Rows per y band (see stepSlab). */
let BAND: i32 = 0;
let GC: f64 = 0;
let OP1: f64 = 0;
let OM1: f64 = 0;
let OP2: f64 = 0;
let OM2: f64 = 0;
let IN1: f64 = 0;
let IN2: f64 = 0;
let OUT1: f64 = 0;
let OUT2: f64 = 0;

/**
 * Reads the lattice description written by wasm-engine.ts at `cfg` (layout in writeConfig there):
 * once per instance, each worker's globals are its own.
 */
export function configure(cfg: usize): void {
  NX = load<i32>(cfg, 0);
  NY = load<i32>(cfg, 4);
  NZ = load<i32>(cfg, 8);
  R = load<i32>(cfg, 12);
  P = load<i32>(cfg, 16);
  NB = (<usize>R) << 2;
  VECS = load<i32>(cfg, 28);
  RBB = <usize>(VECS + 2) * GS;
  STAT = <usize>load<u32>(cfg, 32);
  MIR = <usize>load<u32>(cfg, 40);
  MIRS = <usize>load<u32>(cfg, 44);
  FIX = <usize>load<u32>(cfg, 48);
  FIXS = <usize>load<u32>(cfg, 52);
  BAND = load<i32>(cfg, 56);
  TAB = <usize>load<u32>(cfg, 60);
  GC = load<f64>(cfg, 64);
  OP1 = load<f64>(cfg, 72);
  OM1 = load<f64>(cfg, 80);
  OP2 = load<f64>(cfg, 88);
  OM2 = load<f64>(cfg, 96);
  IN1 = load<f64>(cfg, 104);
  IN2 = load<f64>(cfg, 112);
  OUT1 = load<f64>(cfg, 120);
  OUT2 = load<f64>(cfg, 128);
}

@inline function wrapi(v: i32, n: i32): i32 {
  return v < 0 ? v + n : v >= n ? v - n : v;
}

/** Byte offset of the distribution row (y, z). */
@inline function rowB(y: i32, z: i32): usize {
  return <usize>(z * NY + y) * RBB;
}

/** Byte offset of population kq of node x (−1 ≤ x ≤ nx) within a distribution row. */
@inline function elem(kq: i32, x: i32): usize {
  return ((<usize>((x + 4) >> 2) * 38 + <usize>kq) << 4) + ((<usize>((x + 4) & 3)) << 2);
}

/** Byte offset of the static row block (y, z). */
@inline function rowS(y: i32, z: i32): usize {
  return <usize>(z * NY + y) * 4 * NB;
}

/** All-ones lanes where bit `q` of the node bits is set. */
@inline function bit(bits: v128, q: i32): v128 {
  return i32x4.shr_s(i32x4.shl(bits, 31 - q), 31);
}

/**
 * Pre-collision population kq of the 4 nodes of a group: pulled from the group at `from` in the
 * source row (C), from x − 1 (L: the last lane of the previous group and three of this one) or
 * from x + 1 (R), or bounced back from the opposite population ko of the node itself.
 */
@inline function pullC(src: usize, kq: i32, ko: i32, from: usize, self: usize, m: v128): v128 {
  return v128.bitselect(v128.load(src + self + (<usize>ko << 4)), v128.load(src + from + (<usize>kq << 4)), m);
}

@inline function pullL(src: usize, kq: i32, ko: i32, from: usize, self: usize, m: v128): v128 {
  const at = src + from + (<usize>kq << 4);
  const v = i8x16.shuffle(v128.load(at - GS), v128.load(at), 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27);
  return v128.bitselect(v128.load(src + self + (<usize>ko << 4)), v, m);
}

@inline function pullR(src: usize, kq: i32, ko: i32, from: usize, self: usize, m: v128): v128 {
  const at = src + from + (<usize>kq << 4);
  const v = i8x16.shuffle(v128.load(at), v128.load(at + GS), 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
  return v128.bitselect(v128.load(src + self + (<usize>ko << 4)), v, m);
}

@inline function psi(p: usize): v128 {
  return f32x4.max(v128.load(p), f32x4.splat(0));
}

/** Row ya + r wrapped into [0, ny) (ya may be −1, r up to ny + 1). */
@inline function rowAt(ya: i32, r: i32): i32 {
  return ((ya + r) % NY + NY) % NY;
}

/**
 * Densities of `count` rows from row ya (wrapped) of layer z, both components, pulled from `src`
 * into the ring planes at `out` (rho1) and out + P*4 (rho2): fluid nodes sum their 19 pulled
 * populations, solid nodes hold 0, inlet/outlet nodes their own state, mirrored side walls then
 * copy their source node (in the same layer; the sources a band's fluid nodes depend on are in
 * its rows, see stepSlab).
 */
export function densityRows(src: usize, z: i32, out: usize, ya: i32, count: i32): void {
  const zm = wrapi(z - 1, NZ);
  const zp = wrapi(z + 1, NZ);
  const PB = (<usize>P) << 2;
  const B1: usize = 19 * 16;
  const zero = f32x4.splat(0);
  for (let r = 0; r < count; r++) {
    const y = rowAt(ya, r);
    const ym = wrapi(y - 1, NY);
    const yp = wrapi(y + 1, NY);
    const r00 = rowB(y, z), rm0 = rowB(ym, z), rp0 = rowB(yp, z), r0m = rowB(y, zm), r0p = rowB(y, zp);
    const rmm = rowB(ym, zm), rpp = rowB(yp, zp), rmp = rowB(ym, zp), rpm = rowB(yp, zm);
    const orow = out + ((<usize>(y * R)) << 2);
    for (let v = 0; v < VECS; v++) {
      const xb = (<usize>(4 + 4 * v)) << 2;
      const bits = v128.load(STAT + rowS(y, z) + xb);
      const fluid = bit(bits, 0);
      if (!v128.any_true(fluid)) {
        v128.store(orow + xb, zero);
        v128.store(orow + PB + xb, zero);
        continue;
      }
      const s = src + r00 + (<usize>(v + 1)) * GS;
      const m1 = bit(bits, 1), m2 = bit(bits, 2), m3 = bit(bits, 3), m4 = bit(bits, 4), m5 = bit(bits, 5), m6 = bit(bits, 6);
      const m7 = bit(bits, 7), m8 = bit(bits, 8), m9 = bit(bits, 9), m10 = bit(bits, 10), m11 = bit(bits, 11), m12 = bit(bits, 12);
      const m13 = bit(bits, 13), m14 = bit(bits, 14), m15 = bit(bits, 15), m16 = bit(bits, 16), m17 = bit(bits, 17), m18 = bit(bits, 18);
      // Source row of q: (y − cy, z − cz); the x shift −cx is the pull variant (L, R or C).
      const gb = (<usize>(v + 1)) * GS;
      const p1 = r00 + gb, p2 = r00 + gb, p3 = rm0 + gb, p4 = rp0 + gb, p5 = r0m + gb, p6 = r0p + gb;
      const p7 = rm0 + gb, p8 = rp0 + gb, p9 = rp0 + gb, p10 = rm0 + gb, p11 = r0m + gb, p12 = r0p + gb;
      const p13 = r0p + gb, p14 = r0m + gb, p15 = rmm + gb, p16 = rpp + gb, p17 = rmp + gb, p18 = rpm + gb;
      const self = r00 + gb;
      let a = v128.load(s);
      a = f32x4.add(a, pullL(src, 1, 2, p1, self, m1));
      a = f32x4.add(a, pullR(src, 2, 1, p2, self, m2));
      a = f32x4.add(a, pullC(src, 3, 4, p3, self, m3));
      a = f32x4.add(a, pullC(src, 4, 3, p4, self, m4));
      a = f32x4.add(a, pullC(src, 5, 6, p5, self, m5));
      a = f32x4.add(a, pullC(src, 6, 5, p6, self, m6));
      a = f32x4.add(a, pullL(src, 7, 8, p7, self, m7));
      a = f32x4.add(a, pullR(src, 8, 7, p8, self, m8));
      a = f32x4.add(a, pullL(src, 9, 10, p9, self, m9));
      a = f32x4.add(a, pullR(src, 10, 9, p10, self, m10));
      a = f32x4.add(a, pullL(src, 11, 12, p11, self, m11));
      a = f32x4.add(a, pullR(src, 12, 11, p12, self, m12));
      a = f32x4.add(a, pullL(src, 13, 14, p13, self, m13));
      a = f32x4.add(a, pullR(src, 14, 13, p14, self, m14));
      a = f32x4.add(a, pullC(src, 15, 16, p15, self, m15));
      a = f32x4.add(a, pullC(src, 16, 15, p16, self, m16));
      a = f32x4.add(a, pullC(src, 17, 18, p17, self, m17));
      a = f32x4.add(a, pullC(src, 18, 17, p18, self, m18));
      let b = v128.load(s + B1);
      b = f32x4.add(b, pullL(src, 20, 21, p1, self, m1));
      b = f32x4.add(b, pullR(src, 21, 20, p2, self, m2));
      b = f32x4.add(b, pullC(src, 22, 23, p3, self, m3));
      b = f32x4.add(b, pullC(src, 23, 22, p4, self, m4));
      b = f32x4.add(b, pullC(src, 24, 25, p5, self, m5));
      b = f32x4.add(b, pullC(src, 25, 24, p6, self, m6));
      b = f32x4.add(b, pullL(src, 26, 27, p7, self, m7));
      b = f32x4.add(b, pullR(src, 27, 26, p8, self, m8));
      b = f32x4.add(b, pullL(src, 28, 29, p9, self, m9));
      b = f32x4.add(b, pullR(src, 29, 28, p10, self, m10));
      b = f32x4.add(b, pullL(src, 30, 31, p11, self, m11));
      b = f32x4.add(b, pullR(src, 31, 30, p12, self, m12));
      b = f32x4.add(b, pullL(src, 32, 33, p13, self, m13));
      b = f32x4.add(b, pullR(src, 33, 32, p14, self, m14));
      b = f32x4.add(b, pullC(src, 34, 35, p15, self, m15));
      b = f32x4.add(b, pullC(src, 35, 34, p16, self, m16));
      b = f32x4.add(b, pullC(src, 36, 37, p17, self, m17));
      b = f32x4.add(b, pullC(src, 37, 36, p18, self, m18));
      v128.store(orow + xb, v128.and(a, fluid));
      v128.store(orow + PB + xb, v128.and(b, fluid));
    }
  }
  // Inlet/outlet nodes: the sum of their own state (kept apart in FSRC, see fixedLayer).
  for (let r = 0; r < count; r++) {
    const row = z * NY + rowAt(ya, r);
    const e0 = load<i32>(FIXS + ((<usize>row) << 2));
    const e1 = load<i32>(FIXS + ((<usize>(row + 1)) << 2));
    for (let e = e0; e < e1; e++) {
    const ent = FIX + ((<usize>e) << 5);
    const st = FSRC + (<usize>(e * 38) << 2);
    let r1: f64 = 0;
    let r2: f64 = 0;
    for (let q = 0; q < 19; q++) {
      r1 += <f64>load<f32>(st + ((<usize>q) << 2));
      r2 += <f64>load<f32>(st + ((<usize>(19 + q)) << 2));
    }
    const o = out + ((<usize>(load<i32>(ent, 4) * R + 4 + load<i32>(ent))) << 2);
    store<f32>(o, <f32>r1);
    store<f32>(o + PB, <f32>r2);
    }
  }
  // Mirrored side walls take the densities of their source node (same layer).
  for (let r = 0; r < count; r++) {
    const row = z * NY + rowAt(ya, r);
    const m0 = load<i32>(MIRS + ((<usize>row) << 2));
    const m1 = load<i32>(MIRS + ((<usize>(row + 1)) << 2));
    for (let e = m0; e < m1; e++) {
      const w = out + ((<usize>load<i32>(MIR + ((<usize>e) << 3))) << 2);
      const from = out + ((<usize>load<i32>(MIR + ((<usize>e) << 3) + 4)) << 2);
      store<f32>(w, load<f32>(from));
      store<f32>(w + PB, load<f32>(from + PB));
    }
  }
  // Ghost columns for the periodic x neighbours of the force sum.
  const last = (<usize>(3 + NX)) << 2;
  for (let r = 0; r < count; r++) {
    const row = out + ((<usize>(rowAt(ya, r) * R)) << 2);
    store<f32>(row + 12, load<f32>(row + last));
    store<f32>(row + last + 4, load<f32>(row + 16));
    store<f32>(row + PB + 12, load<f32>(row + PB + last));
    store<f32>(row + PB + last + 4, load<f32>(row + PB + 16));
  }
}

/**
 * TRT collision of the pair (q, o = opposite of q), both components; writes S_q, S_o (and the
 * component-2 pair) at the node itself. Fast-step's formulas in f32x4: the even parts are shared
 * by q and o, the odd parts flip sign.
 */
@inline function pair(
  dst: usize, at: usize, q: i32, a: v128, ao: v128, b: v128, bo: v128, cu: v128, cf1: v128, cf2: v128, w: v128,
  rho1: v128, rho2: v128, usq: v128, uf1: v128, uf2: v128, fluid: v128,
  op1: v128, om1: v128, op2: v128, om2: v128, sp1: v128, sm1: v128, sp2: v128, sm2: v128,
): void {
  const half = f32x4.splat(0.5);
  const three = f32x4.splat(3);
  const even = f32x4.sub(f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.mul(f32x4.splat(4.5), cu), cu)), usq);
  const cu9 = f32x4.mul(f32x4.splat(9), cu);
  const cu3 = f32x4.mul(three, cu);
  const wr1 = f32x4.mul(w, rho1);
  const wr2 = f32x4.mul(w, rho2);
  const sym1 = f32x4.sub(
    f32x4.mul(op1, f32x4.sub(f32x4.mul(half, f32x4.add(a, ao)), f32x4.mul(wr1, even))),
    f32x4.mul(f32x4.mul(sp1, w), f32x4.sub(f32x4.mul(cu9, cf1), uf1)),
  );
  const asym1 = f32x4.sub(
    f32x4.mul(om1, f32x4.sub(f32x4.mul(half, f32x4.sub(a, ao)), f32x4.mul(wr1, cu3))),
    f32x4.mul(f32x4.mul(sm1, w), f32x4.mul(three, cf1)),
  );
  const sym2 = f32x4.sub(
    f32x4.mul(op2, f32x4.sub(f32x4.mul(half, f32x4.add(b, bo)), f32x4.mul(wr2, even))),
    f32x4.mul(f32x4.mul(sp2, w), f32x4.sub(f32x4.mul(cu9, cf2), uf2)),
  );
  const asym2 = f32x4.sub(
    f32x4.mul(om2, f32x4.sub(f32x4.mul(half, f32x4.sub(b, bo)), f32x4.mul(wr2, cu3))),
    f32x4.mul(f32x4.mul(sm2, w), f32x4.mul(three, cf2)),
  );
  const base = dst + at;
  // Non-fluid lanes store 0: solid slots stay 0 (as in the JS engine), inlet/outlet slots are
  // rewritten by fixedLayer afterwards.
  v128.store(base + (<usize>q << 4), v128.and(f32x4.sub(f32x4.sub(a, sym1), asym1), fluid));
  v128.store(base + (<usize>(q + 1) << 4), v128.and(f32x4.add(f32x4.sub(ao, sym1), asym1), fluid));
  v128.store(base + (<usize>(q + 19) << 4), v128.and(f32x4.sub(f32x4.sub(b, sym2), asym2), fluid));
  v128.store(base + (<usize>(q + 20) << 4), v128.and(f32x4.add(f32x4.sub(bo, sym2), asym2), fluid));
}

/**
 * Collision of the fluid nodes of rows [y0, y1) of layer z: pulls from `src`, reads the densities
 * of layers z−1, z, z+1 from the ring planes rm, r0, rp, writes post-collision values to `dst`,
 * then the ghost columns of each row written.
 */
export function collideRows(src: usize, dst: usize, z: i32, rm: usize, r0: usize, rp: usize, y0: i32, y1: i32): void {
  const zm = wrapi(z - 1, NZ);
  const zp = wrapi(z + 1, NZ);
  const PB = (<usize>P) << 2;
  const B1: usize = 19 * 16;
  const W1 = f32x4.splat(<f32>(1.0 / 18.0));
  const W2 = f32x4.splat(<f32>(1.0 / 36.0));
  const W0 = f32x4.splat(<f32>(1.0 / 3.0));
  const gc = f32x4.splat(<f32>GC);
  const op1 = f32x4.splat(<f32>OP1), om1 = f32x4.splat(<f32>OM1), op2 = f32x4.splat(<f32>OP2), om2 = f32x4.splat(<f32>OM2);
  const sp1 = f32x4.splat(<f32>(1 - 0.5 * OP1)), sm1 = f32x4.splat(<f32>(1 - 0.5 * OM1));
  const sp2 = f32x4.splat(<f32>(1 - 0.5 * OP2)), sm2 = f32x4.splat(<f32>(1 - 0.5 * OM2));
  const one = f32x4.splat(1);
  const half = f32x4.splat(0.5);
  for (let y = y0; y < y1; y++) {
    const ym = wrapi(y - 1, NY);
    const yp = wrapi(y + 1, NY);
    const r00 = rowB(y, z), rm0 = rowB(ym, z), rp0 = rowB(yp, z), r0m = rowB(y, zm), r0p = rowB(y, zp);
    const rmm = rowB(ym, zm), rpp = rowB(yp, zp), rmp = rowB(ym, zp), rpm = rowB(yp, zm);
    // Ring rows of the density planes: (y, y±1) × (z, z±1).
    const yR = (<usize>(y * R)) << 2, ymR = (<usize>(ym * R)) << 2, ypR = (<usize>(yp * R)) << 2;
    for (let v = 0; v < VECS; v++) {
      const xb = (<usize>(4 + 4 * v)) << 2;
      const bits = v128.load(STAT + rowS(y, z) + xb);
      const fluid = bit(bits, 0);
      if (!v128.any_true(fluid)) continue;
      const gb = (<usize>(v + 1)) * GS;
      const self = r00 + gb;
      const m1 = bit(bits, 1), m2 = bit(bits, 2), m3 = bit(bits, 3), m4 = bit(bits, 4), m5 = bit(bits, 5), m6 = bit(bits, 6);
      const m7 = bit(bits, 7), m8 = bit(bits, 8), m9 = bit(bits, 9), m10 = bit(bits, 10), m11 = bit(bits, 11), m12 = bit(bits, 12);
      const m13 = bit(bits, 13), m14 = bit(bits, 14), m15 = bit(bits, 15), m16 = bit(bits, 16), m17 = bit(bits, 17), m18 = bit(bits, 18);
      // Source row of q: (y − cy, z − cz); the x shift −cx is the pull variant (L, R or C).
      const p1 = r00 + gb, p2 = r00 + gb, p3 = rm0 + gb, p4 = rp0 + gb, p5 = r0m + gb, p6 = r0p + gb;
      const p7 = rm0 + gb, p8 = rp0 + gb, p9 = rp0 + gb, p10 = rm0 + gb, p11 = r0m + gb, p12 = r0p + gb;
      const p13 = r0p + gb, p14 = r0m + gb, p15 = rmm + gb, p16 = rpp + gb, p17 = rmp + gb, p18 = rpm + gb;
      const f0 = v128.load(src + self);
      const f1 = pullL(src, 1, 2, p1, self, m1), f2 = pullR(src, 2, 1, p2, self, m2);
      const f3 = pullC(src, 3, 4, p3, self, m3), f4 = pullC(src, 4, 3, p4, self, m4);
      const f5 = pullC(src, 5, 6, p5, self, m5), f6 = pullC(src, 6, 5, p6, self, m6);
      const f7 = pullL(src, 7, 8, p7, self, m7), f8 = pullR(src, 8, 7, p8, self, m8);
      const f9 = pullL(src, 9, 10, p9, self, m9), f10 = pullR(src, 10, 9, p10, self, m10);
      const f11 = pullL(src, 11, 12, p11, self, m11), f12 = pullR(src, 12, 11, p12, self, m12);
      const f13 = pullL(src, 13, 14, p13, self, m13), f14 = pullR(src, 14, 13, p14, self, m14);
      const f15 = pullC(src, 15, 16, p15, self, m15), f16 = pullC(src, 16, 15, p16, self, m16);
      const f17 = pullC(src, 17, 18, p17, self, m17), f18 = pullC(src, 18, 17, p18, self, m18);
      const g0 = v128.load(src + B1 + self);
      const g1 = pullL(src, 20, 21, p1, self, m1), g2 = pullR(src, 21, 20, p2, self, m2);
      const g3 = pullC(src, 22, 23, p3, self, m3), g4 = pullC(src, 23, 22, p4, self, m4);
      const g5 = pullC(src, 24, 25, p5, self, m5), g6 = pullC(src, 25, 24, p6, self, m6);
      const g7 = pullL(src, 26, 27, p7, self, m7), g8 = pullR(src, 27, 26, p8, self, m8);
      const g9 = pullL(src, 28, 29, p9, self, m9), g10 = pullR(src, 29, 28, p10, self, m10);
      const g11 = pullL(src, 30, 31, p11, self, m11), g12 = pullR(src, 31, 30, p12, self, m12);
      const g13 = pullL(src, 32, 33, p13, self, m13), g14 = pullR(src, 33, 32, p14, self, m14);
      const g15 = pullC(src, 34, 35, p15, self, m15), g16 = pullC(src, 35, 34, p16, self, m16);
      const g17 = pullC(src, 36, 37, p17, self, m17), g18 = pullC(src, 37, 36, p18, self, m18);

      // ψ of both components at x + c_q from the density ring (solid 0, mirrored walls copied).
      const c00 = r0 + yR + xb, cm0 = r0 + ymR + xb, cp0 = r0 + ypR + xb;
      const c0m = rm + yR + xb, c0p = rp + yR + xb, cmm = rm + ymR + xb, cpp = rp + ypR + xb, cmp = rp + ymR + xb, cpm = rm + ypR + xb;
      const a1 = psi(c00 + 4), a2 = psi(c00 - 4), a3 = psi(cp0), a4 = psi(cm0), a5 = psi(c0p), a6 = psi(c0m);
      const a7 = psi(cp0 + 4), a8 = psi(cm0 - 4), a9 = psi(cm0 + 4), a10 = psi(cp0 - 4), a11 = psi(c0p + 4), a12 = psi(c0m - 4);
      const a13 = psi(c0m + 4), a14 = psi(c0p - 4), a15 = psi(cpp), a16 = psi(cmm), a17 = psi(cpm), a18 = psi(cmp);
      const b1 = psi(c00 + 4 + PB), b2 = psi(c00 - 4 + PB), b3 = psi(cp0 + PB), b4 = psi(cm0 + PB), b5 = psi(c0p + PB), b6 = psi(c0m + PB);
      const b7 = psi(cp0 + 4 + PB), b8 = psi(cm0 - 4 + PB), b9 = psi(cm0 + 4 + PB), b10 = psi(cp0 - 4 + PB), b11 = psi(c0p + 4 + PB), b12 = psi(c0m - 4 + PB);
      const b13 = psi(c0m + 4 + PB), b14 = psi(c0p - 4 + PB), b15 = psi(cpp + PB), b16 = psi(cmm + PB), b17 = psi(cpm + PB), b18 = psi(cmp + PB);
      const s2x = f32x4.add(f32x4.mul(W1, f32x4.sub(a1, a2)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(a7, a8), f32x4.sub(a9, a10)), f32x4.add(f32x4.sub(a11, a12), f32x4.sub(a13, a14)))));
      const s2y = f32x4.add(f32x4.mul(W1, f32x4.sub(a3, a4)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(a7, a8), f32x4.sub(a10, a9)), f32x4.add(f32x4.sub(a15, a16), f32x4.sub(a17, a18)))));
      const s2z = f32x4.add(f32x4.mul(W1, f32x4.sub(a5, a6)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(a11, a12), f32x4.sub(a14, a13)), f32x4.add(f32x4.sub(a15, a16), f32x4.sub(a18, a17)))));
      const s1x = f32x4.add(f32x4.mul(W1, f32x4.sub(b1, b2)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(b7, b8), f32x4.sub(b9, b10)), f32x4.add(f32x4.sub(b11, b12), f32x4.sub(b13, b14)))));
      const s1y = f32x4.add(f32x4.mul(W1, f32x4.sub(b3, b4)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(b7, b8), f32x4.sub(b10, b9)), f32x4.add(f32x4.sub(b15, b16), f32x4.sub(b17, b18)))));
      const s1z = f32x4.add(f32x4.mul(W1, f32x4.sub(b5, b6)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(b11, b12), f32x4.sub(b14, b13)), f32x4.add(f32x4.sub(b15, b16), f32x4.sub(b18, b17)))));
      const rho1 = v128.load(c00);
      const rho2 = v128.load(c00 + PB);

      // Net momentum of each (q, opposite) pair over both components, then Σ c_q per axis.
      const d1 = f32x4.sub(f32x4.add(f1, g1), f32x4.add(f2, g2));
      const d3 = f32x4.sub(f32x4.add(f3, g3), f32x4.add(f4, g4));
      const d5 = f32x4.sub(f32x4.add(f5, g5), f32x4.add(f6, g6));
      const d7 = f32x4.sub(f32x4.add(f7, g7), f32x4.add(f8, g8));
      const d9 = f32x4.sub(f32x4.add(f9, g9), f32x4.add(f10, g10));
      const d11 = f32x4.sub(f32x4.add(f11, g11), f32x4.add(f12, g12));
      const d13 = f32x4.sub(f32x4.add(f13, g13), f32x4.add(f14, g14));
      const d15 = f32x4.sub(f32x4.add(f15, g15), f32x4.add(f16, g16));
      const d17 = f32x4.sub(f32x4.add(f17, g17), f32x4.add(f18, g18));
      const jx = f32x4.add(f32x4.add(f32x4.add(d1, d7), f32x4.add(d9, d11)), d13);
      const jy = f32x4.add(f32x4.add(f32x4.sub(f32x4.add(d3, d7), d9), d15), d17);
      const jz = f32x4.sub(f32x4.add(f32x4.sub(f32x4.add(d5, d11), d13), d15), d17);
      const sx = STAT + rowS(y, z) + xb;
      const ax = v128.load(sx + NB), ay = v128.load(sx + 2 * NB), az = v128.load(sx + 3 * NB);
      // F_k = −ψ_k (G Σ_q w_q ψ_other(x+c_q) c_q ± adhesion), + for the electrolyte, − for the gas.
      const psi1 = f32x4.max(rho1, f32x4.splat(0)), psi2 = f32x4.max(rho2, f32x4.splat(0));
      const f1x = f32x4.neg(f32x4.mul(psi1, f32x4.add(f32x4.mul(gc, s1x), ax)));
      const f1y = f32x4.neg(f32x4.mul(psi1, f32x4.add(f32x4.mul(gc, s1y), ay)));
      const f1z = f32x4.neg(f32x4.mul(psi1, f32x4.add(f32x4.mul(gc, s1z), az)));
      const f2x = f32x4.neg(f32x4.mul(psi2, f32x4.sub(f32x4.mul(gc, s2x), ax)));
      const f2y = f32x4.neg(f32x4.mul(psi2, f32x4.sub(f32x4.mul(gc, s2y), ay)));
      const f2z = f32x4.neg(f32x4.mul(psi2, f32x4.sub(f32x4.mul(gc, s2z), az)));
      // Non-fluid lanes divide by 1, not 0 (their results are masked anyway).
      const rt = v128.bitselect(f32x4.add(rho1, rho2), one, fluid);
      const ux = f32x4.div(f32x4.add(jx, f32x4.mul(half, f32x4.add(f1x, f2x))), rt);
      const uy = f32x4.div(f32x4.add(jy, f32x4.mul(half, f32x4.add(f1y, f2y))), rt);
      const uz = f32x4.div(f32x4.add(jz, f32x4.mul(half, f32x4.add(f1z, f2z))), rt);
      const usq = f32x4.mul(f32x4.splat(1.5), f32x4.add(f32x4.add(f32x4.mul(ux, ux), f32x4.mul(uy, uy)), f32x4.mul(uz, uz)));
      const uf1 = f32x4.mul(f32x4.splat(3), f32x4.add(f32x4.add(f32x4.mul(ux, f1x), f32x4.mul(uy, f1y)), f32x4.mul(uz, f1z)));
      const uf2 = f32x4.mul(f32x4.splat(3), f32x4.add(f32x4.add(f32x4.mul(ux, f2x), f32x4.mul(uy, f2y)), f32x4.mul(uz, f2z)));
      // Rest direction: no odd part.
      const base = dst + self;
      const w0u = f32x4.mul(W0, f32x4.sub(one, usq));
      v128.store(base, v128.and(f32x4.sub(f32x4.sub(f0, f32x4.mul(op1, f32x4.sub(f0, f32x4.mul(w0u, rho1)))), f32x4.mul(f32x4.mul(sp1, W0), uf1)), fluid));
      v128.store(base + B1, v128.and(f32x4.sub(f32x4.sub(g0, f32x4.mul(op2, f32x4.sub(g0, f32x4.mul(w0u, rho2)))), f32x4.mul(f32x4.mul(sp2, W0), uf2)), fluid));
      pair(dst, self, 1, f1, f2, g1, g2, ux, f1x, f2x, W1, rho1, rho2, usq, uf1, uf2, fluid, op1, om1, op2, om2, sp1, sm1, sp2, sm2);
      pair(dst, self, 3, f3, f4, g3, g4, uy, f1y, f2y, W1, rho1, rho2, usq, uf1, uf2, fluid, op1, om1, op2, om2, sp1, sm1, sp2, sm2);
      pair(dst, self, 5, f5, f6, g5, g6, uz, f1z, f2z, W1, rho1, rho2, usq, uf1, uf2, fluid, op1, om1, op2, om2, sp1, sm1, sp2, sm2);
      pair(dst, self, 7, f7, f8, g7, g8, f32x4.add(ux, uy), f32x4.add(f1x, f1y), f32x4.add(f2x, f2y), W2, rho1, rho2, usq, uf1, uf2, fluid, op1, om1, op2, om2, sp1, sm1, sp2, sm2);
      pair(dst, self, 9, f9, f10, g9, g10, f32x4.sub(ux, uy), f32x4.sub(f1x, f1y), f32x4.sub(f2x, f2y), W2, rho1, rho2, usq, uf1, uf2, fluid, op1, om1, op2, om2, sp1, sm1, sp2, sm2);
      pair(dst, self, 11, f11, f12, g11, g12, f32x4.add(ux, uz), f32x4.add(f1x, f1z), f32x4.add(f2x, f2z), W2, rho1, rho2, usq, uf1, uf2, fluid, op1, om1, op2, om2, sp1, sm1, sp2, sm2);
      pair(dst, self, 13, f13, f14, g13, g14, f32x4.sub(ux, uz), f32x4.sub(f1x, f1z), f32x4.sub(f2x, f2z), W2, rho1, rho2, usq, uf1, uf2, fluid, op1, om1, op2, om2, sp1, sm1, sp2, sm2);
      pair(dst, self, 15, f15, f16, g15, g16, f32x4.add(uy, uz), f32x4.add(f1y, f1z), f32x4.add(f2y, f2z), W2, rho1, rho2, usq, uf1, uf2, fluid, op1, om1, op2, om2, sp1, sm1, sp2, sm2);
      pair(dst, self, 17, f17, f18, g17, g18, f32x4.sub(uy, uz), f32x4.sub(f1y, f1z), f32x4.sub(f2y, f2z), W2, rho1, rho2, usq, uf1, uf2, fluid, op1, om1, op2, om2, sp1, sm1, sp2, sm2);
    }
    // Ghost nodes x = −1 and x = nx of the row just written, while it is in cache.
    const row = dst + r00;
    for (let k = 0; k < 38; k++) {
      store<f32>(row + elem(k, -1), load<f32>(row + elem(k, NX - 1)));
      store<f32>(row + elem(k, NX), load<f32>(row + elem(k, 0)));
    }
  }
}

/**
 * Pre-collision population (component k, direction q) of padded node p, pulled from `src`; for
 * inlet/outlet nodes the caller reads their state instead, solid nodes are never asked.
 */
function pulled(src: usize, x: i32, y: i32, z: i32, bits: u32, k: i32, q: i32): f32 {
  const kq = k * 19 + q;
  if (q == 0) return load<f32>(src + rowB(y, z) + elem(kq, x));
  if ((bits >> q) & 1) {
    const o = load<i32>(TAB + 228 + ((<usize>q) << 2));
    return load<f32>(src + rowB(y, z) + elem(k * 19 + o, x));
  }
  const cx = load<i32>(TAB + ((<usize>q) << 2));
  const cy = load<i32>(TAB + 76 + ((<usize>q) << 2));
  const cz = load<i32>(TAB + 152 + ((<usize>q) << 2));
  return load<f32>(src + rowB(wrapi(y - cy, NY), wrapi(z - cz, NZ)) + elem(kq, x - cx));
}

/**
 * Inlet/outlet nodes of layer z: the equilibrium at the inlet's fixed densities or the outlet's
 * (inward composition at the outlet pressure) moving with the velocity of the next node inward
 * (fast-step's collideFixed, in float64 like it), written as their
 * post-collision values in `dst` (what fluid neighbours pull) and as their own state in FDST.
 */
export function fixedLayer(src: usize, dst: usize, z: i32): void {
  const e0 = load<i32>(FIXS + (<usize>(z * NY) << 2));
  const e1 = load<i32>(FIXS + (<usize>((z + 1) * NY) << 2));
  for (let e = e0; e < e1; e++) {
    const ent = FIX + ((<usize>e) << 5);
    const x = load<i32>(ent);
    const y = load<i32>(ent, 4);
    const inlet = load<i32>(ent, 12);
    const inward = load<i32>(ent, 16);
    const jz = inlet ? z + 1 : z - 1;
    const jb = load<u32>(STAT + rowS(y, jz) + ((<usize>(4 + x)) << 2));
    let r: f64 = 0, jx: f64 = 0, jy: f64 = 0, jzs: f64 = 0, ra: f64 = 0, rb: f64 = 0;
    if ((jb & 1) != 0 || inward >= 0) {
      for (let q = 0; q < 19; q++) {
        let v1: f32, v2: f32;
        if (inward >= 0) {
          v1 = load<f32>(FSRC + (<usize>(inward * 38 + q) << 2));
          v2 = load<f32>(FSRC + (<usize>(inward * 38 + 19 + q) << 2));
        } else {
          v1 = pulled(src, x, y, jz, jb, 0, q);
          v2 = pulled(src, x, y, jz, jb, 1, q);
        }
        ra += <f64>v1;
        rb += <f64>v2;
        const s = <f64>v1 + <f64>v2;
        r += s;
        jx += s * <f64>load<i32>(TAB + ((<usize>q) << 2));
        jy += s * <f64>load<i32>(TAB + 76 + ((<usize>q) << 2));
        jzs += s * <f64>load<i32>(TAB + 152 + ((<usize>q) << 2));
      }
    }
    const ux = r > 0 ? jx / r : 0, uy = r > 0 ? jy / r : 0, uz = r > 0 ? jzs / r : 0;
    const usq = 1.5 * (ux * ux + uy * uy + uz * uz);
    let fa = IN1;
    let fb = IN2;
    if (!inlet) {
      // Outlet: the inward composition at the outlet pressure, never richer in electrolyte than
      // OUT1/OUT2 (outletDensities in typed-array-engine.ts; densities rounded to float32 as there).
      const r2 = max<f64>(0, <f64>(<f32>rb));
      let r1 = max<f64>(0, <f64>(<f32>ra));
      if (OUT2 > 0) r1 = min<f64>(r1, (r2 * OUT1) / OUT2);
      const pout = OUT1 + OUT2 + GC * OUT1 * OUT2;
      const qa = GC * r1 * r2;
      const qb = r1 + r2;
      if (qb > 0) {
        const sc = qa > 1e-12 ? (2 * pout) / (qb + Math.sqrt(qb * qb + 4 * qa * pout)) : pout / qb;
        fa = sc * r1;
        fb = sc * r2;
      } else {
        fa = OUT1;
        fb = OUT2;
      }
    }
    const st = FDST + (<usize>(e * 38) << 2);
    const at = dst + rowB(y, z);
    for (let q = 0; q < 19; q++) {
      const cu = <f64>load<i32>(TAB + ((<usize>q) << 2)) * ux + <f64>load<i32>(TAB + 76 + ((<usize>q) << 2)) * uy + <f64>load<i32>(TAB + 152 + ((<usize>q) << 2)) * uz;
      const eq = load<f64>(TAB + 304 + ((<usize>q) << 3)) * (1 + 3 * cu + 4.5 * cu * cu - usq);
      const pa = <f32>(eq * fa);
      const pb = <f32>(eq * fb);
      store<f32>(at + elem(q, x), pa);
      store<f32>(at + elem(19 + q, x), pb);
      store<f32>(st + ((<usize>q) << 2), pa);
      store<f32>(st + ((<usize>(19 + q)) << 2), pb);
    }
  }
}

/** Ghost columns of layer z of `dst` (38 arrays), after its collision and inlet/outlet nodes. */
export function ghostLayer(dst: usize, z: i32): void {
  for (let y = 0; y < NY; y++) {
    const row = dst + rowB(y, z);
    for (let k = 0; k < 38; k++) {
      store<f32>(row + elem(k, -1), load<f32>(row + elem(k, NX - 1)));
      store<f32>(row + elem(k, NX), load<f32>(row + elem(k, 0)));
    }
  }
}

/**
 * One time step of layers [z0, z1) from `src` into `dst` (inlet/outlet states from `fsrc` into
 * `fdst`), with the density ring (3 planes × 2 components × P floats) at `ring`. Reads src on
 * layers z0−2 … z1+1 and writes dst only on [z0, z1), so threads on disjoint slabs need one
 * barrier per step.
 *
 * The slab is swept in bands of BAND rows in y, each band through all its layers: a band's
 * working set (four planes of its rows and halo, ~0.6 MiB) stays in L2, where whole planes
 * (0.7 MiB each at 64³) did not and every pull waited on L3. The density of each layer z+1 is
 * pulled for the band and its two halo rows just before layer z collides (the halo rows are
 * pulled again by the next band: (BAND + 2)/BAND density work for no second pass over memory).
 */
export function stepSlab(src: usize, dst: usize, fsrc: usize, fdst: usize, ring: usize, z0: i32, z1: i32): void {
  FSRC = fsrc;
  FDST = fdst;
  const slot = (<usize>(2 * P)) << 2;
  for (let y0 = 0; y0 < NY; y0 += BAND) {
    const y1 = min(NY, y0 + BAND);
    const count = y1 - y0 + 2;
    densityRows(src, wrapi(z0 - 1, NZ), ring, y0 - 1, count);
    densityRows(src, z0, ring + slot, y0 - 1, count);
    for (let z = z0; z < z1; z++) {
      const s = z - z0 + 1;
      const rp = ring + <usize>((s + 1) % 3) * slot;
      densityRows(src, wrapi(z + 1, NZ), rp, y0 - 1, count);
      collideRows(src, dst, z, ring + <usize>((s + 2) % 3) * slot, ring + <usize>(s % 3) * slot, rp, y0, y1);
    }
  }
  // Inlet/outlet nodes (two planes in practice) overwrite their slots, then their rows' ghosts.
  for (let z = z0; z < z1; z++) {
    if (load<i32>(FIXS + (<usize>(z * NY) << 2)) == load<i32>(FIXS + (<usize>((z + 1) * NY) << 2))) continue;
    fixedLayer(src, dst, z);
    ghostLayer(dst, z);
  }
}
