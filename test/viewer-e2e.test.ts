import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openViewer, rendererString } from '../viewer/testing/browser.ts';
import type { OpenViewer } from '../viewer/testing/browser.ts';
import { syntheticElectrode, writeSyntheticFill, writeSyntheticStudy } from '../viewer/testing/fixtures.ts';

interface Picture {
  variance: number;
  /** 64×40 grey levels of the 3D view. */
  grey: number[];
}

/** Renders one frame now and reads the 3D canvas back (preserveDrawingBuffer keeps it readable). */
function picture(page: Page): Promise<Picture> {
  return page.evaluate(() => {
    const v = (window as unknown as { __viewer: { view: { render(): void } } }).__viewer;
    v.view.render();
    const src = document.getElementById('view3d') as HTMLCanvasElement;
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 40;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(src, 0, 0, 64, 40);
    const d = ctx.getImageData(0, 0, 64, 40).data;
    const grey: number[] = [];
    for (let i = 0; i < d.length; i += 4) grey.push((d[i]! + d[i + 1]! + d[i + 2]!) / 3);
    const mean = grey.reduce((a, b) => a + b, 0) / grey.length;
    return { variance: grey.reduce((a, b) => a + (b - mean) ** 2, 0) / grey.length, grey };
  });
}

/** Mean absolute difference of two pictures, grey levels 0–255. */
const difference = (a: Picture, b: Picture): number => a.grey.reduce((s, g, i) => s + Math.abs(g - b.grey[i]!), 0) / a.grey.length;

const probe = <T>(page: Page, key: string): Promise<T> =>
  page.evaluate((k) => (window as unknown as { __viewer: Record<string, unknown> }).__viewer[k] as T, key);

describe('viewer end-to-end in headless Chromium (WebGL2 on SwiftShader)', () => {
  let dir: string;
  let v: OpenViewer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-e2e-'));
    await writeSyntheticFill(dir, syntheticElectrode(48, 11));
    v = await openViewer(dir, { width: 1100, height: 700 });
  });

  afterAll(async () => {
    await v?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders with WebGL2 on SwiftShader, not a silent fallback', async () => {
    const r = await rendererString(v.page);
    expect(r).toMatch(/^WebGL2 /);
    expect(r).toMatch(/SwiftShader/i);
  });

  it('loads the generated electrode with no console errors and a non-blank canvas', async () => {
    expect(await probe<string | null>(v.page, 'error')).toBeNull();
    expect(await probe<boolean>(v.page, 'ready')).toBe(true);
    expect(v.consoleErrors).toEqual([]);
    expect(await v.page.textContent('#dataset-info')).toContain('48×48×48 voxels');
    // A blank (clear-colour) canvas has variance 0; the electrode gives hundreds.
    expect((await picture(v.page)).variance).toBeGreaterThan(50);
  });

  it('moving the time slider changes the picture', async () => {
    const full = await picture(v.page);
    await v.page.$eval('#time', (el) => {
      (el as HTMLInputElement).value = '50';
      el.dispatchEvent(new Event('input'));
    });
    const early = await picture(v.page);
    expect(difference(full, early)).toBeGreaterThan(2);
    expect(await v.page.textContent('#time-out')).toMatch(/arrival time ≤ .* s/);
  });

  it('toggling a phase changes the picture', async () => {
    const before = await picture(v.page);
    await v.page.click('[data-phase-toggle="1"]');
    const without = await picture(v.page);
    expect(difference(before, without)).toBeGreaterThan(2);
    await v.page.click('[data-phase-toggle="1"]');
    expect(difference(before, await picture(v.page))).toBeLessThan(0.5);
  });

  it('meshes the phases with surface nets in a worker and shows them, and switches back', async () => {
    const voxels = await picture(v.page);
    await v.page.selectOption('#render-mode', 'surfaces');
    await v.page.waitForFunction(() => (window as unknown as { __viewer: { meshedTriangles: number } }).__viewer.meshedTriangles > 0, undefined, { timeout: 30_000 });
    const surfaces = await picture(v.page);
    expect(surfaces.variance).toBeGreaterThan(50);
    expect(difference(voxels, surfaces)).toBeGreaterThan(2);
    expect(await v.page.textContent('#mesh-status')).toMatch(/triangles, meshed in \d+ ms in a worker/);
    await v.page.selectOption('#render-mode', 'voxels');
    expect(difference(voxels, await picture(v.page))).toBeLessThan(0.5);
    expect(v.consoleErrors).toEqual([]);
  });

  it('the live simulation streams frames from a gpu.js WebGL2 worker and the picture changes', async () => {
    await v.page.$eval('#time', (el) => {
      (el as HTMLInputElement).value = '1000';
      el.dispatchEvent(new Event('input'));
    });
    await v.page.click('#simulate');
    await v.page.waitForFunction(() => (window as unknown as { __viewer: { liveFrames: number } }).__viewer.liveFrames >= 2, undefined, { timeout: 30_000 });
    const firstFrames = await probe<number>(v.page, 'liveFrames');
    const early = await picture(v.page);
    await v.page.waitForFunction(() => (window as unknown as { __viewer: { liveDone: boolean } }).__viewer.liveDone, undefined, { timeout: 45_000 });
    const frames = await probe<number>(v.page, 'liveFrames');
    expect(frames).toBeGreaterThan(firstFrames);
    expect(difference(early, await picture(v.page))).toBeGreaterThan(1);
    expect(await probe<string>(v.page, 'liveBackend')).toMatch(/^webgl2/);
    expect(await v.page.textContent('#live-status')).toMatch(/done/);
    expect(await probe<string | null>(v.page, 'error')).toBeNull();
    expect(v.consoleErrors).toEqual([]);
  });

  it('exports a PNG screenshot of the view', async () => {
    const url = await v.page.evaluate(() => (window as unknown as { __viewer: { view: { screenshot(): string } } }).__viewer.view.screenshot());
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
  });
});

describe('viewer end-to-end: a study folder', () => {
  let dir: string;
  let v: OpenViewer;
  let ids: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-e2e-study-'));
    ids = await writeSyntheticStudy(dir, 3, 24);
    v = await openViewer(dir, { width: 1300, height: 750 });
  });

  afterAll(async () => {
    await v?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the runs table, sorts it, draws the parity plot, and opens a clicked run in 3D', async () => {
    expect(await probe<string | null>(v.page, 'error')).toBeNull();
    const firstColumn = (): Promise<string[]> => v.page.$$eval('#runs tbody tr', (trs) => trs.map((tr) => tr.children[0]!.textContent ?? ''));
    expect(await firstColumn()).toEqual(ids);
    await v.page.click('#runs th[data-col="0"]');
    await v.page.click('#runs th[data-col="0"]');
    expect(await firstColumn()).toEqual([...ids].reverse());
    expect(await v.page.isVisible('#parity')).toBe(true);
    // The first run with fields opens by itself; clicking another replaces it.
    expect(await probe<string | null>(v.page, 'openedRun')).toBe(ids[0]);
    expect(await v.page.textContent('#dataset-name')).toContain(ids[0]);
    const before = await picture(v.page);
    await v.page.click(`#runs tr[data-run="${ids[2]}"]`);
    await v.page.waitForFunction((id) => (window as unknown as { __viewer: { openedRun: string | null } }).__viewer.openedRun === id, ids[2]);
    expect(await v.page.textContent('#dataset-name')).toContain(ids[2]);
    expect(await v.page.textContent('#time-out')).toMatch(/fill pressure ≥ .* Pa/);
    expect(difference(before, await picture(v.page))).toBeGreaterThan(2);
    expect(v.consoleErrors).toEqual([]);
  });
});
