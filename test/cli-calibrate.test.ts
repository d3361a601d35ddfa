import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createVolume, LABEL } from '../src/volume/volume.ts';
import { writeVolume } from '../src/volume/io.ts';
import { GenerateParamsSchema } from '../sims/mesostructure/index.ts';
import { parseStudy } from '../src/study/schema.ts';
import { STAGE_CATALOG } from '../workers/stages.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'mesolab.js');
let dir = '';

/** Runs mesolab and returns its exit code and stderr, not throwing on a failure. */
async function mesolab(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args, '--backend', 'cpu']);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-cal-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('mesolab calibrate', () => {
  it('refuses a two-phase tomogram in one line naming what is missing and what can still be matched (exit 2)', async () => {
    const v = createVolume([16, 16, 16], 1e-6);
    for (let i = 0; i < v.labels.length; i++) v.labels[i] = i % 3 === 0 ? LABEL.am : LABEL.pore;
    const tif = join(dir, 'two.tif');
    await writeVolume(tif, v);
    const r = await mesolab(['calibrate', tif]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/three phases.*cbd missing/);
    expect(lines[0]).toMatch(/can still be matched: fraction\.pore, fraction\.am, area\.am_pore, tau\.pore\.x/);
    expect(lines[0]).not.toMatch(/area\.am_cbd|area\.cbd_pore|fraction\.cbd/);
  });

  it('refuses a phase the generator cannot make (exit 2)', async () => {
    const v = createVolume([16, 16, 16], 1e-6);
    for (let i = 0; i < v.labels.length; i++) v.labels[i] = i % 4;
    const tif = join(dir, 'four.tif');
    await writeVolume(tif, v);
    const r = await mesolab(['calibrate', tif]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/label3 cannot be generated.*can still be matched: fraction\.pore, fraction\.am, fraction\.cbd, area\.am_pore/);
  });

  it('refuses bad options and an existing output before any work (exit 2)', async () => {
    const existing = join(dir, 'exists.json');
    await writeFile(existing, '{}');
    for (const [args, pattern] of [
      [['--budget', '2'], /--budget: got "2", expected an integer >= 3/],
      [['--starts', '0'], /--starts: got "0", expected an integer >= 1/],
      [['--z-faces', 'open'], /--z-faces: got "open", expected bounded or cut/],
      [['--thickness-axis', 'w'], /--thickness-axis: got "w", expected one of x, y, z/],
      [['--optimiser', 'lbfgs'], /--optimiser: got "lbfgs", expected residuals or sum/],
      [['--objective', 'max'], /--objective: got "max", expected worst or mismatch/],
      [['--race', '-1'], /--race: got "-1", expected an integer >= 0/],
      [['--race-seeds', '0'], /--race-seeds: got "0", expected an integer >= 1/],
      [['--race-shape', '256,256'], /--race-shape: got "256,256", expected three voxel counts nx,ny,nz/],
      [['--race-shape', '4,256,256'], /--race-shape: got 4, expected three voxel counts nx,ny,nz, each an integer >= 8/],
      [['--size-correction', '1'], /--size-correction: got "1", expected a race at another shape to correct toward: --race-shape, --race 1 or more, --optimiser residuals \(no --race-shape\)/],
      [['--size-correction', '1', '--race-shape', '32,32,32', '--race', '0'], /--size-correction: got "1", expected .*\(--race is 0\)/],
      [['--size-correction', '1', '--race-shape', '32,32,32', '--shape', '32,32,32'], /--size-correction: got "1", expected .*\(--race-shape is --shape, 32,32,32\)/],
      [['--size-correction', '-1'], /--size-correction: got "-1", expected an integer >= 0/],
      [['--correction-trials', '0'], /--correction-trials: got "0", expected an integer >= 1/],
      [['--range', 'calenderingPercent=0:20'], /--range: got "calenderingPercent=0:20", expected a range on a searched parameter.*calenderingPercent is held at 0/],
      [['--range', 'particleOverlap=0.5'], /--range: got "particleOverlap=0.5", expected comma-separated name=lo:hi/],
      [['--range', 'particleOverlap=0.3:0.2'], /--range: got "particleOverlap=0.3:0.2", expected finite lo < hi/],
      [['--range', 'cbdFibres=0:1'], /--range: got "cbdFibres=0:1", expected a range on a searched parameter.*cbdFibres is held at 0/],
      [['--range', 'particleCompactness=0:1'], /--range: got "particleCompactness=0:1", expected a range on a searched parameter.*particleCompactness is held at 0/],
      [['--weights', 'tau=-1'], /--weights/],
      [['--shape', '64,64'], /--shape/],
      [['--fix', 'porosity=0.4'], /--fix: got "porosity=0.4", expected comma-separated name=value with names d50Um, span/],
      [['--free', 'd50Um'], /--free: got "d50Um", expected a comma-separated list of particleCompactness, particleDispersion, cbdFibres, cbdStrands, calenderingPercent/],
      [['--free', 'cbdFibres', '--fix', 'cbdFibres=0.5'], /--free: got "cbdFibres", expected a parameter that is not also held by --fix/],
      [['-o', existing], /--output.*exists/],
    ] as const) {
      const r = await mesolab(['calibrate', join(dir, 'missing.tif'), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    expect(await readFile(existing, 'utf8')).toBe('{}');
  });

  it('writes a generator config that generate and a study file accept, and a report of each descriptor', async () => {
    const tomogram = join(dir, 'real.tif');
    const gen = await mesolab(['generate', '--shape', '32,32,32', '--voxel-size', '0.5', '--d50', '4', '--span', '0.6', '--porosity', '0.45', '--cbd', '0.15', '--cbd-morphology', 'web', '--cbd-domain', '1', '--cbd-reach', '2', '--seed', '9', '-o', tomogram]);
    expect(gen.code, gen.stderr).toBe(0);
    const config = join(dir, 'config.json');
    const report = join(dir, 'report.json');
    const r = await mesolab(['calibrate', tomogram, '--budget', '4', '--seeds', '1', '--z-faces', 'cut', '-o', config, '--report', report]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/area\.cbd_pore/);
    expect(r.stdout).toMatch(/objective worst; mismatch \S+, score \S+/);
    // The race: the trials that ran (up to four) again on seed 2, the kept one marked, the table over both seeds.
    expect(r.stdout).toMatch(/race on fresh seeds 2 \(score on the search seeds \/ fresh seeds \/ both\): (trial \d \S+ \/ \S+ \/ \S+( \(kept\))?(, )?){1,4}\n/);
    expect(r.stdout).toMatch(/\(kept\)/);
    expect(r.stdout).toMatch(/across the seeds, search and fresh/);
    // Under each table: the count within tolerance, and the calls the seeds' scatter leaves open.
    expect(r.stdout).toMatch(/\nwithin tolerance: \d+ of 21; (marginal, another set of seeds may land on the other side|none marginal)/);
    // Search seed 1, race seed 2: the first seed neither has seen.
    expect(r.stdout).toMatch(/\nseeds this calibration has not used start at 3: check the config there with --check <config\.json> --seed 3/);
    const c = JSON.parse(await readFile(config, 'utf8')) as Record<string, unknown>;
    const parsed = GenerateParamsSchema.parse(c);
    expect(parsed.cbdMorphology).toBe('web');
    expect(parsed.zFaces).toBe('cut');
    expect(parsed.porosity).toBeCloseTo(0.45, 2);
    expect(parsed.seed).toBeUndefined();
    parseStudy({ name: 'cal', chain: ['generate', 'properties'], fixed: { generate: c }, varied: [{ name: 'cal', set: ['generate.calenderingPercent'], distribution: 'uniform', min: 0, max: 10 }], design: { type: 'lhs' }, samples: 2, seed: 1 }, STAGE_CATALOG);
    const rep = JSON.parse(await readFile(report, 'utf8')) as { trials: number; evaluations: number; descriptors: { name: string; real: number; spread: number; standardError: number }[]; race: { freshSeeds: number[]; candidates: unknown[] } };
    expect(rep.trials).toBe(4);
    expect(rep.race.freshSeeds).toEqual([2]);
    expect(rep.evaluations).toBeLessThanOrEqual(4 + rep.race.candidates.length);
    expect(rep.descriptors.find((d) => d.name === 'fraction.cbd')!.real).toBeCloseTo(0.15, 3);
    // Search and fresh seed pooled: two seeds, so each mean's standard error is its spread over √2.
    const area = rep.descriptors.find((d) => d.name === 'area.am_pore')!;
    expect(area.standardError).toBeCloseTo(area.spread / Math.SQRT2, 12);
    // The tomogram's config reproduces its volume: generate --config gives the calibrated trial's electrode.
    const again = await mesolab(['generate', '--config', config, '--seed', '1', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).fractions.cbd).toBeCloseTo(0.15, 3);
  });

  it('with a --shape smaller than the tomogram, prints the tomogram as the mean and spread of the boxes covering it', async () => {
    const tomogram = join(dir, 'real.tif');
    const report = join(dir, 'boxes.json');
    // real.tif of the test above: 32³; 24×24 boxes need two along x and along y, one along z.
    const r = await mesolab(['calibrate', tomogram, '--shape', '24,24,32', '--budget', '3', '--seeds', '1', '--fix', 'span=0.6,particleAggregation=0,particleOverlap=0,cbdDomainUm=1,cbdReachUm=2', '--report', report]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/real: mean ± standard deviation across 4 boxes of 24×24×32 covering the tomogram/);
    const rep = JSON.parse(await readFile(report, 'utf8')) as { tomogramBoxes: unknown; descriptors: { name: string; real: number; realSpread: number }[] };
    expect(rep.tomogramBoxes).toEqual({ shape: [24, 24, 32], count: 4 });
    const cbd = rep.descriptors.find((d) => d.name === 'area.cbd_pore')!;
    expect(cbd.realSpread).toBeGreaterThan(0);
    // The boxes overlap (16 voxels along x and y) but each is read whole: the fractions stay near the tomogram's.
    expect(rep.descriptors.find((d) => d.name === 'fraction.cbd')!.real).toBeCloseTo(0.15, 2);
  });
  describe('--check: a config against the tomogram on seeds of its own', () => {
    const made = (): string => join(dir, 'made.tif');
    const config = { shape: [32, 32, 32], voxelSizeUm: 0.5, d50Um: 4, span: 0.6, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 2 };
    type Rep = { mismatch: number; seeds: number[]; shape: number[]; evaluations: number; descriptors: { name: string; relative: number; spread: number; standardError: number }[] };
    const rel = (r: Rep, name: string): number => r.descriptors.find((d) => d.name === name)!.relative;
    beforeAll(async () => {
      const gen = await mesolab(['generate', '--shape', '32,32,32', '--voxel-size', '0.5', '--d50', '4', '--span', '0.6', '--porosity', '0.45', '--cbd', '0.15', '--cbd-morphology', 'web', '--cbd-domain', '1', '--cbd-reach', '2', '--seed', '9', '-o', made()]);
      expect(gen.code, gen.stderr).toBe(0);
    });

    it('the parameters and seed that made the tomogram reproduce every descriptor exactly; other seeds scatter', async () => {
      const cfg = join(dir, 'made.json');
      await writeFile(cfg, JSON.stringify(config));
      const report = join(dir, 'check9.json');
      const r = await mesolab(['calibrate', made(), '--check', cfg, '--seed', '9', '--seeds', '1', '--report', report]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/against twins of .*made\.json, 32×32×32, on seeds 9: 1 generate \+ properties evaluations/);
      expect(r.stdout).toMatch(/\nwithin tolerance: 21 of 21; none marginal/);
      const same = JSON.parse(await readFile(report, 'utf8')) as Rep;
      expect(same.descriptors).toHaveLength(21);
      for (const d of same.descriptors) expect(d.relative, d.name).toBe(0);
      expect(same.mismatch).toBe(0);

      const other = await mesolab(['calibrate', made(), '--check', cfg, '--seed', '10', '--seeds', '2', '--json']);
      expect(other.code, other.stderr).toBe(0);
      const o = JSON.parse(other.stdout) as Rep;
      expect(o.seeds).toEqual([10, 11]);
      expect(o.evaluations).toBe(2);
      expect(o.mismatch).toBeGreaterThan(0);
      // The fractions are the tomogram's, voxel-exact; the rest are another realisation's.
      for (const p of ['pore', 'am', 'cbd']) expect(Math.abs(rel(o, `fraction.${p}`)), p).toBeLessThan(2e-3);
      expect(o.descriptors.some((d) => Math.abs(d.relative) > 0.01)).toBe(true);
      const area = o.descriptors.find((d) => d.name === 'area.am_pore')!;
      expect(area.standardError).toBeCloseTo(area.spread / Math.SQRT2, 12);
    });

    it('larger particles read larger, and a calendered config is generated to the tomogram\'s shape and fractions', async () => {
      const big = join(dir, 'big.json');
      await writeFile(big, JSON.stringify({ ...config, d50Um: 6 }));
      const r = await mesolab(['calibrate', made(), '--check', big, '--seed', '9', '--seeds', '1', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout) as Rep;
      // d50 6 against 4 µm: local-thickness particle sizes well above the tomogram's.
      expect(rel(b, 'particleSize.d50')).toBeGreaterThan(0.15);
      // A config calibrate -o wrote for a calendered electrode: another shape and the fractions before calendering.
      const cal = join(dir, 'calendered.json');
      await writeFile(cal, JSON.stringify({ ...config, shape: [24, 24, 40], porosity: 0.5, cbdFraction: 0.13, calenderingPercent: 12 }));
      const c = await mesolab(['calibrate', made(), '--check', cal, '--seed', '3', '--seeds', '1', '--json']);
      expect(c.code, c.stderr).toBe(0);
      const k = JSON.parse(c.stdout) as Rep & { generated: { shape: number[]; porosity: number; calenderingPercent: number } };
      expect(k.shape).toEqual([32, 32, 32]);
      // Started thicker and more porous, it calenders to the tomogram's thickness and porosity.
      expect(k.generated.calenderingPercent).toBe(12);
      expect(k.generated.shape[2]).toBeGreaterThan(32);
      expect(k.generated.porosity).toBeGreaterThan(0.45);
      expect(Math.abs(rel(k, 'fraction.pore'))).toBeLessThan(0.01);
      expect(Math.abs(rel(k, 'fraction.cbd'))).toBeLessThan(0.01);
    });

    it('refuses a search option, an unreadable or invalid config, and another voxel size, in one line naming the field (exit 2)', async () => {
      const cfg = join(dir, 'made.json');
      await writeFile(cfg, JSON.stringify(config));
      const bad = join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify({ ...config, d50Um: -1 }));
      const coarse = join(dir, 'coarse.json');
      await writeFile(coarse, JSON.stringify({ ...config, voxelSizeUm: 1 }));
      for (const [args, pattern] of [
        [['--check', cfg, '--budget', '4'], /^error: --budget: got "4", expected no search option with --check/],
        [['--check', cfg, '--race', '2'], /^error: --race: got "2", expected no search option with --check/],
        [['--check', join(dir, 'nothing.json')], /^error: --check: got ".*nothing\.json", expected a readable JSON or YAML file/],
        [['--check', bad], /^error: --check: got ".*bad\.json", expected a file holding one object of generator parameters.*d50Um/],
        [['--check', coarse], /^error: --check voxelSizeUm: got 1, expected the tomogram's voxel size, 0\.5 µm/],
      ] as const) {
        const r = await mesolab(['calibrate', made(), ...args]);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stderr.trim(), args.join(' ')).toMatch(pattern);
      }
    });
  });
});
