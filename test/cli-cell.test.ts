import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createVolume } from '../src/volume/volume.ts';
import { writeVolume } from '../src/volume/io.ts';
import { overlappingSpheres } from '../src/voxel/test-geometries.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'mesolab.js');
let dir = '';
let tif = '';
let config = '';
let fillDir = '';
let gasShare = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-cell-'));
  tif = join(dir, 'electrode.tif');
  const v = overlappingSpheres([20, 20, 30], 11, { porosity: 0.4, voxelSize: 2e-6 });
  await writeVolume(tif, v);
  config = join(dir, 'cell.json');
  await writeFile(config, JSON.stringify({ mesh: { negative: 3, separator: 4, positive: 8, particle: 6 } }));
  // A quasi-static-fill-like folder: gas trapped in half of the deepest third (x < 10).
  fillDir = join(dir, 'fill');
  await mkdir(fillDir);
  const phase = createVolume(v.shape, v.voxelSize);
  let pore = 0;
  let gas = 0;
  for (let i = 0; i < v.labels.length; i++) {
    if (v.labels[i] !== 0) continue;
    pore++;
    const z = Math.floor(i / 400);
    const trapped = z >= 20 && i % 20 < 10;
    phase.labels[i] = trapped ? 2 : 1;
    if (trapped) gas++;
  }
  gasShare = gas / pore;
  await writeVolume(join(fillDir, 'phase.tif'), phase);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('mesolab cell', () => {
  it('prints JSON: capacity falls with rate; a filling folder sets the wetting', async () => {
    const { stdout } = await run('node', [BIN, 'cell', tif, '--c-rates', '0.1,1', '--config', config, '--json', '--backend', 'cpu']);
    const r = JSON.parse(stdout) as { structure: Record<string, number>; performance: { curves: { dischargeCapacity: number }[]; dcResistance: number } };
    expect(r.structure.saturation).toBe(1);
    expect(r.performance.curves).toHaveLength(2);
    expect(r.performance.curves[1]!.dischargeCapacity).toBeLessThan(r.performance.curves[0]!.dischargeCapacity);
    expect(r.performance.dcResistance).toBeGreaterThan(0);
    const { stdout: s2 } = await run('node', [BIN, 'cell', fillDir, '--volume', tif, '--c-rates', '1', '--config', config, '--json', '--backend', 'cpu']);
    const w = JSON.parse(s2) as typeof r;
    expect(Math.abs(w.structure.saturation! - (1 - gasShare))).toBeLessThan(1e-9);
    expect(w.performance.curves[0]!.dischargeCapacity).toBeLessThan(r.performance.curves[1]!.dischargeCapacity);
  });

  it('writes a new folder with result.json and the curves', async () => {
    const out = join(dir, 'out');
    await run('node', [BIN, 'cell', tif, '--c-rates', '1', '--config', config, '-o', out, '--backend', 'cpu']);
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { discharges: { cRate: number; capacityAh: number }[] };
    expect(result.discharges[0]!.cRate).toBe(1);
    const csv = (await readFile(join(out, 'discharge-1C.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('time_s,voltage_V,capacity_Ah');
    expect(Number(csv[csv.length - 1]!.split(',')[2])).toBeCloseTo(result.discharges[0]!.capacityAh, 9);
    // The viewer's file: the same curve in coulombs (SI), and the electrode beside it.
    const discharge = JSON.parse(await readFile(join(out, 'discharge.json'), 'utf8')) as { units: { capacity: string }; curves: { capacity: number[]; time: number[] }[] };
    expect(discharge.units.capacity).toBe('C');
    expect(discharge.curves[0]!.capacity.at(-1)! / 3600).toBeCloseTo(result.discharges[0]!.capacityAh, 12);
    expect(discharge.curves[0]!.time).toHaveLength(csv.length - 1);
    expect(JSON.parse(await readFile(join(out, 'labels.json'), 'utf8'))).toMatchObject({ shape: [20, 20, 30] });
    // Never written over.
    await expect(run('node', [BIN, 'cell', tif, '--config', config, '-o', out])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--out/) });
  });

  it('names the field on bad input (exit status 2)', async () => {
    // Gas across the whole deepest third: no electrolyte path to the current collector.
    const blocked = join(dir, 'blocked');
    await mkdir(blocked);
    const phase = createVolume([20, 20, 30], 2e-6);
    phase.labels.fill(2);
    for (let i = 0; i < 20 * 400; i++) phase.labels[i] = 1;
    await writeVolume(join(blocked, 'phase.tif'), phase);
    await expect(run('node', [BIN, 'cell', blocked, '--volume', tif, '--config', config])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/electrolyte percolating/) });
    await expect(run('node', [BIN, 'cell', tif, '--c-rates', 'abc'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--c-rates/) });
    await expect(run('node', [BIN, 'cell', fillDir])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--volume/) });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ voltageMin: -1 }));
    await expect(run('node', [BIN, 'cell', tif, '--config', bad])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/voltageMin/) });
  });
});
