import { hasVulkanDriver, hasVulkanLoader, VULKAN_DRIVER_HELP, VULKAN_LOADER_HELP } from '../../src/gpu/vulkan.ts';

/**
 * For tests that need WebGPU through Dawn (a Vulkan loader and a driver on Linux; vitest.config.ts
 * sets MESOLAB_SWIFTSHADER=1 so Chromium's software driver serves where there is no GPU):
 * `describe.skipIf(!hasWebGpuDriver())(`… ${vulkanSkipNote()}`, …)` skips them with the reason in
 * the test name where Vulkan is missing, and runs them where it is there.
 */
export { hasVulkanLoader };

/**
 * Whether Dawn can find a Vulkan loader and a driver here (SwiftShader counts when
 * MESOLAB_SWIFTSHADER=1 and Chromium's manifest is installed).
 *
 * @returns true where the WebGPU tests can run.
 * @example it.skipIf(!hasWebGpuDriver())(`runs on WebGPU${vulkanSkipNote()}`, async () => {});
 */
export function hasWebGpuDriver(): boolean {
  return hasVulkanLoader() && hasVulkanDriver();
}

/** Why WebGPU tests skip on this machine (empty where they run). */
export const VULKAN_SKIP_REASON = !hasVulkanLoader() ? `skipped: ${VULKAN_LOADER_HELP}` : !hasVulkanDriver() ? `skipped: ${VULKAN_DRIVER_HELP}` : '';

/** A suffix for test names: the skip reason in brackets where WebGPU cannot run, else ''. */
export function vulkanSkipNote(): string {
  return VULKAN_SKIP_REASON ? ` [${VULKAN_SKIP_REASON}]` : '';
}
