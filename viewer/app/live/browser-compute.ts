import { GPU } from 'gpu.js';
import type { IGPUSettings } from 'gpu.js';
import type { Compute } from '../../../src/gpu/compute.ts';
import { kernelBackend } from '../../../src/gpu/kernel-info.ts';

/**
 * A gpu.js compute context made inside a Web Worker (src/gpu/backend.ts is Node-only): WebGPU when
 * `navigator.gpu` gives an adapter, else WebGL2 on an OffscreenCanvas, else gpu.js's cpu mode.
 * Each candidate must run a probe kernel correctly in the mode asked for; `tried` says why the
 * better ones were passed over, so the page can say so.
 */
export interface BrowserCompute {
  compute: Compute;
  /** e.g. "gpu.js webgpu (SwiftShader)" or "gpu.js webgl2 (ANGLE …)". */
  label: string;
  tried: string[];
}

function probeKernelSource(this: { thread: { x: number } }, a: number[]): number {
  return a[this.thread.x]! * 2 + 1;
}

async function probe(gpu: GPU, mode: string): Promise<void> {
  const kernel = gpu.createKernel(probeKernelSource, { output: [16] });
  const out = Array.from((await kernel(Array.from({ length: 16 }, (_, i) => i))) as ArrayLike<number>);
  if (!out.every((v, i) => v === 2 * i + 1)) throw new Error(`probe kernel gave wrong values`);
  const ran = kernelBackend(kernel);
  if (ran !== mode && !(mode === 'webgl2' && ran === 'gpu')) throw new Error(`gpu.js ran the probe as ${ran}`);
}

/** WebGL renderer string of the context gpu.js drew into (tells SwiftShader from a real GPU). */
function glRenderer(canvas: OffscreenCanvas): string {
  const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
  if (!gl) return '';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
}

const short = (s: string): string => (/swiftshader/i.test(s) ? 'SwiftShader' : s.slice(0, 48));

export async function createBrowserCompute(prefer: 'auto' | 'cpu' = 'auto'): Promise<BrowserCompute> {
  const tried: string[] = [];
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string | undefined> } | null> } } }).navigator;
  if (prefer === 'auto' && nav?.gpu) {
    try {
      const adapter = await nav.gpu.requestAdapter();
      if (!adapter) throw new Error('navigator.gpu gave no adapter');
      const info = adapter.info ?? {};
      const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ') || 'unknown adapter';
      const gpu = new GPU({ mode: 'webgpu' });
      await probe(gpu, 'webgpu');
      return { compute: { gpu, backend: 'webgpu', adapter: name, destroy: () => gpu.destroy() }, label: `gpu.js webgpu (${short(name)})`, tried };
    } catch (e) {
      tried.push(`webgpu: ${(e as Error).message}`);
    }
  } else if (prefer === 'auto') tried.push('webgpu: no navigator.gpu in this worker');
  if (prefer === 'auto' && typeof OffscreenCanvas !== 'undefined') {
    try {
      const canvas = new OffscreenCanvas(1, 1);
      const gpu = new GPU({ mode: 'webgl2', canvas } as IGPUSettings);
      await probe(gpu, 'webgl2');
      const renderer = glRenderer(canvas);
      return { compute: { gpu, backend: 'webgl2', destroy: () => gpu.destroy() }, label: renderer ? `gpu.js webgl2 (${short(renderer)})` : 'gpu.js webgl2', tried };
    } catch (e) {
      tried.push(`webgl2: ${(e as Error).message}`);
    }
  }
  const gpu = new GPU({ mode: 'cpu' });
  await probe(gpu, 'cpu');
  return { compute: { gpu, backend: 'cpu', destroy: () => gpu.destroy() }, label: 'gpu.js cpu', tried };
}
