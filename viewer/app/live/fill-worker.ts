import { expose, transfer } from 'comlink';
import { GPU } from 'gpu.js';
import type { IKernelRunShortcut } from 'gpu.js';
import { capillaryGate, createWettingKernels, runWettingAutomaton } from './wetting-automaton.ts';
import type { AutomatonFrame } from './wetting-automaton.ts';

export interface LiveRunRequest {
  labels: Uint8Array;
  shape: [number, number, number];
  minOpen: number;
  maxSteps: number;
  framesEvery: number;
}

export interface LiveRunResult {
  backend: string;
  steps: number;
  saturation: number;
  stepsPerSecond: number;
  /** Seconds issuing kernel steps and reading frames back (which waits for the device). */
  stepSeconds: number;
  readSeconds: number;
  /** Seconds the page took to take each frame (upload, redraw), summed. */
  deliverSeconds: number;
}

/**
 * Which gpu.js backend actually ran a kernel (it may have fallen back from the one asked for).
 * gpu.js calls every GL kernel mode "gpu", so the GL context tells WebGL2 from WebGL1, and its
 * renderer string says which driver (e.g. SwiftShader) did the work.
 */
function backendOf(kernel: IKernelRunShortcut): string {
  const k = kernel as unknown as { kernel?: { constructor?: { mode?: string }; context?: unknown } };
  const mode = String(k.kernel?.constructor?.mode ?? 'unknown');
  const ctx = k.kernel?.context;
  if (mode !== 'gpu' || !ctx) return mode;
  const gl = ctx as WebGL2RenderingContext;
  const kind = typeof WebGL2RenderingContext !== 'undefined' && ctx instanceof WebGL2RenderingContext ? 'webgl2' : 'webgl';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : '';
  const driver = /swiftshader/i.test(renderer) ? ' (SwiftShader)' : renderer ? ` (${renderer.slice(0, 40)})` : '';
  return `${kind}${driver}`;
}

let stopRequested = false;

const api = {
  /**
   * Runs the wetting automaton on gpu.js in this worker. WebGL2 draws into an OffscreenCanvas;
   * the page is told which backend really ran so a fallback to cpu is visible.
   */
  async run(req: LiveRunRequest, onFrame: (f: AutomatonFrame, backend: string) => Promise<void> | void): Promise<LiveRunResult> {
    stopRequested = false;
    const canvas = new OffscreenCanvas(1, 1);
    const gpu = new GPU({ mode: 'webgl2', canvas });
    const kernels = createWettingKernels(gpu, req.shape);
    const gate = capillaryGate(req.labels, req.shape, req.minOpen);
    const t0 = performance.now();
    let backend = 'unknown';
    let deliverSeconds = 0;
    const last = await runWettingAutomaton(kernels, gate, {
      maxSteps: req.maxSteps,
      framesEvery: req.framesEvery,
      shouldStop: () => stopRequested,
      onFrame: async (f) => {
        backend = backendOf(kernels.step);
        const d0 = performance.now();
        await onFrame(transfer(f, [f.arrival.buffer]), backend);
        deliverSeconds += (performance.now() - d0) / 1000;
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    gpu.destroy();
    return { backend, steps: last.step, saturation: last.saturation, stepsPerSecond: last.step / seconds, stepSeconds: last.stepSeconds, readSeconds: last.readSeconds, deliverSeconds };
  },
  stop(): void {
    stopRequested = true;
  },
};

export type FillWorkerApi = typeof api;
expose(api);
