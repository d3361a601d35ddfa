import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readField, readVolume, readVolumeOrField, writeField, writeVolume, formatOf } from './io.ts';
import { parseLabelMap } from './labels-map.ts';
import { volumeFractions, type Field, type Volume } from './volume.ts';
import { ConfigError, FileFormatError, ImpossibleRequestError } from '../errors.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A small volume with labels 0..2 in an irregular pattern and one voxel of label 7. */
function handMade(): Volume {
  const shape = [9, 5, 4] as const;
  const labels = new Uint8Array(9 * 5 * 4);
  for (let i = 0; i < labels.length; i++) labels[i] = (i * 7 + (i >> 3)) % 3;
  // A label beyond the three named phases: mesolab's own files keep it without a mapping.
  labels[5] = 7;
  return { shape, voxelSize: 0.37e-6, labels };
}

/** Every float32 class ParaView or a solver may leave in a field. */
function nastyField(): Field {
  const shape = [6, 4, 3] as const;
  const data = new Float32Array(72);
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(Math.sin(i) * 10 ** ((i % 9) - 4));
  data.set([NaN, Infinity, -Infinity, -0, 1e-45, -1e-40, 3.4028234663852886e38, 1.1754943508222875e-38], 0);
  // A NaN with a payload: bit-exact means the payload survives too.
  new Uint32Array(data.buffer)[8] = 0x7fc12345;
  return { shape, voxelSize: 1.23456789e-7, data, name: 'arrival time (s)' };
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('round trips are bit-exact in every format', () => {
  for (const ext of ['tif', 'tiff', 'raw', 'vti']) {
    it(`labels through .${ext}`, async () => {
      const v = handMade();
      const path = join(dir, `labels.${ext}`);
      await writeVolume(path, v);
      const back = await readVolume(path);
      expect(back.shape).toEqual(v.shape);
      expect(back.voxelSize).toBe(v.voxelSize);
      expect(Buffer.from(back.labels).equals(Buffer.from(v.labels))).toBe(true);
    });

    it(`float32 field through .${ext} (NaN payloads, ±Infinity, -0, denormals)`, async () => {
      const f = nastyField();
      const path = join(dir, `field.${ext}`);
      await writeField(path, f);
      const back = await readField(path);
      expect(back.shape).toEqual(f.shape);
      expect(back.voxelSize).toBe(f.voxelSize);
      expect(bits(back.data)).toEqual(bits(f.data));
      expect(back.name).toBe('arrival time (s)');
      const either = await readVolumeOrField(path);
      expect(either.kind).toBe('field');
    });
  }

  it('converting tif → raw → vti → tif keeps every voxel and the voxel size', async () => {
    const v = handMade();
    let path = join(dir, 'chain-0.tif');
    await writeVolume(path, v);
    for (const [i, ext] of ['raw', 'vti', 'tif'].entries()) {
      const next = join(dir, `chain-${i + 1}.${ext}`);
      await writeVolume(next, await readVolume(path));
      path = next;
    }
    const back = await readVolume(path);
    expect(back.voxelSize).toBe(v.voxelSize);
    expect(Buffer.from(back.labels).equals(Buffer.from(v.labels))).toBe(true);
  });

  it('raw files are exactly the voxel bytes; the header carries shape, dtype and voxel size', async () => {
    const v = handMade();
    await writeVolume(join(dir, 'plain.raw'), v);
    expect((await stat(join(dir, 'plain.raw'))).size).toBe(180);
    const header = JSON.parse(await readFile(join(dir, 'plain.json'), 'utf8')) as Record<string, unknown>;
    expect(header).toMatchObject({ shape: [9, 5, 4], voxelSize: 0.37e-6, dtype: 'uint8', kind: 'labels' });
  });
});

describe('fractions', () => {
  it('fractions of a hand-made volume are exact after a round trip', async () => {
    // 4×5×2 = 40 voxels: 10 pore, 18 am, 12 cbd.
    const labels = new Uint8Array(40);
    labels.fill(1, 10, 28);
    labels.fill(2, 28, 40);
    const path = join(dir, 'fractions.tif');
    await writeVolume(path, { shape: [4, 5, 2], voxelSize: 1e-6, labels });
    const f = volumeFractions(await readVolume(path));
    expect(f).toEqual({ pore: 10 / 40, am: 18 / 40, cbd: 12 / 40 });
  });
});

describe('label mappings', () => {
  it('parses names and label numbers, refuses malformed or ambiguous maps', () => {
    expect([...parseLabelMap('0:pore, 128:cbd,255:am')]).toEqual([
      [0, 0],
      [128, 2],
      [255, 1],
    ]);
    expect([...parseLabelMap('7:3')]).toEqual([[7, 3]]);
    expect(() => parseLabelMap('0:pore,0:am')).toThrow(/mapped twice/);
    expect(() => parseLabelMap('0:rock')).toThrow(/unknown phase "rock"/);
    expect(() => parseLabelMap('pore')).toThrow(ConfigError);
    expect(() => parseLabelMap('')).toThrow(ConfigError);
  });

  it('maps grey values of a raw uint16 image through --labels', async () => {
    const path = join(dir, 'grey16.raw');
    await writeFile(path, Buffer.from(new Uint16Array([0, 1000, 65535, 1000, 0, 0]).buffer));
    await writeFile(join(dir, 'grey16.json'), JSON.stringify({ shape: [3, 2, 1], voxelSize: 1e-6, dtype: 'uint16' }));
    const v = await readVolume(path, { labels: '0:pore,1000:cbd,65535:am' });
    expect(Array.from(v.labels)).toEqual([0, 2, 1, 2, 0, 0]);
    await expect(readVolume(path, { labels: '0:pore,1000:cbd' })).rejects.toThrow(/grey value 65535 has none/);
  });
});

describe('bad input', () => {
  async function raw(name: string, bytes: number, header: Record<string, unknown>): Promise<string> {
    const path = join(dir, `${name}.raw`);
    await writeFile(path, new Uint8Array(bytes));
    await writeFile(join(dir, `${name}.json`), JSON.stringify(header));
    return path;
  }

  it('a raw file whose size does not match its header (short: truncated; long: mismatch)', async () => {
    const short = await raw('short', 59, { shape: [3, 4, 5], voxelSize: 1e-6, dtype: 'uint8' });
    const err = await readVolume(short).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as Error).message).toMatch(/60 bytes .*3×4×5 uint8.*it has 59 bytes: truncated/);
    const long = await raw('long', 61 * 4, { shape: [3, 4, 5], voxelSize: 1e-6, dtype: 'float32' });
    await expect(readField(long)).rejects.toThrow(/240 bytes.*it has 244 bytes/);
  });

  it('truncated .vti and .tif files say truncated', async () => {
    for (const ext of ['vti', 'tif']) {
      const path = join(dir, `whole.${ext}`);
      await writeVolume(path, handMade());
      const bytes = await readFile(path);
      // Keep the headers and directories (the TIFF writer puts them first), lose the end of the voxels.
      await writeFile(path, bytes.subarray(0, bytes.length - (ext === 'vti' ? 60 : 30)));
      const err = await readVolume(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileFormatError);
      expect((err as Error).message).toMatch(/truncated/);
    }
  });

  it('a raw header claiming 100000³ voxels is refused before anything is allocated', async () => {
    const path = await raw('huge', 10, { shape: [100000, 100000, 100000], voxelSize: 1e-6, dtype: 'uint8' });
    const err = await readVolume(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImpossibleRequestError);
    expect((err as Error).message).toMatch(/fits in memory/);
  });

  it('a non-positive voxel size, given or in a header, is an error naming it', async () => {
    const v = handMade();
    const path = join(dir, 'vs.raw');
    await writeVolume(path, v);
    for (const bad of [0, -1e-6, NaN]) {
      const err = await readVolume(path, { voxelSize: bad }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/^voxelSize: got .*, expected a positive voxel size in metres/);
    }
    await expect(writeVolume(join(dir, 'x.tif'), { ...v, voxelSize: 0 })).rejects.toThrow(/voxelSize/);
    const badHeader = await raw('neg', 180, { shape: [9, 5, 4], voxelSize: -2e-6, dtype: 'uint8' });
    await expect(readVolume(badHeader)).rejects.toThrow(/voxelSize: got -0.000002, expected a positive voxel size/);
  });

  it('unknown or unreadable headers fields are errors', async () => {
    const path = await raw('extra', 1, { shape: [1, 1, 1], voxelSize: 1e-6, dtype: 'uint8', colour: 'red' });
    await expect(readVolume(path)).rejects.toThrow(/colour/);
    await rm(join(dir, 'extra.json'));
    await expect(readVolume(path)).rejects.toThrow(/JSON header beside the .raw file/);
  });

  it('unknown input and output extensions name the file and the known extensions', async () => {
    expect(() => formatOf('a.png', 'output')).toThrow(/^output: got "a.png", expected a file name ending in .tif, .tiff, .raw, .vti$/);
    await expect(writeVolume(join(dir, 'out.nii'), handMade())).rejects.toThrow(/output: got ".*out.nii"/);
    await expect(writeField(join(dir, 'out.h5'), nastyField())).rejects.toThrow(/output/);
    await expect(readVolume(join(dir, 'in.png'))).rejects.toThrow(/input: got ".*in.png"/);
  });

  it('a missing file is a FileFormatError naming it', async () => {
    await expect(readVolume(join(dir, 'nope.tif'))).rejects.toThrow(/nope.tif.*ENOENT/);
  });

  it('a float file read as a label volume says it holds a field', async () => {
    const path = join(dir, 'f.vti');
    await writeField(path, nastyField());
    await expect(readVolume(path)).rejects.toThrow(/float32 values \(a field\?\)/);
  });
});
