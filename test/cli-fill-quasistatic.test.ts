import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readField, readVolume, writeVolume } from '../src/volume/io.ts';
import { cylinderBundle } from '../src/voxel/test-geometries.ts';
import { runCli, type CliRun } from './helpers/cli.ts';


const mesolab = (args: string[]): Promise<CliRun> => runCli(args);

let dir: string;
let volumePath: string;
const H = 2e-6;
// Two straight tubes, R = 2 and R = 4 (voxelised inscribed radii √5 and √17).
const TUBES = [
  { cx: 4, cy: 5, radius: 2 },
  { cx: 13, cy: 5, radius: 4 },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-fill-qs-'));
  volumePath = join(dir, 'tubes.tif');
  await writeVolume(volumePath, cylinderBundle([19, 11, 6], H, TUBES));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mesolab fill --model quasi-static', () => {
  it('prints the JSON summary with the Young–Laplace pressures and writes the fields', async () => {
    const out = join(dir, 'out');
    const r = await mesolab(['fill', volumePath, '--model', 'quasi-static', '--contact-angle', 'am=40', '--surface-tension', '0.03', '-o', out, '--json']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of ['model', 'saturation', 'trappedFraction', 'trappedClusters', 'pcCurve', 'parameters', 'breakthroughPc', 'unreachedFraction']) expect(s).toHaveProperty(k);
    expect(s.model).toBe('quasi-static');
    expect(s.saturation).toBe(1);
    const k = (2 * 0.03 * Math.cos((40 * Math.PI) / 180)) / H;
    const pcs = (s.pcCurve as { pc: number }[]).map((p) => p.pc);
    expect(pcs).toHaveLength(2);
    expect(pcs[0]! / (k / Math.sqrt(5))).toBeCloseTo(1, 6);
    expect(pcs[1]! / (k / Math.sqrt(17))).toBeCloseTo(1, 6);
    expect((s.parameters as { surfaceTension: { value: number } }).surfaceTension.value).toBe(0.03);

    const fp = await readField(join(out, 'fill-pressure.tif'));
    const phase = await readVolume(join(out, 'phase.tif'));
    const vti = await readField(join(out, 'fill-pressure.vti'));
    expect(fp.shape).toEqual([19, 11, 6]);
    const axis = 4 + 19 * 5;
    expect(fp.data[axis]! / (k / Math.sqrt(5))).toBeCloseTo(1, 6);
    expect(Number.isNaN(fp.data[0]!)).toBe(true);
    expect(vti.data[axis]).toBe(fp.data[axis]);
    expect(phase.labels[axis]).toBe(1);
    expect(phase.labels[0]).toBe(0);
    const csv = (await readFile(join(out, 'pc-curve.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('pc_Pa,saturation');
    expect(csv).toHaveLength(3);
    const saved = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as Record<string, unknown>;
    expect(saved.saturation).toBe(1);
  });

  it('reads parameters from a config file, flags overriding it', async () => {
    const cfg = join(dir, 'qs.yaml');
    await writeFile(cfg, 'mode: drainage\ncontactAngle:\n  am: 120\noutlet: none\n');
    const r = await mesolab(['fill', volumePath, '--model', 'quasi-static', '--config', cfg, '--contact-angle', 'am=135', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { mode: string; parameters: { outlet: string; contactAngle: { value: { am: number } } }; pcCurve: { pc: number }[] };
    expect(s.mode).toBe('drainage');
    expect(s.parameters.outlet).toBe('none');
    expect(s.parameters.contactAngle.value.am).toBe(135);
    // Drainage: the wide tube first.
    expect(s.pcCurve[0]!.pc / ((2 * 0.035 * -Math.cos((135 * Math.PI) / 180)) / H / Math.sqrt(17))).toBeCloseTo(1, 6);
  });

  it('rejects an angle outside 0–180° in one line naming the flag, exit code 2', async () => {
    const r = await mesolab(['fill', volumePath, '--model', 'quasi-static', '--contact-angle', 'am=200']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: --contact-angle.am: got 200, expected a number <= 180');
  });

  it('rejects an unreadable angle list and an unknown face', async () => {
    const a = await mesolab(['fill', volumePath, '--model', 'quasi-static', '--contact-angle', 'pvdf=30']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--contact-angle: got "pvdf=30", expected comma-separated label=degrees/);
    const b = await mesolab(['fill', volumePath, '--model', 'quasi-static', '--outlet', 'top']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/outlet: got "top", expected one of/);
  });
});
