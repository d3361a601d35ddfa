// Browser-safe (no Node imports): the compute contract that simulations receive in their
// SimContext and that the viewer's Web Workers build for themselves. Choosing and probing a
// backend in Node (Dawn, Vulkan) is src/gpu/backend.ts, which re-exports these.
import type { GPU as GPUType } from 'gpu.js';

/** Compute backends in mesolab's order of preference. */
export const BACKENDS = ['webgpu', 'webgl2', 'webasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** A gpu.js instance in a mode that has been proved to run, and what ran it. */
export interface Compute {
  /** gpu.js instance in the chosen mode. Kernels from webgpu return Promises; await every call. */
  gpu: GPUType;
  /** The backend that ran the probe kernel (not merely the one asked for). */
  backend: BackendName;
  /** GPU adapter description for webgpu (e.g. "NVIDIA H100" or "SwiftShader"), else undefined. */
  adapter?: string;
  destroy(): void;
}

export { kernelBackend } from './kernel-info.ts';
