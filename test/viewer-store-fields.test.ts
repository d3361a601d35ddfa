import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunFields } from '../src/store/fields.ts';
import { readField, readVolume } from '../src/volume/io.ts';
import { loadField, loadLabels } from '../viewer/server/volume-source.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-store-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('study run fields open through the standard readers (the viewer has no private raw reader)', () => {
  it('readField/readVolume and the viewer read what writeRunFields wrote, bit for bit', async () => {
    const pressure = Float32Array.from({ length: 24 }, (_, i) => (i === 5 ? Infinity : i === 7 ? NaN : 1000 + 12.5 * i));
    const labels = Uint8Array.from({ length: 24 }, (_, i) => i % 3);
    const files = writeRunFields(dir, 'run-7', {
      qs_fill_pressure: { shape: [2, 3, 4], voxelSize: 5e-7, data: pressure, description: 'fill pressure (Pa)' },
      volume: { shape: [2, 3, 4], voxelSize: 5e-7, data: labels },
    });
    const field = await readField(path.join(dir, files.qs_fill_pressure!));
    expect(field.shape).toEqual([2, 3, 4]);
    expect(field.voxelSize).toBe(5e-7);
    expect(field.name).toBe('fill pressure (Pa)');
    expect(Array.from(field.data)).toEqual(Array.from(pressure));
    const volume = await readVolume(path.join(dir, files.volume!));
    expect(Array.from(volume.labels)).toEqual(Array.from(labels));
    expect(Array.from((await loadField(path.join(dir, files.qs_fill_pressure!))).data)).toEqual(Array.from(pressure));
    expect(Array.from((await loadLabels(path.join(dir, files.volume!))).data)).toEqual(Array.from(labels));
  });
});
