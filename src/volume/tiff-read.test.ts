import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readField, readGrid, readVolume } from './io.ts';
import { FileFormatError, ImpossibleRequestError } from '../errors.ts';
import { craftTiff, lzwEncode, type CraftPage } from '../../test/fixtures/volume/craft-tiff.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/volume');
// The patterns of test/fixtures/volume/make-fixtures.py (tifffile), restated.
const [NX, NY, NZ] = [10, 7, 5];
const at = (f: (x: number, y: number, z: number) => number): number[] => {
  const out: number[] = [];
  for (let z = 0; z < NZ; z++) for (let y = 0; y < NY; y++) for (let x = 0; x < NX; x++) out.push(f(x, y, z));
  return out;
};
const LABELS = at((x, y, z) => (x + 2 * y + 3 * z) % 3);
const U16 = at((x, y, z) => (x * 37 + y * 101 + z * 1009) % 65536);
const F32 = at((x, y, z) => Math.fround((x - 2.5 * y + 0.125 * z) * 1.5));
F32[0] = NaN;
F32[1] = Infinity;
F32[2] = -Infinity;
F32[NX * NY] = Math.fround(1e-42);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-tiff-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TIFFs written by tifffile and ImageJ conventions', () => {
  it('reads an ImageJ Deflate stack of grey values through a label mapping, voxel size from unit=um', async () => {
    const v = await readVolume(join(FIXTURES, 'ij-u8-deflate.tif'), { labels: '0:pore,128:am,255:cbd' });
    expect(v.shape).toEqual([NX, NY, NZ]);
    expect(Array.from(v.labels)).toEqual(LABELS);
    expect(v.voxelSize).toBeCloseTo(0.5e-6, 18);
  });

  it('reads ImageJ 16-bit pages with unit=micron and spacing', async () => {
    const f = await readField(join(FIXTURES, 'ij-u16.tif'));
    expect(Array.from(f.data)).toEqual(U16);
    expect(f.voxelSize).toBeCloseTo(0.25e-6, 18);
  });

  it('reads float32 Deflate pages bit for bit (NaN, ±Infinity, denormal), resolution in pixels per cm', async () => {
    const f = await readField(join(FIXTURES, 'tf-f32-deflate.tif'));
    expect(Array.from(f.data)).toEqual(F32);
    expect(f.data[NX * NY]).toBeGreaterThan(0);
    expect(f.voxelSize).toBeCloseTo(0.8e-6, 18);
  });

  it('reads 16-bit Deflate pages with the horizontal predictor', async () => {
    const f = await readField(join(FIXTURES, 'tf-u16-deflate-hpred.tif'), { voxelSize: 1e-6 });
    expect(Array.from(f.data)).toEqual(U16);
  });

  it('reads padded tiles, big-endian strips and BigTIFF', async () => {
    const tiled = await readVolume(join(FIXTURES, 'tf-u8-tiled.tif'), { voxelSize: 2e-6 });
    expect(Array.from(tiled.labels)).toEqual(LABELS);
    expect(tiled.voxelSize).toBe(2e-6);
    const be = await readField(join(FIXTURES, 'tf-u16-bigendian.tif'), { voxelSize: 1e-6 });
    expect(Array.from(be.data)).toEqual(U16);
    const big = await readVolume(join(FIXTURES, 'tf-u8-bigtiff.tif'), { voxelSize: 1e-6 });
    expect(Array.from(big.labels)).toEqual(LABELS);
  });

  it('refuses to invent a voxel size when the file has none', async () => {
    await expect(readVolume(join(FIXTURES, 'tf-u8-tiled.tif'))).rejects.toThrow(/voxelSize.*--voxel-size/);
  });
});

function page(z: number, extra: Partial<CraftPage> = {}): CraftPage {
  return { width: NX, height: NY, bitsPerSample: 8, samples: LABELS.slice(z * NX * NY, (z + 1) * NX * NY), ...extra };
}

async function craft(name: string, pages: CraftPage[], littleEndian = true): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, craftTiff(pages, { littleEndian }));
  return path;
}

describe('crafted TIFFs', () => {
  it('reads LZW pages (with and without predictor) in strips of 3 rows', async () => {
    const pages = Array.from({ length: NZ }, (_, z) => page(z, { compression: 5, rowsPerStrip: 3, predictor: z % 2 ? 2 : 1, xResolution: [10000, 1], resolutionUnit: 3 }));
    const v = await readVolume(await craft('lzw.tif', pages));
    expect(Array.from(v.labels)).toEqual(LABELS);
    expect(v.voxelSize).toBeCloseTo(1e-6, 18);
  });

  it('LZW code widths: a long varied strip survives the 9→12-bit growth and table reset', async () => {
    const n = 200 * 100;
    const samples = Array.from({ length: n }, (_, i) => (Math.imul(i, 2654435761) >>> 24) % (i < n / 2 ? 256 : 7));
    const path = await craft('lzw-long.tif', [{ width: 200, height: 100, bitsPerSample: 8, samples, compression: 5 }]);
    const g = await readGrid(path, { voxelSize: 1e-6 });
    expect(Array.from(g.data)).toEqual(samples);
    // More than 4094 codes of at most 12 bits: the encoder went through a table reset.
    expect(lzwEncode(Uint8Array.from(samples)).length).toBeGreaterThan((4094 * 12) / 8);
  });

  it('reads Deflate and PackBits pages, big-endian files and ImageJ "1 pixel" as unknown', async () => {
    const mixed = Array.from({ length: NZ }, (_, z) => page(z, { compression: z % 2 ? 8 : 32773, description: 'ImageJ=1.54f\nimages=5\nslices=5\nunit=pixel\n', xResolution: [1, 1], resolutionUnit: 1 }));
    const path = await craft('mixed-be.tif', mixed, false);
    await expect(readVolume(path)).rejects.toThrow(/voxelSize/);
    const v = await readVolume(path, { voxelSize: 3e-6 });
    expect(Array.from(v.labels)).toEqual(LABELS);
  });

  it('reads an ImageJ stack with one directory and the slices stored after it (as ImageJ writes past 4 GiB)', async () => {
    const all = craftTiff([{ width: NX, height: NY * NZ, bitsPerSample: 8, samples: LABELS, description: `ImageJ=1.54f\nimages=${NZ}\nslices=${NZ}\nunit=micron\nspacing=0.5\n`, xResolution: [2, 1], resolutionUnit: 1 }]);
    // Rewrite the page height to one slice: the file then holds NZ slices after one directory.
    const dv = new DataView(all.buffer);
    const ifd = dv.getUint32(4, true);
    for (let e = 0; e < dv.getUint16(ifd, true); e++) {
      const p = ifd + 2 + 12 * e;
      const tag = dv.getUint16(p, true);
      if (tag === 257 || tag === 278) dv.setUint32(p + 8, NY, true);
      if (tag === 279) dv.setUint32(p + 8, NX * NY, true);
    }
    const path = join(dir, 'ij-contiguous.tif');
    await writeFile(path, all);
    const v = await readVolume(path);
    expect(v.shape).toEqual([NX, NY, NZ]);
    expect(Array.from(v.labels)).toEqual(LABELS);
    expect(v.voxelSize).toBeCloseTo(0.5e-6, 18);
  });
});

describe('bad TIFFs', () => {
  it('an ImageJ hyperstack with channels and slices is refused, not read as z', async () => {
    const d = 'ImageJ=1.54f\nimages=4\nchannels=2\nslices=2\nhyperstack=true\n';
    const path = await craft('hyper.tif', [0, 1, 2, 3].map((z) => page(z, z === 0 ? { description: d } : {})));
    await expect(readVolume(path, { voxelSize: 1e-6 })).rejects.toThrow(/channels=2, slices=2, frames=1/);
  });

  it('a TIFF whose pages differ in size names the page and both sizes', async () => {
    const path = await craft('ragged.tif', [page(0), page(1), { width: 9, height: NY, bitsPerSample: 8, samples: new Array(9 * NY).fill(0) }]);
    const err = await readVolume(path, { voxelSize: 1e-6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as Error).message).toMatch(/page 2 is 9×7/);
    expect((err as Error).message).toMatch(/10×7/);
  });

  it('a truncated TIFF is a FileFormatError that says truncated, for plain and compressed pages', async () => {
    for (const compression of [1, 8] as const) {
      const bytes = craftTiff(Array.from({ length: NZ }, (_, z) => page(z, { compression })));
      // Point the first page's strip at the last 5 bytes of the file, as a cut-off copy leaves it.
      const path = join(dir, `cut-${compression}.tif`);
      const dv = new DataView(bytes.buffer);
      const ifd0 = dv.getUint32(4, true);
      let patched = 0;
      for (let e = 0; e < dv.getUint16(ifd0, true); e++) {
        if (dv.getUint16(ifd0 + 2 + 12 * e, true) === 273) {
          dv.setUint32(ifd0 + 10 + 12 * e, bytes.length - 5, true);
          patched++;
        }
      }
      expect(patched).toBe(1);
      await writeFile(path, bytes);
      const err = await readVolume(path, { voxelSize: 1e-6 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileFormatError);
      expect((err as Error).message).toMatch(/truncated/);
    }
    const whole = craftTiff([page(0), page(1)]);
    const cut = join(dir, 'cut-end.tif');
    await writeFile(cut, whole.subarray(0, whole.length - 20));
    await expect(readVolume(cut, { voxelSize: 1e-6 })).rejects.toThrow(/truncated/);
    await writeFile(cut, whole.subarray(0, 5));
    await expect(readVolume(cut, { voxelSize: 1e-6 })).rejects.toThrow(FileFormatError);
  });

  it('a TIFF claiming 2^20 × 2^20 pages is refused before its pixels are allocated', async () => {
    const bytes = craftTiff([page(0)]);
    const dv = new DataView(bytes.buffer);
    const ifd = dv.getUint32(4, true);
    for (let e = 0; e < dv.getUint16(ifd, true); e++) {
      const p = ifd + 2 + 12 * e;
      if (dv.getUint16(p, true) === 256 || dv.getUint16(p, true) === 257) dv.setUint32(p + 8, 2 ** 20, true);
    }
    const path = join(dir, 'huge.tif');
    await writeFile(path, bytes);
    const err = await readVolume(path, { voxelSize: 1e-6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImpossibleRequestError);
    expect((err as Error).message).toMatch(/1048576×1048576×1 voxels need 1\.0 TiB/);
  });

  it('a grey value without a mapping names the value and the mapping; unmapped images suggest --labels', async () => {
    const v = await craft('grey.tif', [page(0, { samples: LABELS.slice(0, NX * NY).map((l) => [0, 128, 255][l]!) })]);
    await expect(readVolume(v, { voxelSize: 1e-6, labels: '0:pore,255:am' })).rejects.toThrow(/grey value 128 has none in 0:pore,255:am/);
    await expect(readVolume(v, { voxelSize: 1e-6 })).rejects.toThrow(/values 0, 128, 255.*--labels/);
  });
});
