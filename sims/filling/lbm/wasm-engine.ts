import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../../src/errors.ts';
import { NODE, Q } from './lattice.ts';
import { validateSolverOptions } from './solver.ts';
import type { LbmSolver, LbmSolverOptions } from './solver.ts';
import { defaultThreads, slabBounds } from './threaded-engine.ts';
import { stepWorkers } from './worker-round.ts';

/**
 * The two-component Shan–Chen TRT D3Q19 step as a WebAssembly-SIMD kernel (AssemblyScript source
 * in wasm/assembly/lbm.ts, built to wasm/build/lbm.wasm by `npm install` / `npm run build:wasm`),
 * on one thread or on several worker threads sharing one WebAssembly.Memory. Same physics as
 * fast-step.mjs, in float32 arithmetic (fast-step computes in float64): results agree to float32
 * rounding amplified by the dynamics, not bitwise (wasm-engine.test.ts states the tolerance).
 *
 * Inside the engine each lattice row is a run of groups of 4 nodes along x, each group the 38
 * populations of its nodes as 4-lane vectors (see the kernel's header and distIndex); rows are
 * padded to whole groups plus ghost nodes x = −1 and x = nx, so any nx works. Only groups holding
 * a non-solid node are stored (groupMap), so an electrode's distributions take memory and
 * bandwidth in proportion to its pore space, not its box.
 */

const CX = [0, 1, -1, 0, 0, 0, 0, 1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 0, 0];
const CY = [0, 0, 0, 1, -1, 0, 0, 1, -1, -1, 1, 0, 0, 0, 0, 1, -1, 1, -1];
const CZ = [0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0, 1, -1, -1, 1, 1, -1, -1, 1];
const OPP = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15, 18, 17];
const W64 = [1 / 3, ...Array<number>(6).fill(1 / 18), ...Array<number>(12).fill(1 / 36)];

/** Bit of the per-node flags (must match the kernel). */
const FLUID_BIT = 1;
const SOLID_BIT = 1 << 19;
const FIXED_BIT = 1 << 20;

/**
 * Bytes the wasm engine moves per stored node per step, each datum counted once: distributions
 * read (38 × 4) and written (38 × 4), adhesion (3 × 4), node flags (4) and the wall sums of the
 * Shan–Chen force (3 × 4). ψ never leaves the cache (a three-plane ring per thread) and the second read of the distributions for the
 * fused density pull hits the planes the collision reads next. Stored nodes are those of the
 * groups of 4 along x that hold a non-solid node (storedNodes in the solver): the bandwidth bound
 * applies to them, not to the solid groups the engine never touches.
 */
export const WASM_BYTES_PER_NODE = 38 * 4 * 2 + 3 * 4 + 4 + 3 * 4;

/** Exported functions of the kernel (addresses are byte offsets into the shared memory). */
interface KernelExports {
  configure(cfg: number): void;
  stepSlab(src: number, dst: number, fsrc: number, fdst: number, ring: number, z0: number, z1: number): void;
  moments(src: number, fsrc: number, out: number, scratch: number): void;
  streamCopy(src: number, dst: number, bytes: number): void;
}

/**
 * Bandwidth of the kernel's own vector copy (read + write counted, bytes/s; median of `repeats`)
 * between two buffers of `bytes` each: the most a step that reads one distribution array and
 * writes another can move in WebAssembly on this machine, write-allocate included (see streamCopy).
 */
export async function wasmStreamBandwidth(bytes = 256 * 2 ** 20, repeats = 5): Promise<number> {
  const module = await loadLbmWasmModule();
  const chunk = Math.ceil(bytes / 65536) * 65536;
  // Page 0 stays free for the module's own data, as in the engine.
  const memory = new WebAssembly.Memory({ initial: 1 + (2 * chunk) / 65536, maximum: 1 + (2 * chunk) / 65536, shared: true });
  const kernel = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as KernelExports;
  const src = 65536;
  const dst = src + chunk;
  new Float32Array(memory.buffer, src, chunk / 4).fill(1);
  kernel.streamCopy(src, dst, chunk);
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    kernel.streamCopy(src, dst, chunk);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return (2 * chunk) / (times[Math.floor(times.length / 2)]! / 1000);
}

const WASM_URL = new URL('./wasm/build/lbm.wasm', import.meta.url);
let modulePromise: Promise<WebAssembly.Module> | undefined;

/**
 * The compiled kernel. A missing .wasm is built on the fly when assemblyscript (a devDependency)
 * is installed, so a checkout used for development or tests never needs a separate step; an
 * installation without devDependencies gets one line naming the file and the command instead.
 */
export function loadLbmWasmModule(): Promise<WebAssembly.Module> {
  modulePromise ??= (async () => {
    const path = fileURLToPath(WASM_URL);
    if (!existsSync(path)) {
      let build: (() => Promise<string>) | undefined;
      try {
        ({ buildWasm: build } = await import('../../../scripts/build-wasm.mjs'));
      } catch {
        build = undefined;
      }
      try {
        if (!build) throw new Error('assemblyscript not installed');
        await build();
      } catch (e) {
        modulePromise = undefined;
        throw new Error(`WebAssembly LBM kernel missing: ${path} — build it with \`npm run build:wasm\` (needs the assemblyscript devDependency; ${(e as Error).message.split('\n')[0]})`);
      }
    }
    return WebAssembly.compile(readFileSync(path));
  })();
  return modulePromise;
}

/** Where everything lives in the shared memory (byte offsets) and the padded geometry. */
export interface Layout {
  nx: number; ny: number; nz: number;
  /** Floats per padded row, per padded plane, per distribution array. */
  R: number; P: number; N: number;
  /** Groups per row in the group map: ⌈nx/4⌉ + 2 (ghost groups included). */
  GW: number;
  /** Groups of a distribution buffer: the zero group, then every stored group. */
  groups: number;
  cfg: number; tab: number; control: number;
  /** Group map: per row (z·ny + y), GW u32 byte offsets into a distribution buffer (0: no node but solid). */
  gmap: number;
  a: number; b: number; fa: number; fb: number;
  stat: number;
  /** Wall sums Σ w_q c_q over the solid neighbours of each node, rows of [wx | wy | wz] × R floats. */
  wst: number;
  vconst: number;
  mir: number; mirStart: number; fix: number; fixStart: number;
  rings: number[];
  /** Moments read-out area: [rho1 | rho2 | jx | jy | jz] of nx·ny·nz floats each. */
  mom: number;
  bytes: number;
}

/** The first 64 KiB belong to the module itself (its stack and globals area), ours start above. */
const BASE = 65536;
const SLACK = 64;

/** Bytes of one group of the kernel's pull buffer: 38 populations, 3 momenta and 2 densities of 4 nodes. */
const PULL_GROUP_BYTES = 43 * 16;
/** Bytes of one stored group of a distribution buffer: 38 populations of 4 nodes. */
const GROUP_BYTES = 38 * 16;

function makeLayout(nx: number, ny: number, nz: number, groups: number, fixedCount: number, mirrorCount: number, threads: number, band: number): Layout {
  const R = rowFloats(nx);
  const P = R * ny;
  const N = P * nz;
  let at = BASE;
  const take = (bytes: number): number => {
    const start = at;
    at = Math.ceil((at + bytes + SLACK) / 64) * 64;
    return start;
  };
  const cfg = take(256);
  const tab = take(512);
  const control = take(64);
  const GW = Math.ceil(nx / 4) + 2;
  const gmap = take(4 * GW * ny * nz);
  const a = take(GROUP_BYTES * groups);
  const b = take(GROUP_BYTES * groups);
  const fa = take(38 * fixedCount * 4);
  const fb = take(38 * fixedCount * 4);
  const stat = take(4 * N * 4);
  const wst = take(3 * N * 4);
  // The kernel's table of splat vector constants (configure writes it).
  const vconst = take(64 * 16);
  const mir = take(8 * mirrorCount);
  const mirStart = take(4 * (nz * ny + 1));
  const fix = take(32 * fixedCount);
  const fixStart = take(4 * (nz * ny + 1));
  // Per thread: three density planes of both components, then two pull-buffer slots of `band`
  // rows (plus one scratch group each), see stepSlab in the kernel.
  const rings = Array.from({ length: threads }, () => take(6 * P * 4 + 2 * (band * Math.ceil(nx / 4) + 1) * PULL_GROUP_BYTES));
  const mom = take(5 * nx * ny * nz * 4);
  return { nx, ny, nz, R, P, N, GW, groups, cfg, tab, control, gmap, a, b, fa, fb, stat, wst, vconst, mir, mirStart, fix, fixStart, rings, mom, bytes: at };
}

/** Floats per padded row: x from −4 to nx + 1, a multiple of 4. */
function rowFloats(nx: number): number {
  return Math.ceil((nx + 5) / 4) * 4;
}

/**
 * Rows per y band of the kernel's sweep: as many as keep the band's working set within ~4 MiB —
 * per row four planes of distributions (38 rows of R floats each) and two rows of the pull buffer
 * — less the 4 halo rows, at least 16. Measured at 64³ (one thread, same process): 16 rows 8.7,
 * 24 rows 9.0, the whole plane 8.9 MLUPS, against 6.8 for the 6 rows an L2 budget gave; the pull
 * pass repeats the two halo rows of each band, which costs more than L3 latency, which the
 * sequential row streams hide.
 */
function bandRows(nx: number): number {
  const perRow = 4 * 38 * rowFloats(nx) * 4 + 2 * Math.ceil(nx / 4) * PULL_GROUP_BYTES;
  return Math.max(16, Math.floor((4 * 1024 * 1024) / perRow) - 4);
}

/**
 * Float index of population kq of node (x, y, z), −1 ≤ x ≤ nx, in a distribution buffer, given the
 * group map; in the zero group (indices 0 … 151) where the node's group holds only solid nodes.
 */
function distIndex(layout: Layout, map: Uint32Array, kq: number, x: number, y: number, z: number): number {
  return map[(z * layout.ny + y) * layout.GW + ((x + 4) >> 2)]! / 4 + kq * 4 + ((x + 4) & 3);
}

/**
 * The group map of a lattice (see the kernel's header): per row, the byte offset of each group of
 * 4 nodes along x in a distribution buffer, in (z, y, x) order after the zero group; 0 for a group
 * whose nodes are all solid. Ghost lanes x = −1 and x = nx count as their periodic source nodes,
 * pad lanes past nx as solid.
 *
 * @param nx nodes along x (any; rows hold ⌈nx/4⌉ + 2 groups, GW).
 * @param ny nodes along y.
 * @param nz nodes along z.
 * @param node node kind per node, x fastest (NODE.solid is left out).
 * @returns the map (GW u32 byte offsets per row, rows in z·ny + y order) and the number of groups
 *   a buffer holds, the zero group included.
 * @example
 * const { groups } = groupMap(domain.nx, domain.ny, domain.nz, domain.node);
 * const storedNodes = 4 * (groups - 1);
 */
export function groupMap(nx: number, ny: number, nz: number, node: Uint8Array): { map: Uint32Array; groups: number } {
  const GW = Math.ceil(nx / 4) + 2;
  const map = new Uint32Array(GW * ny * nz);
  let groups = 1;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = nx * (y + ny * z);
      for (let gi = 0; gi < GW; gi++) {
        let open = false;
        for (let lane = 0; lane < 4 && !open; lane++) {
          let x = 4 * gi + lane - 4;
          if (x < -1 || x > nx) continue;
          x = x < 0 ? nx - 1 : x === nx ? 0 : x;
          open = node[row + x] !== NODE.solid;
        }
        if (open) map[(z * ny + y) * GW + gi] = GROUP_BYTES * groups++;
      }
    }
  }
  return { map, groups };
}

/** Largest wasm32 memory: 65536 pages of 64 KiB. */
const MAX_PAGES = 65536;

/** Everything of a lattice the kernel needs, written into `memory`, plus what readout needs. */
export interface Prepared {
  memory: WebAssembly.Memory;
  layout: Layout;
  /** Padded index of every inlet/outlet entry. */
  fixedP: Int32Array;
  /** The group map in the shared memory (groupMap). */
  map: Uint32Array;
}

export function prepareWasmLattice(options: Omit<LbmSolverOptions, 'engine' | 'compute'>, threads: number, band?: number): Prepared {
  const { domain, physics } = options;
  const { nx, ny, nz, node, adhesion } = domain;
  const n = nx * ny * nz;
  const periodicZ = options.periodicZ ?? false;
  let fixedCount = 0;
  for (let i = 0; i < n; i++) if (node[i] === NODE.inlet || node[i] === NODE.outlet) fixedCount++;
  const mirror = domain.mirror;
  let mirrorCount = 0;
  if (mirror) for (let i = 0; i < n; i++) if (mirror[i]! >= 0) mirrorCount++;
  const bandRowsUsed = Math.max(1, Math.floor(band ?? bandRows(nx)));
  const stored = groupMap(nx, ny, nz, node);
  const layout = makeLayout(nx, ny, nz, stored.groups, fixedCount, mirrorCount, threads, bandRowsUsed);
  const pages = Math.ceil(layout.bytes / 65536);
  if (pages > MAX_PAGES) {
    throw new ConfigError('domain', `${nx}×${ny}×${nz}`, `a lattice whose stored distributions fit the 4 GiB of wasm32 memory (needs ${(layout.bytes / 2 ** 30).toFixed(1)} GiB)`);
  }
  // initial = maximum: the memory never grows, so views on it stay valid.
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const buf = memory.buffer;
  const { R, P, N } = layout;
  /** Float index of (kq, x, y, z) in a distribution buffer, and of (k, x, y, z) in the static one. */
  const map = new Uint32Array(buf, layout.gmap, stored.map.length);
  map.set(stored.map);
  const sIdx = (kq: number, x: number, y: number, z: number): number => distIndex(layout, map, kq, x, y, z);
  const statIdx = (k: number, x: number, y: number, z: number): number => ((z * ny + y) * 4 + k) * R + 4 + x;
  const pad = (x: number, y: number): number => y * R + 4 + x;

  const cfg = new DataView(buf, layout.cfg, 256);
  const ints = [nx, ny, nz, R, P, N, periodicZ ? 1 : 0, Math.ceil(nx / 4), layout.stat, 0, layout.mir, layout.mirStart, layout.fix, layout.fixStart, bandRowsUsed, layout.tab];
  ints.forEach((v, k) => cfg.setInt32(4 * k, v, true));
  const doubles = [physics.g, 1 / physics.tau1, 1 / physics.tauOdd, 1 / physics.tau2, 1 / physics.tauOdd, physics.inletRho[0], physics.inletRho[1], physics.outletRho[0], physics.outletRho[1]];
  doubles.forEach((v, k) => cfg.setFloat64(64 + 8 * k, v, true));
  cfg.setUint32(136, layout.gmap, true);
  cfg.setUint32(140, layout.wst, true);
  cfg.setUint32(144, layout.vconst, true);
  const tab = new DataView(buf, layout.tab, 512);
  for (let q = 0; q < Q; q++) {
    tab.setInt32(4 * q, CX[q]!, true);
    tab.setInt32(76 + 4 * q, CY[q]!, true);
    tab.setInt32(152 + 4 * q, CZ[q]!, true);
    tab.setInt32(228 + 4 * q, OPP[q]!, true);
    tab.setFloat64(304 + 8 * q, W64[q]!, true);
  }

  // Node flags: fluid, solid, inlet/outlet, and for each q whether the pull source x − c_q is solid.
  const bits = new Uint32Array(buf, layout.stat, 4 * N);
  const isSolidAt = (x: number, y: number, z: number): boolean => {
    if (z < 0 || z >= nz) {
      if (!periodicZ) return true;
      z = z < 0 ? z + nz : z - nz;
    }
    x = x < 0 ? x + nx : x >= nx ? x - nx : x;
    y = y < 0 ? y + ny : y >= ny ? y - ny : y;
    return node[x + nx * (y + ny * z)] === NODE.solid;
  };
  const adh = new Float32Array(buf, layout.stat, 4 * N);
  // A neighbour that lends the node its own ψ in the Shan–Chen sum: a solid node, unless it is a
  // mirrored side wall whose source is not solid (that one lends its source's ψ). The kernel's
  // ring holds 0 there and adds ψ_self × this wall sum once per node (see collideRows).
  const wall = new Float32Array(buf, layout.wst, 3 * N);
  const lendsOwnPsi = (x: number, y: number, z: number): boolean => {
    const j = ((x % nx) + nx) % nx + nx * ((((y % ny) + ny) % ny) + ny * (((z % nz) + nz) % nz));
    if (node[j] !== NODE.solid) return false;
    const s = mirror ? mirror[j]! : -1;
    return s < 0 || node[s] === NODE.solid;
  };
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const kind = node[i];
        let b = kind === NODE.fluid ? FLUID_BIT : kind === NODE.solid ? SOLID_BIT : FIXED_BIT;
        for (let q = 1; q < Q; q++) if (isSolidAt(x - CX[q]!, y - CY[q]!, z - CZ[q]!)) b |= 1 << q;
        bits[statIdx(0, x, y, z)] = b;
        adh[statIdx(1, x, y, z)] = adhesion[i]!;
        adh[statIdx(2, x, y, z)] = adhesion[n + i]!;
        adh[statIdx(3, x, y, z)] = adhesion[2 * n + i]!;
        if (kind !== NODE.fluid) continue;
        let wx = 0, wy = 0, wz = 0;
        for (let q = 1; q < Q; q++) {
          if (!lendsOwnPsi(x + CX[q]!, y + CY[q]!, z + CZ[q]!)) continue;
          wx += W64[q]! * CX[q]!;
          wy += W64[q]! * CY[q]!;
          wz += W64[q]! * CZ[q]!;
        }
        const w = ((z * ny + y) * 3) * R + 4 + x;
        wall[w] = wx;
        wall[w + R] = wy;
        wall[w + 2 * R] = wz;
      }
    }
  }

  // Mirrored side walls per layer, as in-plane (wall, source) padded offsets.
  const mir = new Int32Array(buf, layout.mir, 2 * mirrorCount);
  const mirStart = new Int32Array(buf, layout.mirStart, nz * ny + 1);
  const fix = new Int32Array(buf, layout.fix, 8 * fixedCount);
  const fixStart = new Int32Array(buf, layout.fixStart, nz * ny + 1);
  const fixedP = new Int32Array(fixedCount);
  const entryOf = new Map<number, number>();
  let m = 0;
  let e = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      mirStart[z * ny + y] = m;
      fixStart[z * ny + y] = e;
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (mirror && mirror[i]! >= 0) {
          const s = mirror[i]!;
          const sx = s % nx;
          const sy = Math.floor(s / nx) % ny;
          mir[2 * m] = pad(x, y);
          mir[2 * m + 1] = pad(sx, sy);
          m++;
        }
        if (node[i] === NODE.inlet || node[i] === NODE.outlet) {
          fixedP[e] = i;
          entryOf.set(i, e);
          fix[8 * e] = x;
          fix[8 * e + 1] = y;
          fix[8 * e + 2] = z;
          fix[8 * e + 3] = node[i] === NODE.inlet ? 1 : 0;
          fix[8 * e + 4] = -1;
          e++;
        }
      }
    }
  }
  mirStart[nz * ny] = m;
  fixStart[nz * ny] = e;
  const plane = nx * ny;
  for (let k = 0; k < fixedCount; k++) {
    const i = fixedP[k]!;
    const j = fix[8 * k + 3] ? i + plane : i - plane;
    fix[8 * k + 4] = entryOf.get(j) ?? -1;
  }

  // Initial state at rest: the pre-collision populations of fast-step's restEquilibrium, stored
  // so that the pull gives them back: S_q(y) = w_q ρ(y + c_q) (what node y + c_q pulls), or
  // w_q ρ(y) where y + c_q is solid (what y bounces back to itself).
  const a = new Float32Array(buf, layout.a, (GROUP_BYTES / 4) * layout.groups);
  const { rho1, rho2 } = options;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (node[i] === NODE.solid) continue;
        for (let q = 0; q < Q; q++) {
          let t = i;
          const zz = z + CZ[q]!;
          if (q > 0 && (periodicZ || (zz >= 0 && zz < nz)) && !isSolidAt(x + CX[q]!, y + CY[q]!, zz)) {
            const wz = zz < 0 ? zz + nz : zz >= nz ? zz - nz : zz;
            const wx = (x + CX[q]! + nx) % nx;
            const wy = (y + CY[q]! + ny) % ny;
            t = wx + nx * (wy + ny * wz);
          }
          a[sIdx(q, x, y, z)] = W64[q]! * rho1[t]!;
          a[sIdx(Q + q, x, y, z)] = W64[q]! * rho2[t]!;
        }
      }
    }
  }
  const fa = new Float32Array(buf, layout.fa, 38 * fixedCount);
  for (let k = 0; k < fixedCount; k++) {
    const i = fixedP[k]!;
    for (let q = 0; q < Q; q++) {
      fa[38 * k + q] = W64[q]! * rho1[i]!;
      fa[38 * k + Q + q] = W64[q]! * rho2[i]!;
    }
  }
  fillGhosts(a, layout, map);
  new Float32Array(buf, layout.b, (GROUP_BYTES / 4) * layout.groups).set(a);
  new Float32Array(buf, layout.fb, 38 * fixedCount).set(fa);
  return { memory, layout, fixedP, map };
}

/** Ghost columns (x = −1 ← nx−1, x = nx ← 0) of every row of the 38 arrays, where stored. */
function fillGhosts(s: Float32Array, layout: Layout, map: Uint32Array): void {
  const { nx, ny, nz, GW } = layout;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = (z * ny + y) * GW;
      for (let kq = 0; kq < 38; kq++) {
        if (map[row] !== 0) s[distIndex(layout, map, kq, -1, y, z)] = s[distIndex(layout, map, kq, nx - 1, y, z)]!;
        if (map[row + ((nx + 4) >> 2)] !== 0) s[distIndex(layout, map, kq, nx, y, z)] = s[distIndex(layout, map, kq, 0, y, z)]!;
      }
    }
  }
}

/**
 * Pre-collision populations of every node in the public layout [(k*19 + q)*n + node] (solid 0,
 * inlet/outlet nodes their own state). The moments come from the kernel's own `moments`.
 */
function readOut(prep: Prepared, parity: number, dist: Float32Array): void {
  const { layout, memory, fixedP, map } = prep;
  const { nx, ny, nz, R, N } = layout;
  const n = nx * ny * nz;
  const buf = memory.buffer;
  const sIdx = (kq: number, x: number, y: number, z: number): number => distIndex(layout, map, kq, x, y, z);
  const s = new Float32Array(buf, parity === 0 ? layout.a : layout.b, (GROUP_BYTES / 4) * layout.groups);
  const fst = new Float32Array(buf, parity === 0 ? layout.fa : layout.fb, 38 * fixedP.length);
  const bits = new Uint32Array(buf, layout.stat, 4 * N);
  const v = new Float64Array(38);
  let e = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const b = bits[((z * ny + y) * 4) * R + 4 + x]!;
        if (b & SOLID_BIT) {
          for (let kq = 0; kq < 38; kq++) dist[kq * n + i] = 0;
          continue;
        }
        if (b & FIXED_BIT) {
          for (let kq = 0; kq < 38; kq++) v[kq] = fst[38 * e + kq]!;
          e++;
        } else {
          for (let q = 0; q < Q; q++) {
            let src: number;
            if (q > 0 && (b >> q) & 1) src = sIdx(OPP[q]!, x, y, z);
            else src = sIdx(q, x - CX[q]!, (y - CY[q]! + ny) % ny, (z - CZ[q]! + nz) % nz);
            v[q] = s[src]!;
            v[Q + q] = s[src + Q * 4]!;
          }
        }
        for (let kq = 0; kq < 38; kq++) dist[kq * n + i] = v[kq]!;
      }
    }
  }
}

/** Knobs that change speed, never results (tests use them to reach every code path). */
export interface WasmTuning {
  /** Rows per y band of the sweep (default: what fits L2, see bandRows). */
  bandRows?: number;
  /** A kernel build other than lbm.wasm (the benchmark compares builds of the same source). */
  module?: WebAssembly.Module;
}

/**
 * A lattice-Boltzmann solver running the WebAssembly-SIMD kernel (Node only).
 *
 * @param options  lattice, lattice-unit physics and initial densities at rest, as for
 *                 createLbmSolver (`engine`/`compute` are not used). Any nx, ny, nz (rows are
 *                 padded inside); the stored lattice must fit wasm32 memory: 2 × 152 B per stored
 *                 node (groups of 4 along x holding a non-solid node) plus 16 B per node, i.e. up
 *                 to ~13 M stored nodes (≈ 235³ of pore space).
 * @param threads  worker threads (default 1: the kernel runs on the calling thread). With
 *                 ≥ 2 the lattice is cut into z slabs of about equal fluid work (at most nz/2
 *                 slabs), each stepped by one worker on a shared WebAssembly.Memory with one
 *                 Atomics barrier per step. Results do not depend on the thread count (bitwise).
 * @param tuning   optional speed knobs (WasmTuning); results are bitwise the same for any.
 * @returns        an LbmSolver with engine 'wasm' and storedNodes: step(steps) advances `steps` time steps;
 *                 moments() gives [rho1 | rho2 | jx | jy | jz] (n each, lattice units, solid
 *                 nodes 0, j the summed momentum before the half-force correction);
 *                 distributions() gives [(k*19 + q)*n + node]. Call destroy() to stop workers.
 * @throws         ConfigError for invalid options or a lattice too large; Error when the kernel
 *                 is not built and cannot be built (the message names the file and the command).
 *
 * @example
 *   const solver = await createWasmLbmSolver({ domain, physics, rho1, rho2, periodicZ: false }, 2);
 *   await solver.step(1000);
 *   const [rho1] = [(await solver.moments()).subarray(0, solver.nodes)];
 *   solver.destroy();
 */
export async function createWasmLbmSolver(options: Omit<LbmSolverOptions, 'engine' | 'compute'>, threads = 1, tuning: WasmTuning = {}): Promise<LbmSolver> {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new ConfigError('threads', threads, 'a whole number of threads ≥ 1');
  validateSolverOptions(options);
  const { domain } = options;
  const { nx, ny, nz } = domain;
  const n = nx * ny * nz;
  const bounds = threads > 1 ? slabBounds(domain.node, nx, ny, nz, Math.min(threads, Math.floor(nz / 2))) : [0, nz];
  const parties = bounds.length - 1;
  const module = tuning.module ?? (await loadLbmWasmModule());
  const prep = prepareWasmLattice(options, parties, tuning.bandRows);
  const { layout, memory } = prep;
  const buffers = [
    [layout.a, layout.b, layout.fa, layout.fb],
    [layout.b, layout.a, layout.fb, layout.fa],
  ] as const;
  let parity = 0;
  let done = 0;
  let broken: Error | null = null;

  let advance: (steps: number) => Promise<void>;
  let stop = (): void => {};
  // The calling thread's own instance: it steps single-threaded runs and reads moments out of
  // every run (the workers are idle between step calls).
  const kernel = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as KernelExports;
  kernel.configure(layout.cfg);
  if (parties === 1) {
    advance = async (steps) => {
      for (let s = 0; s < steps; s++) {
        const [src, dst, fsrc, fdst] = buffers[parity]!;
        kernel.stepSlab(src, dst, fsrc, fdst, layout.rings[0]!, 0, nz);
        parity = 1 - parity;
      }
    };
  } else {
    const workers = bounds.slice(0, -1).map(
      (z0, t) =>
        new Worker(new URL('./wasm-worker.mjs', import.meta.url), {
          workerData: { module, memory, cfg: layout.cfg, control: layout.control, ring: layout.rings[t], buffers, z0, z1: bounds[t + 1], parties },
        }),
    );
    stop = () => {
      for (const w of workers) void w.terminate();
    };
    advance = async (steps) => {
      try {
        await stepWorkers(workers, steps, parity, 'lbm wasm worker');
      } catch (err) {
        broken = err as Error;
        throw err;
      }
      if (steps % 2 === 1) parity = 1 - parity;
    };
  }

  return {
    nodes: n,
    storedNodes: 4 * (layout.groups - 1),
    engine: 'wasm',
    backend: () => (parties === 1 ? 'wasm-simd' : `wasm-simd ×${parties} threads`),
    async step(steps) {
      if (broken) throw broken;
      if (steps <= 0) return;
      await advance(steps);
      done += steps;
    },
    async moments() {
      const [src, , fsrc] = buffers[parity]!;
      // The first thread's pull buffer as scratch: every thread is idle between step calls.
      kernel.moments(src, fsrc, layout.mom, layout.rings[0]! + 6 * layout.P * 4);
      return new Float32Array(memory.buffer, layout.mom, 5 * n).slice();
    },
    async distributions() {
      const out = new Float32Array(2 * Q * n);
      readOut(prep, parity, out);
      return out;
    },
    stepsDone: () => done,
    destroy: () => stop(),
  };
}

/** Threads the wasm engine uses by default: every core from the main thread, 1 inside a worker. */
export function defaultWasmThreads(): number {
  return defaultThreads();
}
