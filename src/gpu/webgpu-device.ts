/// <reference types="@webgpu/types" />
import { installNodeWebGPU } from './backend.ts';

/**
 * A WebGPU device for the hand-written WGSL engines under Node (Dawn through the `webgpu` package;
 * MESOLAB_SWIFTSHADER=1 selects the SwiftShader software Vulkan driver, see installNodeWebGPU).
 * Asks for the adapter's largest storage bindings and buffers: a 256³ lattice binds ~1.35 GB per
 * distribution component, far above WebGPU's 128 MiB default. Resolves null where no adapter answers
 * (no Vulkan loader or driver), with the reason in `why`.
 */
export interface NodeWebGpuDevice {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** Vendor, architecture, device and description of the adapter, joined (e.g. "nvidia … NVIDIA H200"). */
  adapterName: string;
}

export async function requestNodeWebGpuDevice(): Promise<NodeWebGpuDevice | { device: null; why: string }> {
  try {
    await installNodeWebGPU();
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) return { device: null, why: 'no navigator.gpu (the webgpu package did not load)' };
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { device: null, why: 'no WebGPU adapter answered (no Vulkan driver or no GPU)' };
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      },
    });
    const info = adapter.info;
    const adapterName = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' ') || 'unknown adapter';
    return { device, adapter, adapterName };
  } catch (e) {
    return { device: null, why: (e as Error).message };
  }
}
