import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createVolume, LABEL } from '../src/volume/volume.ts';
import { writeVolume } from '../src/volume/io.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'mesolab.js');
let dir = '';
let tif = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-props-'));
  tif = join(dir, 'slabs.tif');
  // Pore slabs normal to x (2 of every 4 voxels), AM between: τ_pore = 1 along y and z, Infinity along x.
  const v = createVolume([16, 12, 10], 1e-6);
  for (let i = 0; i < v.labels.length; i++) v.labels[i] = i % 16 % 4 < 2 ? LABEL.pore : LABEL.am;
  await writeVolume(tif, v);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('mesolab properties', () => {
  it('prints JSON with the documented keys', async () => {
    const { stdout } = await run('node', [BIN, 'properties', tif, '--json', '--backend', 'cpu', '--phases', 'pore,solid', '--tol', '1e-6']);
    const r = JSON.parse(stdout) as Record<string, any>;
    expect(r.fractions.pore).toBeCloseTo(0.5, 12);
    expect(Object.keys(r.surfaceArea).sort()).toEqual(['am_cbd', 'am_pore', 'cbd_pore']);
    expect(r.connectivity.pore.y).toEqual({ connected: 1, isolated: 0, deadEnd: 0 });
    expect(Math.abs(r.tortuosity.pore.z.tau - 1)).toBeLessThan(1e-6);
    expect(r.tortuosity.pore.x.tau).toBe('Infinity');
    expect(r.tortuosity.pore.x.percolating).toBe(false);
    expect(r.tortuosity.electrolyte).toBeUndefined();
    expect(r.effectiveConductivity.electronic.z).toBeCloseTo(0.5, 6);
    // SI throughout: 2-voxel slabs of 1 µm voxels are 2e-6 m wide; the voxel size is in m.
    expect(Math.abs(r.poreSize.d50 - 2e-6)).toBeLessThan(1e-15);
    expect(r.voxelSize).toBe(1e-6);
    expect(typeof r.iterations).toBe('number');
    expect(typeof r.residual).toBe('number');
  });

  it('prints a table, and names the field on bad input', async () => {
    const { stdout } = await run('node', [BIN, 'properties', tif, '--axes', 'z', '--backend', 'cpu', '--no-sizes']);
    expect(stdout).toMatch(/tortuosity/);
    // Each τ line names its set and what conducts in it.
    expect(stdout).toMatch(/^pore +pore space \(ionic\) +z +1(\.000)?\s/m);
    expect(stdout).toMatch(/^electrolyte +pore \+ CBD nanopores \(ionic\) +z\s/m);
    expect(stdout).toMatch(/^solid +AM \+ CBD \(electronic\) +z\s/m);
    expect(stdout).toMatch(/voxels of 1 µm;/);
    await expect(run('node', [BIN, 'properties', tif, '--tol', 'abc'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--tol/) });
    await expect(run('node', [BIN, 'properties', tif, '--axes', 'q'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/axes/) });
  });
});
