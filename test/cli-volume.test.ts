import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli, type CliRun } from './helpers/cli.ts';
import { readVolume, writeField, writeVolume } from '../src/volume/io.ts';

const FIXTURES = join(ROOT, 'test/fixtures/volume');

const mesolab = (...args: string[]): Promise<CliRun> => runCli(args);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-cli-volume-'));
  // 5×4×2 = 40 voxels: 12 pore, 20 am, 8 cbd.
  const labels = new Uint8Array(40);
  labels.fill(1, 12, 32);
  labels.fill(2, 32, 40);
  await writeVolume(join(dir, 'hand.tif'), { shape: [5, 4, 2], voxelSize: 0.4e-6, labels });
  await writeField(join(dir, 'field.raw'), { shape: [2, 2, 1], voxelSize: 1e-6, data: Float32Array.from([1, 2, NaN, Infinity]), name: 'saturation (-)' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noStack = (r: CliRun): void => {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
};

describe('mesolab volume info', () => {
  it('--json gives shape, voxel size in metres and exact fractions', async () => {
    const r = await mesolab('volume', 'info', join(dir, 'hand.tif'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { shape: number[]; voxelSize: number; fractions: Record<string, number> };
    expect(j.shape).toEqual([5, 4, 2]);
    expect(j.voxelSize).toBe(0.4e-6);
    expect(j.fractions).toEqual({ pore: 12 / 40, am: 20 / 40, cbd: 8 / 40 });
  });

  it('human output shows µm and percentages; fields get statistics', async () => {
    const [text, field] = await Promise.all([mesolab('volume', 'info', join(dir, 'hand.tif')), mesolab('volume', 'info', join(dir, 'field.raw'), '--json')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/5 × 4 × 2 voxels \(40\)/);
    expect(text.stdout).toMatch(/voxel size\s+0\.4000 µm/);
    expect(text.stdout).toMatch(/am\s+50\.000 %/);
    expect(field.code).toBe(0);
    expect(JSON.parse(field.stdout)).toMatchObject({ kind: 'field', name: 'saturation (-)', stats: { min: 1, max: 2, mean: 1.5, nan: 1, infinite: 1 } });
  });

  it('--labels and --voxel-size (µm) apply to an ImageJ segmentation', async () => {
    const r = await mesolab('volume', 'info', join(FIXTURES, 'ij-u8-deflate.tif'), '--labels', '0:pore,128:am,255:cbd', '--voxel-size', '0.8', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { voxelSize: number; fractions: Record<string, number> };
    expect(j.voxelSize).toBeCloseTo(0.8e-6, 18);
    // (x + 2y + 3z) mod 3 over 10×7×5: 120 zeros, 115 ones, 115 twos.
    expect(j.fractions).toEqual({ pore: 120 / 350, am: 115 / 350, cbd: 115 / 350 });
  });
});

describe('mesolab volume convert', () => {
  it('converts tif → vti → raw keeping voxels and voxel size', async () => {
    const a = await mesolab('volume', 'convert', join(dir, 'hand.tif'), join(dir, 'hand.vti'));
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/wrote .*hand.vti \(5 × 4 × 2 labels, voxel 0.4000 µm\)/);
    const b = await mesolab('volume', 'convert', join(dir, 'hand.vti'), join(dir, 'hand.raw'));
    expect(b.code).toBe(0);
    const [orig, back] = await Promise.all([readVolume(join(dir, 'hand.tif')), readVolume(join(dir, 'hand.raw'))]);
    expect(back.voxelSize).toBe(0.4e-6);
    expect(Array.from(back.labels)).toEqual(Array.from(orig.labels));
  });
});

describe('bad input: exit code 2, one line naming the problem, no stack trace', () => {
  it('missing voxel size, unmapped grey value, non-positive voxel size, unknown extension, truncated raw', async () => {
    await writeFile(join(dir, 'cut.raw'), new Uint8Array(10));
    await writeFile(join(dir, 'cut.json'), JSON.stringify({ shape: [4, 4, 4], voxelSize: 1e-6, dtype: 'uint8' }));
    const tiled = join(FIXTURES, 'tf-u8-tiled.tif');
    const runs = await Promise.all([
      mesolab('volume', 'info', tiled),
      mesolab('volume', 'info', join(FIXTURES, 'ij-u8-deflate.tif'), '--labels', '0:pore,255:am'),
      mesolab('volume', 'info', tiled, '--voxel-size', '0'),
      mesolab('volume', 'convert', join(dir, 'hand.tif'), join(dir, 'hand.png')),
      mesolab('volume', 'info', join(dir, 'cut.raw')),
    ]);
    const expected = [
      /^error: voxelSize: got nothing, .*pass --voxel-size <µm>/,
      /^error: labels: .*grey value 128 has none in 0:pore,255:am/,
      /^error: --voxel-size: got "0", expected a positive voxel size in µm/,
      /^error: output: got ".*hand.png", expected a file name ending in .tif, .tiff, .raw, .vti/,
      /^error: file: .*cut.raw", expected 64 bytes .*it has 10 bytes: truncated/,
    ];
    runs.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(expected[i]!);
      noStack(r);
    });
  });

  it('--debug adds the stack trace', async () => {
    const r = await mesolab('--debug', 'volume', 'info', join(FIXTURES, 'tf-u8-tiled.tif'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
