import { hasVulkanLoader, VULKAN_LOADER_HELP } from '../../src/gpu/vulkan.ts';

/**
 * For tests that need WebGPU through Dawn (a Vulkan loader on Linux; vitest.config.ts sets
 * MESOLAB_SWIFTSHADER=1 so Chromium's software driver serves where there is no GPU):
 * `describe.skipIf(!hasVulkanLoader())(`… ${vulkanSkipNote()}`, …)` skips them with the reason in
 * the test name where there is no loader, and runs them where there is one.
 */
export { hasVulkanLoader };

/** Why WebGPU tests skip on this machine (empty where they run). */
export const VULKAN_SKIP_REASON = hasVulkanLoader() ? '' : `skipped: ${VULKAN_LOADER_HELP}`;

/** A suffix for test names: the skip reason in brackets where there is no loader, else ''. */
export function vulkanSkipNote(): string {
  return VULKAN_SKIP_REASON ? ` [${VULKAN_SKIP_REASON}]` : '';
}
