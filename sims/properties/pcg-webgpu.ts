import { interiorGl, type DiffusionProblem } from './diffusion-problem.ts';

/**
 * Jacobi-preconditioned conjugate gradients for the tortuosity system, as WGSL compute shaders on
 * a WebGPU device. Browser-safe: it needs only a GPUDevice (Node gets one from Dawn through
 * src/gpu/webgpu-device.ts).
 *
 * The system is the CPU engines' (diffusion-problem.ts): (A c)_q = reservoir_q·c_q + Σ g·(c_q − c_nb)
 * with the stored float32 harmonic face conductances, b = the inlet conductance on the first
 * plane. A·v is always evaluated in that difference form, with the reservoir terms taken from the
 * inlet/outlet conductances themselves, so the operator has exactly zero row sums in the interior:
 * forming it from a stored diagonal (diag·c − Σ g·c_nb) would bias τ by ~1e-7·L² in float32.
 *
 * Why Jacobi and not the CPU engine's multigrid V-cycle: the V-cycle's red–black Gauss–Seidel
 * smoothing, Galerkin hierarchy and per-level restriction/prolongation are ~15 more kernels and
 * buffers that would not fit the 40 B/voxel budget without a compact active-cell layout; Jacobi
 * PCG is 5 streaming dispatches per iteration that a GPU runs at memory bandwidth. It needs more
 * iterations (∝ n: measured in sims/properties/README.md), each of which is ~1/8 of the work of
 * a V-cycle iteration.
 *
 * Everything stays on the device. Per iteration: q = A·p with p·q reduced per workgroup (1), one
 * workgroup sums the partials and forms α (2), x += α p, r −= α q, z = r/diag with r·z reduced (3),
 * β formed (4), p = z + β p (5). α, β and r·z live in a device buffer; nothing is read back between
 * convergence checks, which read only the L + 1 plane fluxes (reduced on the device).
 *
 * Device memory, float32 throughout: x, r, p, q and the conductances ga, gb, gl and 1/diag, each
 * over the padded grid (a·b·(L + 2) cells): 32 bytes per voxel, plus the inlet and outlet
 * conductances (8 bytes per cell of one plane), the partial sums (16 KiB with the hardware
 * layout, 32 KiB with the software one, see PcgTuning) and the L + 1 plane fluxes. 512³ needs 4.3 GB (8 buffers of 539 MB: within a 1 GiB binding limit).
 */
export interface WebGpuPcg {
  /** Encodes and submits `iterations` PCG iterations (nothing is read back). */
  iterate(iterations: number): void;
  /**
   * Recomputes r = b − A x from the current x and restarts CG along z (residual replacement). In
   * float32 the recurrence residual drifts from the true one until the updates stall (measured: the
   * 45° channel stopped at a flux non-uniformity of 1.2e-5); a restart resumes convergence.
   */
  restart(): void;
  /**
   * The flux through each of the L + 1 planes (inlet, the L − 1 internal planes, outlet) of the
   * current field, as checkFlux computes it, reduced on the device (Kahan-summed float32).
   */
  planeFlux(): Promise<Float64Array>;
  /** The current field in the problem's padded layout (for tests: one full read-back). */
  readField(): Promise<Float32Array>;
  /** rᵀz of the current iteration (0 once the residual vanishes; NaN if the solve broke down). */
  readRz(): Promise<number>;
  /** Bytes of device memory held, all buffers counted. */
  readonly deviceBytes: number;
  /** deviceBytes per voxel of the unpadded grid. */
  readonly bytesPerVoxel: number;
  destroy(): void;
}

/**
 * How the kernels map onto the device. Hardware GPUs run barriers almost for free, so each
 * workgroup reduces its threads' partial sums in workgroup memory and writes one value, and one
 * 256-thread workgroup sums those. SwiftShader (Vulkan on the CPU) runs a workgroup's invocations
 * as coroutines and pays ~0.4 ms per workgroup per barrier (measured: one barrier in 128 groups of
 * 256 turned a 1.1 ms dispatch into 50 ms), so on a software adapter no kernel has a barrier:
 * every thread writes its own partial, few threads stream the grid, and one thread sums.
 */
export interface PcgTuning {
  /** Threads per workgroup of the streaming kernels. */
  workgroup: number;
  /** At most this many workgroups per streaming dispatch (threads stride over the grid). */
  maxGroups: number;
  /** Reduce partials in workgroup memory (one per workgroup) rather than one per thread. */
  tree: boolean;
  /** Threads of the single workgroup that sums the partials, and of each plane-flux workgroup. */
  reduceThreads: number;
}

/**
 * The tuning for an adapter: `software` for SwiftShader-like CPU implementations.
 * Hardware: 256-thread workgroups, at most 4096 of them (~1 M threads: several per core of the
 * largest GPUs, enough to saturate memory bandwidth, with a 16 KiB partial-sum array).
 *
 * @param software whether the adapter runs on the CPU (see isSoftwareAdapter in src/gpu/webgpu-device.ts).
 * @returns the kernel layout to pass to createWebGpuPcg.
 * @example createWebGpuPcg(device, problem, x0, pcgTuning(report.software))
 */
export function pcgTuning(software: boolean): PcgTuning {
  return software ? { workgroup: 64, maxGroups: 128, tree: false, reduceThreads: 1 } : { workgroup: 256, maxGroups: 4096, tree: true, reduceThreads: 256 };
}

function wgSumFn(name: string, size: number): string {
  if (size === 1) return `fn ${name}(lid: u32, v: f32) -> f32 { return v; }`;
  return /* wgsl */ `
var<workgroup> sh_${name}: array<f32, ${size}>;
// Tree sum of one value per thread; the result is returned to every thread.
fn ${name}(lid: u32, v: f32) -> f32 {
  sh_${name}[lid] = v;
  workgroupBarrier();
  for (var s = ${size / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh_${name}[lid] += sh_${name}[lid + s]; }
    workgroupBarrier();
  }
  let total = sh_${name}[0];
  workgroupBarrier();
  return total;
}`;
}

const PARAMS = /* wgsl */ `
struct Params { a: u32, plane: u32, pad: u32, n: u32, groups: u32, L: u32, parts: u32 }
@group(0) @binding(0) var<uniform> P: Params;`;

/** WGSL for (A·v)_p in difference form (see the module comment); `p` is the padded index. */
function applyA(v: string): string {
  return /* wgsl */ `
    let c = ${v}[p];
    let i = p - P.pad;
    var res = 0.0;
    if (i < P.plane) { res += bnd[i]; }
    if (i >= P.n - P.plane) { res += bnd[P.plane + i - (P.n - P.plane)]; }
    let av = res * c
      + ga[p - 1u] * (c - ${v}[p - 1u]) + ga[p] * (c - ${v}[p + 1u])
      + gb[p - P.a] * (c - ${v}[p - P.a]) + gb[p] * (c - ${v}[p + P.a])
      + gl[p - P.plane] * (c - ${v}[p - P.plane]) + gl[p] * (c - ${v}[p + P.plane]);`;
}

const OPERATOR_BINDINGS = /* wgsl */ `
@group(0) @binding(1) var<storage, read> ga: array<f32>;
@group(0) @binding(2) var<storage, read> gb: array<f32>;
@group(0) @binding(3) var<storage, read> gl: array<f32>;
@group(0) @binding(4) var<storage, read> bnd: array<f32>;`;

/** The WGSL sources for one tuning. */
function shaders(t: PcgTuning) {
  const WG = t.workgroup;
  const head = `${PARAMS}\n${t.tree ? wgSumFn('wgSum', WG) : ''}`;
  const entry = (size: number): string =>
    `@compute @workgroup_size(${size}) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u)`;
  /** Grid-stride loop over the interior cells: `body` sees the padded index p. */
  const gridLoop = (body: string): string => /* wgsl */ `
  for (var i0 = gid.x; i0 < P.n; i0 += P.groups * ${WG}u) {
    let p = i0 + P.pad;
    ${body}
  }`;
  /** Stores this thread's (tree: this workgroup's) partial sum. */
  const storePartial = t.tree ? 'let s = wgSum(lid, acc);\n  if (lid == 0u) { part[wid.x] = s; }' : 'part[gid.x] = acc;';
  return {
    /** r = b − A x. */
    init: /* wgsl */ `${head}${OPERATOR_BINDINGS}
@group(0) @binding(5) var<storage, read> x: array<f32>;
@group(0) @binding(6) var<storage, read_write> r: array<f32>;
${entry(WG)} {
  ${gridLoop(`${applyA('x')}
    var b = 0.0;
    if (i < P.plane) { b = bnd[i]; }
    r[p] = b - av;`)}
}`,
    /** p = z = r/diag (first direction), partial rᵀz. */
    precondition: /* wgsl */ `${head}
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read> invd: array<f32>;
@group(0) @binding(3) var<storage, read_write> d: array<f32>;
@group(0) @binding(4) var<storage, read_write> part: array<f32>;
${entry(WG)} {
  var acc = 0.0;
  ${gridLoop(`let z = r[p] * invd[p];
    d[p] = z;
    acc += r[p] * z;`)}
  ${storePartial}
}`,
    /** q = A p, partial pᵀq. */
    matvec: /* wgsl */ `${head}${OPERATOR_BINDINGS}
@group(0) @binding(5) var<storage, read> d: array<f32>;
@group(0) @binding(6) var<storage, read_write> q: array<f32>;
@group(0) @binding(7) var<storage, read_write> part: array<f32>;
${entry(WG)} {
  var acc = 0.0;
  ${gridLoop(`${applyA('d')}
    q[p] = av;
    acc += c * av;`)}
  ${storePartial}
}`,
    /** x += α p, r −= α q, partial rᵀz with z = r/diag. */
    update: /* wgsl */ `${head}
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> r: array<f32>;
@group(0) @binding(3) var<storage, read> d: array<f32>;
@group(0) @binding(4) var<storage, read> q: array<f32>;
@group(0) @binding(5) var<storage, read> invd: array<f32>;
@group(0) @binding(6) var<storage, read_write> part: array<f32>;
@group(0) @binding(7) var<storage, read> S: array<f32, 4>;
${entry(WG)} {
  let alpha = S[1];
  var acc = 0.0;
  ${gridLoop(`x[p] += alpha * d[p];
    let rn = r[p] - alpha * q[p];
    r[p] = rn;
    acc += rn * rn * invd[p];`)}
  ${storePartial}
}`,
    /** p = z + β p. */
    direction: /* wgsl */ `${head}
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read> invd: array<f32>;
@group(0) @binding(3) var<storage, read_write> d: array<f32>;
@group(0) @binding(4) var<storage, read> S: array<f32, 4>;
${entry(WG)} {
  let beta = S[2];
  ${gridLoop(`d[p] = r[p] * invd[p] + beta * d[p];`)}
}`,
    /**
     * One workgroup sums the partials; S = [rᵀz, α, β, pᵀq]. mode 0: rᵀz of the start; 1: α =
     * rᵀz/pᵀq; 2: β = rᵀz_new/rᵀz and rᵀz = rᵀz_new. A zero denominator (converged exactly) gives
     * 0, which leaves x unchanged from then on.
     */
    reduce: /* wgsl */ `${PARAMS}
${wgSumFn('redSum', t.reduceThreads)}
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> S: array<f32, 4>;
override mode: u32;
${entry(t.reduceThreads)} {
  var acc = 0.0;
  for (var k = lid; k < P.parts; k += ${t.reduceThreads}u) { acc += part[k]; }
  let total = redSum(lid, acc);
  if (lid == 0u) {
    if (mode == 0u) {
      S[0] = total;
    } else if (mode == 1u) {
      S[3] = total;
      S[1] = select(0.0, S[0] / total, total > 0.0);
    } else {
      S[2] = select(0.0, total / S[0], S[0] > 0.0);
      S[0] = total;
    }
  }
}`,
    /**
     * Plane fluxes, one workgroup per plane k = 0..L: the inlet Σ g_in·(1 − c), the internal planes
     * Σ g_l·(c − c_next), the outlet Σ g_out·c. Kahan sums per thread keep float32 rounding out of
     * the non-uniformity the convergence check compares with tol.
     */
    flux: /* wgsl */ `${PARAMS}
${wgSumFn('fluxSum', t.reduceThreads)}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gl: array<f32>;
@group(0) @binding(3) var<storage, read> bnd: array<f32>;
@group(0) @binding(4) var<storage, read_write> flux: array<f32>;
${entry(t.reduceThreads)} {
  let k = wid.x;
  var sum = 0.0;
  var comp = 0.0;
  for (var j = lid; j < P.plane; j += ${t.reduceThreads}u) {
    var t = 0.0;
    if (k == 0u) {
      t = bnd[j] * (1.0 - x[P.pad + j]);
    } else if (k == P.L) {
      t = bnd[P.plane + j] * x[P.pad + (P.L - 1u) * P.plane + j];
    } else {
      let p = P.pad + (k - 1u) * P.plane + j;
      t = gl[p] * (x[p] - x[p + P.plane]);
    }
    let y = t - comp;
    let s2 = sum + y;
    comp = (s2 - sum) - y;
    sum = s2;
  }
  let total = fluxSum(lid, sum);
  if (lid == 0u) { flux[k] = total; }
}`,
  };
}

type ShaderName = keyof ReturnType<typeof shaders>;

/**
 * Uploads the problem and starts Jacobi-preconditioned CG from `x0` on `device`.
 *
 * @param device a WebGPU device whose maxStorageBufferBindingSize and maxBufferSize hold
 *   4·a·b·(L + 2) bytes (raise them when requesting the device, see src/gpu/webgpu-device.ts).
 * @param problem the finite-volume system (diffusion-problem.ts), percolating cells only.
 * @param x0 the starting field in the padded layout (e.g. linearGuess), 0 outside the cluster.
 * @param tuning kernel layout: pcgTuning(true) on a software adapter (default: hardware).
 * @returns the solver state: iterate on the device, read back plane fluxes to check convergence.
 * @throws Error when the grid needs larger buffers than the device allows.
 * @example
 *   const pcg = createWebGpuPcg(device, problem, linearGuess(problem, new Float32Array(problem.ga.length)));
 *   pcg.iterate(20);
 *   const fluxes = await pcg.planeFlux(); // then fluxStats(fluxes, problem.dims)
 *   pcg.destroy();
 */
export function createWebGpuPcg(device: GPUDevice, problem: DiffusionProblem, x0: ArrayLike<number>, tuning: PcgTuning = pcgTuning(false)): WebGpuPcg {
  const [a, b, L] = problem.dims;
  const plane = a * b;
  const n = plane * L;
  const total = problem.ga.length;
  const fieldBytes = total * 4;
  const maxBinding = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (fieldBytes > maxBinding) {
    throw new Error(
      `tortuosity on WebGPU: a ${a}×${b}×${L} grid needs ${fieldBytes} bytes per buffer, the device allows ${maxBinding} (maxStorageBufferBindingSize/maxBufferSize)`,
    );
  }
  const groups = Math.min(Math.ceil(n / tuning.workgroup), tuning.maxGroups);
  const parts = tuning.tree ? groups : groups * tuning.workgroup;
  const SHADERS = shaders(tuning);
  const buffers: GPUBuffer[] = [];
  let deviceBytes = 0;
  const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const make = (size: number, usage: number = STORAGE): GPUBuffer => {
    const buf = device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    buffers.push(buf);
    deviceBytes += buf.size;
    return buf;
  };
  const upload = (data: Float32Array): GPUBuffer => {
    const buf = make(data.byteLength);
    device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
    return buf;
  };
  const params = make(32, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  device.queue.writeBuffer(params, 0, new Uint32Array([a, plane, problem.pad, n, groups, L, parts, 0]));
  const ga = upload(problem.ga);
  const gb = upload(problem.gb);
  // The shaders take the reservoir terms from the boundary planes (bnd), not from gl.
  const gl = upload(interiorGl(problem));
  const invDiag = new Float32Array(total);
  for (let q = 0; q < total; q++) invDiag[q] = Math.abs(problem.signedInvDiag[q]!);
  const invd = upload(invDiag);
  const boundary = new Float32Array(2 * plane);
  boundary.set(problem.inlet, 0);
  boundary.set(problem.outlet, plane);
  const bnd = upload(boundary);
  const x = upload(Float32Array.from(x0));
  const r = make(fieldBytes);
  const d = make(fieldBytes);
  const q = make(fieldBytes);
  const part = make(parts * 4);
  const scalars = make(16);
  const flux = make((L + 1) * 4);
  const stageFlux = device.createBuffer({ size: Math.max(16, (L + 1) * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const stageScalars = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  buffers.push(stageFlux, stageScalars);
  deviceBytes += stageFlux.size + stageScalars.size;

  const pipeline = (name: ShaderName, constants?: Record<string, number>): GPUComputePipeline =>
    device.createComputePipeline({
      label: `tortuosity pcg ${name}`,
      layout: 'auto',
      compute: { module: device.createShaderModule({ label: name, code: SHADERS[name] }), entryPoint: 'main', ...(constants ? { constants } : {}) },
    });
  const bind = (p: GPUComputePipeline, list: GPUBuffer[]): GPUBindGroup =>
    device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: [params, ...list].map((buffer, binding) => ({ binding, resource: { buffer } })) });

  const op = [ga, gb, gl, bnd];
  const pInit = pipeline('init');
  const pPre = pipeline('precondition');
  const pMat = pipeline('matvec');
  const pUpd = pipeline('update');
  const pDir = pipeline('direction');
  const pRed0 = pipeline('reduce', { mode: 0 });
  const pRed1 = pipeline('reduce', { mode: 1 });
  const pRed2 = pipeline('reduce', { mode: 2 });
  const pFlux = pipeline('flux');
  type Step = [GPUComputePipeline, GPUBindGroup, number];
  const init: Step[] = [
    [pInit, bind(pInit, [...op, x, r]), groups],
    [pPre, bind(pPre, [r, invd, d, part]), groups],
    [pRed0, bind(pRed0, [part, scalars]), 1],
  ];
  const iteration: Step[] = [
    [pMat, bind(pMat, [...op, d, q, part]), groups],
    [pRed1, bind(pRed1, [part, scalars]), 1],
    [pUpd, bind(pUpd, [x, r, d, q, invd, part, scalars]), groups],
    [pRed2, bind(pRed2, [part, scalars]), 1],
    [pDir, bind(pDir, [r, invd, d, scalars]), groups],
  ];
  const fluxStep: Step = [pFlux, bind(pFlux, [x, gl, bnd, flux]), L + 1];

  const submit = (steps: Step[], repeat: number, after?: (enc: GPUCommandEncoder) => void): void => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    // Each dispatch is its own synchronisation scope in WebGPU: storage writes of one are visible
    // to the next, so one pass holds any number of iterations.
    for (let k = 0; k < repeat; k++) {
      for (const [p, g, count] of steps) {
        pass.setPipeline(p);
        pass.setBindGroup(0, g);
        pass.dispatchWorkgroups(count);
      }
    }
    pass.end();
    after?.(enc);
    device.queue.submit([enc.finish()]);
  };
  const readBack = async (src: GPUBuffer, stage: GPUBuffer, bytes: number, steps: Step[] = []): Promise<Float32Array> => {
    submit(steps, 1, (enc) => enc.copyBufferToBuffer(src, 0, stage, 0, bytes));
    await stage.mapAsync(GPUMapMode.READ, 0, bytes);
    const out = new Float32Array(stage.getMappedRange(0, bytes).slice(0));
    stage.unmap();
    return out;
  };

  submit(init, 1);
  const voxels = n;
  return {
    iterate(iterations) {
      // Long chains are split so that one submission never holds the queue for seconds (a
      // watchdog may reset the device; the browser's would).
      for (let done = 0; done < iterations; done += 50) submit(iteration, Math.min(50, iterations - done));
    },
    restart() {
      submit(init, 1);
    },
    async planeFlux() {
      return Float64Array.from(await readBack(flux, stageFlux, (L + 1) * 4, [fluxStep]));
    },
    async readField() {
      const stage = device.createBuffer({ size: fieldBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      try {
        return await readBack(x, stage, fieldBytes);
      } finally {
        stage.destroy();
      }
    },
    async readRz() {
      return (await readBack(scalars, stageScalars, 16))[0]!;
    },
    deviceBytes,
    bytesPerVoxel: deviceBytes / voxels,
    destroy() {
      for (const buf of buffers) buf.destroy();
    },
  };
}
