/// <reference types="@webgpu/types" />
/**
 * The prepared GPU benchmark: one JSON file with the WebGPU adapter and driver, the bandwidth bound
 * (a WGSL copy kernel, read + write counted), the WGSL lattice-Boltzmann engine's MLUPS on
 * random-overlapping-sphere electrodes (bench/lbm-cases.ts, as bench/fill-lbm.ts builds them) at
 * 128³ and 256³ with their share of the bound, issue 13's 96³ calendered electrode filled to its
 * plateau by that engine through fillLbm (`fills`; MESOLAB_GPU_FILL_LIMIT_S, default 240 s;
 * MESOLAB_GPU_FILL_CASES, a JSON array of { seed, am, cbd, lateral, limitS? }, runs other cases instead;
 * MESOLAB_GPU_ONLY=fill skips every other section), and the sections of two optional modules:
 * bench/gpu-tau.ts (`gpuTortuosityFigures`) and bench/gpu-dnn.ts (`gpuDnnFigures`), each recorded as
 * `{ "missing": "<why>" }` when absent and `{ "error": "<message>" }` when it throws.
 *
 * Runs from the sources (`node bin/run-ts.js bench/gpu.ts [--quick] [--out file.json]`) or bundled
 * by `bench/gpu.sh pack` on a machine without Node (`bench/gpu.sh run <dir> <out.json>`).
 * Output path: --out <file>, else the first plain argument, else $OUT (a directory gets gpu-bench.json).
 * --quick: 64³ only, smaller copy buffer (a check of the whole path, e.g. on SwiftShader).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestNodeWebGpuDevice } from '../src/gpu/webgpu-device.ts';
import { createWebGpuLbmSolver, WGSL_BYTES_PER_NODE } from '../sims/filling/lbm/webgpu-engine.ts';
import { copySource } from '../sims/filling/lbm/webgpu-wgsl.ts';
import { NODE } from '../sims/filling/lbm/lattice.ts';
import { electrodeLattice, sphereElectrode } from './lbm-cases.ts';
import { createCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import { fillLbm } from '../sims/filling/lbm/fill.ts';
import { electrode, filledShareByQuarterBelowHalf, outletQuarterBelowHalf } from './fill-cases.ts';

type Json = Record<string, unknown>;

function median(values: number[]): { median: number; min: number; max: number; repeats: number } {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s[s.length - 1]!, repeats: s.length };
}

function outputPath(argv: string[]): string {
  const k = argv.indexOf('--out');
  const given = k >= 0 ? argv[k + 1] : argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--out');
  const p = given ?? process.env.OUT;
  if (!p) throw new Error('usage: gpu.ts [--quick] (--out <file.json> | <file.json> | $OUT set)');
  return existsSync(p) && statSync(p).isDirectory() ? join(p, 'gpu-bench.json') : p;
}

/** Copy bandwidth of a vec4 WGSL copy kernel, GB/s with read + write counted: the bound of a memory-bound kernel. */
async function copyBandwidth(device: GPUDevice, quick: boolean): Promise<Json> {
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const bytes = Math.min(quick ? 64 * 2 ** 20 : 1024 * 2 ** 20, Math.floor(limit / 16) * 16);
  const count = bytes / 16;
  const wg = 256;
  const groups = Math.ceil(count / wg);
  const gx = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
  const gy = Math.ceil(groups / gx);
  const src = device.createBuffer({ size: bytes, usage: 0x80 | 0x08 });
  const dst = device.createBuffer({ size: bytes, usage: 0x80 });
  const uni = device.createBuffer({ size: 16, usage: 0x40 | 0x08 });
  device.queue.writeBuffer(uni, 0, Uint32Array.from([count, gx * wg, 0, 0]));
  const module = device.createShaderModule({ code: copySource(wg) });
  const pipe = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const group = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [uni, src, dst].map((b, i) => ({ binding: i, resource: { buffer: b } })) });
  const run = async (dispatches: number): Promise<number> => {
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, group);
    for (let d = 0; d < dispatches; d++) pass.dispatchWorkgroups(gx, gy);
    pass.end();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / 1000;
  };
  await run(2);
  // About half a second per repeat, at least 4 dispatches (amortises the submit and wait).
  const probe = await run(4);
  const dispatches = Math.max(4, Math.min(2000, Math.round((4 * 0.5) / Math.max(probe, 1e-4))));
  const rates: number[] = [];
  for (let r = 0; r < 5; r++) rates.push((2 * bytes * dispatches) / (await run(dispatches)) / 1e9);
  for (const b of [src, dst, uni]) b.destroy();
  return { unit: 'GB/s', ...median(rates), bufferBytes: bytes, dispatchesPerRepeat: dispatches, note: 'vec4<f32> copy kernel, one invocation per 16 B, read + write counted' };
}

/** MLUPS of the WGSL engine on an electrode of `size`³ voxels, and its share of the copy bound. */
async function lbmFigure(device: GPUDevice, size: number, boundGBs: number): Promise<Json> {
  const t0 = performance.now();
  const c = electrodeLattice(sphereElectrode(size, 7));
  const { nx, ny, nz } = c.domain;
  const n = nx * ny * nz;
  let fluid = 0;
  for (let i = 0; i < n; i++) if (c.domain.node[i] !== NODE.solid) fluid++;
  const buildSeconds = (performance.now() - t0) / 1000;
  const solver = await createWebGpuLbmSolver(c, device);
  try {
    const w0 = performance.now();
    await solver.step(5);
    const warm = (performance.now() - w0) / 1000 / 5;
    // About 2 s per repeat.
    const steps = Math.max(5, Math.min(5000, Math.round(2 / Math.max(warm, 1e-5))));
    const rates: number[] = [];
    for (let r = 0; r < 3; r++) {
      const s0 = performance.now();
      await solver.step(steps);
      rates.push((n * steps) / ((performance.now() - s0) / 1000) / 1e6);
    }
    const m = median(rates);
    const mac = await solver.moments();
    let finite = true;
    for (let i = 0; i < 2 * n; i++) if (!Number.isFinite(mac[i]!)) finite = false;
    const boundMlups = (boundGBs * 1e9) / WGSL_BYTES_PER_NODE / 1e6;
    return {
      size: `${size}³`,
      lattice: [nx, ny, nz],
      nodes: n,
      fluidNodes: fluid,
      unit: 'MLUPS',
      ...m,
      stepsPerRepeat: steps,
      bytesPerNodePerStep: WGSL_BYTES_PER_NODE,
      boundMlups,
      shareOfBound: m.median / boundMlups,
      finiteAfterRun: finite,
      setupSeconds: buildSeconds,
      note: 'MLUPS over all lattice nodes (solid included); bound = copy bandwidth / bytes per node per step',
    };
  } finally {
    solver.destroy();
  }
}

/** One filling case: electrode seed, contact angles (°) and lateral boundary. */
interface FillCase {
  seed: number;
  am: number;
  cbd: number;
  lateral: 'periodic' | 'wall';
  /** this case's wall-time limit (s); default MESOLAB_GPU_FILL_LIMIT_S */
  limitS?: number;
}
const DEFAULT_FILL: FillCase = { seed: 5, am: 20, cbd: 40, lateral: 'periodic' };

/**
 * Issue 13's outcome on the GPU: its 96³ calendered electrode (d50 4 µm, 0.5 µm voxels, 20 %
 * calendered, seed 5; θ AM 20°, θ CBD 40°, periodic sides; as bench/fill-wetting.ts) filled to its
 * plateau by the WGSL engine through `fillLbm` (the whole run: diagnostics, arrival map, plateau
 * criteria, trapped gas), stopped at `timeLimitS`. Reports steps, wall time, MLUPS, the saturation
 * curve (about 40 points), t50/t90, trapped gas and the front contract (the outlet quarter's share
 * of its pore volume while S < ½, snapshots every 2,500 steps; contract < 0.02).
 * Quick: a 32×32×40 uncalendered electrode (a check of the path).
 */
async function fillFigure(quick: boolean, timeLimitS: number, fc: FillCase = DEFAULT_FILL): Promise<Json> {
  const shape: [number, number, number] = quick ? [32, 32, 40] : [96, 96, 120];
  const calendering = quick ? 0 : 20;
  const t0 = performance.now();
  const volume = await electrode(shape, calendering, fc.seed);
  const generateSeconds = (performance.now() - t0) / 1000;
  const compute = await createCompute({ backend: 'cpu' });
  try {
    const r = await fillLbm(volume, { steps: 300_000, timeLimitS, contactAngle: { am: fc.am, cbd: fc.cbd }, lateral: fc.lateral, engine: 'webgpu', snapshotEvery: 2500 }, { rng: new Rng(1), compute });
    const front = outletQuarterBelowHalf(volume, r);
    const depth = filledShareByQuarterBelowHalf(volume, r);
    const every = Math.max(1, Math.floor(r.curve.length / 40));
    return {
      electrode: { shape: volume.shape, calenderingPercent: calendering, seed: fc.seed, d50Um: 4, voxelSizeUm: 0.5, contactAngle: { am: fc.am, cbd: fc.cbd }, lateral: fc.lateral },
      generateSeconds,
      engine: r.engine,
      backend: r.backend,
      stopReason: r.stopReason,
      plateauBy: r.plateauBy,
      steps: r.steps,
      wallSeconds: r.wallSeconds,
      timeLimitS,
      mlups: r.mlups,
      saturation: r.saturation,
      trappedFraction: r.trappedFraction,
      trappedClusters: r.trappedClusters,
      t50Seconds: r.t50,
      t90Seconds: r.t90,
      frontOutletQuarterWhileBelowHalf: { electrolyteWeighted: front.weighted, filledVoxels: front.filled, atSaturation: front.atSaturation, contract: '< 0.02' },
      filledShareByQuarterAtLastSnapshotBelowHalf: depth,
      curve: r.curve.filter((_, k) => k % every === 0 || k === r.curve.length - 1).map((p) => ({ step: p.step, tSeconds: p.t, saturation: p.saturation })),
    };
  } finally {
    compute.destroy();
  }
}

/** Loads an optional figures module next to this one (.ts from the sources, .mjs when bundled). */
async function optionalSection(base: string, exportName: string, quick: boolean): Promise<Json> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.mjs';
  const url = new URL(`./${base}${ext}`, import.meta.url);
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
    return { missing: `${base}${ext} not found beside ${ext === '.ts' ? 'bench/gpu.ts' : 'gpu.mjs'} (${ext === '.ts' ? 'not written yet' : `bench/${base}.ts was absent when bench/gpu.sh pack ran`})` };
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url.href)) as Record<string, unknown>;
  } catch (e) {
    return { missing: `${base}${ext} did not load: ${(e as Error).message.split('\n')[0]}` };
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') return { missing: `${base}${ext} has no export ${exportName}` };
  try {
    const t0 = performance.now();
    const figures = (await (fn as (o: { quick: boolean }) => Promise<Record<string, unknown>>)({ quick })) ?? {};
    return { ...figures, sectionSeconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const out = outputPath(argv);
  const started = new Date().toISOString();
  const result: Json = {
    benchmark: 'mesolab gpu',
    started,
    quick,
    machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: os.availableParallelism?.() ?? os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryBytes: os.totalmem() },
    env: { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? null, VK_DRIVER_FILES: process.env.VK_DRIVER_FILES ?? null, MESOLAB_SWIFTSHADER: process.env.MESOLAB_SWIFTSHADER ?? null },
  };
  const write = (): void => writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  const d = await requestNodeWebGpuDevice();
  if (!d.device) {
    result.device = { missing: d.why };
  } else {
    const info = d.adapter.info;
    const l = d.device.limits;
    result.device = {
      name: d.adapterName,
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      // Dawn's Vulkan backend puts the driver name and version here (e.g. "NVIDIA: 570.x").
      driver: info.description,
      software: /swiftshader|llvmpipe/i.test(d.adapterName),
      limits: { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize, maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage, maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension },
    };
    write();
    const onlyFill = process.env.MESOLAB_GPU_ONLY === 'fill';
    let bound = Number.NaN;
    if (!onlyFill) {
      try {
        const copy = await copyBandwidth(d.device, quick);
        bound = copy.median as number;
        result.copyBandwidth = copy;
      } catch (e) {
        result.copyBandwidth = { error: (e as Error).message };
      }
    }
    write();
    const lbm: Json[] = [];
    result.lbm = lbm;
    for (const size of onlyFill ? [] : quick ? [64] : [128, 256]) {
      try {
        lbm.push(await lbmFigure(d.device, size, bound));
      } catch (e) {
        lbm.push({ size: `${size}³`, error: (e as Error).message });
      }
      write();
      process.stderr.write(`lbm ${size}³ done\n`);
    }
    d.device.destroy();
    // The filling run makes its own device (fillLbm's engine choice), as a study would.
    try {
      const limit = quick ? 120 : Number(process.env.MESOLAB_GPU_FILL_LIMIT_S ?? 240);
      // MESOLAB_GPU_FILL_CASES='[{"seed":6,"am":45,"cbd":70,"lateral":"wall"}, …]': other electrodes
      // and angles instead of issue 13's case.
      const cases = process.env.MESOLAB_GPU_FILL_CASES ? (JSON.parse(process.env.MESOLAB_GPU_FILL_CASES) as FillCase[]) : [DEFAULT_FILL];
      const fills: Json[] = [];
      result.fills = fills;
      for (const fc of cases) {
        // A case that diverges is a figure too (step and cause), and the next case still runs.
        try {
          fills.push(await fillFigure(quick, fc.limitS ?? limit, fc));
        } catch (e) {
          fills.push({ case: { ...fc }, error: (e as Error).message });
        }
        write();
        process.stderr.write(`fill ${JSON.stringify(fc)} done\n`);
      }
    } catch (e) {
      result.fillError = (e as Error).message;
    }
    write();
    process.stderr.write('fill done\n');
  }
  if (process.env.MESOLAB_GPU_ONLY === 'fill') {
    result.finished = new Date().toISOString();
    write();
    return;
  }
  // The optional modules make their own devices (or not); ours is gone by now.
  result.tortuosity = await optionalSection('gpu-tau', 'gpuTortuosityFigures', quick);
  write();
  result.dnn = await optionalSection('gpu-dnn', 'gpuDnnFigures', quick);
  result.finished = new Date().toISOString();
  write();
  process.stdout.write(`${out}\n`);
}

await main();
