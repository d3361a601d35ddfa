import { Input } from 'gpu.js';
import type { IConstantsThis, IKernelRunShortcut, IPipelineHandle } from 'gpu.js';
import type { Compute } from '../../../src/gpu/compute.ts';
import { kernelBackend } from '../../../src/gpu/kernel-info.ts';
import { ImpossibleRequestError } from '../../../src/errors.ts';
import { CX, CY, CZ, OPPOSITE, Q, W } from './lattice.ts';
import type { LatticeDomain, LatticePhysics } from './domain.ts';

/**
 * The same Shan–Chen TRT step as typed-array-engine.ts, written as three gpu.js kernels (webgpu has
 * no kernel maps): moments (5 values per node), forces (6 per node) and a pull-streaming collision
 * that writes one distribution per thread (38 per node). Outputs are 3D, [x + nx·y, z, component],
 * so no index passes 2^24 (see MAX_KERNEL_PLANE). A gpu.js pipeline chains `steps` of them on the
 * device and reads back once.
 *
 * Where WebGPU exists, the hand-written WGSL engine (webgpu-engine.ts: one invocation per node, all
 * 38 distributions) replaces these (13–16× their MLUPS on the same SwiftShader adapter, bench/fill-lbm.ts).
 * They stay for gpu.js's WebGL2 mode: the viewer's live run in browsers without WebGPU.
 */
interface KernelThis {
  thread: { x: number; y: number; z: number };
  constants: {
    nx: number;
    ny: number;
    nz: number;
    periodicZ: number;
    g: number;
    op1: number;
    om1: number;
    op2: number;
    om2: number;
    in1: number;
    in2: number;
    out1: number;
    out2: number;
    pout: number;
  };
}

/** Per-node fields as [component][z][x + nx·y]: each index stays far below 2^24. */
type Field3 = Float32Array[][];
type Field2 = Float32Array[];
type Arr = Float32Array;

/** cx, cy, cz, w, opposite (19 each) in one array: WebGPU allows only 8 storage buffers per kernel. */
const LATTICE_TABLE = Float32Array.from([...CX, ...CY, ...CZ, ...W, ...OPPOSITE]);

function momentsKernel(this: KernelThis, f: Field3, node: Field2, lat: Arr): number {
  const p = this.thread.x;
  const z = this.thread.y;
  const m = this.thread.z;
  if (node[z]![p] === 1) return 0;
  let s = 0;
  for (let q = 0; q < 19; q++) {
    // Declared at the top of the loop body: gpu.js's GLSL and browser-cpu transpilers reject a
    // declaration inside an else block.
    let ca = lat[q]!;
    if (m === 3) ca = lat[19 + q]!;
    if (m === 4) ca = lat[38 + q]!;
    if (m === 0) {
      s += f[q]![z]![p]!;
    } else if (m === 1) {
      s += f[19 + q]![z]![p]!;
    } else {
      s += (f[q]![z]![p]! + f[19 + q]![z]![p]!) * ca;
    }
  }
  return s;
}

function forceKernel(this: KernelThis, mac: Field3, node: Field2, adhesion: Field3, lat: Arr, mirror: Field2): number {
  const nx = this.constants.nx;
  const ny = this.constants.ny;
  const nz = this.constants.nz;
  const p = this.thread.x;
  const z = this.thread.y;
  const m = this.thread.z;
  if (node[z]![p] !== 0) return 0;
  const k = Math.floor(m / 3);
  const a = m - 3 * k;
  const y = Math.floor(p / nx);
  const x = p - y * nx;
  let s = 0;
  for (let q = 1; q < 19; q++) {
    let xx = x + lat[q]!;
    if (xx < 0) xx += nx;
    if (xx >= nx) xx -= nx;
    let yy = y + lat[19 + q]!;
    if (yy < 0) yy += ny;
    if (yy >= ny) yy -= ny;
    let zz = z + lat[38 + q]!;
    if (this.constants.periodicZ > 0) {
      if (zz < 0) zz += nz;
      if (zz >= nz) zz -= nz;
    } else {
      if (zz < 0) zz = z;
      if (zz >= nz) zz = z;
    }
    let ca = lat[q]!;
    if (a === 1) ca = lat[19 + q]!;
    if (a === 2) ca = lat[38 + q]!;
    // A mirrored side-wall node stands in with its source's densities (LatticeDomain.mirror).
    let pn = xx + nx * yy;
    const pm = mirror[zz]![pn]!;
    if (pm >= 0) pn = pm;
    // Any other solid node stands in with this node's own densities (see collideAndStream).
    let v = mac[1 - k]![zz]![pn]!;
    if (node[zz]![pn] === 1) v = mac[1 - k]![z]![p]!;
    s += lat[57 + q]! * Math.max(0, v) * ca;
  }
  let sign = 1;
  if (k === 1) sign = -1;
  // Pseudo-potential ψ = max(ρ, 0), as in the TypedArray engine (see collideAndStream).
  return -Math.max(0, mac[k]![z]![p]!) * (this.constants.g * s + sign * adhesion[a]![z]![p]!);
}

/** Opposite direction (pairs 1↔2, 3↔4, … 17↔18), computed rather than read from the table. */
function oppositeOf(q: number): number {
  if (q === 0) return 0;
  if (q - 2 * Math.floor(q / 2) === 1) return q + 1;
  return q - 1;
}

function collideStreamKernel(this: KernelThis, f: Field3, mac: Field3, force: Field3, node: Field2, lat: Arr): number {
  const nx = this.constants.nx;
  const ny = this.constants.ny;
  const nz = this.constants.nz;
  const p = this.thread.x;
  const z = this.thread.y;
  const kq = this.thread.z;
  const k = Math.floor(kq / 19);
  const q = kq - 19 * k;
  let rin = this.constants.in1;
  let rout = this.constants.out1;
  let op = this.constants.op1;
  let om = this.constants.om1;
  if (k === 1) {
    rin = this.constants.in2;
    rout = this.constants.out2;
    op = this.constants.op2;
    om = this.constants.om2;
  }
  const t = node[z]![p]!;
  if (t === 1) return 0;
  const y = Math.floor(p / nx);
  const x = p - y * nx;
  let xs = x - lat[q]!;
  if (xs < 0) xs += nx;
  if (xs >= nx) xs -= nx;
  let ys = y - lat[19 + q]!;
  if (ys < 0) ys += ny;
  if (ys >= ny) ys -= ny;
  let zs = z - lat[38 + q]!;
  if (this.constants.periodicZ > 0) {
    if (zs < 0) zs += nz;
    if (zs >= nz) zs -= nz;
  } else {
    if (zs < 0) zs = z;
    if (zs >= nz) zs = z;
  }
  let ps = xs + nx * ys;
  let dir = q;
  if (t === 2 || t === 3) {
    ps = p;
    zs = z;
  } else if (node[zs]![ps] === 1) {
    ps = p;
    zs = z;
    dir = oppositeOf(q);
  }
  const ts = node[zs]![ps]!;
  if (ts === 2 || ts === 3) {
    // Fixed densities moving with the next node inward (see fixedEquilibrium in the TypedArray engine).
    let zn = zs + 1;
    let rf = rin;
    if (ts === 3) {
      zn = zs - 1;
      rf = rout;
    }
    const rn = mac[0]![zn]![ps]! + mac[1]![zn]![ps]!;
    if (ts === 3) {
      // Outlet: the inward composition at the outlet pressure (outletDensities in the TypedArray engine).
      const r2 = Math.max(0, mac[1]![zn]![ps]!);
      let r1 = Math.max(0, mac[0]![zn]![ps]!);
      if (this.constants.out2 > 0) r1 = Math.min(r1, (r2 * this.constants.out1) / this.constants.out2);
      const qa = this.constants.g * r1 * r2;
      const qb = r1 + r2;
      const pout = this.constants.pout;
      let sc = 0;
      if (qb > 0) {
        if (qa > 1e-12) {
          sc = (2 * pout) / (qb + Math.sqrt(qb * qb + 4 * qa * pout));
        } else {
          sc = pout / qb;
        }
        rf = sc * r1;
        if (k === 1) rf = sc * r2;
      }
    }
    let vx = 0;
    let vy = 0;
    let vz = 0;
    if (rn > 0) {
      vx = mac[2]![zn]![ps]! / rn;
      vy = mac[3]![zn]![ps]! / rn;
      vz = mac[4]![zn]![ps]! / rn;
    }
    const cv = lat[dir]! * vx + lat[19 + dir]! * vy + lat[38 + dir]! * vz;
    return lat[57 + dir]! * rf * (1 + 3 * cv + 4.5 * cv * cv - 1.5 * (vx * vx + vy * vy + vz * vz));
  }
  const o = oppositeOf(dir);
  const rho1 = mac[0]![zs]![ps]!;
  const rho2 = mac[1]![zs]![ps]!;
  const rho = rho1 + rho2;
  const ux = (mac[2]![zs]![ps]! + 0.5 * (force[0]![zs]![ps]! + force[3]![zs]![ps]!)) / rho;
  const uy = (mac[3]![zs]![ps]! + 0.5 * (force[1]![zs]![ps]! + force[4]![zs]![ps]!)) / rho;
  const uz = (mac[4]![zs]![ps]! + 0.5 * (force[2]![zs]![ps]! + force[5]![zs]![ps]!)) / rho;
  const fx = force[3 * k]![zs]![ps]!;
  const fy = force[3 * k + 1]![zs]![ps]!;
  const fz = force[3 * k + 2]![zs]![ps]!;
  const rk = mac[k]![zs]![ps]!;
  const fq = f[k * 19 + dir]![zs]![ps]!;
  const fo = f[k * 19 + o]![zs]![ps]!;
  const cu = lat[dir]! * ux + lat[19 + dir]! * uy + lat[38 + dir]! * uz;
  const cf = lat[dir]! * fx + lat[19 + dir]! * fy + lat[38 + dir]! * fz;
  const usq = 1.5 * (ux * ux + uy * uy + uz * uz);
  const uf = 3 * (ux * fx + uy * fy + uz * fz);
  const wr = lat[57 + dir]! * rk;
  const eqp = wr * (1 + 4.5 * cu * cu - usq);
  const eqm = wr * 3 * cu;
  const srcp = lat[57 + dir]! * (9 * cu * cf - uf);
  const srcm = lat[57 + dir]! * 3 * cf;
  return fq - op * (0.5 * (fq + fo) - eqp) - om * (0.5 * (fq - fo) - eqm) + (1 - 0.5 * op) * srcp + (1 - 0.5 * om) * srcm;
}

export interface KernelStepper {
  /** Mode gpu.js really ran the collision kernel in (after the first call). */
  backend(): string;
  /** Executor gpu.js chose for the multi-step pipeline ('fused-encoder', 'fused-sync', 'generic'...). */
  executor(): string;
  /** Advances `steps` steps on the device; returns the new distributions and their moments. */
  advance(f: Float32Array, steps: number): Promise<{ f: Float32Array; mac: Float32Array }>;
  destroy(): void;
}

type Pipeline = ReturnType<Compute['gpu']['createPipeline']>;

/**
 * gpu.js computes index arithmetic on kernel locals in float32 on webasm and webgpu (measured: a
 * flat index past 2^24 reads the wrong element even when built from integer constants), but
 * flattens multi-dimensional accesses a[k][z][p] in int32. The kernels therefore address every
 * per-node field as [component][z][x + nx·y], so only the in-plane index x + nx·y is float
 * arithmetic: a plane must stay below 2^24 nodes.
 */
export const MAX_KERNEL_PLANE = 2 ** 24;

/**
 * webasm keeps a kernel's inputs and output in one 32-bit WebAssembly memory (4 GiB). The collision
 * kernel holds the old and new distributions (2 × 38 floats), moments (5), forces (6) and node kinds (1).
 */
const WASM_BYTES_PER_NODE = 4 * (2 * 2 * Q + 5 + 6 + 1);
const WASM_MEMORY_BYTES = 2 ** 32;

/** Why the kernels cannot run this lattice on this backend, or null when they can. */
export function kernelLimit(backend: string, nx: number, ny: number, nz: number): string | null {
  if (backend === 'cpu') return null;
  if (nx * ny >= MAX_KERNEL_PLANE) return `an x–y plane below ${MAX_KERNEL_PLANE} nodes (gpu.js indexes within a plane in float32)`;
  if (backend === 'webasm' && WASM_BYTES_PER_NODE * nx * ny * nz > 0.95 * WASM_MEMORY_BYTES) {
    return `at most ${Math.floor((0.95 * WASM_MEMORY_BYTES) / WASM_BYTES_PER_NODE)} lattice nodes on webasm (${WASM_BYTES_PER_NODE} B per node in one 4 GiB WebAssembly memory)`;
  }
  return null;
}

export function kernelsFit(compute: Compute, domain: Pick<LatticeDomain, 'nx' | 'ny' | 'nz'>): boolean {
  return kernelLimit(compute.backend, domain.nx, domain.ny, domain.nz) === null;
}

export function createKernelStepper(compute: Compute, domain: LatticeDomain, phys: LatticePhysics, periodicZ: boolean): KernelStepper {
  const { nx, ny, nz } = domain;
  const n = nx * ny * nz;
  const plane = nx * ny;
  const limit = kernelLimit(compute.backend, nx, ny, nz);
  if (limit !== null) {
    throw new ImpossibleRequestError('lattice', `${nx}×${ny}×${nz} nodes`, limit, 'use the typed-array engine or a smaller volume');
  }
  const constants = {
    nx,
    ny,
    nz,
    periodicZ: periodicZ ? 1 : 0,
    g: phys.g,
    op1: 1 / phys.tau1,
    om1: 1 / phys.tauOdd,
    op2: 1 / phys.tau2,
    om2: 1 / phys.tauOdd,
    in1: phys.inletRho[0],
    in2: phys.inletRho[1],
    out1: phys.outletRho[0],
    out2: phys.outletRho[1],
    pout: phys.outletRho[0] + phys.outletRho[1] + phys.g * phys.outletRho[0] * phys.outletRho[1],
  };
  const gpu = compute.gpu;
  // Sizes are integers; gpu.js would otherwise type every integral constant as a float.
  const constantTypes = Object.fromEntries(
    Object.keys(constants).map((k) => [k, ['nx', 'ny', 'nz', 'periodicZ'].includes(k) ? 'Integer' : 'Float']),
  ) as Record<string, 'Integer' | 'Float'>;
  const settings = (components: number) => ({ output: [plane, nz, components] as [number, number, number], constants, constantTypes, tactic: 'precision' as const, dynamicOutput: false });
  const moments = gpu.createKernel(momentsKernel, settings(5)) as unknown as IKernelRunShortcut;
  const forces = gpu.createKernel(forceKernel, settings(6)) as unknown as IKernelRunShortcut;
  const collide = gpu.createKernel(collideStreamKernel, { ...settings(2 * Q), functions: [oppositeOf] }) as unknown as IKernelRunShortcut;
  const node = input(Float32Array.from(domain.node), [plane, nz]);
  const adhesion = input(domain.adhesion, [plane, nz, 3]);
  const mirror = input(mirrorInPlane(domain), [plane, nz]);
  const pipelines = new Map<number, Pipeline>();

  function pipelineFor(steps: number): Pipeline {
    let p = pipelines.get(steps);
    if (!p) {
      p = gpu.createPipeline(
        function (this: { constants: IConstantsThis }, f0: IPipelineHandle, nd: IPipelineHandle, adh: IPipelineHandle, lat: IPipelineHandle, mir: IPipelineHandle) {
          let cur: IPipelineHandle = f0;
          for (let s = 0; s < Number(this.constants.steps); s++) {
            const mac = moments(cur, nd, lat);
            const frc = forces(mac, nd, adh, lat, mir);
            cur = collide(cur, mac, frc, nd, lat);
          }
          return { f: cur, mac: moments(cur, nd, lat) };
        },
        { constants: { steps } },
      );
      pipelines.set(steps, p);
    }
    return p;
  }

  return {
    backend: () => kernelBackend(collide),
    executor: () => {
      const p = [...pipelines.values()][0];
      return p ? p.executorKind : 'none';
    },
    async advance(f, steps) {
      const out = (await pipelineFor(steps)(input(f, [plane, nz, 2 * Q]), node, adhesion, LATTICE_TABLE, mirror)) as unknown as { f: Nested; mac: Nested };
      return { f: flatten(out.f, 2 * Q * n), mac: flatten(out.mac, 5 * n) };
    },
    destroy() {
      for (const p of pipelines.values()) void p.destroy();
      pipelines.clear();
      for (const k of [moments, forces, collide]) (k as unknown as { destroy?: () => void }).destroy?.();
    },
  };
}

/** The mirror map as in-plane indices x + nx·y of the source (same layer), −1 where none: float32-exact below 2^24. */
function mirrorInPlane(domain: LatticeDomain): Float32Array {
  const plane = domain.nx * domain.ny;
  const out = new Float32Array(plane * domain.nz).fill(-1);
  const m = domain.mirror;
  if (m) for (let i = 0; i < out.length; i++) if (m[i]! >= 0) out[i] = m[i]! % plane;
  return out;
}

/** gpu.js argument carrying its [plane, nz, components] shape (the typings want number[]; typed arrays work). */
function input(value: Float32Array, size: [number, number] | [number, number, number]): Input {
  return new Input(value as unknown as number[], size);
}

/** A kernel result: flat, or nested [component][z][p] arrays, as gpu.js returns per backend. */
type Nested = ArrayLike<number> | ArrayLike<ArrayLike<number> | ArrayLike<ArrayLike<number>>>;

function flatten(a: Nested, length: number): Float32Array {
  if (a instanceof Float32Array && a.length === length) return a;
  const out = new Float32Array(length);
  let at = 0;
  const walk = (v: Nested): void => {
    if (ArrayBuffer.isView(v)) {
      out.set(v as Float32Array, at);
      at += (v as Float32Array).length;
      return;
    }
    for (let i = 0; i < v.length; i++) walk(v[i] as Nested);
  };
  walk(a);
  if (at !== length) throw new Error(`kernel result holds ${at} values, expected ${length}`);
  return out;
}
