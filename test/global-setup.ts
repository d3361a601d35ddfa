import { VULKAN_SKIP_REASON } from './helpers/vulkan.ts';

/**
 * Vitest global setup: says once, at the top of `npm test`, why the WebGPU tests skip on this
 * machine. Vitest's default reporter shows a skipped file only as "N skipped" without its name,
 * so the reason carried in the test names alone is invisible there.
 */
export default function setup(): void {
  const line = webGpuSkipBanner();
  if (line) process.stdout.write(`${line}\n`);
}

/** The banner line: empty where the WebGPU tests run, else what skips and why. */
export function webGpuSkipBanner(): string {
  return VULKAN_SKIP_REASON ? `mesolab: WebGPU tests ${VULKAN_SKIP_REASON} (.ci/run installs the loader and runs them)` : '';
}
