/// <reference types="@webgpu/types" />
/**
 * The Shan–Chen TRT lattice-Boltzmann step of fast-step.mjs as hand-written WGSL compute kernels
 * (webgpu-wgsl.ts): one invocation per node updates all 38 distributions of that node, FP32,
 * structure-of-arrays storage, A-B buffers, two dispatches per step (collide + push-stream, then
 * densities for the next step's force stencil), any number of steps per submit, and read-back only
 * in moments() / distributions(). Browser-safe: no Node imports; it takes a GPUDevice, which the
 * caller gets from navigator.gpu (browser) or from Dawn (src/gpu/webgpu-device.ts under Node).
 *
 * Device memory: 2 × 152 B of distributions + 8 B densities + 12 B adhesion + 1 B node kind per
 * node (≈ 325 B; 5.8 GB at 256³ with reservoirs and walls), plus the mirror list, one moment (4 B
 * per node) and a read-back buffer of at most 64 MiB. Bindings: per-node fields in one, the
 * distributions of each component in one per A/B set (or runs of directions, see planLayout).
 */
import { ConfigError, ImpossibleRequestError } from '../../../src/errors.ts';
import { NODE, Q } from './lattice.ts';
import type { LbmSolver, LbmSolverOptions } from './solver.ts';
import { validateSolverOptions } from './solver.ts';
import { collideSource, densitySource, initSource, momentSource } from './webgpu-wgsl.ts';
import type { WgslLayout } from './webgpu-wgsl.ts';

// GPUBufferUsage / GPUMapMode values, spelled out so the module needs no WebGPU globals (Dawn in
// Node only installs them when asked).
const MAP_READ = 0x0001;
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const UNIFORM = 0x0040;
const STORAGE = 0x0080;
const MAP_MODE_READ = 0x0001;

const WORKGROUP = 128;
/** Steps encoded into one command buffer; more are split over several submits (no wait between). */
const STEPS_PER_SUBMIT = 256;
/** Largest staging buffer of a read-back. */
const READBACK_CHUNK = 64 * 2 ** 20;
/** Largest element index of a binding must fit u32 (WGSL array indices). */
const MAX_INDEXED_BYTES = 2 ** 32 - 4;

/**
 * Device memory traffic of one step per node (float32, each datum counted once, every node counted
 * as fluid): collide reads 38 and writes 38 distributions (304 B), its two densities (8 B; the 18
 * neighbours' come from cache), adhesion (12 B) and its node kind (1 B); the density pass reads the
 * 38 again (152 B), writes 2 densities (8 B). 485 B, as fast-step.mjs.
 */
export const WGSL_BYTES_PER_NODE = 485;

export type WebGpuLbmOptions = Omit<LbmSolverOptions, 'engine' | 'compute'> & {
  /**
   * Largest storage binding to use, bytes (default: the device's). Lower it only to exercise the
   * split-direction layout on a small lattice (tests); the device limit always applies too.
   */
  maxBindingBytes?: number;
};

/** Device limits the engine asks for: the adapter's largest, since 256³ needs GB-sized bindings. */
export function lbmDeviceLimits(adapter: GPUAdapter): Record<string, number> {
  const l = adapter.limits;
  return {
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxBufferSize: l.maxBufferSize,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
  };
}

/** A device for this engine from an adapter (navigator.gpu.requestAdapter()), with lbmDeviceLimits. */
export async function requestLbmDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  return adapter.requestDevice({ requiredLimits: lbmDeviceLimits(adapter) });
}

/**
 * How the 38 distributions are split into storage bindings on this device: one part per
 * component when 19 · 4 · n bytes fit a binding, else runs of fewer directions (balanced).
 * Throws ImpossibleRequestError when the lattice cannot be bound at all.
 */
export function planLayout(
  n: number,
  limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxStorageBuffersPerShaderStage'>,
  mirrors = 0,
): WgslLayout {
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize, MAX_INDEXED_BYTES);
  const perDirection = 4 * n;
  const fits = Math.floor(maxBinding / perDirection);
  const shape = `${n} nodes`;
  const advice = 'a smaller volume, or a device with larger storage bindings (requestLbmDevice asks for the adapter maximum)';
  if (fits < 1 || fieldsBytes(n, mirrors) > maxBinding) {
    throw new ImpossibleRequestError('lattice', shape, `at most ~${Math.floor(maxBinding / 21)} nodes on this device (densities, adhesion and kinds take 21 B per node in one ${maxBinding} B binding)`, advice);
  }
  const perComponent = Math.ceil(Q / Math.min(Q, fits));
  const parts = 2 * perComponent;
  // collide binds the fields plus the input and output parts.
  const storageNeeded = 1 + 2 * parts;
  if (storageNeeded > limits.maxStorageBuffersPerShaderStage) {
    throw new ImpossibleRequestError('lattice', shape, `${storageNeeded} storage buffers per shader stage (${parts} distribution parts per set), this device allows ${limits.maxStorageBuffersPerShaderStage}`, advice);
  }
  const partOf: number[] = [];
  const slotOf: number[] = [];
  for (let k = 0; k < 2; k++) {
    // Balanced runs: the first (Q % perComponent) parts take one direction more.
    const base = Math.floor(Q / perComponent);
    const extra = Q % perComponent;
    let q = 0;
    for (let p = 0; p < perComponent; p++) {
      const size = base + (p < extra ? 1 : 0);
      for (let s = 0; s < size; s++, q++) {
        partOf[k * Q + q] = k * perComponent + p;
        slotOf[k * Q + q] = s;
      }
    }
  }
  return { parts, partOf, slotOf, workgroupSize: WORKGROUP };
}

/** u32 offsets in the fields binding (webgpu-wgsl.ts): [ρ1 | ρ2 | ax | ay | az | kinds (4 per u32) | mirror pairs]. */
function fieldOffsets(n: number, mirrors: number): { kindsAt: number; pairsAt: number; words: number } {
  const kindsAt = 5 * n;
  const pairsAt = kindsAt + Math.ceil(n / 4);
  return { kindsAt, pairsAt, words: pairsAt + 2 * mirrors };
}

function fieldsBytes(n: number, mirrors: number): number {
  return 4 * fieldOffsets(n, mirrors).words;
}

/** Directions held by each part (in slot order) as (k·19 + q) indices. */
function partMembers(layout: WgslLayout): number[][] {
  const members: number[][] = Array.from({ length: layout.parts }, () => []);
  for (let kq = 0; kq < 2 * Q; kq++) members[layout.partOf[kq]!]![layout.slotOf[kq]!] = kq;
  return members;
}

async function pipeline(device: GPUDevice, label: string, code: string, constants?: Record<string, number>): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) throw new Error(`WGSL ${label}: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  return device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint: 'main', ...(constants ? { constants } : {}) } });
}

/**
 * Creates the WGSL lattice-Boltzmann solver on `device`: same physics and results as
 * `createLbmSolver({ engine: 'typed-array' })` to float32 rounding (arithmetic is FP32 here,
 * FP64 with FP32 storage there).
 *
 * @param options Domain (node kinds, adhesion vectors, optional side-wall mirror map), lattice-unit
 *   physics (G, τ1, τ2, τ_odd, fixed inlet/outlet densities), starting densities ρ1, ρ2 per node (at
 *   rest, lattice units) and `periodicZ` (default false). Validated like every engine (ConfigError).
 *   The distributions of each component are one storage binding when 76 B × nodes fits the device's
 *   largest binding, else split into runs of directions (planLayout), which costs more bindings.
 * @param device A WebGPU device, ideally from `requestLbmDevice(adapter)` so that large lattices get
 *   the adapter's largest storage bindings (256³ needs ~1.35 GB per component binding).
 * @returns An LbmSolver with engine 'webgpu': `step(s)` encodes s steps (256 per submit) and resolves
 *   when the device has finished them; `moments()` gives [ρ1 | ρ2 | jx | jy | jz] (lattice units,
 *   solid nodes 0), `distributions()` the [(k·19 + q)·n + node] layout; both read back from the device.
 *   `destroy()` frees the buffers (not the device, which the caller owns).
 * @throws ImpossibleRequestError when the lattice does not fit the device's bindings.
 * @example
 *   const adapter = await navigator.gpu.requestAdapter();
 *   const device = await requestLbmDevice(adapter!);
 *   const solver = await createWebGpuLbmSolver({ domain, physics, rho1, rho2 }, device);
 *   await solver.step(500);
 *   const mac = await solver.moments(); // mac[i] = electrolyte density of node i
 *   solver.destroy();
 */
export async function createWebGpuLbmSolver(options: WebGpuLbmOptions, device: GPUDevice): Promise<LbmSolver> {
  validateSolverOptions(options);
  const { domain, physics } = options;
  const { nx, ny, nz } = domain;
  const n = nx * ny * nz;
  if (options.rho1.length !== n || options.rho2.length !== n) throw new ConfigError('rho1/rho2', `${options.rho1.length}/${options.rho2.length}`, `${n} densities each`);
  if (domain.adhesion.length !== 3 * n) throw new ConfigError('domain.adhesion', domain.adhesion.length, `${3 * n} values`);
  // Mirrored side-wall nodes as (wall, source) pairs, handled by the density kernel's extra invocations.
  const pairList: number[] = [];
  // A wall whose source is solid stays a solid node (the other engines copy the solid marker).
  if (domain.mirror) for (let i = 0; i < n; i++) if (domain.mirror[i]! >= 0 && domain.node[domain.mirror[i]!] !== NODE.solid) pairList.push(i, domain.mirror[i]!);
  const mirrors = pairList.length / 2;
  const lim = device.limits;
  const cap = options.maxBindingBytes ?? Number.POSITIVE_INFINITY;
  const layout = planLayout(n, { maxStorageBufferBindingSize: Math.min(cap, lim.maxStorageBufferBindingSize), maxBufferSize: lim.maxBufferSize, maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage }, mirrors);
  const members = partMembers(layout);
  const partBytes = members.map((m) => m.length * 4 * n);
  const offsets = fieldOffsets(n, mirrors);

  // Dispatch shape: X workgroups per row (≤ the per-dimension limit), as many rows as needed.
  const maxThreads = n + mirrors;
  const groupsX = Math.min(Math.ceil(maxThreads / WORKGROUP), device.limits.maxComputeWorkgroupsPerDimension);
  const rowStride = groupsX * WORKGROUP;
  const rows = (threads: number): number => Math.ceil(Math.ceil(threads / WORKGROUP) / groupsX);

  const buffers: GPUBuffer[] = [];
  const buffer = (label: string, size: number, usage: number): GPUBuffer => {
    const b = device.createBuffer({ label, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    buffers.push(b);
    return b;
  };
  /** Uploads a typed array in ≤ 64 MiB pieces (a single multi-GB writeBuffer doubles host memory in Dawn's staging). */
  const upload = (target: GPUBuffer, offset: number, data: ArrayBufferView): void => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at < bytes.length; at += READBACK_CHUNK) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + READBACK_CHUNK));
      device.queue.writeBuffer(target, offset + at, piece);
    }
  };

  const params = buffer('lbm params', 80, UNIFORM | COPY_DST);
  {
    const p = new ArrayBuffer(80);
    const u = new Uint32Array(p);
    const f = new Float32Array(p);
    u.set([nx, ny, nz, n, nx * ny, options.periodicZ ? 1 : 0, rowStride, mirrors]);
    f.set([physics.g, 1 / physics.tau1, 1 / physics.tauOdd, 1 / physics.tau2, 1 / physics.tauOdd, physics.inletRho[0], physics.inletRho[1], physics.outletRho[0], physics.outletRho[1]], 8);
    u.set([offsets.kindsAt, offsets.pairsAt, 0], 17);
    device.queue.writeBuffer(params, 0, p);
  }
  // ρ1, ρ2 (the init kernel zeroes them on solid nodes), adhesion, packed kinds, mirror pairs.
  const fields = buffer('lbm fields', 4 * offsets.words, STORAGE | COPY_DST);
  upload(fields, 0, options.rho1);
  upload(fields, 4 * n, options.rho2);
  upload(fields, 8 * n, domain.adhesion);
  {
    const packed = new Uint8Array(Math.ceil(n / 4) * 4);
    packed.set(domain.node);
    upload(fields, 4 * offsets.kindsAt, packed);
  }
  if (mirrors) upload(fields, 4 * offsets.pairsAt, Uint32Array.from(pairList));
  const setA = partBytes.map((b, p) => buffer(`lbm f A${p}`, b, STORAGE | COPY_SRC));
  const setB = partBytes.map((b, p) => buffer(`lbm f B${p}`, b, STORAGE | COPY_SRC));
  const momentOut = buffer('lbm moment', 4 * n, STORAGE | COPY_SRC);

  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  const [collide, density, init, ...moment] = await Promise.all([
    pipeline(device, 'lbm collide', collideSource(layout)),
    pipeline(device, 'lbm density', densitySource(layout)),
    pipeline(device, 'lbm init', initSource(layout)),
    ...[0, 1, 2, 3, 4].map((m) => pipeline(device, `lbm moment ${m}`, momentSource(layout), { m })),
  ]);
  const entries = (first: number, list: GPUBuffer[]): GPUBindGroupEntry[] => list.map((b, k) => ({ binding: first + k, resource: { buffer: b } }));
  const group = (p: GPUComputePipeline, list: GPUBindGroupEntry[]): GPUBindGroup => device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: params } }, ...list] });
  const collideGroup = (from: GPUBuffer[], to: GPUBuffer[]): GPUBindGroup =>
    group(collide!, [...entries(1, [fields]), ...entries(2, from), ...entries(2 + layout.parts, to)]);
  const densityGroup = (of: GPUBuffer[]): GPUBindGroup => group(density!, [...entries(1, [fields]), ...entries(2, of)]);
  const groups = {
    collideAB: collideGroup(setA, setB),
    collideBA: collideGroup(setB, setA),
    densityA: densityGroup(setA),
    densityB: densityGroup(setB),
    init: group(init!, [...entries(1, [fields]), ...entries(2, setA)]),
    momentA: moment.map((p) => group(p, [...entries(1, [momentOut, fields]), ...entries(3, setA)])),
    momentB: moment.map((p) => group(p, [...entries(1, [momentOut, fields]), ...entries(3, setB)])),
  };
  {
    const enc = device.createCommandEncoder({ label: 'lbm init' });
    const pass = enc.beginComputePass();
    pass.setPipeline(init!);
    pass.setBindGroup(0, groups.init);
    pass.dispatchWorkgroups(groupsX, rows(n));
    pass.setPipeline(density!);
    pass.setBindGroup(0, groups.densityA);
    pass.dispatchWorkgroups(groupsX, rows(n + mirrors));
    pass.end();
    device.queue.submit([enc.finish()]);
  }
  const oom = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  if (oom || invalid) {
    for (const b of buffers) b.destroy();
    const e = (oom ?? invalid)!;
    throw new ImpossibleRequestError('lattice', `${nx}×${ny}×${nz} nodes`, `a WebGPU set-up that the device accepts (${e.message})`, 'a smaller volume or another engine');
  }

  let current: 'A' | 'B' = 'A';
  let done = 0;
  let staging: GPUBuffer | undefined;
  const adapterInfo = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const adapterName = adapterInfo ? [adapterInfo.vendor, adapterInfo.architecture, adapterInfo.device, adapterInfo.description].filter((s) => s).join(' ') : '';

  /** Copies `bytes` from `src` at `offset` into `out` (float offset `at`) through a reused ≤ 64 MiB staging buffer. */
  async function readBack(src: GPUBuffer, offset: number, bytes: number, out: Float32Array, at: number): Promise<void> {
    staging ??= buffer('lbm read-back', Math.min(READBACK_CHUNK, Math.max(bytes, 4 * n, 16)), MAP_READ | COPY_DST);
    for (let done = 0; done < bytes; ) {
      const size = Math.min(staging.size, bytes - done);
      const enc = device.createCommandEncoder({ label: 'lbm read-back' });
      enc.copyBufferToBuffer(src, offset + done, staging, 0, size);
      device.queue.submit([enc.finish()]);
      await staging.mapAsync(MAP_MODE_READ, 0, size);
      out.set(new Float32Array(staging.getMappedRange(0, size)), at + done / 4);
      staging.unmap();
      done += size;
    }
  }

  let destroyed = false;
  return {
    nodes: n,
    engine: 'webgpu',
    backend: () => (adapterName ? `webgpu wgsl (${adapterName})` : 'webgpu wgsl'),
    async step(steps) {
      if (destroyed) throw new Error('lbm webgpu solver: step() after destroy()');
      for (let left = steps; left > 0; ) {
        const batch = Math.min(STEPS_PER_SUBMIT, left);
        const enc = device.createCommandEncoder({ label: 'lbm steps' });
        const pass = enc.beginComputePass();
        for (let s = 0; s < batch; s++) {
          pass.setPipeline(collide!);
          pass.setBindGroup(0, current === 'A' ? groups.collideAB : groups.collideBA);
          pass.dispatchWorkgroups(groupsX, rows(n));
          pass.setPipeline(density!);
          pass.setBindGroup(0, current === 'A' ? groups.densityB : groups.densityA);
          pass.dispatchWorkgroups(groupsX, rows(n + mirrors));
          current = current === 'A' ? 'B' : 'A';
        }
        pass.end();
        device.queue.submit([enc.finish()]);
        left -= batch;
      }
      // Resolves when the device has run them: timings mean something, and errors surface here.
      await device.queue.onSubmittedWorkDone();
      done += steps;
    },
    async moments() {
      const out = new Float32Array(5 * n);
      const gs = current === 'A' ? groups.momentA : groups.momentB;
      for (let m = 0; m < 5; m++) {
        const enc = device.createCommandEncoder({ label: 'lbm moments' });
        const pass = enc.beginComputePass();
        pass.setPipeline(moment[m]!);
        pass.setBindGroup(0, gs[m]!);
        pass.dispatchWorkgroups(groupsX, rows(n));
        pass.end();
        device.queue.submit([enc.finish()]);
        await readBack(momentOut, 0, 4 * n, out, m * n);
      }
      return out;
    },
    async distributions() {
      const out = new Float32Array(2 * Q * n);
      const set = current === 'A' ? setA : setB;
      for (let p = 0; p < layout.parts; p++) {
        // Consecutive slots of a part are consecutive directions: one contiguous copy per part.
        const first = members[p]![0]!;
        await readBack(set[p]!, 0, partBytes[p]!, out, first * n);
      }
      return out;
    },
    stepsDone: () => done,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const b of buffers) b.destroy();
    },
  };
}

// The kernels hard-code the node kinds as 0 fluid, 1 solid, 2 inlet, 3 outlet: fail to compile if lattice.ts changes them.
const kindsTheKernelsAssume: { fluid: 0; solid: 1; inlet: 2; outlet: 3 } = NODE;
void kindsTheKernelsAssume;
