/**
 * Looks at the viewer: opens a directory (or a synthetic fill output / study written for the
 * purpose) in headless Chromium and saves a screenshot.
 * `node bin/run-ts.js viewer/testing/snapshot.ts <out.png> [<dir> | fill <n> | study <n>] [time 0-1000] [voxels|surfaces]`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { syntheticElectrode, writeSyntheticFill, writeSyntheticStudy } from './fixtures.ts';
import { openViewer, printViewerErrors, rendererString } from './browser.ts';

const [out = 'viewer-snapshot.png', what = 'fill', arg = '48', time, mode] = process.argv.slice(2);
let dir = what;
let temp: string | null = null;
if (what === 'fill' || what === 'study') {
  temp = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-'));
  dir = temp;
  if (what === 'study') await writeSyntheticStudy(dir, 5, Number(arg));
  else await writeSyntheticFill(dir, syntheticElectrode(Number(arg)));
}
try {
  const v = await openViewer(dir);
  try {
    process.stdout.write(`${await rendererString(v.page)}\n`);
    if (time !== undefined) {
      await v.page.$eval('#time', (el, t) => {
        (el as HTMLInputElement).value = t;
        el.dispatchEvent(new Event('input'));
      }, time);
    }
    if (mode === 'surfaces') {
      await v.page.selectOption('#render-mode', 'surfaces');
      await v.page.waitForFunction(() => (window as unknown as { __viewer: { meshedTriangles: number } }).__viewer.meshedTriangles > 0, undefined, { timeout: 120_000 });
    }
    await v.page.waitForTimeout(1000);
    await v.page.screenshot({ path: out });
    await printViewerErrors(v);
  } finally {
    await v.close();
  }
} finally {
  if (temp) await rm(temp, { recursive: true, force: true });
}
