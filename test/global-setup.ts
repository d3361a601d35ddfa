import type { TestProject } from 'vitest/node';

/**
 * Vitest global setup: brings the pool worker bundle up to date, and says once, at the top of
 * `npm test`, why the WebGPU and the browser (viewer) tests skip on this machine. Vitest's default reporter shows a skipped
 * file only as "N skipped" without its name, so the reason carried in the test names alone is
 * invisible there.
 */
export default async function setup(project: TestProject): Promise<void> {
  // The pool worker bundle once, here, rather than by the first pool of each test file at once.
  const { bundleState, buildWorkerBundle } = await import('../scripts/build-worker.mjs');
  if (!bundleState().fresh) await buildWorkerBundle();
  // The verdict must be the test workers' one: they run with the config's env (MESOLAB_SWIFTSHADER).
  for (const [k, v] of Object.entries(project.config.env ?? {})) process.env[k] ??= String(v);
  const line = await webGpuSkipBanner();
  if (line) process.stdout.write(`${line}\n`);
  const { CHROMIUM_SKIP } = await import('../viewer/testing/browser.ts');
  if (CHROMIUM_SKIP) process.stdout.write(`mesolab: viewer browser tests${CHROMIUM_SKIP}\n`);
}

/** The banner line: empty where the WebGPU tests run, else what skips and why. */
export async function webGpuSkipBanner(): Promise<string> {
  const { VULKAN_SKIP_REASON } = await import('./helpers/vulkan.ts');
  return VULKAN_SKIP_REASON ? `mesolab: WebGPU tests ${VULKAN_SKIP_REASON} (.ci/run installs the loader and runs them)` : '';
}
