import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from './helpers/cli.ts';
import { readVolume } from '../src/volume/io.ts';
import { volumeFractions } from '../src/volume/volume.ts';


const mesolab = (...args: string[]): Promise<CliRun> => runCli(args);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-cli-generate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mesolab generate', () => {
  it('writes the volume and prints the JSON summary; command-line values override the config file', async () => {
    const config = join(dir, 'cfg.json');
    await writeFile(config, JSON.stringify({ shape: [64, 64, 64], d50Um: 10, amFraction: 0.5, cbdFraction: 0.1, seed: 1 }));
    const out = join(dir, 'e.raw');
    const r = await mesolab('--backend', 'webasm', 'generate', '--config', config, '--shape', '32,32,40', '--d50', '6', '--porosity', '0.35', '--calendering', '25', '--seed', '4', '-o', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      fractions: { pore: number; am: number; cbd: number };
      porosity: number;
      particles: number;
      thicknessUm: number;
      seed: number;
      backend: string;
      shape: number[];
      targets: { amFraction: number };
    };
    expect(s.seed).toBe(4);
    expect(s.backend).toBe('webasm');
    expect(s.shape).toEqual([32, 32, 30]);
    expect(s.thicknessUm).toBe(30);
    // --porosity replaced the file's amFraction: AM target = 1 − 0.35 − 0.1.
    expect(s.targets.amFraction).toBeCloseTo(0.55, 12);
    expect(s.particles).toBeGreaterThan(50);
    const v = await readVolume(out);
    expect(v.shape).toEqual([32, 32, 30]);
    expect(v.voxelSize).toBeCloseTo(1e-6, 15);
    const f = volumeFractions(v);
    expect(f.am).toBeCloseTo(s.fractions.am, 12);
    expect(f.cbd).toBeCloseTo(s.fractions.cbd, 12);
    expect(f.pore).toBeCloseTo(s.porosity, 12);
  });

  it('prints a readable summary without -o, and writes the particle list on request', async () => {
    const particles = join(dir, 'p.json');
    const r = await mesolab('--backend', 'webasm', 'generate', '--shape', '32,32,32', '--d50', '6', '--seed', '2', '--particles', particles);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^porosity\s+0\.\d+/m);
    expect(r.stdout).toMatch(/^particles\s+\d+/m);
    const list = JSON.parse(await readFile(particles, 'utf8')) as { xUm: number; rUm: number }[];
    const count = Number(/^particles\s+(\d+)/m.exec(r.stdout)![1]);
    expect(list.length).toBe(count);
    for (const p of list) expect(p.xUm).toBeGreaterThanOrEqual(0);
  });

  it('refuses impossible requests with one line naming the field, exit code 2', async () => {
    const r = await mesolab('generate', '--porosity', '0.5', '--cbd', '0.6');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: porosity: got 0.5, expected porosity + cbdFraction below 1 (cbdFraction is 0.6) (no room is left for active material)');
    const bad = await mesolab('generate', '--d50', 'ten');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--d50: got "ten", expected a number/);
    const merged = await mesolab('generate', '--overlap', '0.7');
    expect(merged.code).toBe(2);
    expect(merged.stderr.trim().split('\n')).toHaveLength(1);
    expect(merged.stderr).toMatch(/particleOverlap: got 0\.7, expected .*0\.5/);
    const compact = await mesolab('generate', '--compactness', '2');
    expect(compact.code).toBe(2);
    expect(compact.stderr.trim().split('\n')).toHaveLength(1);
    expect(compact.stderr).toMatch(/particleCompactness: got 2, expected .*1/);
    const spread = await mesolab('generate', '--dispersion', '-2');
    expect(spread.code).toBe(2);
    expect(spread.stderr.trim().split('\n')).toHaveLength(1);
    expect(spread.stderr).toMatch(/particleDispersion: got -2, expected .*-1/);
    const strands = await mesolab('generate', '--cbd-morphology', 'web', '--cbd-strands', '2');
    expect(strands.code).toBe(2);
    expect(strands.stderr.trim().split('\n')).toHaveLength(1);
    expect(strands.stderr).toMatch(/cbdStrands: got 2, expected .*1/);
    const faces = await mesolab('generate', '--z-faces', 'open');
    expect(faces.code).toBe(2);
    expect(faces.stderr.trim().split('\n')).toHaveLength(1);
    expect(faces.stderr).toMatch(/zFaces: got "?open"?, expected .*bounded.*cut/);
  });
});
