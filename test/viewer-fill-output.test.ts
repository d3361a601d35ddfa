import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVolume, writeVolume } from '../src/volume/io.ts';
import { createVolume, LABEL } from '../src/volume/volume.ts';
import type { Volume } from '../src/volume/volume.ts';
import { describe as describeDataset } from '../viewer/server/datasets.ts';
import { startViewerServer } from '../viewer/server/server.ts';

const run = promisify(execFile);
const BIN = new URL('../bin/mesolab.js', import.meta.url).pathname;
const mesolab = (args: string[]) => run(process.execPath, [BIN, ...args], { timeout: 120_000 });

/** 8×8×10 active material, one straight 4×4 pore along z, a CBD layer on one pore wall. */
function poreWithBinder(): Volume {
  const v = createVolume([8, 8, 10], 2e-6);
  v.labels.fill(LABEL.am);
  for (let z = 0; z < 10; z++) {
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) v.labels[x + 8 * (y + 8 * z)] = LABEL.pore;
    for (let y = 2; y < 6; y++) v.labels[1 + 8 * (y + 8 * z)] = LABEL.cbd;
  }
  return v;
}

let dir = '';
const input = poreWithBinder();
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-fill-'));
  await writeVolume(path.join(dir, 'electrode.tif'), input);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fill outputs carry the structure, and the viewer shows it', () => {
  it('fill --model lbm -o writes labels.raw equal to the input; the manifest uses it and lists the snapshot stack', async () => {
    const out = path.join(dir, 'lbm');
    await mesolab(['fill', path.join(dir, 'electrode.tif'), '--model', 'lbm', '--backend', 'cpu', '--steps', '200', '--snapshot-every', '100', '--contact-angle', 'am=30,cbd=60', '--json', '-o', out]);
    const labels = await readVolume(path.join(out, 'labels.raw'));
    expect(labels.shape).toEqual(input.shape);
    expect(labels.voxelSize).toBeCloseTo(input.voxelSize, 15);
    expect(Array.from(labels.labels)).toEqual(Array.from(input.labels));

    const m = await describeDataset(out);
    expect(m.kind).toBe('fill');
    expect(m.fill!.volume.path).toBe('labels.raw');
    expect(m.fill!.volumeIsPhaseMap).toBeUndefined();
    expect(m.fill!.front?.path).toBe('arrival-time.tif');
    const snaps = m.fill!.snapshots!;
    expect(snaps.path).toBe('snapshots/electrolyte-fraction.raw');
    expect(snaps.shape).toEqual([8, 8, 10]);
    expect(snaps.frames.map((f) => f.step)).toEqual([0, 100, 200]);
    expect(snaps.frames.map((f) => f.offset)).toEqual([0, 640, 1280]);

    // The page fetches the stack whole from /files/ and the labels from /api/labels/.
    const server = await startViewerServer({ root: out, distDir: path.join(dir, 'no-dist') });
    try {
      const stack = new Uint8Array(await (await fetch(`${server.url}files/${snaps.path}`)).arrayBuffer());
      expect(stack.length).toBe(3 * 640);
      expect(Array.from(stack)).toEqual(Array.from(await readFile(path.join(out, 'snapshots', 'electrolyte-fraction.raw'))));
      // Frame 0 has no electrolyte in the volume yet; solid voxels are 0 in every frame; the pore fills.
      const frame = (k: number) => stack.subarray(k * 640, (k + 1) * 640);
      const poreSum = (k: number) => frame(k).reduce((s, b, i) => s + (input.labels[i] === LABEL.pore ? b : 0), 0);
      for (let k = 0; k < 3; k++) for (let i = 0; i < 640; i++) if (input.labels[i] !== LABEL.pore) expect(frame(k)[i]).toBe(0);
      expect(poreSum(2)).toBeGreaterThan(poreSum(0));
      const res = await fetch(`${server.url}api/labels/labels.raw`);
      expect(res.headers.get('x-shape')).toBe('8,8,10');
      expect(Array.from(new Uint8Array(await res.arrayBuffer()))).toEqual(Array.from(input.labels));
    } finally {
      await server.close();
    }
  });

  it('fill --model quasi-static -o writes labels.raw too, so the viewer no longer falls back to the phase map', async () => {
    const out = path.join(dir, 'qs');
    await mesolab(['fill', path.join(dir, 'electrode.tif'), '--model', 'quasi-static', '--backend', 'cpu', '--json', '-o', out]);
    const labels = await readVolume(path.join(out, 'labels.raw'));
    expect(Array.from(labels.labels)).toEqual(Array.from(input.labels));
    const m = await describeDataset(out);
    expect(m.fill!.volume.path).toBe('labels.raw');
    expect(m.fill!.volumeIsPhaseMap).toBeUndefined();
    expect(m.fill!.snapshots).toBeUndefined();
  });

  it('refuses a snapshot index whose frames run past the stack, naming the frame', async () => {
    const out = path.join(dir, 'broken');
    await mkdir(path.join(out, 'snapshots'), { recursive: true });
    await writeVolume(path.join(out, 'labels.raw'), input);
    await writeFile(path.join(out, 'result.json'), '{"model":"lbm"}');
    await writeFile(path.join(out, 'snapshots', 'electrolyte-fraction.raw'), new Uint8Array(640));
    const index = { file: 'electrolyte-fraction.raw', dtype: 'uint8', shape: [8, 8, 10], voxelSize: 2e-6, frames: [{ step: 0, t: 0, offset: 0 }, { step: 100, t: 1e-6, offset: 640 }] };
    await writeFile(path.join(out, 'snapshots', 'index.json'), JSON.stringify(index));
    await expect(describeDataset(out)).rejects.toThrow(/frames\[1\]/);
    index.frames.pop();
    await writeFile(path.join(out, 'snapshots', 'index.json'), JSON.stringify({ ...index, file: '../labels.raw' }));
    await expect(describeDataset(out)).rejects.toThrow(/file/);
  });
});
