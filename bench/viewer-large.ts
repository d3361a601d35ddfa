/**
 * Whether a 256³ electrode stays interactive in the viewer (headless Chromium, WebGL2 on
 * SwiftShader): orbit frame time at rest (full quality) and while the camera moves (half the
 * drawing-buffer resolution, twice the raymarch step; VolumeView.setMoving), 800×600, wetting
 * front shown. `node bin/run-ts.js bench/viewer-large.ts [--quick]` (quick: 128³).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runStandalone, summarize } from './lib.ts';
import type { BenchRun, Figure } from './lib.ts';
import { syntheticElectrode, writeSyntheticFill } from '../viewer/testing/fixtures.ts';
import { openViewer, rendererString } from '../viewer/testing/browser.ts';

function orbitFrames(page: Page, frames: number, moving: boolean): Promise<number[]> {
  return page.evaluate(
    ([n, m]) => (window as unknown as { __viewer: { view: { measureOrbit(f: number, moving: boolean): number[] } } }).__viewer.view.measureOrbit(n as number, m as boolean),
    [frames, moving] as const,
  );
}

export const run: BenchRun = async ({ quick }) => {
  const n = quick ? 128 : 256;
  const frames = quick ? 6 : 12;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-bench-viewer-large-'));
  const figures: Figure[] = [];
  try {
    const t0 = performance.now();
    await writeSyntheticFill(dir, syntheticElectrode(n, 5, 1e-6));
    const makeMs = performance.now() - t0;
    const t1 = performance.now();
    const v = await openViewer(dir, { width: 1400, height: 900 });
    const loadMs = performance.now() - t1;
    try {
      const sw = /swiftshader/i.test(await rendererString(v.page)) ? 'SwiftShader' : await rendererString(v.page);
      await v.page.evaluate(() => {
        const c = document.getElementById('view3d')!;
        c.style.width = '800px';
        c.style.height = '600px';
      });
      await v.page.waitForTimeout(300);
      const rest = summarize(await orbitFrames(v.page, frames, false));
      const moving = summarize(await orbitFrames(v.page, frames, true));
      figures.push({ name: `orbit frame ${n}³ at rest (full quality), 800×600 (${sw})`, unit: 'ms', ...rest, note: `${(1000 / rest.median).toFixed(1)} fps` });
      figures.push({ name: `orbit frame ${n}³ while moving (½ resolution, 1.6-voxel step), 800×600 (${sw})`, unit: 'ms', ...moving, ratio: { to: 'at rest (same run)', value: moving.median / rest.median }, note: `${(1000 / moving.median).toFixed(1)} fps while dragging` });
      figures.push({ name: `page load to first frame ${n}³ (build cached)`, unit: 'ms', median: loadMs, repeats: 1, note: `synthetic electrode written in ${(makeMs / 1000).toFixed(1)} s` });
    } finally {
      await v.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
