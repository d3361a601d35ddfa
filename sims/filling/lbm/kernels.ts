import type { IConstantsThis, IKernelRunShortcut, IPipelineHandle } from 'gpu.js';
import type { Compute } from '../../../src/gpu/backend.ts';
import { kernelBackend } from '../../../src/gpu/kernel-info.ts';
import { ImpossibleRequestError } from '../../../src/errors.ts';
import { CX, CY, CZ, OPPOSITE, Q, W } from './lattice.ts';
import type { LatticeDomain, LatticePhysics } from './domain.ts';

/**
 * The same Shan–Chen TRT step as typed-array-engine.ts, written as three gpu.js kernels with 1D
 * outputs (webgpu has no kernel maps): moments (5 values per node), forces (6 per node) and a
 * pull-streaming collision that writes one distribution per thread (38 per node). A gpu.js
 * pipeline chains `steps` of them on the device and reads back once.
 */
interface KernelThis {
  thread: { x: number };
  constants: {
    n: number;
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
  };
}

type Arr = Float32Array;

/** cx, cy, cz, w, opposite (19 each) in one array: WebGPU allows only 8 storage buffers per kernel. */
const LATTICE_TABLE = Float32Array.from([...CX, ...CY, ...CZ, ...W, ...OPPOSITE]);

function momentsKernel(this: KernelThis, f: Arr, node: Arr, lat: Arr): number {
  const n = this.constants.n;
  const i = this.thread.x;
  const m = Math.floor(i / n);
  const c = i - m * n;
  if (node[c] === 1) return 0;
  let s = 0;
  for (let q = 0; q < 19; q++) {
    if (m === 0) {
      s += f[q * n + c]!;
    } else if (m === 1) {
      s += f[(19 + q) * n + c]!;
    } else {
      let ca = lat[q]!;
      if (m === 3) ca = lat[19 + q]!;
      if (m === 4) ca = lat[38 + q]!;
      s += (f[q * n + c]! + f[(19 + q) * n + c]!) * ca;
    }
  }
  return s;
}

function forceKernel(this: KernelThis, mac: Arr, node: Arr, adhesion: Arr, lat: Arr): number {
  const n = this.constants.n;
  const nx = this.constants.nx;
  const ny = this.constants.ny;
  const nz = this.constants.nz;
  const i = this.thread.x;
  const m = Math.floor(i / n);
  const c = i - m * n;
  if (node[c] !== 0) return 0;
  const k = Math.floor(m / 3);
  const a = m - 3 * k;
  const z = Math.floor(c / (nx * ny));
  const r = c - z * nx * ny;
  const y = Math.floor(r / nx);
  const x = r - y * nx;
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
    const j = xx + nx * (yy + ny * zz);
    let ca = lat[q]!;
    if (a === 1) ca = lat[19 + q]!;
    if (a === 2) ca = lat[38 + q]!;
    s += lat[57 + q]! * mac[(1 - k) * n + j]! * ca;
  }
  let sign = 1;
  if (k === 1) sign = -1;
  return -mac[k * n + c]! * (this.constants.g * s + sign * adhesion[a * n + c]!);
}

/** Opposite direction (pairs 1↔2, 3↔4, … 17↔18), computed rather than read from the table. */
function oppositeOf(q: number): number {
  if (q === 0) return 0;
  if (q - 2 * Math.floor(q / 2) === 1) return q + 1;
  return q - 1;
}

function collideStreamKernel(this: KernelThis, f: Arr, mac: Arr, force: Arr, node: Arr, lat: Arr): number {
  const n = this.constants.n;
  const nx = this.constants.nx;
  const ny = this.constants.ny;
  const nz = this.constants.nz;
  const i = this.thread.x;
  const kq = Math.floor(i / n);
  const c = i - kq * n;
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
  const t = node[c]!;
  if (t === 1) return 0;
  const z = Math.floor(c / (nx * ny));
  const r = c - z * nx * ny;
  const y = Math.floor(r / nx);
  const x = r - y * nx;
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
  let src = xs + nx * (ys + ny * zs);
  let dir = q;
  if (t === 2 || t === 3) {
    src = c;
  } else if (node[src] === 1) {
    src = c;
    dir = oppositeOf(q);
  }
  const ts = node[src]!;
  if (ts === 2 || ts === 3) {
    // Fixed densities moving with the next node inward (see fixedEquilibrium in the TypedArray engine).
    let nb = src + nx * ny;
    let rf = rin;
    if (ts === 3) {
      nb = src - nx * ny;
      rf = rout;
    }
    const rn = mac[nb]! + mac[n + nb]!;
    let vx = 0;
    let vy = 0;
    let vz = 0;
    if (rn > 0) {
      vx = mac[2 * n + nb]! / rn;
      vy = mac[3 * n + nb]! / rn;
      vz = mac[4 * n + nb]! / rn;
    }
    const cv = lat[dir]! * vx + lat[19 + dir]! * vy + lat[38 + dir]! * vz;
    return lat[57 + dir]! * rf * (1 + 3 * cv + 4.5 * cv * cv - 1.5 * (vx * vx + vy * vy + vz * vz));
  }
  const o = oppositeOf(dir);
  const rho1 = mac[src]!;
  const rho2 = mac[n + src]!;
  const rho = rho1 + rho2;
  const ux = (mac[2 * n + src]! + 0.5 * (force[src]! + force[3 * n + src]!)) / rho;
  const uy = (mac[3 * n + src]! + 0.5 * (force[n + src]! + force[4 * n + src]!)) / rho;
  const uz = (mac[4 * n + src]! + 0.5 * (force[2 * n + src]! + force[5 * n + src]!)) / rho;
  const fx = force[3 * k * n + src]!;
  const fy = force[(3 * k + 1) * n + src]!;
  const fz = force[(3 * k + 2) * n + src]!;
  const rk = mac[k * n + src]!;
  const fq = f[(k * 19 + dir) * n + src]!;
  const fo = f[(k * 19 + o) * n + src]!;
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
 * Most lattice nodes the kernels handle on float32 backends. gpu.js evaluates index arithmetic on
 * kernel locals in float32 on webasm and webgpu (measured: a[(i − i % n) + i % n] reads the wrong
 * element past 2^24), so distribution indices (38 per node) must stay below 2^24.
 */
export const MAX_KERNEL_NODES = Math.floor(2 ** 24 / (2 * Q));

export function kernelsFit(compute: Compute, nodes: number): boolean {
  return compute.backend === 'cpu' || nodes <= MAX_KERNEL_NODES;
}

export function createKernelStepper(compute: Compute, domain: LatticeDomain, phys: LatticePhysics, periodicZ: boolean): KernelStepper {
  const { nx, ny, nz } = domain;
  const n = nx * ny * nz;
  if (!kernelsFit(compute, n)) {
    throw new ImpossibleRequestError(
      'lattice',
      `${nx}×${ny}×${nz} nodes`,
      `at most ${MAX_KERNEL_NODES} lattice nodes for the gpu.js ${compute.backend} kernels`,
      'gpu.js indexes in float32 there, exact only below 2^24 distributions; use the typed-array engine or a smaller volume',
    );
  }
  const constants = {
    n,
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
  };
  const gpu = compute.gpu;
  // Sizes are integers; gpu.js would otherwise type every integral constant as a float.
  const constantTypes = Object.fromEntries(
    Object.keys(constants).map((k) => [k, ['n', 'nx', 'ny', 'nz', 'periodicZ'].includes(k) ? 'Integer' : 'Float']),
  ) as Record<string, 'Integer' | 'Float'>;
  const settings = (size: number) => ({ output: [size], constants, constantTypes, tactic: 'precision' as const, dynamicOutput: false });
  const moments = gpu.createKernel(momentsKernel, settings(5 * n)) as unknown as IKernelRunShortcut;
  const forces = gpu.createKernel(forceKernel, settings(6 * n)) as unknown as IKernelRunShortcut;
  const collide = gpu.createKernel(collideStreamKernel, { ...settings(2 * Q * n), functions: [oppositeOf] }) as unknown as IKernelRunShortcut;
  const node = Float32Array.from(domain.node);
  const pipelines = new Map<number, Pipeline>();

  function pipelineFor(steps: number): Pipeline {
    let p = pipelines.get(steps);
    if (!p) {
      p = gpu.createPipeline(
        function (this: { constants: IConstantsThis }, f0: IPipelineHandle, nd: IPipelineHandle, adh: IPipelineHandle, lat: IPipelineHandle) {
          let cur: IPipelineHandle = f0;
          for (let s = 0; s < Number(this.constants.steps); s++) {
            const mac = moments(cur, nd, lat);
            const frc = forces(mac, nd, adh, lat);
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
      const out = (await pipelineFor(steps)(f, node, domain.adhesion, LATTICE_TABLE)) as unknown as { f: ArrayLike<number>; mac: ArrayLike<number> };
      return { f: toFloat32(out.f), mac: toFloat32(out.mac) };
    },
    destroy() {
      for (const p of pipelines.values()) void p.destroy();
      pipelines.clear();
      for (const k of [moments, forces, collide]) (k as unknown as { destroy?: () => void }).destroy?.();
    },
  };
}

function toFloat32(a: ArrayLike<number>): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a);
}
