/// <reference types="@webgpu/types" />
import { installNodeWebGPU } from './backend.ts';
import { hasVulkanDriver, hasVulkanLoader, VULKAN_DRIVER_HELP, VULKAN_LOADER_HELP } from './vulkan.ts';

/**
 * The one WebGPU device mesolab's own WGSL kernels (the tortuosity PCG) and TensorFlow.js's
 * webgpu backend share in Node: Dawn's adapter (navigator.gpu from the `webgpu` package, installed
 * by installNodeWebGPU), with the storage-buffer limits raised to what the adapter allows (the
 * WebGPU defaults, 128 MiB per binding and 256 MiB per buffer, would stop a 512³ field at 537 MB).
 */
export interface WebGpuAdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (SwiftShader, llvmpipe, WARP): correct but slower than WASM for most work. */
  software: boolean;
  limits: {
    maxStorageBufferBindingSize: number;
    maxBufferSize: number;
    maxComputeWorkgroupsPerDimension: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxStorageBuffersPerShaderStage: number;
  };
}

export interface SharedWebGpu {
  device: GPUDevice;
  adapterInfo: GPUAdapterInfo;
  report: WebGpuAdapterReport;
}

let shared: Promise<SharedWebGpu> | undefined;

/** Whether an adapter is a software rasteriser, from its info strings. */
export function isSoftwareAdapter(info: { vendor?: string; architecture?: string; device?: string; description?: string }): boolean {
  return /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i.test([info.vendor, info.architecture, info.device, info.description].join(' '));
}

function reportOf(adapter: GPUAdapter): WebGpuAdapterReport {
  const info = adapter.info;
  const l = adapter.limits;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: isSoftwareAdapter(info),
    limits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  };
}

/**
 * The process-wide WebGPU device on Dawn's adapter (created on the first call).
 *
 * @returns the device, its adapter info and a report (names, software flag, key limits).
 * @throws Error without a Vulkan loader (Linux), without navigator.gpu, or when no adapter answers.
 * @example
 *   const { device, report } = await getWebGpuDevice();
 *   console.log(report.description, report.limits.maxBufferSize);
 */
export function getWebGpuDevice(): Promise<SharedWebGpu> {
  shared ??= (async () => {
    if (!hasVulkanLoader()) throw new Error(VULKAN_LOADER_HELP);
    if (!hasVulkanDriver()) throw new Error(VULKAN_DRIVER_HELP);
    await installNodeWebGPU();
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) throw new Error('navigator.gpu is missing (the webgpu package did not load)');
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new Error('no WebGPU adapter answered (no Vulkan driver or no GPU)');
    const l = adapter.limits;
    const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    const device = await adapter.requestDevice({
      requiredFeatures,
      // tfjs-backend-webgpu asks for the same raised limits on its own device; the PCG needs the
      // buffer sizes and up to 8 storage buffers per kernel (the default is 8 too, but ask anyway).
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      },
    });
    return { device, adapterInfo: adapter.info, report: reportOf(adapter) };
  })();
  // A failure is not cached: a later call (e.g. after MESOLAB_SWIFTSHADER is set) may succeed.
  shared.catch(() => (shared = undefined));
  return shared;
}

/**
 * The adapter's names and limits for `mesolab doctor`, or why there is none. Creates no device.
 *
 * @returns the report, or { error } with the reason (the Vulkan-loader advice where that is it).
 * @example const a = await describeWebGpuAdapter(); if ('error' in a) console.log(a.error);
 */
export async function describeWebGpuAdapter(): Promise<WebGpuAdapterReport | { error: string }> {
  if (!hasVulkanLoader()) return { error: VULKAN_LOADER_HELP };
  if (!hasVulkanDriver()) return { error: VULKAN_DRIVER_HELP };
  try {
    await installNodeWebGPU();
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) return { error: 'navigator.gpu is missing (the webgpu package did not load)' };
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { error: 'no WebGPU adapter answered: a Vulkan loader is present but no driver (install the GPU vendor\'s Vulkan driver, or use Chromium\'s SwiftShader with MESOLAB_SWIFTSHADER=1)' };
    return reportOf(adapter);
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0]! };
  }
}

/** A WebGPU device of its own for one solver run (the LBM's WGSL engine), with its adapter's name. */
export interface NodeWebGpuDevice {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** Vendor, architecture, device and description of the adapter, joined (e.g. "nvidia … NVIDIA H200"). */
  adapterName: string;
}

/**
 * A fresh WebGPU device on Dawn's adapter, owned by the caller (destroy it when done), with the
 * adapter's largest storage bindings and buffers: a 256³ lattice binds ~1.35 GB per distribution
 * component, far above WebGPU's 128 MiB default. Unlike getWebGpuDevice it is not shared, so a
 * run can destroy it without taking the device from TensorFlow.js or the tortuosity solver.
 *
 * @returns the device and adapter, or { device: null, why } where none can be had (no Vulkan
 *   loader or driver, no adapter).
 * @example
 *   const d = await requestNodeWebGpuDevice();
 *   if (d.device) { const solver = await createWebGpuLbmSolver(options, d.device); … d.device.destroy(); }
 */
export async function requestNodeWebGpuDevice(): Promise<NodeWebGpuDevice | { device: null; why: string }> {
  if (!hasVulkanLoader()) return { device: null, why: VULKAN_LOADER_HELP };
  if (!hasVulkanDriver()) return { device: null, why: VULKAN_DRIVER_HELP };
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
