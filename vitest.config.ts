import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['api/**/*.test.ts', 'src/**/*.test.ts', 'sims/**/*.test.ts', 'workers/**/*.test.ts', 'surrogates/**/*.test.ts', 'viewer/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Prints why the WebGPU tests skip where Dawn has no Vulkan loader or driver (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // Lets the webgpu backend run on Chromium's SwiftShader Vulkan driver where there is no GPU.
    env: { MESOLAB_SWIFTSHADER: '1' },
  },
});
