/// <reference types="@webgpu/types" />
import { requestLbmDevice } from '../../../sims/filling/lbm/webgpu-engine.ts';

/**
 * A WebGPU device for the live run's WGSL lattice-Boltzmann engine, from the worker's
 * navigator.gpu (browsers with WebGPU); `why` when there is none, so the page can say what it fell
 * back to (the gpu.js kernels on WebGL2, kept for browsers without WebGPU).
 */
export async function requestBrowserLbmDevice(): Promise<{ device: GPUDevice; label: string } | { device: null; why: string }> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return { device: null, why: 'no navigator.gpu in this worker' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { device: null, why: 'navigator.gpu gave no adapter' };
    const info = adapter.info;
    const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' ') || 'unknown adapter';
    const device = await requestLbmDevice(adapter);
    return { device, label: `WGSL engine, webgpu (${/swiftshader/i.test(name) ? 'SwiftShader' : name.slice(0, 48)})` };
  } catch (e) {
    return { device: null, why: (e as Error).message };
  }
}
