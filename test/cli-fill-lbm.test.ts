import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeVolume } from '../src/volume/io.ts';
import { createVolume, LABEL } from '../src/volume/volume.ts';
import { runCli, type CliRun } from './helpers/cli.ts';


const mesolab = (args: string[]): Promise<CliRun> => runCli(args);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-lbm-'));
  // 8×8×10 active material with one straight 4×4 pore through it.
  const v = createVolume([8, 8, 10], 2e-6);
  v.labels.fill(LABEL.am);
  for (let z = 0; z < 10; z++) for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) v.labels[x + 8 * (y + 8 * z)] = LABEL.pore;
  await writeVolume(join(dir, 'pore.tif'), v);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mesolab fill --model lbm', () => {
  it('prints the promised JSON keys and writes arrival time, snapshots, result and curve', async () => {
    const out = join(dir, 'out');
    const r = await mesolab(['fill', join(dir, 'pore.tif'), '--model', 'lbm', '--backend', 'cpu', '--steps', '300', '--snapshot-every', '100', '--contact-angle', 'am=30', '--json', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown> & { curve: { step: number; t: number; saturation: number }[]; steps: number; parameters: { units: { dt: number } } };
    for (const key of ['model', 'saturation', 'trappedFraction', 'curve', 't50', 't90', 't95', 'steps', 'mlups', 'backend', 'stopReason', 'parameters']) expect(j, key).toHaveProperty(key);
    expect(j.model).toBe('lbm');
    expect(j.steps).toBe(300);
    expect(j.stopReason).toBe('step-limit');
    expect(j.curve[j.curve.length - 1]!.t).toBeCloseTo(300 * j.parameters.units.dt, 12);
    expect(j.curve[j.curve.length - 1]!.saturation).toBeGreaterThan(j.curve[0]!.saturation);
    for (const f of ['arrival-time.tif', 'arrival-time.vti', 'result.json', 'curve.csv', 'snapshots/index.json', 'snapshots/electrolyte-fraction.raw']) {
      expect((await stat(join(out, f))).size, f).toBeGreaterThan(0);
    }
    const index = JSON.parse(await readFile(join(out, 'snapshots', 'index.json'), 'utf8')) as { frames: { step: number; offset: number }[]; shape: number[] };
    expect(index.frames.map((f) => f.step)).toEqual([0, 100, 200, 300]);
    expect((await stat(join(out, 'snapshots', 'electrolyte-fraction.raw'))).size).toBe(4 * 8 * 8 * 10);
    const csv = (await readFile(join(out, 'curve.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('step,t_s,saturation');
    expect(csv.length - 1).toBe(j.curve.length);
  });

  it('rejects an impossible contact angle with a one-line message naming the option', async () => {
    const r = await mesolab(['fill', join(dir, 'pore.tif'), '--model', 'lbm', '--backend', 'cpu', '--contact-angle', 'am=300']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--contact-angle/);
  });
});
