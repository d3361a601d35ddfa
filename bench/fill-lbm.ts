/// <reference types="@webgpu/types" />
import { freemem } from 'node:os';
import { copyBandwidth, runStandalone, summarize, type BenchRun, type Figure } from './lib.ts';
import { createCompute } from '../src/gpu/backend.ts';
import type { Compute } from '../src/gpu/backend.ts';
import { requestNodeWebGpuDevice } from '../src/gpu/webgpu-device.ts';
import { electrodeLattice, sphereElectrode } from './lbm-cases.ts';
import type { Case } from './lbm-cases.ts';
import { createWebGpuLbmSolver, WGSL_BYTES_PER_NODE } from '../sims/filling/lbm/webgpu-engine.ts';
import { createLbmSolver } from '../sims/filling/lbm/solver.ts';
import type { LbmSolver } from '../sims/filling/lbm/solver.ts';
import { createThreadedLbmSolver, defaultThreads } from '../sims/filling/lbm/threaded-engine.ts';
import { collideAndStream, computeMoments, equilibriumAtRest } from '../sims/filling/lbm/typed-array-engine.ts';
import { createWasmLbmSolver, WASM_BYTES_PER_NODE, wasmStreamBandwidth } from '../sims/filling/lbm/wasm-engine.ts';

/**
 * Lattice-Boltzmann filling speed on random-overlapping-sphere electrodes (ε ≈ 0.45; 64³ and 128³,
 * 256³ in the full run when memory allows): MLUPS of the plain reference step
 * (typed-array-engine.ts, the engine before the speed work), the fast TypedArray engine on one
 * thread and on every core, and the gpu.js kernels per backend; each as a ratio to the
 * copy-bandwidth bound and to the reference step, both measured in the same process.
 *
 * Bytes per node per step (float32, each datum counted once, every node counted as fluid):
 *  - reference step: reads the 38 distributions twice (moments, collision), writes them once
 *    (3 × 152 B), writes and reads 5 moments (40 B), adhesion 12 B, node kinds ~2 B: 510 B;
 *  - fast engine (one or more threads): collision reads 38 and writes 38 distributions (304 B), its
 *    densities (8 B), adhesion (12 B) and node kind (1 B); the density pass reads 38 again (152 B)
 *    and writes 2 (8 B): 485 B;
 *  - kernels: the reference traffic plus 6 force values written and read (48 B) and the densities
 *    read once more (8 B): 566 B;
 *  - WGSL engine (webgpu-engine.ts): the fast engine's traffic, 485 B (WGSL_BYTES_PER_NODE).
 *  - wasm engine (wasm-engine.ts, one or more threads): distributions read once and written once
 *    (304 B), adhesion (12 B), a 4-byte node-flag word (4 B) and the wall sums of the force
 *    (12 B): 332 B. Its ψ values stay in a
 *    per-thread ring of three planes in cache and the fused density pull re-reads planes the
 *    collision reads next, so neither counts (each datum once). It stores only the groups of 4
 *    nodes along x that hold pore space, so its bytes are per stored node: its share of the bound
 *    is computed on the stored nodes (the note gives their fraction), its MLUPS on every node.
 * The WGSL engine and the gpu.js webgpu kernels run on the same Dawn adapter in the same run; on
 * SwiftShader (software Vulkan, no GPU) only at 64³, with few steps: a side-by-side, not a GPU figure.
 * (A fused single-pass two-component code needs ~321 B: see ANCHORS.md.) The wasm rows also give
 * their share against that 321 B anchor and their speed-ups over the one-thread JS engine and
 * over the one-thread wasm engine, all measured in this run, and their share of the kernel's own
 * vector copy (streamCopy in lbm.wasm): memcpy's non-temporal stores skip the read of each
 * destination line that every wasm store pays, so that copy is the ceiling of a two-array step here.
 */
type Engine = 'reference' | 'single' | 'threaded' | 'kernels' | 'wgsl' | 'wasm-single' | 'wasm-threaded';
const BYTES_PER_NODE: Record<Engine, number> = { reference: 510, single: 485, threaded: 485, kernels: 566, wgsl: WGSL_BYTES_PER_NODE, 'wasm-single': WASM_BYTES_PER_NODE, 'wasm-threaded': WASM_BYTES_PER_NODE };
/** ANCHORS.md minimum for a fused two-component code, B/node/step. */
const ANCHOR_BYTES = 321;

/** The plain reference step wrapped as a solver, to time it the same way as the engines. */
function referenceSolver(c: Case): LbmSolver {
  let f: Float32Array = equilibriumAtRest(c.rho1, c.rho2, c.domain.node);
  let g: Float32Array = f.slice();
  const n = c.domain.node.length;
  const mac = new Float32Array(5 * n);
  let done = 0;
  return {
    nodes: n,
    engine: 'typed-array',
    backend: () => 'reference',
    async step(steps) {
      for (let s = 0; s < steps; s++) {
        computeMoments(f, c.domain.node, mac);
        collideAndStream({ domain: c.domain, periodicZ: false }, c.physics, f, mac, g);
        [f, g] = [g, f];
      }
      done += steps;
    },
    async moments() {
      computeMoments(f, c.domain.node, mac);
      return mac.slice();
    },
    async distributions() {
      return f.slice();
    },
    stepsDone: () => done,
    destroy() {},
  };
}

async function mlups(solver: LbmSolver, steps: number, repeats: number): Promise<{ median: number; min: number; max: number }> {
  try {
    // Warm-up: JIT, worker start, kernel compilation and the pipeline for this step count.
    await solver.step(steps);
    const rates: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await solver.step(steps);
      rates.push((solver.nodes * steps) / ((performance.now() - t0) / 1000) / 1e6);
    }
    const s = summarize(rates);
    return { median: s.median, min: s.min, max: s.max };
  } finally {
    solver.destroy();
  }
}

export const run: BenchRun = async ({ quick }) => {
  const figures: Figure[] = [];
  const bw = copyBandwidth();
  const threads = defaultThreads();
  const repeats = quick ? 1 : 3;
  figures.push({ name: 'copy bandwidth (one thread)', unit: 'GB/s', median: bw.bytesPerSecond / 1e9, repeats: bw.repeats, note: 'STREAM-like Float32Array copy, read + write counted' });
  // The same copy as the kernel's own vector loop: what a two-array step can move in wasm here
  // (its stores read each line first, memcpy's non-temporal stores do not).
  const stream = await wasmStreamBandwidth();
  figures.push({ name: 'wasm vector copy (one thread)', unit: 'GB/s', median: stream / 1e9, repeats: 5, ratio: { to: 'copy bandwidth', value: stream / bw.bytesPerSecond }, note: 'streamCopy in lbm.wasm, 256 MiB, read + write counted, write-allocate included' });
  const targets: { label: string; engine: Engine; backend?: 'cpu' | 'webasm' | 'webgpu' }[] = [
    { label: 'reference step', engine: 'reference' },
    { label: 'typed-array 1 thread', engine: 'single' },
    { label: `typed-array ${threads} threads`, engine: 'threaded' },
    { label: 'wasm-simd 1 thread', engine: 'wasm-single' },
    { label: `wasm-simd ${threads} threads`, engine: 'wasm-threaded' },
    { label: 'gpu.js cpu kernels', engine: 'kernels', backend: 'cpu' },
    { label: 'gpu.js webasm kernels', engine: 'kernels', backend: 'webasm' },
    { label: 'gpu.js webgpu kernels', engine: 'kernels', backend: 'webgpu' },
    { label: 'WGSL engine (webgpu)', engine: 'wgsl', backend: 'webgpu' },
  ];
  // 256³ (17.4 M nodes, two 5.3 GB distribution buffers) only for the CPU engines and the WGSL engine, in the full run.
  const sizes = quick ? [64] : freemem() > 14e9 ? [64, 128, 256] : [64, 128];
  for (const size of sizes) {
    const c = electrodeLattice(sphereElectrode(size, 7));
    const nodes = c.domain.node.length;
    let referenceRate = Number.NaN;
    let jsRate = Number.NaN;
    let wasmRate = Number.NaN;
    for (const t of targets) {
      if (size === 256 && t.engine !== 'single' && t.engine !== 'threaded' && t.engine !== 'wgsl') continue;
      // wasm32 memory holds at most ~13 M stored nodes (two 152 B/node buffers in 4 GiB).
      if (size > 128 && t.engine.startsWith('wasm')) continue;
      // The plain gpu.js cpu mode and the reference step are too slow to say more above 64³.
      if (size > 64 && (t.backend === 'cpu' || t.engine === 'reference')) continue;
      let compute: Compute | undefined;
      let device: GPUDevice | undefined;
      let adapter: string | undefined;
      const name = `lbm ${size}³ ${t.label}`;
      try {
        if (t.engine === 'wgsl') {
          const d = await requestNodeWebGpuDevice();
          if (!d.device) throw new Error(d.why);
          device = d.device;
          adapter = d.adapterName;
        } else if (t.backend) {
          compute = await createCompute({ backend: t.backend });
          adapter = compute.adapter;
        }
        // SwiftShader (software Vulkan) says nothing about a GPU, and above 64³ would take minutes:
        // it runs the two WebGPU rows side by side at 64³ only.
        const software = t.backend === 'webgpu' && /swiftshader/i.test(adapter ?? '');
        if (software && size > 64) {
          figures.push({ name, unit: 'MLUPS', median: Number.NaN, note: `skipped above 64³: adapter ${adapter}` });
          continue;
        }
        const steps = size === 256 ? 2 : software ? 2 : t.engine === 'kernels' || t.engine === 'reference' ? (quick || size > 64 ? 3 : 5) : t.engine === 'wgsl' ? (quick ? 20 : 100) : t.engine.startsWith('wasm') ? (quick ? 10 : 20) : quick ? 5 : 20;
        const solver =
          t.engine === 'reference'
            ? referenceSolver(c)
            : t.engine === 'single'
              ? createLbmSolver({ ...c, engine: 'typed-array' })
              : t.engine === 'threaded'
                ? await createThreadedLbmSolver(c, threads)
                : t.engine === 'wgsl'
                  ? await createWebGpuLbmSolver(c, device!)
                  : t.engine === 'wasm-single'
                    ? await createWasmLbmSolver(c, 1)
                    : t.engine === 'wasm-threaded'
                      ? await createWasmLbmSolver(c, threads)
                      : createLbmSolver({ ...c, engine: 'kernels', ...(compute ? { compute } : {}) });
        const m = await mlups(solver, steps, repeats);
        if (t.engine === 'reference') referenceRate = m.median;
        if (t.engine === 'single') jsRate = m.median;
        if (t.engine === 'wasm-single') wasmRate = m.median;
        const bytes = BYTES_PER_NODE[t.engine];
        const bound = bw.bytesPerSecond / bytes / 1e6;
        // Engines that store only the groups holding pore space (wasm) move bytes for those nodes
        // alone: their share of the bound counts the stored nodes, the MLUPS every lattice node.
        const stored = (solver.storedNodes ?? nodes) / nodes;
        const moved = m.median * stored;
        let vsReference = Number.isFinite(referenceRate) && t.engine !== 'reference' ? `; ×${(m.median / referenceRate).toFixed(2)} the reference step` : '';
        if (t.engine.startsWith('wasm')) {
          const anchor = moved / (bw.bytesPerSecond / ANCHOR_BYTES / 1e6);
          vsReference += `; stores ${(100 * stored).toFixed(1)} % of the nodes (groups of 4 along x holding pore space), ${moved.toFixed(2)} M stored-node updates/s`;
          vsReference += `; share ${anchor.toFixed(3)} of the bound at the ANCHORS ${ANCHOR_BYTES} B/node/step`;
          vsReference += `; share ${(moved / (stream / bytes / 1e6)).toFixed(3)} of the wasm vector-copy bound`;
          if (Number.isFinite(jsRate)) vsReference += `; ×${(m.median / jsRate).toFixed(2)} typed-array 1 thread`;
          if (t.engine === 'wasm-threaded' && Number.isFinite(wasmRate)) vsReference += `; ×${(m.median / wasmRate).toFixed(2)} wasm-simd 1 thread`;
        }
        figures.push({
          name: `${name}${adapter ? ` (${adapter})` : ''}`,
          unit: 'MLUPS',
          median: m.median,
          min: m.min,
          max: m.max,
          repeats,
          ratio: { to: `one-thread copy-bandwidth bound ${bound.toFixed(1)} MLUPS at ${bytes} B/${solver.storedNodes === undefined ? 'node' : 'stored node'}/step`, value: moved / bound },
          note: `${nodes} lattice nodes (volume + reservoirs + walls), ${steps} steps per repeat${vsReference}`,
        });
      } catch (e) {
        figures.push({ name, unit: 'MLUPS', median: Number.NaN, note: `unavailable: ${(e as Error).message.slice(0, 120)}` });
      } finally {
        compute?.destroy();
        device?.destroy();
      }
    }
  }
  // The wasm kernel's arithmetic ceiling: a lattice whose two distribution buffers (~7 MB) stay in
  // the last-level cache, so no step waits on DRAM. Its share of the bound says how far the kernel
  // could go at 64³ if every memory stall were hidden.
  try {
    const small = electrodeLattice(sphereElectrode(20, 7));
    const solver = await createWasmLbmSolver(small, 1);
    const stored = solver.storedNodes! / solver.nodes;
    const m = await mlups(solver, quick ? 100 : 300, repeats);
    const bound = bw.bytesPerSecond / WASM_BYTES_PER_NODE / 1e6;
    figures.push({
      name: 'lbm 20³ wasm-simd 1 thread (lattice in cache: the arithmetic ceiling)',
      unit: 'MLUPS',
      median: m.median,
      min: m.min,
      max: m.max,
      repeats,
      ratio: { to: `one-thread copy-bandwidth bound ${bound.toFixed(1)} MLUPS at ${WASM_BYTES_PER_NODE} B/stored node/step`, value: (m.median * stored) / bound },
      note: `${small.domain.node.length} lattice nodes, stores ${(100 * stored).toFixed(1)} %, ${(m.median * stored).toFixed(2)} M stored-node updates/s; ${quick ? 100 : 300} steps per repeat`,
    });
  } catch (e) {
    figures.push({ name: 'lbm 20³ wasm-simd 1 thread (lattice in cache)', unit: 'MLUPS', median: Number.NaN, note: `unavailable: ${(e as Error).message.slice(0, 120)}` });
  }
  return figures;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
