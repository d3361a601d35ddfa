import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GPU as GPUType, IGPUSettings } from 'gpu.js';
import { BACKENDS, type BackendName, type Compute } from './compute.ts';
import { ConfigError } from '../errors.ts';
import { hasVulkanDriver, hasVulkanLoader, SWIFTSHADER_ICD } from './vulkan.ts';

/**
 * The one place that creates gpu.js instances. gpu.js's own automatic order silently lands on
 * webasm on a GPU-less machine and never picks webgpu; mesolab chooses explicitly, proves the
 * choice by running a test kernel, and reports the backend that really ran.
 */
export { BACKENDS, type BackendName, type Compute } from './compute.ts';

export interface BackendProbe {
  backend: BackendName;
  available: boolean;
  /** What actually executed the probe kernel (gpu.js can degrade a kernel to cpu). */
  ranAs?: string;
  adapter?: string;
  error?: string;
  ms?: number;
}

const require = createRequire(import.meta.url);

function loadGpuJs(): typeof import('gpu.js') {
  return require('gpu.js') as typeof import('gpu.js');
}

let navigatorReady: Promise<string | undefined> | undefined;

/**
 * The Vulkan loader's Wayland probe prints "XDG_RUNTIME_DIR is invalid" on headless machines,
 * polluting every command's stderr; a private runtime directory silences it. Call it on the main
 * thread before starting workers: a worker's process.env is a copy, but Dawn reads the real one.
 */
export function ensureRuntimeDir(): void {
  if (typeof process === 'undefined' || !process.versions?.node || process.env.XDG_RUNTIME_DIR) return;
  const dir = join(tmpdir(), `mesolab-xdg-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env.XDG_RUNTIME_DIR = dir;
}

/**
 * gpu.js looks only for navigator.gpu; in Node we provide it from Dawn (the `webgpu` package).
 * MESOLAB_SWIFTSHADER=1 points Vulkan at Chromium's software driver so GPU-less machines (CI)
 * exercise the same WGSL path.
 */
export function installNodeWebGPU(): Promise<string | undefined> {
  navigatorReady ??= (async () => {
    if (typeof process === 'undefined' || !process.versions?.node) return undefined;
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (g.navigator?.gpu) return undefined;
    // Creating Dawn's instance without a Vulkan loader prints "Couldn't load Vulkan" on stderr
    // (from native code, so it cannot be caught): do not create it at all there.
    if (!hasVulkanLoader() || !hasVulkanDriver()) return undefined;
    if (process.env.MESOLAB_SWIFTSHADER === '1' && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    ensureRuntimeDir();
    const mod = (await import('webgpu')) as { create(flags: string[]): unknown; globals: Record<string, unknown> };
    Object.assign(globalThis, mod.globals);
    const nav = (g.navigator ??= {});
    Object.defineProperty(nav, 'gpu', { value: mod.create([]), configurable: true, enumerable: true });
    const gpu = nav.gpu as { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; device?: string; description?: string } } | null> };
    const adapter = await gpu.requestAdapter();
    if (!adapter) return undefined;
    const info = adapter.info;
    return [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' ') || 'unknown adapter';
  })();
  return navigatorReady;
}

function probeKernelSource(this: { thread: { x: number } }, a: number[]): number {
  return a[this.thread.x]! * 2 + 1;
}

/** Runs a small kernel in `mode` and reports what really executed it. */
async function tryBackend(name: BackendName): Promise<{ gpu: GPUType; probe: BackendProbe }> {
  const { GPU } = loadGpuJs();
  const t0 = performance.now();
  let adapter: string | undefined;
  if (name === 'webgpu') {
    adapter = await installNodeWebGPU();
    if (!hasVulkanLoader()) throw new Error('no Vulkan loader (libvulkan.so.1): `mesolab doctor` says how to get one');
    if (!hasVulkanDriver()) throw new Error('no Vulkan driver (ICD): `mesolab doctor` says how to get one');
    if (!(await GPU.isWebGPUAvailable())) throw new Error('no WebGPU adapter answered (no Vulkan driver or no GPU)');
  }
  if (name === 'webgl2' && typeof (globalThis as { document?: unknown }).document === 'undefined') {
    throw new Error('WebGL2 exists only in a browser');
  }
  const settings: IGPUSettings = { mode: name };
  const gpu = new GPU(settings);
  const kernel = gpu.createKernel(probeKernelSource, { output: [16] });
  const input = Array.from({ length: 16 }, (_, i) => i);
  let out = kernel(input) as unknown;
  if (out && typeof (out as Promise<unknown>).then === 'function') out = await out;
  const values = Array.from(out as ArrayLike<number>);
  const ok = values.every((v, i) => v === 2 * i + 1);
  const ranAs = String((kernel as unknown as { kernel?: { constructor?: { mode?: string } } }).kernel?.constructor?.mode ?? name);
  if (!ok) throw new Error(`probe kernel gave wrong values on ${ranAs}`);
  if (ranAs !== name) throw new Error(`asked for ${name}, gpu.js ran ${ranAs}`);
  return { gpu, probe: { backend: name, available: true, ranAs, adapter, ms: performance.now() - t0 } };
}

export async function probeBackends(): Promise<BackendProbe[]> {
  const results: BackendProbe[] = [];
  for (const name of BACKENDS) {
    try {
      const { gpu, probe } = await tryBackend(name);
      gpu.destroy();
      results.push(probe);
    } catch (e) {
      results.push({ backend: name, available: false, error: (e as Error).message });
    }
  }
  return results;
}

export function parseBackend(value: string | undefined, field = '--backend'): BackendName | 'auto' {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new ConfigError(field, value, `one of auto, ${BACKENDS.join(', ')}`);
}

/** The backend requested by option, else MESOLAB_BACKEND, else auto. */
export function requestedBackend(option?: string): BackendName | 'auto' {
  if (option !== undefined) return parseBackend(option, '--backend');
  return parseBackend(process.env.MESOLAB_BACKEND, 'MESOLAB_BACKEND');
}

/**
 * Creates the compute context: the requested backend (failing clearly if it does not run here),
 * or the first that runs in the order webgpu, webgl2, webasm, cpu.
 */
export async function createCompute(options: { backend?: string } = {}): Promise<Compute> {
  const want = requestedBackend(options.backend);
  const order: readonly BackendName[] = want === 'auto' ? BACKENDS : [want];
  const failures: string[] = [];
  for (const name of order) {
    try {
      const { gpu, probe } = await tryBackend(name);
      return { gpu, backend: name, adapter: probe.adapter, destroy: () => gpu.destroy() };
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new ConfigError(
    want === 'auto' ? 'backend' : '--backend',
    want,
    'a compute backend that runs on this machine',
    failures.join('; '),
  );
}

let shared: Promise<Compute> | undefined;
let sharedKey: string | undefined;

/** A process-wide compute context, created once per requested backend. */
export function getCompute(backend?: string): Promise<Compute> {
  const key = String(requestedBackend(backend));
  if (!shared || sharedKey !== key) {
    sharedKey = key;
    shared = createCompute({ backend });
  }
  return shared;
}

export { kernelBackend } from './kernel-info.ts';

/** Awaits a kernel result whether the backend is synchronous or asynchronous. */
export async function resolveKernel<T>(result: T | Promise<T>): Promise<T> {
  return await result;
}
