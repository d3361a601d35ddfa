/**
 * Looks at a live run: opens a synthetic fill output (or a directory) in headless Chromium, sets
 * the live controls, presses "simulate here", and saves a screenshot after the run (or at the
 * timeout), printing the live status line.
 * `node bin/run-ts.js viewer/testing/live-snapshot.ts <out.png> [<dir> | fill <n>] [edge] [steps] [stepsPerFrame] [lbm|automaton] [timeout s] [auto|cpu]`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { syntheticElectrode, writeSyntheticFill } from './fixtures.ts';
import { openViewer, printViewerErrors, rendererString } from './browser.ts';

const [out = 'viewer-live.png', what = 'fill', arg = '48', edge = '24', steps = '400', every = '50', model = 'lbm', timeout = '120', backend = 'auto'] = process.argv.slice(2);
let dir = what;
let temp: string | null = null;
if (what === 'fill') {
  temp = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-live-'));
  dir = temp;
  await writeSyntheticFill(dir, syntheticElectrode(Number(arg)));
}
try {
  const v = await openViewer(dir);
  try {
    process.stdout.write(`${await rendererString(v.page)}\n`);
    await v.page.selectOption('#live-model', model);
    await v.page.selectOption('#live-size', edge);
    await v.page.fill('#live-steps', steps);
    await v.page.fill('#live-every', every);
    if (backend === 'cpu') await v.page.check('#live-cpu');
    const t0 = performance.now();
    await v.page.click('#simulate');
    await v.page
      .waitForFunction(() => (window as unknown as { __viewer: { liveDone: boolean } }).__viewer.liveDone, undefined, { timeout: Number(timeout) * 1000 })
      .catch(() => process.stdout.write('timed out waiting for the run to finish\n'));
    process.stdout.write(`wall ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    await v.page.waitForTimeout(500);
    await v.page.screenshot({ path: out });
    process.stdout.write(`status: ${await v.page.textContent('#live-status')}\n`);
    process.stdout.write(`frames: ${await v.page.evaluate(() => (window as unknown as { __viewer: { liveFrames: number } }).__viewer.liveFrames)}\n`);
    await printViewerErrors(v);
  } finally {
    await v.close();
  }
} finally {
  if (temp) await rm(temp, { recursive: true, force: true });
}
