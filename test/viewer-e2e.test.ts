import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_SKIP, openViewer, readView3d, rendererString } from '../viewer/testing/browser.ts';
import type { OpenViewer } from '../viewer/testing/browser.ts';
import { syntheticElectrode, writeSyntheticFill, writeSyntheticStudy } from '../viewer/testing/fixtures.ts';
import { writeVolume } from '../src/volume/io.ts';

interface Picture {
  variance: number;
  /** 64×40 grey levels of the 3D view. */
  grey: number[];
}

/** Renders one frame now and reads the 3D canvas back (preserveDrawingBuffer keeps it readable). */
async function picture(page: Page): Promise<Picture> {
  const d = await readView3d(page, 64, 40);
  const grey: number[] = [];
  for (let i = 0; i < d.length; i += 4) grey.push((d[i]! + d[i + 1]! + d[i + 2]!) / 3);
  const mean = grey.reduce((a, b) => a + b, 0) / grey.length;
  return { variance: grey.reduce((a, b) => a + (b - mean) ** 2, 0) / grey.length, grey };
}

/** Mean absolute difference of two pictures, grey levels 0–255. */
const difference = (a: Picture, b: Picture): number => a.grey.reduce((s, g, i) => s + Math.abs(g - b.grey[i]!), 0) / a.grey.length;

/** Fraction of the 64×40 pixels whose grey level moved by more than `by`: for changes confined to a small region. */
const changedFraction = (a: Picture, b: Picture, by: number): number => a.grey.filter((g, i) => Math.abs(g - b.grey[i]!) > by).length / a.grey.length;

const probe = <T>(page: Page, key: string): Promise<T> =>
  page.evaluate((k) => (window as unknown as { __viewer: Record<string, unknown> }).__viewer[k] as T, key);

describe.skipIf(CHROMIUM_SKIP !== '')(`viewer end-to-end in headless Chromium (WebGL2 on SwiftShader)${CHROMIUM_SKIP}`, () => {
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
    // The finished status must stay: a late progress message (comlink's own port) once overwrote it.
    await v.page.waitForFunction(() => /triangles, meshed in \d+ ms in a worker/.test(document.getElementById('mesh-status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await v.page.selectOption('#render-mode', 'voxels');
    expect(difference(voxels, await picture(v.page))).toBeLessThan(0.5);
    expect(v.consoleErrors).toEqual([]);
  });

  it('the live LBM streams frames from a worker (WGSL engine on WebGPU), names the model and backend, and the picture changes', async () => {
    await v.page.$eval('#time', (el) => {
      (el as HTMLInputElement).value = '1000';
      el.dispatchEvent(new Event('input'));
    });
    expect(await v.page.inputValue('#live-model')).toBe('lbm');
    // 48³ coarsened 2× (never more) and cropped to 16³ (18×18×26 lattice nodes): small enough for WebGPU on SwiftShader.
    await v.page.selectOption('#live-size', '16');
    await v.page.fill('#live-steps', '150');
    await v.page.fill('#live-every', '50');
    // Clip to the separator-side slab so the first wetted layers face the camera, electrolyte opaque.
    const setRange = (id: string, value: string) =>
      v.page.$eval(id, (el, val) => {
        (el as HTMLInputElement).value = val;
        el.dispatchEvent(new Event('input'));
      }, value);
    await setRange('#clip-pos', '200');
    await setRange('#electrolyte-opacity', '100');
    await v.page.click('#simulate');
    await v.page.waitForFunction(() => (window as unknown as { __viewer: { liveFrames: number } }).__viewer.liveFrames >= 1, undefined, { timeout: 60_000 });
    const firstFrames = await probe<number>(v.page, 'liveFrames');
    await v.page.waitForFunction(() => (window as unknown as { __viewer: { liveDone: boolean } }).__viewer.liveDone, undefined, { timeout: 90_000 });
    expect(await probe<string | null>(v.page, 'error')).toBeNull();
    const frames = await probe<number>(v.page, 'liveFrames');
    // Frames at steps 0, 50, 100, 150; the first shows the dry electrode (150 steps: the gas starts
    // dry, so the first wetted layers take longer to show than when it held electrolyte vapour).
    expect(frames).toBe(4);
    expect(firstFrames).toBeGreaterThanOrEqual(1);
    // The wetted layers cover a small part of the view, so the mean change is modest: it must
    // stand well above what a redraw of the same state gives. The dry state is the streamed
    // arrival field at time 0 (a screenshot taken while frames stream races the run on a loaded machine).
    const late = await picture(v.page);
    const redraw = difference(late, await picture(v.page));
    await setRange('#time', '0');
    const early = await picture(v.page);
    await setRange('#time', '1000');
    expect(difference(late, await picture(v.page))).toBeLessThan(0.05);
    expect(redraw).toBeLessThan(0.05);
    expect(difference(early, late)).toBeGreaterThan(0.5);
    expect(changedFraction(early, late, 20)).toBeGreaterThan(0.004);
    expect(await v.page.textContent('#dataset-info')).toContain('live sub-volume (2× coarser, cropped at x,y = 8,8): 16×16×16 voxels');
    expect(await v.page.textContent('#live-gave-up')).toBe('left out: the thickness: only the 16 µm next to the separator of 24 µm (more than 2× coarser would merge particles); the sides: 16 µm × 16 µm about the centre of 24 µm × 24 µm');
    const status = (await v.page.textContent('#live-status')) ?? '';
    expect(status).toMatch(/LBM \(two-component Shan–Chen, D3Q19\)/);
    expect(status).toMatch(/step 150 of 150 · t = [0-9.e-]+ s · saturation 0\.\d{3} · [0-9.]+ steps\/s · ETA 0 s/);
    expect(status).toMatch(/done: 150 steps, [0-9.]+ steps\/s on 18×18×26 lattice nodes/);
    // What ran is named; on this machine Chromium offers WebGPU on SwiftShader, so the WGSL engine
    // runs (gpu.js kernels only where a browser has WebGL2 but no WebGPU), with no fallback.
    const backend = await probe<string>(v.page, 'liveBackend');
    expect(status).toContain(`ran on ${backend}`);
    expect(backend).toMatch(/^WGSL engine, webgpu /);
    expect(status).not.toContain('fell back');
    // Electrolyte has entered from the separator side.
    expect(Number(/saturation (0\.\d+)/.exec(status)![1])).toBeGreaterThan(0.02);
    await setRange('#clip-pos', '1000');
    await setRange('#electrolyte-opacity', '30');
    expect(v.consoleErrors).toEqual([]);
  });

  it('the wetting-front automaton is still there as a labelled fallback', async () => {
    await v.page.selectOption('#live-model', 'automaton');
    await v.page.fill('#live-steps', '40');
    await v.page.fill('#live-every', '5');
    await v.page.click('#simulate');
    await v.page.waitForFunction(() => (window as unknown as { __viewer: { liveDone: boolean } }).__viewer.liveDone, undefined, { timeout: 60_000 });
    expect(await probe<string | null>(v.page, 'error')).toBeNull();
    expect(await probe<number>(v.page, 'liveFrames')).toBeGreaterThanOrEqual(2);
    expect(await v.page.textContent('#live-status')).toMatch(/wetting-front automaton \(fallback, no physics.*done: \d+ steps/);
    await v.page.selectOption('#live-model', 'lbm');
  });

  it('exports a PNG screenshot of the view', async () => {
    const url = await v.page.evaluate(() => (window as unknown as { __viewer: { view: { screenshot(): string } } }).__viewer.view.screenshot());
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
  });
});

describe.skipIf(CHROMIUM_SKIP !== '')(`viewer end-to-end: a study folder${CHROMIUM_SKIP}`, () => {
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

describe.skipIf(CHROMIUM_SKIP !== '')(`viewer end-to-end: an LBM fill output with its labels and snapshot stack${CHROMIUM_SKIP}`, () => {
  let dir: string;
  let v: OpenViewer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-e2e-lbm-'));
    const e = syntheticElectrode(16, 5, 1e-6);
    await writeVolume(path.join(dir, 'electrode.tif'), { shape: e.shape, voxelSize: e.voxelSize, labels: e.labels });
    const bin = new URL('../bin/mesolab.js', import.meta.url).pathname;
    await promisify(execFile)(process.execPath, [bin, 'fill', path.join(dir, 'electrode.tif'), '--model', 'lbm', '--backend', 'cpu', '--steps', '400', '--snapshot-every', '100', '--json', '-o', path.join(dir, 'out')], { timeout: 120_000 });
    v = await openViewer(path.join(dir, 'out'), { width: 1100, height: 700 });
  });

  afterAll(async () => {
    await v?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows AM and CBD from labels.raw, and the time slider plays the real snapshots', async () => {
    expect(await probe<string | null>(v.page, 'error')).toBeNull();
    expect(await v.page.textContent('#dataset-info')).toContain('16×16×16 voxels');
    expect(await v.page.textContent('[data-phase-name="1"]')).toBe('active material');
    expect(await v.page.isVisible('#snapshot-row')).toBe(true);
    expect(await v.page.textContent('#time-out')).toMatch(/arrival time ≤ .* s/);
    await v.page.check('#use-snapshots');
    await v.page.$eval('#electrolyte-opacity', (el) => {
      (el as HTMLInputElement).value = '100';
      el.dispatchEvent(new Event('input'));
    });
    const at = async (value: string): Promise<{ text: string; pic: Picture }> => {
      await v.page.$eval('#time', (el, val) => {
        (el as HTMLInputElement).value = val;
        el.dispatchEvent(new Event('input'));
      }, value);
      return { text: (await v.page.textContent('#time-out')) ?? '', pic: await picture(v.page) };
    };
    const first = await at('0');
    const last = await at('1000');
    expect(first.text).toMatch(/^snapshot 1\/5 · step 0 · t = 0 s · saturation 0\.0\d\d$/);
    expect(last.text).toMatch(/^snapshot 5\/5 · step 400 · t = .* s · saturation 0\.\d{3}$/);
    expect(Number(/saturation (\S+)$/.exec(last.text)![1])).toBeGreaterThan(Number(/saturation (\S+)$/.exec(first.text)![1]) + 0.05);
    expect(difference(last.pic, await picture(v.page))).toBeLessThan(0.05);
    // Ten times the redraw noise bound just above: the front moved on screen.
    expect(difference(first.pic, last.pic)).toBeGreaterThan(0.5);
    // Back to the arrival-time front.
    await v.page.uncheck('#use-snapshots');
    expect((await at('500')).text).toMatch(/arrival time ≤ .* s/);
    expect(v.consoleErrors).toEqual([]);
  });
});
