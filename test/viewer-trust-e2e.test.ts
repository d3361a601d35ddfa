/**
 * What a modeler must be able to trust in the viewer, in headless Chromium (WebGL2 on SwiftShader):
 * an LBM result does not paint unreached pore as trapped gas, its front stands out, the colour bar
 * stays in snapshot mode, the summary reads as a table; the Pc–S marker reads the curve; the clip
 * label follows a live sub-volume. Pixel checks compare colour classes that a blank or wrong
 * picture cannot produce.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeVolume } from '../src/volume/io.ts';
import { colormap } from '../viewer/app/colormap.ts';
import { formatNumber, interpolate } from '../viewer/app/plots.ts';
import { CHROMIUM_SKIP, openViewer, readView3d } from '../viewer/testing/browser.ts';
import type { OpenViewer } from '../viewer/testing/browser.ts';
import { syntheticElectrode, writeSyntheticFill, writeSyntheticStudy } from '../viewer/testing/fixtures.ts';

const run = promisify(execFile);
const BIN = new URL('../bin/mesolab.js', import.meta.url).pathname;

interface Classes {
  variance: number;
  /** Share of 96×60 pixels in each colour class. */
  pink: number;
  whitish: number;
}

/** Renders a frame and classifies the 3D view's pixels: trapped-gas pink and the front's warm white. */
async function classes(page: Page): Promise<Classes> {
  const d = await readView3d(page, 96, 60);
  let pink = 0;
  let whitish = 0;
  const grey: number[] = [];
  for (let i = 0; i < d.length; i += 4) {
    const [r, g, b] = [d[i]!, d[i + 1]!, d[i + 2]!];
    grey.push((r + g + b) / 3);
    // The trapped-gas colour (255, 64, 140) shaded; no phase colour, axis or viridis entry comes near it.
    if (r > 150 && g < 100 && b > 85 && r - b > 50 && b - g > 30) pink++;
    // The front band (255, 245, 224); the brightest solid (AM #9ba7b4 fully lit) stays below 190.
    if (Math.min(r, g, b) > 200) whitish++;
  }
  const n = grey.length;
  const mean = grey.reduce((a, b) => a + b, 0) / n;
  return { variance: grey.reduce((a, b) => a + (b - mean) ** 2, 0) / n, pink: pink / n, whitish: whitish / n };
}

/** Pixels of the three orthoslices (drawn exactly on the CPU) in the trapped-gas pink and the front's warm white. */
function sliceClasses(page: Page): Promise<{ pink: number; front: number; pixels: number }> {
  return page.evaluate(() => {
    let pink = 0;
    let front = 0;
    let pixels = 0;
    for (const c of document.querySelectorAll<HTMLCanvasElement>('#slices canvas')) {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) {
        pixels++;
        if (d[i] === 255 && d[i + 1] === 64 && d[i + 2] === 140) pink++;
        if (d[i] === 255 && d[i + 1] === 245 && d[i + 2] === 224) front++;
      }
    }
    return { pink, front, pixels };
  });
}

/** Mean absolute difference of the pink/white shares and grey variance: a cheap "did the picture change". */
const difference3d = (a: Classes, b: Classes): number => Math.abs(a.variance - b.variance) + Math.abs(a.pink - b.pink) + Math.abs(a.whitish - b.whitish);

const probe = <T>(page: Page, key: string): Promise<T> => page.evaluate((k) => (window as unknown as { __viewer: Record<string, unknown> }).__viewer[k] as T, key);

async function setRange(page: Page, id: string, value: string): Promise<void> {
  await page.$eval(
    id,
    (el, val) => {
      (el as HTMLInputElement).value = val;
      el.dispatchEvent(new Event('input'));
    },
    value,
  );
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-trust-'));
  const e = syntheticElectrode(16, 5, 1e-6);
  await writeVolume(path.join(dir, 'electrode.tif'), { shape: e.shape, voxelSize: e.voxelSize, labels: e.labels });
  // 400 steps end at the step limit with most of the pore unreached: the case the issue saw.
  await run(process.execPath, [BIN, 'fill', path.join(dir, 'electrode.tif'), '--model', 'lbm', '--backend', 'cpu', '--steps', '400', '--snapshot-every', '100', '--json', '-o', path.join(dir, 'lbm')], { timeout: 120_000 });
  await run(process.execPath, [BIN, 'fill', path.join(dir, 'electrode.tif'), '--model', 'quasi-static', '--backend', 'cpu', '--json', '-o', path.join(dir, 'qs')], { timeout: 120_000 });
}, 240_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(CHROMIUM_SKIP !== '')(`an LBM result stopped at its step limit${CHROMIUM_SKIP}`, () => {
  let v: OpenViewer;
  beforeAll(async () => {
    v = await openViewer(path.join(dir, 'lbm'), { width: 1100, height: 700 });
  }, 120_000);
  afterAll(async () => {
    await v?.close();
  });

  it('does not paint unreached pore as trapped gas, and hides the trapped-gas control without a phase map', async () => {
    expect(await probe<string | null>(v.page, 'error')).toBeNull();
    const result = JSON.parse(await readFile(path.join(dir, 'lbm', 'result.json'), 'utf8')) as { saturation: number; stopReason: string };
    expect(result.stopReason).toBe('step-limit');
    expect(result.saturation).toBeLessThan(0.9);
    await setRange(v.page, '#time', '1000');
    const pic = await classes(v.page);
    expect(pic.variance).toBeGreaterThan(50);
    expect(pic.pink).toBe(0);
    const stats = await v.page.evaluate(() => (window as unknown as { __viewer: { view: { stats: { trappedVoxels: number } } } }).__viewer.view.stats.trappedVoxels);
    expect(stats).toBe(0);
    const slices = await sliceClasses(v.page);
    expect(slices.pixels).toBe(3 * 16 * 16);
    expect(slices.pink).toBe(0);
    expect(await v.page.isVisible('#trapped-row')).toBe(false);
  });

  it('marks the latest-arrived electrolyte as the front in the orthoslices', async () => {
    await setRange(v.page, '#time', '500');
    expect((await sliceClasses(v.page)).front).toBeGreaterThan(0);
    await v.page.uncheck('#show-front');
    expect((await sliceClasses(v.page)).front).toBe(0);
    await v.page.check('#show-front');
    expect(await v.page.textContent('#colorbar-note')).toContain('front');
    expect(await v.page.textContent('#colorbar-note')).not.toContain('trapped');
  });

  it('keeps the colour bar in snapshot mode, titled with what it shows', async () => {
    await v.page.check('#use-snapshots');
    await setRange(v.page, '#time', '1000');
    expect(await v.page.isVisible('#colorbar')).toBe(true);
    expect(await v.page.textContent('#colorbar-title')).toBe('gas fraction 1 − φ (–)');
    expect(await v.page.$$eval('#colorbar-ticks span', (s) => s.map((e) => e.textContent))).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    await v.page.uncheck('#use-snapshots');
    expect(await v.page.textContent('#colorbar-title')).toBe('arrival time (s)');
  });

  it('shows the summary as a labelled table, not result.json keys', async () => {
    const rows = await v.page.$$eval('#wetting-summary tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')));
    const byLabel = new Map(rows.map(([k, val]) => [k!, val!]));
    expect(byLabel.get('stopped at')).toBe('the step limit (not yet full)');
    expect(byLabel.get('final saturation (–)')).toMatch(/^0\.\d{3}$/);
    expect(byLabel.get('trapped gas (% of pore volume)')).toMatch(/ %$/);
    expect(byLabel.get('t95: 95 % filled (s)')).toBe('not reached');
    for (const [k] of rows) expect(k).not.toMatch(/^[a-z]+[A-Z]/);
    expect(v.consoleErrors).toEqual([]);
  });
});

describe.skipIf(CHROMIUM_SKIP !== '')(`a fill whose front is mid-way through the electrode${CHROMIUM_SKIP}`, () => {
  let v: OpenViewer;
  beforeAll(async () => {
    await writeSyntheticFill(path.join(dir, 'synthetic'), syntheticElectrode(48, 11));
    v = await openViewer(path.join(dir, 'synthetic'), { width: 1100, height: 700 });
  }, 120_000);
  afterAll(async () => {
    await v?.close();
  });

  it('draws the front in 3D as a bright band that the "highlight the front" switch removes', async () => {
    await setRange(v.page, '#time', '500');
    // Keep the slab up to just above the front, so its top faces the camera.
    await setRange(v.page, '#clip-pos', '850');
    const withFront = await classes(v.page);
    expect(withFront.variance).toBeGreaterThan(50);
    expect(withFront.whitish).toBeGreaterThan(0.01);
    await v.page.uncheck('#show-front');
    const without = await classes(v.page);
    expect(without.variance).toBeGreaterThan(50);
    expect(without.whitish).toBeLessThan(withFront.whitish / 10);
    await v.page.check('#show-front');
    expect(v.consoleErrors).toEqual([]);
  });

  it('labels the 3D axes with µm ticks and names, all inside the view and apart, and the slices with µm ticks', async () => {
    const boxes = await v.page.evaluate(() => {
      const vp = document.getElementById('viewport')!.getBoundingClientRect();
      const rect = (el: Element): { l: number; t: number; r: number; b: number; text: string } => {
        const r = el.getBoundingClientRect();
        return { l: r.left - vp.left, t: r.top - vp.top, r: r.right - vp.left, b: r.bottom - vp.top, text: el.textContent ?? '' };
      };
      return { w: vp.width, h: vp.height, names: [...document.querySelectorAll('#axis-labels span')].map(rect), ticks: [...document.querySelectorAll('#axis-ticks span')].map(rect) };
    });
    expect(boxes.names.map((n) => n.text)).toEqual(['x (µm)', 'y (µm)', 'z (µm) ↑ collector']);
    for (const n of [...boxes.names, ...boxes.ticks]) {
      expect(n.l).toBeGreaterThanOrEqual(0);
      expect(n.t).toBeGreaterThanOrEqual(0);
      expect(n.r).toBeLessThanOrEqual(boxes.w);
      expect(n.b).toBeLessThanOrEqual(boxes.h);
    }
    const overlap = (a: (typeof boxes.names)[0], b: (typeof boxes.names)[0]): boolean => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
    expect(overlap(boxes.names[0]!, boxes.names[1]!) || overlap(boxes.names[1]!, boxes.names[2]!) || overlap(boxes.names[0]!, boxes.names[2]!)).toBe(false);
    // 24 µm per side: ticks 0, 10, 20 on each of the three edges.
    expect(boxes.ticks.map((t) => t.text)).toEqual(['0', '10', '20', '0', '10', '20', '0', '10', '20']);
    const sliceTicks = await v.page.$$eval('.slice-plot', (plots) => plots.map((p) => [...p.querySelectorAll('span')].map((s) => s.textContent)));
    expect(sliceTicks).toEqual([
      ['0', '10', '20', '0', '10', '20', 'y (µm)', 'z (µm)'],
      ['0', '10', '20', '0', '10', '20', 'x (µm)', 'z (µm)'],
      ['0', '10', '20', '0', '10', '20', 'x (µm)', 'y (µm)'],
    ]);
  });

  it('a colour map and range per field, and a field chooser: arrival time, phase, labels only', async () => {
    const e = syntheticElectrode(48, 11);
    const n = 48;
    const z = 24;
    await v.page.uncheck('#show-front');
    await setRange(v.page, '#time', '1000');
    // The XY slice's picture pixel of voxel (x, y) at z = 24 (row 0 is the high y).
    const slicePixel = (x: number, y: number): Promise<number[]> =>
      v.page.$eval('#slices canvas >> nth=2', (c, [px, py]) => [...(c as HTMLCanvasElement).getContext('2d')!.getImageData(px!, py!, 1, 1).data].slice(0, 3), [x, n - 1 - y]);
    const at = (x: number, y: number): number => x + n * (y + n * z);
    const cells = [...Array(n * n).keys()].map((k) => [k % n, Math.floor(k / n)] as const);
    const [px, py] = cells.find(([x, y]) => e.labels[at(x, y)] === 0 && e.arrival[at(x, y)]! > 0.05 && e.arrival[at(x, y)]! < 0.15)!;
    const arrival = e.arrival[at(px, py)]!;

    expect(await v.page.$$eval('#field option', (o) => o.map((x) => x.textContent))).toEqual(['arrival time', 'phase (electrolyte / trapped / not reached)', 'labels only (no field)']);
    const before = await classes(v.page);
    await v.page.selectOption('#colormap', 'magma');
    await v.page.fill('#range-min', '0');
    await v.page.fill('#range-max', '0.2');
    await v.page.press('#range-max', 'Enter');
    await v.page.$eval('#range-max', (el) => el.dispatchEvent(new Event('change')));
    const expected = colormap('magma', arrival / 0.2);
    const got = await slicePixel(px, py);
    for (let k = 0; k < 3; k++) expect(Math.abs(got[k]! - expected[k]!)).toBeLessThanOrEqual(2);
    expect(await v.page.$$eval('#colorbar-ticks span', (t) => t.map((x) => x.textContent))).toEqual(['0', '0.05', '0.1', '0.15', '0.2']);
    const barTop = await v.page.$eval('#colorbar-canvas', (c) => [...(c as HTMLCanvasElement).getContext('2d')!.getImageData(8, 0, 1, 1).data].slice(0, 3));
    expect(barTop).toEqual(colormap('magma', 1).map(Math.round));
    expect(difference3d(before, await classes(v.page))).toBeGreaterThan(0);

    // A reversed range is refused with a line naming the field and the values; nothing changes.
    await v.page.fill('#range-min', '0.3');
    await v.page.$eval('#range-min', (el) => el.dispatchEvent(new Event('change')));
    expect(await v.page.textContent('#range-error')).toBe('colour range of arrival time: got 0.3 to 0.2 s; expected two numbers, the first below the second');
    expect(await slicePixel(px, py)).toEqual(got);

    // The phase map: electrolyte blue, the colour bar in words; the slider is not used.
    await v.page.selectOption('#field', 'phase');
    expect(await v.page.textContent('#colorbar-title')).toBe('phase (code)');
    expect(await v.page.$$eval('#colorbar-ticks span', (t) => t.map((x) => x.textContent))).toEqual(['electrolyte', 'trapped gas', 'not reached']);
    expect(e.phase[at(px, py)]).toBe(1);
    expect(await slicePixel(px, py)).toEqual([74, 163, 255]);
    // Labels only: no field, no colour bar; back to the arrival time keeps its colour map and range.
    await v.page.selectOption('#field', 'labels');
    expect(await v.page.isVisible('#colorbar')).toBe(false);
    expect(await v.page.isVisible('#wetting-section')).toBe(false);
    await v.page.selectOption('#field', 'front');
    expect(await v.page.inputValue('#colormap')).toBe('magma');
    expect(await v.page.inputValue('#range-max')).toBe('0.2');
    await v.page.click('#range-auto');
    expect(Number(await v.page.inputValue('#range-max'))).toBeGreaterThan(0.3);
    await v.page.check('#show-front');
    expect(v.consoleErrors).toEqual([]);
  });

  it('keys its colours in every mode: a phase legend wherever no field colour bar is (labels only, surfaces)', async () => {
    const legendRows = (): Promise<string[]> => v.page.$$eval('#phase-legend div', (d) => d.map((x) => x.textContent ?? ''));
    await v.page.selectOption('#field', 'labels');
    expect(await v.page.isVisible('#colorbar')).toBe(false);
    expect(await v.page.isVisible('#phase-legend')).toBe(true);
    expect(await legendRows()).toEqual(['phase', 'active material', 'carbon-binder']);
    // The swatch is the phase's own colour (the AM default #9ba7b4).
    expect(await v.page.$eval('#phase-legend .swatch', (e) => getComputedStyle(e).backgroundColor)).toBe('rgb(155, 167, 180)');
    await v.page.selectOption('#field', 'front');
    expect(await v.page.isVisible('#colorbar')).toBe(true);
    expect(await v.page.isVisible('#phase-legend')).toBe(false);
    // Surfaces draw no wetting field: the legend keys the meshes and says where the wetting is.
    await v.page.selectOption('#render-mode', 'surfaces');
    const meshStatus = (): Promise<string> => v.page.$eval('#mesh-status', (e) => e.textContent ?? '');
    await v.page
      .waitForFunction(() => document.getElementById('mesh-status')?.textContent?.startsWith('surfaces:'), undefined, { timeout: 60_000 })
      .catch(async (e: unknown) => {
        throw new Error(`mesh status stuck at "${await meshStatus()}"; console errors ${JSON.stringify(v.consoleErrors)}: ${String(e)}`);
      });
    // Progress travels on its own message port and may arrive after the result: it must not overwrite it.
    await new Promise((r) => setTimeout(r, 300));
    expect(await meshStatus()).toMatch(/^surfaces: /);
    expect(await v.page.isVisible('#colorbar')).toBe(false);
    expect(await v.page.isVisible('#phase-legend')).toBe(true);
    expect(await legendRows()).toEqual(['phase', 'active material', 'carbon-binder', 'wetting shows in voxel mode']);
    await v.page.selectOption('#render-mode', 'voxels');
    expect(await v.page.isVisible('#colorbar')).toBe(true);
    expect(await v.page.isVisible('#phase-legend')).toBe(false);
    expect(v.consoleErrors).toEqual([]);
  }, 90_000);

  it('drops to interactive quality while a drag orbits a large volume, and sharpens again at rest', async () => {
    // 48³ stands in for a large volume: lower the threshold instead of loading 256³ in a test.
    await v.page.evaluate(() => {
      (window as unknown as { __viewer: { view: { lodVoxels: number } } }).__viewer.view.lodVoxels = 0;
    });
    const size = await v.page.$eval('#view3d', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
    const box = (await (await v.page.$('#view3d'))!.boundingBox())!;
    await v.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await v.page.mouse.down();
    await v.page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2, { steps: 4 });
    const during = await v.page.$eval('#view3d', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
    expect(during).toEqual(size.map((d) => Math.floor(d * 0.5)));
    expect(await v.page.evaluate(() => (window as unknown as { __viewer: { view: { moving: boolean } } }).__viewer.view.moving)).toBe(true);
    // The reduced picture is still the electrode, not a blank canvas.
    expect((await classes(v.page)).variance).toBeGreaterThan(50);
    await v.page.mouse.up();
    expect(await v.page.$eval('#view3d', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])).toEqual(size);
    expect(await v.page.evaluate(() => (window as unknown as { __viewer: { view: { moving: boolean } } }).__viewer.view.moving)).toBe(false);
    await v.page.evaluate(() => {
      (window as unknown as { __viewer: { view: { lodVoxels: number } } }).__viewer.view.lodVoxels = 128 ** 3;
    });
  });

  it('the value probe gives position in µm, label and arrival time of the voxel under the pointer, on a slice and in 3D', async () => {
    const e = syntheticElectrode(48, 11);
    const n = 48;
    const z = 24; // the XY slice starts at the middle
    // A pore voxel the front reached, and a solid one, in that slice.
    const at = (x: number, y: number): number => x + n * (y + n * z);
    const pore = [...Array(n * n).keys()].map((k) => [k % n, Math.floor(k / n)] as const).find(([x, y]) => e.labels[at(x, y)] === 0 && Number.isFinite(e.arrival[at(x, y)]!) && x > 2 && y > 2)!;
    const solid = [...Array(n * n).keys()].map((k) => [k % n, Math.floor(k / n)] as const).find(([x, y]) => e.labels[at(x, y)] === 1 && x > 2 && y > 2)!;
    const hoverVoxel = async (x: number, y: number): Promise<string> => {
      // The slice canvas shows 48 voxels across its content box; picture row 0 is the high y.
      const side = await v.page.$eval('#slices canvas >> nth=2', (c) => c.clientWidth);
      await v.page.hover('#slices canvas >> nth=2', { position: { x: ((x + 0.5) / n) * side, y: ((n - 1 - y + 0.5) / n) * side } });
      return (await v.page.textContent('#probe-readout')) ?? '';
    };
    const um = (k: number): string => ((k + 0.5) * 0.5).toFixed(2);
    const poreText = await hoverVoxel(pore[0], pore[1]);
    expect(poreText).toBe(`x ${um(pore[0])}, y ${um(pore[1])}, z ${um(z)} µm (voxel ${pore[0]}, ${pore[1]}, ${z}) · pore · arrival time ${formatNumber(e.arrival[at(pore[0], pore[1])]!)} s · phase: ${['solid', 'electrolyte', 'trapped gas', 'gas not reached'][e.phase[at(pore[0], pore[1])]!]}`);
    expect(await hoverVoxel(solid[0], solid[1])).toBe(`x ${um(solid[0])}, y ${um(solid[1])}, z ${um(z)} µm (voxel ${solid[0]}, ${solid[1]}, ${z}) · active material`);

    // In 3D: a click in the middle of the view probes the first opaque voxel along the ray.
    const box = (await v.page.$('#view3d'))!;
    const size = (await box.boundingBox())!;
    await v.page.mouse.click(size.x + size.width / 2, size.y + size.height / 2);
    const picked = await probe<{ voxel: [number, number, number]; text: string } | null>(v.page, 'lastProbe');
    expect(picked).not.toBeNull();
    const [px, py, pz] = picked!.voxel;
    const lab = e.labels[px + n * (py + n * pz)]!;
    // The clip keeps z below 0.85 of the box; the ray enters from above, so the hit is in that slab.
    expect(pz).toBeLessThan(Math.ceil(0.85 * n));
    expect(picked!.text).toContain(lab === 0 ? 'arrival time' : lab === 1 ? 'active material' : 'carbon-binder');
    expect(picked!.text).toContain(`(voxel ${px}, ${py}, ${pz})`);
    // Only something drawn opaque stops the ray: a solid, or electrolyte the front has reached.
    if (lab === 0) expect(Number.isFinite(e.arrival[px + n * (py + n * pz)]!)).toBe(true);
  });
});

describe.skipIf(CHROMIUM_SKIP !== '')(`a quasi-static fill: the Pc–S marker${CHROMIUM_SKIP}`, () => {
  let v: OpenViewer;
  beforeAll(async () => {
    v = await openViewer(path.join(dir, 'qs'), { width: 1100, height: 700 });
  }, 120_000);
  afterAll(async () => {
    await v?.close();
  });

  it('reads the saturation of the curve at the slider pressure, and pink marks the trapped gas from the phase map', async () => {
    const result = JSON.parse(await readFile(path.join(dir, 'qs', 'result.json'), 'utf8')) as { saturation: number; trappedFraction: number; pcCurve: { pc: number; saturation: number }[] };
    expect(result.saturation).toBeGreaterThan(0.2);
    const pc = result.pcCurve.map((p) => p.pc);
    const s = result.pcCurve.map((p) => p.saturation);
    for (const at of ['1000', '700']) {
      await setRange(v.page, '#time', at);
      const time = await probe<number>(v.page, 'time');
      const marker = await probe<number | null>(v.page, 'curveMarker');
      expect(marker).not.toBeNull();
      expect(marker!).toBeCloseTo(interpolate(pc, s, time), 9);
    }
    // At the end of the slider the curve has reached the final saturation.
    await setRange(v.page, '#time', '1000');
    expect(await probe<number>(v.page, 'curveMarker')).toBeGreaterThan(0.2);
    expect(await v.page.isVisible('#trapped-row')).toBe(true);
    expect(v.consoleErrors).toEqual([]);
  });
});

describe.skipIf(CHROMIUM_SKIP !== '')(`a live run on a sub-volume${CHROMIUM_SKIP}`, () => {
  let v: OpenViewer;
  beforeAll(async () => {
    // 32×32×16 voxels: the live sub-volume keeps the thickness and crops x and y to 16.
    const e = syntheticElectrode(32, 9, 1e-6);
    const labels = e.labels.slice(0, 32 * 32 * 16);
    await mkdir(path.join(dir, 'slab'));
    await writeVolume(path.join(dir, 'slab', 'slab.tif'), { shape: [32, 32, 16], voxelSize: 1e-6, labels });
    v = await openViewer(path.join(dir, 'slab'), { width: 1100, height: 700 });
  }, 120_000);
  afterAll(async () => {
    await v?.close();
  });

  it('gives the clip position in the sub-volume, not the loaded box', async () => {
    await v.page.selectOption('#clip-axis', '0');
    await setRange(v.page, '#clip-pos', '500');
    expect(await v.page.textContent('#clip-out')).toBe('16.0 µm');
    await v.page.selectOption('#live-model', 'automaton');
    await v.page.selectOption('#live-size', '16');
    await v.page.fill('#live-steps', '10');
    await v.page.fill('#live-every', '5');
    await v.page.click('#simulate');
    await v.page.waitForFunction(() => (window as unknown as { __viewer: { liveDone: boolean } }).__viewer.liveDone, undefined, { timeout: 60_000 });
    expect(await probe<string | null>(v.page, 'error')).toBeNull();
    expect(await v.page.textContent('#dataset-info')).toContain('16×16×16 voxels');
    expect(await v.page.textContent('#clip-out')).toBe('8.0 µm');
    // Ten automaton steps fill part of the pore space, whichever gpu.js backend ran them.
    const filled = await probe<number | null>(v.page, 'curveMarker');
    expect(filled).toBeGreaterThan(0.05);
    expect(filled).toBeLessThan(1);
    expect(v.consoleErrors).toEqual([]);
  });
});

describe.skipIf(CHROMIUM_SKIP !== '')(`a study: the runs table and the parity plot${CHROMIUM_SKIP}`, () => {
  let v: OpenViewer;
  beforeAll(async () => {
    const study = path.join(dir, 'study');
    await writeSyntheticStudy(study, 3, 12);
    v = await openViewer(study, { width: 1300, height: 750 });
  }, 120_000);
  afterAll(async () => {
    await v?.close();
  });

  const headers = (): Promise<string[]> => v.page.$$eval('#runs thead th', (ths) => ths.map((th) => th.textContent ?? ''));

  it('shows inputs first with units, and a column chooser that hides and shows columns', async () => {
    expect(await headers()).toEqual(['run_id', 'calendering (%)', 'porosity_target', 'porosity', 'qs_saturation', 'status']);
    expect(await v.page.textContent('#column-chooser summary')).toBe('columns: 6 of 6 shown');
    await v.page.click('#column-chooser summary');
    await v.page.uncheck('[data-choose-col="3"]');
    expect(await headers()).toEqual(['run_id', 'calendering (%)', 'porosity_target', 'qs_saturation', 'status']);
    expect(await v.page.$$eval('#runs tbody tr:first-child td', (tds) => tds.length)).toBe(5);
    expect(await v.page.textContent('#column-chooser summary')).toBe('columns: 5 of 6 shown');
    await v.page.check('[data-choose-col="3"]');
    expect(await headers()).toHaveLength(6);
    expect(await v.page.$$eval('#parity-output option', (o) => o.map((e) => e.textContent))).toEqual(['qs_saturation · models/gpr', 'porosity · models/gpr']);
    expect(v.consoleErrors).toEqual([]);
  });
});
