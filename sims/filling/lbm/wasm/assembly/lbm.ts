// Two-component Shan–Chen TRT D3Q19 step in WebAssembly SIMD (4 × f32 lanes along x).
// Same physics as fast-step.mjs; built by scripts/build-wasm.mjs into ../build/lbm.wasm.
//
// Memory (all owned by the JS side, wasm-engine.ts; this module allocates nothing, so every
// worker can instantiate it on the same shared memory):
//  - rows of R floats: real x at [4, 4+nx), a ghost copy of x = nx-1 at 3 and of x = 0 at 4+nx
//    (periodic x with plain unaligned loads), R a multiple of 4 so every vector store is aligned;
//  - distributions as groups of 4 consecutive x, group g of a row holding x = 4(g−1) … 4(g−1)+3
//    (group 0 and the pad lanes past nx hold the ghosts x = −1 and x = nx), each group the 38
//    vectors (k*19 + q) of its 4 nodes, 608 contiguous bytes. Only groups with a non-solid node
//    are stored, in (z, y, x) order: the group map GMAP gives, per row and group, the byte offset
//    of the group in a distribution buffer, or 0 for a group of solid nodes only (offset 0 is a
//    group of zeros that nobody writes; every lane read from it is masked by the bounce-back
//    bits). Memory traffic, not arithmetic, bounds this step (a 64³ step costs the same with 44 %
//    of its groups solid as with none, when those were stored), so an electrode moves only its
//    pore space. Groups of a row follow each other in x, so each pull still reads 9 sequential
//    streams (the neighbour rows) and writes one, which the hardware prefetchers follow. One
//    array per direction (76 streams) and 38-row blocks were both measured 3–4× slower than
//    their in-cache arithmetic at 64³: the lines came from DRAM one miss at a time. x-shifted
//    pulls join two groups with one shuffle. The values are POST-collision:
//    streaming is a pull, f_q(x) = S_q(x − c_q), or S_opq(x) when x − c_q is solid (half-way
//    bounce-back as a per-lane select), so each node writes only its own 38 slots and threads
//    never write the same address;
//  - a static row block per row, [bits | ax | ay | az] × R: bits has bit 0 fluid, bit q (1..18)
//    source x − c_q solid, bit 19 solid, bit 20 inlet/outlet; a the adhesion vector;
//  - the Shan–Chen ψ = max(ρ, 0) of each component lives only in a per-thread ring of three z
//    planes (0 at solid nodes, a mirrored side wall its source's): layer z+1 is pulled just before
//    layer z collides (its planes are still in cache), which saves the separate density pass of
//    the JS engine and its full-lattice rho array. A solid neighbour lends the summing node its
//    own ψ (as fast-step's SOLID_RHO marker does); the kernel adds that once per node as
//    ψ_self × the node's wall sum Σ w_q c_q over such neighbours (WST, written by wasm-engine.ts)
//    instead of a compare and select per neighbour;
//  - a static wall-sum block per row, [wx | wy | wz] × R.

let NX: i32 = 0;
let NY: i32 = 0;
let NZ: i32 = 0;
let R: i32 = 0;
let P: i32 = 0;
/** Bytes of one row of R floats (static rows and ψ ring). */
let NB: usize = 0;
/** Bytes of one group of 38 vectors. */
const GS: usize = 38 * 16;
let VECS: i32 = 0;
/** Group map: per row (z * NY + y), GW = VECS + 2 u32 byte offsets of its groups (0: solid only). */
let GMAP: usize = 0;
let GW: i32 = 0;
/** Static row blocks (bits and adhesion). */
let STAT: usize = 0;
/** Wall sums per padded node (see collideRows): rows of [wx | wy | wz] × R floats, like STAT's. */
let WST: usize = 0;
/**
 * The collision's vector constants, splat once by configure (K_* index them). They are loaded
 * where used, inside the loop: V8's TurboFan schedules a constant computed before the loop next to
 * its uses (a float64 multiply, a conversion and a broadcast per use, measured in its code), and
 * a v128.const costs three instructions per use; a load costs one, and holds no register.
 */
let VC: usize = 0;
const K_W0: i32 = 0;
const K_W1: i32 = 1;
const K_W2: i32 = 2;
const K_GC: i32 = 3;
const K_OP1: i32 = 4;
const K_OP2: i32 = 5;
const K_SP1: i32 = 6;
const K_SP2: i32 = 7;
const K_ONE: i32 = 8;
const K_HALF: i32 = 9;
const K_HP1: i32 = 10;
const K_HM1: i32 = 11;
const K_HP2: i32 = 12;
const K_HM2: i32 = 13;
const K_SM1: i32 = 14;
const K_SM2: i32 = 15;
const K_OP3M1: i32 = 16;
const K_OP3M2: i32 = 17;
const K_C45: i32 = 18;
const K_C9: i32 = 19;
const K_C15: i32 = 20;
const K_C3: i32 = 21;
const K_SW01: i32 = 22;
const K_SW02: i32 = 23;
@inline function K(i: i32): v128 {
  return v128.load(VC + ((<usize>i) << 4));
}
@inline function setK(i: i32, v: v128): void {
  v128.store(VC + ((<usize>i) << 4), v);
}
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
  GW = VECS + 2;
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
  GMAP = <usize>load<u32>(cfg, 136);
  WST = <usize>load<u32>(cfg, 140);
  VC = <usize>load<u32>(cfg, 144);
  // Every instance writes the same bytes (the constants depend on the lattice only).
  setK(K_W0, f32x4.splat(<f32>(1.0 / 3.0)));
  setK(K_W1, f32x4.splat(<f32>(1.0 / 18.0)));
  setK(K_W2, f32x4.splat(<f32>(1.0 / 36.0)));
  setK(K_GC, f32x4.splat(<f32>GC));
  setK(K_OP1, f32x4.splat(<f32>OP1));
  setK(K_OP2, f32x4.splat(<f32>OP2));
  setK(K_SP1, f32x4.splat(<f32>(1 - 0.5 * OP1)));
  setK(K_SP2, f32x4.splat(<f32>(1 - 0.5 * OP2)));
  setK(K_ONE, f32x4.splat(1));
  setK(K_HALF, f32x4.splat(0.5));
  setK(K_HP1, f32x4.splat(<f32>(0.5 * OP1)));
  setK(K_HM1, f32x4.splat(<f32>(0.5 * OM1)));
  setK(K_HP2, f32x4.splat(<f32>(0.5 * OP2)));
  setK(K_HM2, f32x4.splat(<f32>(0.5 * OM2)));
  setK(K_SM1, f32x4.splat(<f32>(3 * (1 - 0.5 * OM1))));
  setK(K_SM2, f32x4.splat(<f32>(3 * (1 - 0.5 * OM2))));
  setK(K_OP3M1, f32x4.splat(<f32>(3 * OM1)));
  setK(K_OP3M2, f32x4.splat(<f32>(3 * OM2)));
  setK(K_C45, f32x4.splat(4.5));
  setK(K_C9, f32x4.splat(9));
  setK(K_C15, f32x4.splat(1.5));
  setK(K_C3, f32x4.splat(3));
  setK(K_SW01, f32x4.mul(f32x4.splat(<f32>(1 - 0.5 * OP1)), f32x4.splat(<f32>(1.0 / 3.0))));
  setK(K_SW02, f32x4.mul(f32x4.splat(<f32>(1 - 0.5 * OP2)), f32x4.splat(<f32>(1.0 / 3.0))));
}

@inline function wrapi(v: i32, n: i32): i32 {
  return v < 0 ? v + n : v >= n ? v - n : v;
}

/** Address of the group map's row (y, z): GW u32 group offsets. */
@inline function mapRow(y: i32, z: i32): usize {
  return GMAP + ((<usize>((z * NY + y) * GW)) << 2);
}

/** Byte offset of group gi of row (y, z) in a distribution buffer (0: the zero group). */
@inline function grp(y: i32, z: i32, gi: i32): usize {
  return <usize>load<u32>(mapRow(y, z) + ((<usize>gi) << 2));
}

/** Byte offset of population kq of node x (−1 ≤ x ≤ nx) of row (y, z) in a distribution buffer. */
@inline function slot(y: i32, z: i32, kq: i32, x: i32): usize {
  return grp(y, z, (x + 4) >> 2) + ((<usize>kq) << 4) + ((<usize>((x + 4) & 3)) << 2);
}

/** Byte offset of the wall-sum row block (y, z). */
@inline function rowW(y: i32, z: i32): usize {
  return <usize>(z * NY + y) * 3 * NB;
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
 * ψ of a neighbour from the ring, which holds ψ = max(ρ, 0) and 0 at solid nodes: a solid
 * neighbour takes the ψ of the fluid node whose force is summed, which collideRows adds once as
 * ψ_self × (its wall sum) instead of selecting it per neighbour (36 selects per group saved).
 */
@inline function psi(p: usize): v128 {
  return v128.load(p);
}

/** Row ya + r wrapped into [0, ny) (ya may be −1, r up to ny + 1). */
@inline function rowAt(ya: i32, r: i32): i32 {
  return ((ya + r) % NY + NY) % NY;
}

/** Bytes of one group of the pull buffer: the 38 pulled vectors of 4 nodes, then jx, jy, jz, ρ1, ρ2. */
const PG: usize = 43 * 16;

/**
 * Pre-collision population kq of the 4 nodes of a group, pulled from the source group at offset
 * `cur` with the x shift `sh` (−1: from x − 1, the last lane of the group before it, at `nb`, and
 * three of `cur`; +1: from x + 1, three of `cur` and the first lane of the group after it, at `nb`;
 * 0: the same x). `masked` (a compile-time constant) selects the bounced-back opposite population
 * ko of the node itself in the lanes whose bit q says the source is solid; groups with no solid
 * source at all take the unmasked path.
 */
@inline function pv(src: usize, cur: usize, nb: usize, self: usize, kq: i32, ko: i32, sh: i32, bits: v128, q: i32, masked: bool): v128 {
  const k = (<usize>kq) << 4;
  let v: v128;
  if (sh < 0) v = i8x16.shuffle(v128.load(src + nb + k), v128.load(src + cur + k), 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27);
  else if (sh > 0) v = i8x16.shuffle(v128.load(src + cur + k), v128.load(src + nb + k), 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
  else v = v128.load(src + cur + k);
  // A solid source's slot holds +0 (solid lanes are stored as 0, solid-only groups read the zero
  // group), so OR-ing the bounced value in where the bit is set is the select, one op cheaper.
  if (masked) v = v128.or(v, v128.and(v128.load(src + self + (<usize>ko << 4)), bit(bits, q)));
  return v;
}

/**
 * Pulls both components of directions q and o = q + 1 (opposites) into the group at `g`: q from the
 * source group `cq` (x shift `sq`, shifted-in group `nq`), o from `co` (`so`, `no`).
 */
@inline function pullPair(src: usize, g: usize, self: usize, bits: v128, q: i32, cq: usize, nq: usize, sq: i32, co: usize, no: usize, so: i32, masked: bool): void {
  const o = q + 1;
  const a = pv(src, cq, nq, self, q, o, sq, bits, q, masked);
  const ao = pv(src, co, no, self, o, q, so, bits, o, masked);
  const b = pv(src, cq, nq, self, q + 19, o + 19, sq, bits, q, masked);
  const bo = pv(src, co, no, self, o + 19, q + 19, so, bits, o, masked);
  v128.store(g + (<usize>q << 4), a);
  v128.store(g + (<usize>o << 4), ao);
  v128.store(g + (<usize>(q + 19) << 4), b);
  v128.store(g + (<usize>(o + 19) << 4), bo);
  // Sums of the pair, read by pullGroup while the values are still in registers: densities
  // (a + ao per component) and the net momentum (a + b) − (ao + bo).
  pairRho1 = f32x4.add(a, ao);
  pairRho2 = f32x4.add(b, bo);
  pairJ = f32x4.sub(f32x4.add(a, b), f32x4.add(ao, bo));
}

// Results of the last pullPair, read right after it (wasm globals: one set and one get each,
// cheaper than reading the four vectors back from the pull buffer).
let pairRho1: v128 = v128.splat<i32>(0);
let pairRho2: v128 = v128.splat<i32>(0);
let pairJ: v128 = v128.splat<i32>(0);

/** Offset of group gi in the group-map row at `m`. */
@inline function at(m: usize, gi: usize): usize {
  return <usize>load<u32>(m + (gi << 2));
}

/**
 * The 38 pre-collision populations of group gi (its offset `self`) into `g`, then at g + 38 … 42
 * the momentum (jx, jy, jz, both components) and the densities ρ1, ρ2, summed from the pulled
 * values while they are in registers (reading the 38 back cost about 5 % of the step). Source
 * rows of q: (y − cy, z − cz), given as group-map rows; the x shift −cx is the last argument of
 * each pair.
 */
@inline function pullGroup(
  src: usize, g: usize, self: usize, bits: v128, gi: usize,
  m00: usize, mm0: usize, mp0: usize, m0m: usize, m0p: usize, mmm: usize, mpp: usize, mmp: usize, mpm: usize, masked: bool,
): void {
  const l = gi - 1, r = gi + 1;
  const f0 = v128.load(src + self), g0 = v128.load(src + self + 19 * 16);
  v128.store(g, f0);
  v128.store(g + 19 * 16, g0);
  pullPair(src, g, self, bits, 1, self, at(m00, l), -1, self, at(m00, r), 1, masked);
  let r1 = f32x4.add(f0, pairRho1), r2 = f32x4.add(g0, pairRho2);
  const d1 = pairJ;
  const m0 = at(mm0, gi), p0 = at(mp0, gi), zm = at(m0m, gi), zp = at(m0p, gi);
  pullPair(src, g, self, bits, 3, m0, 0, 0, p0, 0, 0, masked);
  r1 = f32x4.add(r1, pairRho1); r2 = f32x4.add(r2, pairRho2);
  const d3 = pairJ;
  pullPair(src, g, self, bits, 5, zm, 0, 0, zp, 0, 0, masked);
  r1 = f32x4.add(r1, pairRho1); r2 = f32x4.add(r2, pairRho2);
  const d5 = pairJ;
  pullPair(src, g, self, bits, 7, m0, at(mm0, l), -1, p0, at(mp0, r), 1, masked);
  r1 = f32x4.add(r1, pairRho1); r2 = f32x4.add(r2, pairRho2);
  const d7 = pairJ;
  pullPair(src, g, self, bits, 9, p0, at(mp0, l), -1, m0, at(mm0, r), 1, masked);
  r1 = f32x4.add(r1, pairRho1); r2 = f32x4.add(r2, pairRho2);
  const d9 = pairJ;
  pullPair(src, g, self, bits, 11, zm, at(m0m, l), -1, zp, at(m0p, r), 1, masked);
  r1 = f32x4.add(r1, pairRho1); r2 = f32x4.add(r2, pairRho2);
  const d11 = pairJ;
  pullPair(src, g, self, bits, 13, zp, at(m0p, l), -1, zm, at(m0m, r), 1, masked);
  r1 = f32x4.add(r1, pairRho1); r2 = f32x4.add(r2, pairRho2);
  const d13 = pairJ;
  pullPair(src, g, self, bits, 15, at(mmm, gi), 0, 0, at(mpp, gi), 0, 0, masked);
  r1 = f32x4.add(r1, pairRho1); r2 = f32x4.add(r2, pairRho2);
  const d15 = pairJ;
  pullPair(src, g, self, bits, 17, at(mmp, gi), 0, 0, at(mpm, gi), 0, 0, masked);
  r1 = f32x4.add(r1, pairRho1); r2 = f32x4.add(r2, pairRho2);
  const d17 = pairJ;
  // Densities and momentum (both components) beside the populations: g + 38 … 42.
  v128.store(g + 38 * 16, f32x4.add(f32x4.add(f32x4.add(d1, d7), f32x4.add(d9, d11)), d13));
  v128.store(g + 39 * 16, f32x4.add(f32x4.add(f32x4.sub(f32x4.add(d3, d7), d9), d15), d17));
  v128.store(g + 40 * 16, f32x4.sub(f32x4.add(f32x4.sub(f32x4.add(d5, d11), d13), d15), d17));
  v128.store(g + 41 * 16, r1);
  v128.store(g + 42 * 16, r2);
}

/** OR of the words loaded ahead by pullRows (read by nobody: it only keeps those loads alive). */
let touched: i32 = 0;

/**
 * Pull pass of `count` rows from row ya (wrapped) of layer z: the pre-collision populations of
 * every fluid group of rows [ya + 1, ya + count − 1) into the pull buffer `pb` (row r at
 * (r − 1) × VECS groups; the first and last rows are the halo, whose populations are not kept),
 * their momentum and densities beside them, and ψ = max(ρ, 0) of all `count` rows, both
 * components, into the ring planes at `out` (ψ1) and out + P*4 (ψ2): fluid nodes sum their 19
 * pulled populations, solid nodes hold 0, inlet/outlet nodes their own state, mirrored side walls then copy their
 * source node (in the same layer; the sources a band's fluid nodes depend on are in its rows, see
 * stepSlab). The collision then reads its populations back from `pb`, in cache, instead of
 * pulling them a second time.
 */
export function pullRows(src: usize, z: i32, out: usize, pb: usize, ya: i32, count: i32): void {
  const zm = wrapi(z - 1, NZ);
  const zp = wrapi(z + 1, NZ);
  const PB = (<usize>P) << 2;
  const zero = f32x4.splat(0);
  const bounceBits = i32x4.splat(0x7fffe);
  const halo = pb + <usize>(BAND * VECS) * PG;
  let touchedWords: i32 = 0;
  for (let r = 0; r < count; r++) {
    const y = rowAt(ya, r);
    const ym = wrapi(y - 1, NY);
    const yp = wrapi(y + 1, NY);
    const m00 = mapRow(y, z), mm0 = mapRow(ym, z), mp0 = mapRow(yp, z), m0m = mapRow(y, zm), m0p = mapRow(y, zp);
    const mmm = mapRow(ym, zm), mpp = mapRow(yp, zp), mmp = mapRow(ym, zp), mpm = mapRow(yp, zm);
    const orow = out + ((<usize>(y * R)) << 2);
    const kept = r > 0 && r < count - 1;
    const prow = pb + <usize>((r - 1) * VECS) * PG;
    // The one source row the next row's pull reads first, (y + 2, z + 1): wasm has no prefetch
    // instruction, so each group loads one word per cache line of it now, while the out-of-order
    // core still has this row's arithmetic to do. Measured +6–25 % on the 64³ step in same-run
    // A/Bs (bitwise the same result); the words go into `touched` so the loads are not dead code.
    const ahead = mapRow(wrapi(y + 2, NY), zp);
    for (let v = 0; v < VECS; v++) {
      const xb = (<usize>(4 + 4 * v)) << 2;
      const bits = v128.load(STAT + rowS(y, z) + xb);
      if (!v128.any_true(bit(bits, 0))) {
        v128.store(orow + xb, zero);
        v128.store(orow + PB + xb, zero);
        continue;
      }
      const gi = <usize>(v + 1);
      const next = src + at(ahead, gi);
      for (let l: usize = 0; l < GS; l += 64) touchedWords |= load<i32>(next + l);
      const self = at(m00, gi);
      const g = kept ? prow + <usize>v * PG : halo;
      if (v128.any_true(v128.and(bits, bounceBits))) pullGroup(src, g, self, bits, gi, m00, mm0, mp0, m0m, m0p, mmm, mpp, mmp, mpm, true);
      else pullGroup(src, g, self, bits, gi, m00, mm0, mp0, m0m, m0p, mmm, mpp, mmp, mpm, false);
      const fluid = bit(bits, 0);
      v128.store(orow + xb, v128.and(f32x4.pmax(zero, v128.load(g + 41 * 16)), fluid));
      v128.store(orow + PB + xb, v128.and(f32x4.pmax(zero, v128.load(g + 42 * 16)), fluid));
    }
  }
  touched |= touchedWords;
  // Inlet/outlet nodes: the sum of their own state (kept apart in FSRC, see fixedRows).
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
    store<f32>(o, max<f32>(0, <f32>r1));
    store<f32>(o + PB, max<f32>(0, <f32>r2));
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
 * TRT collision of the pair (q, o = opposite of q) of one component (populations kq, kq + 1 of
 * the group at `g`); writes S_q, S_o at the node itself. Fast-step's formulas in f32x4: the even
 * part is shared by q and o, the odd part flips sign. With w the pair's weight, ρ the component's
 * density and e = 1 + 4.5 (c·u)² − 1.5 u²:
 * sym = (ω+/2)(f_q + f_o) − w [ω+ ρ e + (1 − ω+/2)(9 (c·u)(c·F) − 3 u·F)],
 * asym = (ω−/2)(f_q − f_o) − w [3 ω− ρ (c·u) + 3 (1 − ω−/2)(c·F)].
 * The per-node factors (ω+ ρ, 3 ω− ρ) come in as `pr`, `lr` and the weight as a factor of the
 * bracket, so a pair needs 4 constants per component instead of 8 (loaded from the table, see
 * VC): the step is bound by V8's 16 vector registers, and every live value beyond them is a spill.
 */
@inline function halfPair(
  base: usize, g: usize, kq: i32, cu: v128, cf: v128, fluid: v128, even: v128, cu9: v128, uf: v128,
  pr: v128, lr: v128, k: i32, w: v128,
): void {
  const hp = K(k == 0 ? K_HP1 : K_HP2), hm = K(k == 0 ? K_HM1 : K_HM2), sp = K(k == 0 ? K_SP1 : K_SP2), sm = K(k == 0 ? K_SM1 : K_SM2);
  const a = v128.load(g + (<usize>kq << 4)), ao = v128.load(g + (<usize>(kq + 1) << 4));
  const sym = f32x4.sub(f32x4.mul(hp, f32x4.add(a, ao)), f32x4.mul(w, f32x4.add(f32x4.mul(pr, even), f32x4.mul(sp, f32x4.sub(f32x4.mul(cu9, cf), uf)))));
  const asym = f32x4.sub(f32x4.mul(hm, f32x4.sub(a, ao)), f32x4.mul(w, f32x4.add(f32x4.mul(lr, cu), f32x4.mul(sm, cf))));
  // Non-fluid lanes store 0: solid slots stay 0 (as in the JS engine; the pull relies on it),
  // inlet/outlet slots are rewritten by fixedRows afterwards.
  v128.store(base + (<usize>kq << 4), v128.and(f32x4.sub(f32x4.sub(a, sym), asym), fluid));
  v128.store(base + (<usize>(kq + 1) << 4), v128.and(f32x4.add(f32x4.sub(ao, sym), asym), fluid));
}

/** Both components of the pair (q, q + 1): c·u, c·F_1, c·F_2 given, e and 9 c·u computed once. */
@inline function pair(
  base: usize, g: usize, q: i32, cu: v128, cf1: v128, cf2: v128, fluid: v128, usq: v128, uf1: v128, uf2: v128,
  p1: v128, l1: v128, p2: v128, l2: v128, w: v128,
): void {
  const even = f32x4.sub(f32x4.add(K(K_ONE), f32x4.mul(f32x4.mul(K(K_C45), cu), cu)), usq);
  const cu9 = f32x4.mul(K(K_C9), cu);
  halfPair(base, g, q, cu, cf1, fluid, even, cu9, uf1, p1, l1, 0, w);
  halfPair(base, g, q + 19, cu, cf2, fluid, even, cu9, uf2, p2, l2, 1, w);
}

/**
 * Collision of the fluid nodes of rows [y0, y1) of layer z: takes their pre-collision populations
 * momentum and densities from the pull buffer `pb` (pullRows), reads ψ of layers z−1, z, z+1
 * from the ring planes rm, r0, rp, writes post-collision values to `dst`, then the ghost columns
 * of each row written.
 */
export function collideRows(dst: usize, z: i32, rm: usize, r0: usize, rp: usize, pb: usize, y0: i32, y1: i32): void {
  const PB = (<usize>P) << 2;
  const B1: usize = 19 * 16;
  for (let y = y0; y < y1; y++) {
    const ym = wrapi(y - 1, NY);
    const yp = wrapi(y + 1, NY);
    const m00 = mapRow(y, z);
    // Ring rows of the density planes: (y, y±1) × (z, z±1).
    const yR = (<usize>(y * R)) << 2, ymR = (<usize>(ym * R)) << 2, ypR = (<usize>(yp * R)) << 2;
    const prow = pb + <usize>((y - y0) * VECS) * PG;
    for (let v = 0; v < VECS; v++) {
      const xb = (<usize>(4 + 4 * v)) << 2;
      const bits = v128.load(STAT + rowS(y, z) + xb);
      const fluid = bit(bits, 0);
      if (!v128.any_true(fluid)) continue;
      const self = at(m00, <usize>(v + 1));
      const g = prow + <usize>v * PG;
      const W0 = K(K_W0), W1 = K(K_W1), W2 = K(K_W2), gc = K(K_GC), op1 = K(K_OP1), op2 = K(K_OP2), one = K(K_ONE), half = K(K_HALF);
      const f0 = v128.load(g);
      const g0 = v128.load(g + B1);

      // ψ of both components at x + c_q from the ring (0 at solid neighbours, whose share comes
      // from the wall sum below; mirrored walls hold their source's ψ).
      const c00 = r0 + yR + xb, cm0 = r0 + ymR + xb, cp0 = r0 + ypR + xb;
      const c0m = rm + yR + xb, c0p = rp + yR + xb, cmm = rm + ymR + xb, cpp = rp + ypR + xb, cmp = rp + ymR + xb, cpm = rm + ypR + xb;
      const rho1 = v128.load(g + 41 * 16);
      const rho2 = v128.load(g + 42 * 16);
      const psi1 = v128.load(c00), psi2 = v128.load(c00 + PB);
      const a1 = psi(c00 + 4), a2 = psi(c00 - 4), a3 = psi(cp0), a4 = psi(cm0), a5 = psi(c0p), a6 = psi(c0m);
      const a7 = psi(cp0 + 4), a8 = psi(cm0 - 4), a9 = psi(cm0 + 4), a10 = psi(cp0 - 4), a11 = psi(c0p + 4), a12 = psi(c0m - 4);
      const a13 = psi(c0m + 4), a14 = psi(c0p - 4), a15 = psi(cpp), a16 = psi(cmm), a17 = psi(cpm), a18 = psi(cmp);
      const b1 = psi(c00 + 4 + PB), b2 = psi(c00 - 4 + PB), b3 = psi(cp0 + PB), b4 = psi(cm0 + PB), b5 = psi(c0p + PB), b6 = psi(c0m + PB);
      const b7 = psi(cp0 + 4 + PB), b8 = psi(cm0 - 4 + PB), b9 = psi(cm0 + 4 + PB), b10 = psi(cp0 - 4 + PB), b11 = psi(c0p + 4 + PB), b12 = psi(c0m - 4 + PB);
      const b13 = psi(c0m + 4 + PB), b14 = psi(c0p - 4 + PB), b15 = psi(cpp + PB), b16 = psi(cmm + PB), b17 = psi(cpm + PB), b18 = psi(cmp + PB);
      // Solid neighbours count with this node's own ψ: ψ_self × Σ_{solid q} w_q c_q, the wall sum.
      const wb = WST + rowW(y, z) + xb;
      const wx = v128.load(wb), wy = v128.load(wb + NB), wz = v128.load(wb + 2 * NB);
      const s2x = f32x4.add(f32x4.mul(W1, f32x4.sub(a1, a2)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(a7, a8), f32x4.sub(a9, a10)), f32x4.add(f32x4.sub(a11, a12), f32x4.sub(a13, a14)))));
      const s2y = f32x4.add(f32x4.mul(W1, f32x4.sub(a3, a4)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(a7, a8), f32x4.sub(a10, a9)), f32x4.add(f32x4.sub(a15, a16), f32x4.sub(a17, a18)))));
      const s2z = f32x4.add(f32x4.mul(W1, f32x4.sub(a5, a6)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(a11, a12), f32x4.sub(a14, a13)), f32x4.add(f32x4.sub(a15, a16), f32x4.sub(a18, a17)))));
      const s1x = f32x4.add(f32x4.mul(W1, f32x4.sub(b1, b2)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(b7, b8), f32x4.sub(b9, b10)), f32x4.add(f32x4.sub(b11, b12), f32x4.sub(b13, b14)))));
      const s1y = f32x4.add(f32x4.mul(W1, f32x4.sub(b3, b4)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(b7, b8), f32x4.sub(b10, b9)), f32x4.add(f32x4.sub(b15, b16), f32x4.sub(b17, b18)))));
      const s1z = f32x4.add(f32x4.mul(W1, f32x4.sub(b5, b6)), f32x4.mul(W2, f32x4.add(f32x4.add(f32x4.sub(b11, b12), f32x4.sub(b14, b13)), f32x4.add(f32x4.sub(b15, b16), f32x4.sub(b18, b17)))));

      const t2x = f32x4.add(s2x, f32x4.mul(psi1, wx)), t2y = f32x4.add(s2y, f32x4.mul(psi1, wy)), t2z = f32x4.add(s2z, f32x4.mul(psi1, wz));
      const t1x = f32x4.add(s1x, f32x4.mul(psi2, wx)), t1y = f32x4.add(s1y, f32x4.mul(psi2, wy)), t1z = f32x4.add(s1z, f32x4.mul(psi2, wz));

      // Momentum of both components, summed by the pull pass.
      const jx = v128.load(g + 38 * 16), jy = v128.load(g + 39 * 16), jz = v128.load(g + 40 * 16);
      const sx = STAT + rowS(y, z) + xb;
      const ax = v128.load(sx + NB), ay = v128.load(sx + 2 * NB), az = v128.load(sx + 3 * NB);
      // F_k = −ψ_k (G Σ_q w_q ψ_other(x+c_q) c_q ± adhesion), + for the electrolyte, − for the gas.
      const f1x = f32x4.neg(f32x4.mul(psi1, f32x4.add(f32x4.mul(gc, t1x), ax)));
      const f1y = f32x4.neg(f32x4.mul(psi1, f32x4.add(f32x4.mul(gc, t1y), ay)));
      const f1z = f32x4.neg(f32x4.mul(psi1, f32x4.add(f32x4.mul(gc, t1z), az)));
      const f2x = f32x4.neg(f32x4.mul(psi2, f32x4.sub(f32x4.mul(gc, t2x), ax)));
      const f2y = f32x4.neg(f32x4.mul(psi2, f32x4.sub(f32x4.mul(gc, t2y), ay)));
      const f2z = f32x4.neg(f32x4.mul(psi2, f32x4.sub(f32x4.mul(gc, t2z), az)));
      // Non-fluid lanes divide by 1, not 0 (their results are masked anyway).
      // One division for the three components (a divide costs several multiplies).
      const rinv = f32x4.div(one, v128.bitselect(f32x4.add(rho1, rho2), one, fluid));
      const ux = f32x4.mul(f32x4.add(jx, f32x4.mul(half, f32x4.add(f1x, f2x))), rinv);
      const uy = f32x4.mul(f32x4.add(jy, f32x4.mul(half, f32x4.add(f1y, f2y))), rinv);
      const uz = f32x4.mul(f32x4.add(jz, f32x4.mul(half, f32x4.add(f1z, f2z))), rinv);
      const usq = f32x4.mul(K(K_C15), f32x4.add(f32x4.add(f32x4.mul(ux, ux), f32x4.mul(uy, uy)), f32x4.mul(uz, uz)));
      const uf1 = f32x4.mul(K(K_C3), f32x4.add(f32x4.add(f32x4.mul(ux, f1x), f32x4.mul(uy, f1y)), f32x4.mul(uz, f1z)));
      const uf2 = f32x4.mul(K(K_C3), f32x4.add(f32x4.add(f32x4.mul(ux, f2x), f32x4.mul(uy, f2y)), f32x4.mul(uz, f2z)));
      // Rest direction: no odd part.
      const base = dst + self;
      const w0u = f32x4.mul(W0, f32x4.sub(one, usq));
      v128.store(base, v128.and(f32x4.sub(f32x4.sub(f0, f32x4.mul(op1, f32x4.sub(f0, f32x4.mul(w0u, rho1)))), f32x4.mul(K(K_SW01), uf1)), fluid));
      v128.store(base + B1, v128.and(f32x4.sub(f32x4.sub(g0, f32x4.mul(op2, f32x4.sub(g0, f32x4.mul(w0u, rho2)))), f32x4.mul(K(K_SW02), uf2)), fluid));
      // ω+ ρ_k and 3 ω− ρ_k, the per-node factors of every pair.
      const p1 = f32x4.mul(op1, rho1), l1 = f32x4.mul(K(K_OP3M1), rho1), p2 = f32x4.mul(op2, rho2), l2 = f32x4.mul(K(K_OP3M2), rho2);
      pair(base, g, 1, ux, f1x, f2x, fluid, usq, uf1, uf2, p1, l1, p2, l2, W1);
      pair(base, g, 3, uy, f1y, f2y, fluid, usq, uf1, uf2, p1, l1, p2, l2, W1);
      pair(base, g, 5, uz, f1z, f2z, fluid, usq, uf1, uf2, p1, l1, p2, l2, W1);
      pair(base, g, 7, f32x4.add(ux, uy), f32x4.add(f1x, f1y), f32x4.add(f2x, f2y), fluid, usq, uf1, uf2, p1, l1, p2, l2, W2);
      pair(base, g, 9, f32x4.sub(ux, uy), f32x4.sub(f1x, f1y), f32x4.sub(f2x, f2y), fluid, usq, uf1, uf2, p1, l1, p2, l2, W2);
      pair(base, g, 11, f32x4.add(ux, uz), f32x4.add(f1x, f1z), f32x4.add(f2x, f2z), fluid, usq, uf1, uf2, p1, l1, p2, l2, W2);
      pair(base, g, 13, f32x4.sub(ux, uz), f32x4.sub(f1x, f1z), f32x4.sub(f2x, f2z), fluid, usq, uf1, uf2, p1, l1, p2, l2, W2);
      pair(base, g, 15, f32x4.add(uy, uz), f32x4.add(f1y, f1z), f32x4.add(f2y, f2z), fluid, usq, uf1, uf2, p1, l1, p2, l2, W2);
      pair(base, g, 17, f32x4.sub(uy, uz), f32x4.sub(f1y, f1z), f32x4.sub(f2y, f2z), fluid, usq, uf1, uf2, p1, l1, p2, l2, W2);
    }
    // Ghost nodes x = −1 and x = nx of the row just written, while it is in cache.
    ghostRow(dst, y, z);
  }
}

/**
 * Pre-collision population (component k, direction q) of padded node p, pulled from `src`; for
 * inlet/outlet nodes the caller reads their state instead, solid nodes are never asked.
 */
@inline function pulled(src: usize, x: i32, y: i32, z: i32, bits: u32, k: i32, q: i32): f32 {
  const kq = k * 19 + q;
  if (q == 0) return load<f32>(src + slot(y, z, kq, x));
  if ((bits >> q) & 1) {
    const o = load<i32>(TAB + 228 + ((<usize>q) << 2));
    return load<f32>(src + slot(y, z, k * 19 + o, x));
  }
  const cx = load<i32>(TAB + ((<usize>q) << 2));
  const cy = load<i32>(TAB + 76 + ((<usize>q) << 2));
  const cz = load<i32>(TAB + 152 + ((<usize>q) << 2));
  return load<f32>(src + slot(wrapi(y - cy, NY), wrapi(z - cz, NZ), kq, x - cx));
}

/**
 * Inlet/outlet nodes of layer z: the equilibrium at the inlet's fixed densities or the outlet's
 * (inward composition at the outlet pressure) moving with the velocity of the next node inward
 * (fast-step's collideFixed, in float64 like it), written as their
 * post-collision values in `dst` (what fluid neighbours pull) and as their own state in FDST.
 */
export function fixedRows(src: usize, dst: usize, z: i32, y0: i32, y1: i32): void {
  const e0 = load<i32>(FIXS + (<usize>(z * NY + y0) << 2));
  const e1 = load<i32>(FIXS + (<usize>(z * NY + y1) << 2));
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
    const node = dst + slot(y, z, 0, x);
    for (let q = 0; q < 19; q++) {
      const cu = <f64>load<i32>(TAB + ((<usize>q) << 2)) * ux + <f64>load<i32>(TAB + 76 + ((<usize>q) << 2)) * uy + <f64>load<i32>(TAB + 152 + ((<usize>q) << 2)) * uz;
      const eq = load<f64>(TAB + 304 + ((<usize>q) << 3)) * (1 + 3 * cu + 4.5 * cu * cu - usq);
      const pa = <f32>(eq * fa);
      const pb = <f32>(eq * fb);
      store<f32>(node + ((<usize>q) << 4), pa);
      store<f32>(node + ((<usize>(19 + q)) << 4), pb);
      store<f32>(st + ((<usize>q) << 2), pa);
      store<f32>(st + ((<usize>(19 + q)) << 2), pb);
    }
  }
}

/**
 * Ghost nodes x = −1 (← nx − 1) and x = nx (← 0) of row (y, z) of `dst`, all 38 populations. A
 * ghost is stored only where its source node is not solid; a solid source needs no copy (every
 * read of it is masked).
 */
@inline function ghostRow(dst: usize, y: i32, z: i32): void {
  const lo = slot(y, z, 0, -1), hi = slot(y, z, 0, NX);
  const gl = grp(y, z, 0), gh = grp(y, z, (NX + 4) >> 2);
  const from0 = slot(y, z, 0, 0), fromLast = slot(y, z, 0, NX - 1);
  for (let k = 0; k < 38; k++) {
    const kb = (<usize>k) << 4;
    if (gl != 0) store<f32>(dst + lo + kb, load<f32>(dst + fromLast + kb));
    if (gh != 0) store<f32>(dst + hi + kb, load<f32>(dst + from0 + kb));
  }
}

/** Ghost columns of layer z of `dst` (38 arrays), after its collision and inlet/outlet nodes. */
export function ghostRows(dst: usize, z: i32, y0: i32, y1: i32): void {
  for (let y = y0; y < y1; y++) ghostRow(dst, y, z);
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
  // Two pull-buffer slots after the three density planes (layers alternate between them), each
  // BAND rows of VECS groups plus one scratch group for the halo rows.
  const pslot = <usize>(BAND * VECS + 1) * PG;
  const pbuf = ring + 3 * slot;
  for (let y0 = 0; y0 < NY; y0 += BAND) {
    const y1 = min(NY, y0 + BAND);
    const count = y1 - y0 + 2;
    pullRows(src, wrapi(z0 - 1, NZ), ring, pbuf + pslot, y0 - 1, count);
    pullRows(src, z0, ring + slot, pbuf, y0 - 1, count);
    for (let z = z0; z < z1; z++) {
      const s = z - z0 + 1;
      const rp = ring + <usize>((s + 1) % 3) * slot;
      // Layer z's populations are in slot (z − z0) & 1; layer z + 1's go to the other one.
      const mine = pbuf + <usize>((z - z0) & 1) * pslot;
      pullRows(src, wrapi(z + 1, NZ), rp, pbuf + <usize>((z - z0 + 1) & 1) * pslot, y0 - 1, count);
      collideRows(dst, z, ring + <usize>((s + 2) % 3) * slot, ring + <usize>(s % 3) * slot, rp, mine, y0, y1);
      // Inlet/outlet nodes of these rows overwrite their slots, then the rows' ghosts: here, while
      // the band's rows of src and dst are in cache (after the whole sweep they were not, and these
      // two planes cost 10–20 % of the step).
      if (load<i32>(FIXS + (<usize>(z * NY + y0) << 2)) != load<i32>(FIXS + (<usize>(z * NY + y1) << 2))) {
        fixedRows(src, dst, z, y0, y1);
        ghostRows(dst, z, y0, y1);
      }
    }
  }
}

/** Stores lanes 0 … count − 1 (count 1 to 4) of `v` at `p`, `p + 4`, …: a row's last, partial group. */
@inline function storeLanes(p: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}

/**
 * Moments of every node into `out` as [rho1 | rho2 | jx | jy | jz], n floats each in the public
 * node order x + nx (y + ny z): fluid nodes sum their pre-collision populations pulled from `src`
 * by the step's own SIMD pull (in float32, as the step does), inlet/outlet nodes their own state
 * in `fsrc` (in float64), solid nodes 0. `scratch` holds one pull group (PG bytes). The
 * diagnostics of a run read these every few dozen steps on one thread while the step runs on all:
 * the scalar version (38 scalar pulls per node) cost 5–10 % of a 96³ run.
 */
export function moments(src: usize, fsrc: usize, out: usize, scratch: usize): void {
  const n = NX * NY * NZ;
  const nb = (<usize>n) << 2;
  const zero = f32x4.splat(0);
  const bounceBits = i32x4.splat(0x7fffe);
  for (let z = 0; z < NZ; z++) {
    const zm = wrapi(z - 1, NZ);
    const zp = wrapi(z + 1, NZ);
    for (let y = 0; y < NY; y++) {
      const ym = wrapi(y - 1, NY);
      const yp = wrapi(y + 1, NY);
      const m00 = mapRow(y, z), mm0 = mapRow(ym, z), mp0 = mapRow(yp, z), m0m = mapRow(y, zm), m0p = mapRow(y, zp);
      const mmm = mapRow(ym, zm), mpp = mapRow(yp, zp), mmp = mapRow(ym, zp), mpm = mapRow(yp, zm);
      const orow = out + ((<usize>(NX * (y + NY * z))) << 2);
      for (let v = 0; v < VECS; v++) {
        const o = orow + ((<usize>(4 * v)) << 2);
        const count = min(4, NX - 4 * v);
        const bits = v128.load(STAT + rowS(y, z) + ((<usize>(4 + 4 * v)) << 2));
        const fluid = bit(bits, 0);
        if (!v128.any_true(fluid)) {
          for (let k: usize = 0; k < 5; k++) storeLanes(o + k * nb, zero, count);
          continue;
        }
        const gi = <usize>(v + 1);
        const self = at(m00, gi);
        if (v128.any_true(v128.and(bits, bounceBits))) pullGroup(src, scratch, self, bits, gi, m00, mm0, mp0, m0m, m0p, mmm, mpp, mmp, mpm, true);
        else pullGroup(src, scratch, self, bits, gi, m00, mm0, mp0, m0m, m0p, mmm, mpp, mmp, mpm, false);
        const g = scratch;
        storeLanes(o, v128.and(v128.load(g + 41 * 16), fluid), count);
        storeLanes(o + nb, v128.and(v128.load(g + 42 * 16), fluid), count);
        for (let k: usize = 0; k < 3; k++) storeLanes(o + (2 + k) * nb, v128.and(v128.load(g + (38 + k) * 16), fluid), count);
      }
    }
  }
  // Inlet/outlet nodes: their own state, summed in float64 as fixedRows does.
  const entries = load<i32>(FIXS + ((<usize>(NZ * NY)) << 2));
  for (let e = 0; e < entries; e++) {
    const ent = FIX + ((<usize>e) << 5);
    const i = load<i32>(ent) + NX * (load<i32>(ent, 4) + NY * load<i32>(ent, 8));
    const st = fsrc + (<usize>(e * 38) << 2);
    let r1: f64 = 0, r2: f64 = 0, jx: f64 = 0, jy: f64 = 0, jz: f64 = 0;
    for (let q = 0; q < 19; q++) {
      const v1 = <f64>load<f32>(st + ((<usize>q) << 2));
      const v2 = <f64>load<f32>(st + ((<usize>(19 + q)) << 2));
      r1 += v1;
      r2 += v2;
      const s = v1 + v2;
      jx += s * <f64>load<i32>(TAB + ((<usize>q) << 2));
      jy += s * <f64>load<i32>(TAB + 76 + ((<usize>q) << 2));
      jz += s * <f64>load<i32>(TAB + 152 + ((<usize>q) << 2));
    }
    const o = out + ((<usize>i) << 2);
    store<f32>(o, <f32>r1);
    store<f32>(o + nb, <f32>r2);
    store<f32>(o + 2 * nb, <f32>jx);
    store<f32>(o + 3 * nb, <f32>jy);
    store<f32>(o + 4 * nb, <f32>jz);
  }
}

/**
 * Copies `bytes` (a multiple of 64) from `src` to `dst` with 16-byte vector loads and stores: the
 * ceiling of any two-array step written in WebAssembly on this machine. Unlike memcpy's
 * non-temporal stores, plain stores first read each destination line (write-allocate), as every
 * store of stepSlab does; bench/fill-lbm.ts reports the engine's share of this beside the copy bound.
 */
export function streamCopy(src: usize, dst: usize, bytes: usize): void {
  for (let o: usize = 0; o < bytes; o += 64) {
    v128.store(dst + o, v128.load(src + o));
    v128.store(dst + o + 16, v128.load(src + o + 16));
    v128.store(dst + o + 32, v128.load(src + o + 32));
    v128.store(dst + o + 48, v128.load(src + o + 48));
  }
}
