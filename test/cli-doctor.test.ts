import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './helpers/cli.ts';
import { hasWebGpuDriver, vulkanSkipNote } from './helpers/vulkan.ts';


function mesolab(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { env });
}

describe('mesolab CLI basics', () => {
  it('--help lists every command with a description', async () => {
    const r = await mesolab(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['doctor', 'volume', 'generate', 'properties', 'fill', 'sweep', 'study', 'train', 'predict', 'explain', 'view']) {
      expect(r.stdout, cmd).toMatch(new RegExp(`^  ${cmd}\\b.*\\S`, 'm'));
    }
  });

  it('doctor --json reports the backends that really ran', async () => {
    const r = await mesolab(['doctor', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      node: string;
      cpus: number;
      gpujs: { available: string[]; selected: string; probes: { backend: string; available: boolean; ranAs?: string }[] };
      tfjs: { available: string[]; selected: string };
    };
    expect(j.node).toBe(process.version);
    expect(j.cpus).toBeGreaterThan(0);
    expect(j.gpujs.available).toEqual(expect.arrayContaining(['webasm', 'cpu']));
    expect(j.gpujs.available).toContain(j.gpujs.selected);
    for (const p of j.gpujs.probes.filter((q) => q.available)) expect(p.ranAs).toBe(p.backend);
    expect(j.tfjs.available).toEqual(expect.arrayContaining(['cpu']));
    expect(j.tfjs.available).toContain(j.tfjs.selected);
  });

  it('MESOLAB_BACKEND and --backend choose the backend; a bad name is a one-line error with exit 2', async () => {
    const r = await mesolab(['doctor', '--json'], { MESOLAB_BACKEND: 'cpu' });
    expect(JSON.parse(r.stdout).gpujs.selected).toBe('cpu');
    const bad = await mesolab(['--backend', 'cuda', 'doctor']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error: --backend: got "cuda", expected one of auto, webgpu, webgl2, webasm, cpu/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  // The adapter line is asserted on SwiftShader (what tests run on); a machine without Chromium's
  // driver skips it.
  const swiftShader = existsSync('/usr/lib/chromium/vk_swiftshader_icd.json');
  it.skipIf(!hasWebGpuDriver() || !swiftShader)(`names the WebGPU adapter, its driver and key limits (SwiftShader here), with nothing on stderr${vulkanSkipNote()}`, async () => {
    const r = await mesolab(['doctor'], { MESOLAB_SWIFTSHADER: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^WebGPU adapter: SwiftShader driver [\d.]+ \(software: runs on the CPU\)$/m);
    expect(r.stdout).toMatch(/^ {2}driver: vendor google, architecture swiftshader, device \S+, description SwiftShader/m);
    expect(r.stdout).toMatch(/^ {2}limits: maxStorageBufferBindingSize \d+ [MG]iB, maxBufferSize \d+ [MG]iB, maxComputeWorkgroupsPerDimension \d+, maxComputeInvocationsPerWorkgroup \d+$/m);
    // Dawn's and the Vulkan loader's chatter stays off the user's terminal.
    expect(r.stderr).toBe('');
    const j = JSON.parse((await mesolab(['doctor', '--json'], { MESOLAB_SWIFTSHADER: '1' })).stdout) as { webgpu: { vendor: string; software: boolean; limits: Record<string, number> } };
    expect(j.webgpu.vendor).toBe('google');
    expect(j.webgpu.software).toBe(true);
    expect(j.webgpu.limits['maxComputeWorkgroupsPerDimension']).toBeGreaterThanOrEqual(65535);
    expect(j.webgpu.limits['maxStorageBufferBindingSize']).toBeGreaterThanOrEqual(128 * 2 ** 20);
  });

  it('without a Vulkan loader says how to get one and does not start Dawn (no "Couldn\'t load Vulkan" on stderr)', async () => {
    // MESOLAB_NO_VULKAN=1 makes mesolab see no loader, as on a machine without libvulkan.so.1.
    const r = await mesolab(['doctor'], { MESOLAB_NO_VULKAN: '1', MESOLAB_SWIFTSHADER: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^WebGPU: none\. no Vulkan loader .*apt-get install libvulkan1.*MESOLAB_SWIFTSHADER=1/m);
    expect(r.stdout).toMatch(/^webgpu +no +- +no Vulkan loader/m);
    expect(r.stderr).toBe('');
    const j = JSON.parse((await mesolab(['doctor', '--json'], { MESOLAB_NO_VULKAN: '1' })).stdout) as { webgpu: { error?: string }; gpujs: { available: string[] } };
    expect(j.webgpu.error).toMatch(/libvulkan1/);
    expect(j.gpujs.available).not.toContain('webgpu');
  });
});
