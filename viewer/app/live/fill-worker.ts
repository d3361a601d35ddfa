import { expose, transfer } from 'comlink';
import type { Compute } from '../../../src/gpu/compute.ts';
import type { Volume } from '../../../src/volume/volume.ts';
import { createBrowserCompute } from './browser-compute.ts';
import { requestBrowserLbmDevice } from './wgsl-device.ts';
import { NOT_REACHED, runLiveLbm } from './lbm-live.ts';
import { capillaryGate, createWettingKernels, runWettingAutomaton } from './wetting-automaton.ts';

/** Which live model runs: the real LBM, or the wetting-front automaton kept as a labelled fallback. */
export type LiveModel = 'lbm' | 'automaton';

export interface LiveRunRequest {
  model: LiveModel;
  labels: Uint8Array;
  shape: [number, number, number];
  /** Metres. */
  voxelSize: number;
  /** 'cpu' forces gpu.js's cpu mode (to compare, or where the GPU modes fail). */
  backend: 'auto' | 'cpu';
  maxSteps: number;
  /** Steps between frames. */
  stepsPerFrame: number;
  /** LBM only: degrees per solid label name, reservoir overpressure (Pa). */
  contactAngle: Record<string, number>;
  inletPressure: number;
}

export interface LiveFrame {
  step: number;
  /** Physical time (s) for the LBM; the automaton step for the automaton. */
  t: number;
  saturation: number;
  /** Arrival time (LBM: s, automaton: step) per voxel; ≥ 1e37 where not reached yet. */
  arrival: Float32Array;
  /** The gpu.js backend that ran, in words. */
  backend: string;
  /** Set when a better backend was tried and did not run (the page shows it). */
  fallback: string | null;
}

export interface LiveRunResult {
  model: LiveModel;
  backend: string;
  fallback: string | null;
  steps: number;
  saturation: number;
  stepsPerSecond: number;
  /** Lattice (or automaton) shape the run used. */
  latticeShape: [number, number, number];
  /** Seconds issuing steps and reading frames back (which waits for the device). */
  stepSeconds: number;
  /** Seconds building frames and the page taking them (upload, redraw), summed. */
  deliverSeconds: number;
}

let stopRequested = false;

/**
 * The LBM on the WGSL engine when navigator.gpu gives a device (req.backend 'auto'); else, or if it
 * fails to start, the gpu.js kernels on the backend the probe chose (WebGL2 in browsers without
 * WebGPU); if they do not build or run there, the same run on gpu.js's cpu mode, and if that fails
 * too, on the solver's typed-array engine (plain JS, no gpu.js). Every step down is named in the
 * frames' `fallback`, so the page says so.
 */
async function runLbmWithFallbacks(
  req: LiveRunRequest,
  first: Compute,
  firstLabel: string,
  triedBefore: string[],
  deliver: (f: LiveFrame) => Promise<void>,
  t0: number,
  deliverSeconds: () => number,
): Promise<LiveRunResult> {
  const volume: Volume = { shape: req.shape, voxelSize: req.voxelSize, labels: req.labels };
  let tried = triedBefore;
  const attempts: { compute: Compute | undefined; label: string; engine: 'kernels' | 'typed-array' | 'webgpu'; device?: GPUDevice }[] = [];
  if (req.backend === 'auto') {
    const wgsl = await requestBrowserLbmDevice();
    if (wgsl.device) attempts.push({ compute: undefined, label: wgsl.label, engine: 'webgpu', device: wgsl.device });
    else tried = [...tried, `WGSL engine: ${wgsl.why}`];
  }
  attempts.push({ compute: first, label: firstLabel, engine: 'kernels' });
  if (first.backend !== 'cpu') attempts.push({ compute: undefined, label: 'gpu.js cpu', engine: 'kernels' });
  attempts.push({ compute: undefined, label: 'typed-array engine (plain JS, no gpu.js)', engine: 'typed-array' });
  const failures = [...tried];
  for (const [k, attempt] of attempts.entries()) {
    let compute = attempt.compute;
    if (attempt.engine === 'kernels' && !compute) compute = (await createBrowserCompute('cpu')).compute;
    const fellBack = k > 0 || (first.backend === 'cpu' && req.backend !== 'cpu' && failures.length > 0);
    const fallback = fellBack ? `fell back to ${attempt.label}: ${failures.join('; ')}` : null;
    let stepped = false;
    try {
      const summary = await runLiveLbm(
        volume,
        compute,
        { contactAngle: req.contactAngle, inletPressure: req.inletPressure, maxSteps: req.maxSteps, stepsPerFrame: req.stepsPerFrame, engine: attempt.engine, ...(attempt.device ? { device: attempt.device } : {}) },
        (f) => {
          stepped ||= f.step > 0;
          return deliver({ ...f, backend: attempt.label, fallback });
        },
        () => stopRequested,
      );
      // gpu.js names every GL kernel mode "gpu"; anything else than the mode asked for is a fallback inside gpu.js.
      const mode = summary.backend;
      const asked = attempt.engine === 'webgpu' ? mode : attempt.engine === 'typed-array' ? 'typed-array' : compute!.backend;
      const backend = mode === asked || (mode === 'gpu' && asked === 'webgl2') ? attempt.label : `${mode} (gpu.js fell back from ${attempt.label})`;
      const seconds = (performance.now() - t0) / 1000;
      return { model: 'lbm', backend, fallback, steps: summary.steps, saturation: summary.saturation, stepsPerSecond: summary.steps / seconds, latticeShape: summary.latticeShape, stepSeconds: summary.stepSeconds, deliverSeconds: deliverSeconds() };
    } catch (e) {
      // A run that got going and then failed (diverged, say) is a result, not a backend problem.
      if (stepped || k === attempts.length - 1) throw e;
      failures.push(`LBM kernels on ${attempt.label}: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      if (compute && compute !== first) compute.destroy();
      attempt.device?.destroy();
    }
  }
  throw new Error('unreachable: the last attempt rethrows');
}

const api = {
  /**
   * Runs the chosen model in this worker on the best gpu.js backend that passes a probe. Frames
   * carry an arrival field the page thresholds at the current time.
   */
  async run(req: LiveRunRequest, onFrame: (f: LiveFrame) => Promise<void> | void): Promise<LiveRunResult> {
    stopRequested = false;
    const { compute, label, tried } = await createBrowserCompute(req.backend);
    const fallback = compute.backend === 'cpu' && req.backend !== 'cpu' ? `no GPU backend ran here (${tried.join('; ')}); gpu.js cpu mode instead` : null;
    const t0 = performance.now();
    let deliverSeconds = 0;
    const deliver = async (f: LiveFrame): Promise<void> => {
      const d0 = performance.now();
      await onFrame(transfer(f, [f.arrival.buffer]));
      deliverSeconds += (performance.now() - d0) / 1000;
    };
    try {
      if (req.model === 'lbm') return await runLbmWithFallbacks(req, compute, label, tried, deliver, t0, () => deliverSeconds);
      const kernels = createWettingKernels(compute.gpu, req.shape);
      const gate = capillaryGate(req.labels, req.shape, 10);
      const last = await runWettingAutomaton(kernels, gate, {
        maxSteps: req.maxSteps,
        framesEvery: req.stepsPerFrame,
        shouldStop: () => stopRequested,
        // Not reached is Infinity there; the view would paint that as trapped gas.
        onFrame: (f) => deliver({ step: f.step, t: f.step, saturation: f.saturation, arrival: f.arrival.map((v) => (v < 1e37 ? v : NOT_REACHED)), backend: label, fallback }),
      });
      const seconds = (performance.now() - t0) / 1000;
      return { model: 'automaton', backend: label, fallback, steps: last.step, saturation: last.saturation, stepsPerSecond: last.step / seconds, latticeShape: req.shape, stepSeconds: last.stepSeconds + last.readSeconds, deliverSeconds };
    } finally {
      compute.destroy();
    }
  },
  stop(): void {
    stopRequested = true;
  },
};

export type FillWorkerApi = typeof api;
expose(api);
