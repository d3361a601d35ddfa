import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';

/** Runs vitest on one small file, as `npm test` would on a machine with the given environment. */
function vitest(files: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${ROOT}/node_modules/vitest/vitest.mjs`, 'run', ...files],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 110_000, maxBuffer: 16 * 2 ** 20 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('npm test on a fresh machine without the Vulkan loader (MESOLAB_NO_VULKAN=1 simulates it)', () => {
  it('passes, says once why the WebGPU tests skip, and nothing prints Dawn\'s "Couldn\'t load Vulkan"', async () => {
    const r = await vitest(['src/gpu/backend.test.ts', 'sims/mesostructure/voxelize.test.ts'], { MESOLAB_NO_VULKAN: '1', NO_COLOR: '1' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^mesolab: WebGPU tests skipped: no Vulkan loader .*apt-get install libvulkan1/m);
    expect(r.out.match(/mesolab: WebGPU tests skipped/g)).toHaveLength(1);
    expect(r.out).toMatch(/Tests +\d+ passed \| 1 skipped/);
    expect(r.out).not.toMatch(/Couldn't load Vulkan/);
  });
});
