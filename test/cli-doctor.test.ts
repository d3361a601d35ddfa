import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './helpers/cli.ts';


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
});
