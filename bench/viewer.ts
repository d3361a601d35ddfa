/**
 * Viewer performance in headless Chromium (WebGL2 on SwiftShader, i.e. on the CPU): frame time
 * while orbiting a raymarched electrode at 800×600, texture upload times, page load, and the
 * in-browser wetting automaton's step rate. `node bin/run-ts.js bench/viewer.ts [--quick]`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runStandalone, summarize } from './lib.ts';
import type { BenchRun, Figure } from './lib.ts';
import { syntheticElectrode, writeSyntheticFill } from '../viewer/testing/fixtures.ts';
import { openViewer, rendererString } from '../viewer/testing/browser.ts';
import { runLiveLbm } from '../viewer/app/live/lbm-live.ts';
import { liveSubVolume } from '../viewer/app/live/sub-volume.ts';

interface PageView {
  render(timed?: boolean): void;
  measureOrbit(frames: number): number[];
  setVolumeVisible(on: boolean): void;
  stats: { uploadMs: number };
}

/** Orbits once around in `frames` steps, each frame rendered and waited for; ms per frame. */
function orbitFrames(page: Page, frames: number): Promise<number[]> {
  return page.evaluate((n) => (window as unknown as { __viewer: { view: PageView } }).__viewer.view.measureOrbit(n), frames);
}

export const run: BenchRun = async ({ quick }) => {
  const n = quick ? 64 : 128;
  const frames = quick ? 6 : 24;
  const figures: Figure[] = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-bench-viewer-'));
  try {
    await writeSyntheticFill(dir, syntheticElectrode(n, 5));
    const t0 = performance.now();
    const v = await openViewer(dir, { width: 1400, height: 900 });
    const loadMs = performance.now() - t0;
    try {
      const renderer = await rendererString(v.page);
      const longestLoadTask = await v.page.evaluate(() => (window as unknown as { __viewer: { longestTaskMs: number } }).__viewer.longestTaskMs);
      // The 3D canvas at exactly 800×600, the size of the anchor figure.
      await v.page.evaluate(() => {
        const c = document.getElementById('view3d')!;
        c.style.width = '800px';
        c.style.height = '600px';
      });
      await v.page.waitForTimeout(300);
      const uploads = await v.page.evaluate(() => {
        const w = window as unknown as {
          __viewer: { view: PageView & { setFront(d: Float32Array, r: [number, number]): void; setVolume(l: Uint8Array, s: [number, number, number], vs: number): void; flushUploads(timed: boolean): void } };
        };
        const view = w.__viewer.view;
        const n3 = (document.getElementById('dataset-info')!.textContent ?? '').match(/^(\d+)×(\d+)×(\d+)/)!.slice(1).map(Number) as [number, number, number];
        const count = n3[0] * n3[1] * n3[2];
        const labels = new Uint8Array(count);
        for (let i = 0; i < count; i++) labels[i] = (i * 2654435761) % 3;
        const field = new Float32Array(count).map((_, i) => i);
        const l: number[] = [];
        const f: number[] = [];
        for (let r = 0; r < 3; r++) {
          view.render(true);
          view.setVolume(labels, n3, 1e-6);
          view.flushUploads(true);
          l.push(view.stats.uploadMs);
          view.setFront(new Float32Array(field), [0, count]);
          view.flushUploads(true);
          f.push(view.stats.uploadMs);
        }
        return { l, f };
      });
      // Reload the real electrode after the upload timings replaced it.
      await v.page.reload();
      await v.page.waitForFunction(() => (window as unknown as { __viewer?: { ready: boolean } }).__viewer?.ready === true);
      await v.page.evaluate(() => {
        const c = document.getElementById('view3d')!;
        c.style.width = '800px';
        c.style.height = '600px';
      });
      await v.page.waitForTimeout(300);
      const orbit = summarize(await orbitFrames(v.page, frames));
      // Surfaces: mesh AM and CBD in the worker, then orbit them.
      const meshStart = performance.now();
      await v.page.selectOption('#render-mode', 'surfaces');
      await v.page.waitForFunction(() => (window as unknown as { __viewer: { meshedTriangles: number } }).__viewer.meshedTriangles > 0, undefined, { timeout: 300_000 });
      const meshWall = performance.now() - meshStart;
      const meshStatus = (await v.page.textContent('#mesh-status')) ?? '';
      const meshMs = Number(/meshed in (\d+) ms/.exec(meshStatus)?.[1] ?? NaN);
      const triangles = /([\d,]+) triangles/.exec(meshStatus)?.[1] ?? '?';
      const surfaceOrbit = summarize(await orbitFrames(v.page, frames));
      await v.page.selectOption('#render-mode', 'voxels');
      await v.page.evaluate(() => (window as unknown as { __viewer: { view: PageView } }).__viewer.view.setVolumeVisible(false));
      const empty = summarize(await orbitFrames(v.page, frames));
      await v.page.evaluate(() => (window as unknown as { __viewer: { view: PageView } }).__viewer.view.setVolumeVisible(true));
      const sw = /swiftshader/i.test(renderer) ? 'SwiftShader' : renderer;
      figures.push({
        name: `orbit frame ${n}³ raymarched, wetting shown, 800×600 (${sw})`,
        unit: 'ms',
        ...orbit,
        ratio: { to: 'frame without the volume (same run)', value: orbit.median / empty.median },
        note: `${(1000 / orbit.median).toFixed(1)} fps; anchor: three.js raymarch in headless Chromium SwiftShader 128³ 121 ms/frame`,
      });
      figures.push({ name: 'frame without the volume, 800×600', unit: 'ms', ...empty });
      figures.push({ name: `surface nets meshing ${n}³, AM + CBD, in a Web Worker`, unit: 'ms', median: meshMs, repeats: 1, note: `${triangles} triangles; ${meshWall.toFixed(0)} ms from click to shown` });
      figures.push({ name: `orbit frame ${n}³ surfaces, 800×600 (${/swiftshader/i.test(renderer) ? 'SwiftShader' : renderer})`, unit: 'ms', ...surfaceOrbit, ratio: { to: 'raymarched frame (same run)', value: surfaceOrbit.median / orbit.median } });
      const lu = summarize(uploads.l);
      const fu = summarize(uploads.f);
      figures.push({ name: `voxel texture build + upload ${n}³ (float32), new volume`, unit: 'ms', ...lu, note: `${((8 * n ** 3) / 2 ** 20 / (lu.median / 1000)).toFixed(0)} MiB/s (8 bytes a voxel: front value + label)` });
      figures.push({ name: `voxel texture build + upload ${n}³, new front field`, unit: 'ms', ...fu, ratio: { to: 'new volume', value: fu.median / lu.median }, note: 'once per field; the time slider re-uploads nothing' });
      figures.push({ name: `page load to first frame ${n}³ (build cached, includes Chromium start)`, unit: 'ms', median: loadMs, repeats: 1 });
      figures.push({ name: `longest main-thread task while loading ${n}³`, unit: 'ms', median: longestLoadTask, repeats: 1, note: 'Long Tasks API; the issue asks for none over 100 ms while preparing the view' });

    } finally {
      await v.close();
    }
    // The live LBM on the sub-volume "simulate here" cuts from what is loaded, against the same
    // lattice on the solver's typed-array engine in this Node process (the reference).
    const liveN = quick ? 32 : 64;
    const edge = quick ? 16 : 24;
    const liveSteps = quick ? 60 : 300;
    const liveDir = path.join(dir, 'live');
    const liveElectrode = syntheticElectrode(liveN, 5);
    await writeSyntheticFill(liveDir, liveElectrode);
    const lv = await openViewer(liveDir, { width: 1400, height: 900 });
    try {
      await lv.page.selectOption('#live-size', String(edge));
      await lv.page.fill('#live-steps', String(liveSteps));
      await lv.page.fill('#live-every', String(liveSteps / 3));
      const liveStart = performance.now();
      await lv.page.click('#simulate');
      await lv.page.waitForFunction(() => (window as unknown as { __viewer: { liveDone: boolean } }).__viewer.liveDone, undefined, { timeout: 300_000 });
      const liveMs = performance.now() - liveStart;
      const status = (await lv.page.textContent('#live-status')) ?? '';
      const done = /done: (\d+) steps, [\d.]+ steps\/s on (\d+)×(\d+)×(\d+) lattice nodes \(device ([\d.]+) s/.exec(status);
      const backend = (await lv.page.evaluate(() => (window as unknown as { __viewer: { liveBackend: string } }).__viewer.liveBackend)) ?? '?';
      if (!done) throw new Error(`live LBM status not understood: ${status}`);
      const nodes = Number(done[2]) * Number(done[3]) * Number(done[4]);
      const mlups = (Number(done[1]) * nodes) / Number(done[5]) / 1e6;
      const sub = liveSubVolume(liveElectrode.labels, liveElectrode.shape, liveElectrode.voxelSize, edge);
      const ref = await runLiveLbm({ shape: sub.shape, voxelSize: sub.voxelSize, labels: sub.labels }, undefined, { contactAngle: { am: 30, cbd: 60 }, inletPressure: 0, maxSteps: liveSteps, stepsPerFrame: liveSteps / 3, engine: 'typed-array' }, () => {});
      const refMlups = (ref.steps * nodes) / ref.stepSeconds / 1e6;
      figures.push({ name: `live LBM ${sub.shape.join('×')} sub-volume of ${liveN}³ (${nodes} nodes), ${backend} in a worker`, unit: 'MLUPS', median: mlups, repeats: 1, ratio: { to: 'typed-array engine in Node, same lattice (same run)', value: mlups / refMlups }, note: `${done[1]} steps, device time ${done[5]} s, ${(liveMs / 1000).toFixed(1)} s from click to the last frame (calibration and shader compiles included); reference ${refMlups.toFixed(2)} MLUPS` });
    } finally {
      await lv.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
