/**
 * Discharge curves of a `mesolab cell -o` folder in the viewer: the file the command writes (SI
 * units), what the server hands the page, what the panel draws, and — in headless Chromium — the
 * numbers read back from the page against the file.
 */
import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlappingSpheres } from '../src/voxel/test-geometries.ts';
import { Rng } from '../src/random/rng.ts';
import { getCompute } from '../src/gpu/backend.ts';
import { writeCellOutput } from '../src/cli/cell-output.ts';
import { cellModel, StructureCellSchema } from '../sims/cell/index.ts';
import type { DischargeFile } from '../src/store/discharge-file.ts';
import { DISCHARGE_CURVES_COLUMN, encodeDischargeCurves } from '../src/study/cell-columns.ts';
import { describe as describeDataset } from '../viewer/server/datasets.ts';
import { cellPanelData, structureRows } from '../viewer/app/cell-panel.ts';
import { CHROMIUM_SKIP, openViewer } from '../viewer/testing/browser.ts';
import { writeSyntheticStudy } from '../viewer/testing/fixtures.ts';

let dir = '';
let out = '';
let result: { discharges: { cRate: number; capacityAh: number; energyWh: number }[]; params: { area: number } };
let file: DischargeFile;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-cell-'));
  out = path.join(dir, 'cell-out');
  const volume = overlappingSpheres([20, 20, 30], 11, { porosity: 0.4, voxelSize: 2e-6 });
  const params = StructureCellSchema.parse({ cRates: [0.5, 2], mesh: { negative: 3, separator: 4, positive: 8, particle: 6 } });
  const r = await cellModel.run(params, { volume }, { rng: new Rng(0), compute: await getCompute('cpu') });
  await writeCellOutput(out, r, volume);
  result = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8')) as typeof result;
  file = JSON.parse(await readFile(path.join(out, 'discharge.json'), 'utf8')) as DischargeFile;
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const areaCm2 = (): number => result.params.area * 1e4;

describe('discharge.json: the curves of `mesolab cell -o` in SI units', () => {
  it('holds each rate in coulombs, volts and seconds, equal to result.json (A h, W h) times 3600', () => {
    expect(file.format).toBe('mesolab-discharge');
    expect(file.units).toMatchObject({ capacity: 'C', voltage: 'V', time: 's', energy: 'J', area: 'm2' });
    expect(file.curves.map((c) => c.cRate)).toEqual([0.5, 2]);
    file.curves.forEach((c, k) => {
      const last = c.capacity.length - 1;
      expect(c.capacity[last]! / 3600).toBeCloseTo(result.discharges[k]!.capacityAh, 12);
      expect(c.dischargeCapacity / 3600).toBeCloseTo(result.discharges[k]!.capacityAh, 12);
      expect(c.energy / 3600).toBeCloseTo(result.discharges[k]!.energyWh, 12);
      // Charge = current × time for a constant-current discharge (the unit conversion is right).
      expect(Math.abs(c.capacity[last]! - c.current * c.time[last]!)).toBeLessThan(1e-9 * c.capacity[last]!);
      expect(c.voltage[last]!).toBeLessThan(c.voltage[0]!);
    });
    // 2C delivers less than C/2.
    expect(file.curves[1]!.dischargeCapacity).toBeLessThan(file.curves[0]!.dischargeCapacity);
  });

  it('the viewer server calls the folder a cell output, with the electrode beside the curves', async () => {
    const m = await describeDataset(out);
    expect(m.kind).toBe('cell');
    expect(m.cell!.volume?.path).toBe('labels.raw');
    expect(m.cell!.volume?.shape).toEqual([20, 20, 30]);
    expect(m.cell!.discharge.curves).toHaveLength(2);
    expect(m.cell!.summary.saturation).toBe(1);
    // Shown in the units the CLI prints: µm, not metres.
    const rows = Object.fromEntries(structureRows(m.cell!.summary));
    expect(Number(rows['electrode thickness (µm)'])).toBeCloseTo(60, 6);
  });

  it('the panel plots mAh/cm² against V: each line ends at the file’s capacity / 3.6 / area', () => {
    const d = cellPanelData(file);
    expect(d.series.map((s) => s.label)).toEqual(['0.5C', '2C']);
    file.curves.forEach((c, k) => {
      const s = d.series[k]!;
      expect(s.x).toHaveLength(c.capacity.length);
      const expected = result.discharges[k]!.capacityAh * 1000 / areaCm2();
      expect(Math.abs(d.rows[k]!.endCapacity / expected - 1)).toBeLessThan(1e-12);
      expect(d.rows[k]!.endVoltage).toBe(c.voltage[c.voltage.length - 1]);
      expect(Math.abs(d.rows[k]!.energy / (result.discharges[k]!.energyWh * 1000 / areaCm2()) - 1)).toBeLessThan(1e-12);
      // Every point, not just the end: x is the coulomb count converted, y the voltage as stored.
      const i = Math.floor(c.capacity.length / 2);
      expect(Math.abs(s.x[i]! - c.capacity[i]! / 3.6 / areaCm2())).toBeLessThan(1e-12 * s.x[s.x.length - 1]!);
      expect(s.y[i]).toBe(c.voltage[i]);
    });
    expect(d.rows[0]!.utilisation).toBeGreaterThan(d.rows[1]!.utilisation);
    expect(d.rows[0]!.utilisation).toBeLessThanOrEqual(1);
  });

  it('a cell run on a filling keeps its phase map beside the electrode, and the viewer offers it', async () => {
    const wetted = path.join(dir, 'cell-wetted');
    const volume = overlappingSpheres([20, 20, 30], 11, { porosity: 0.4, voxelSize: 2e-6 });
    // Gas trapped in half of the deepest third (x < 10): the electrolyte still percolates.
    const phase = volume.labels.map((l, i) => (l !== 0 ? 0 : i >= 20 * 20 * 20 && i % 20 < 10 ? 2 : 1));
    const params = StructureCellSchema.parse({ cRates: [1], mesh: { negative: 3, separator: 4, positive: 8, particle: 6 } });
    const r = await cellModel.run(params, { volume, phase }, { rng: new Rng(0), compute: await getCompute('cpu') });
    await writeCellOutput(wetted, r, volume, phase);
    const m = await describeDataset(wetted);
    expect(m.kind).toBe('cell');
    expect(m.cell!.phase?.path).toBe('phase.raw');
    expect(m.cell!.summary.saturation).toBeLessThan(1);
  });

  it('a discharge file with a broken curve is refused naming the field', async () => {
    const bad = path.join(dir, 'bad');
    await cp(out, bad, { recursive: true });
    const broken = structuredClone(file);
    broken.curves[1]!.voltage.pop();
    await writeFile(path.join(bad, 'discharge.json'), JSON.stringify(broken));
    await expect(describeDataset(bad)).rejects.toThrow(/discharge\.json: curves\[1\]\.voltage/);
  });
});

describe.skipIf(CHROMIUM_SKIP !== '')(`the viewer draws the discharge curves of a cell output (headless Chromium)${CHROMIUM_SKIP}`, () => {
  it('the plotted ends and the table equal discharge.json; the end dots are drawn in each rate’s colour', async () => {
    const v = await openViewer(out);
    try {
      const page = v.page;
      expect(await page.evaluate(() => (window as unknown as { __viewer: { error: string | null } }).__viewer.error)).toBeNull();
      expect(await page.isVisible('#cell-panel')).toBe(true);
      const probe = await page.evaluate(() => (window as unknown as { __viewer: { cellPlot: { rows: { rate: string; endCapacity: number; endVoltage: number }[]; colors: string[]; endPixels: [number, number][] } } }).__viewer.cellPlot);
      const cells = await page.$$eval('#cell-table tr[data-rate]', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      expect(cells.map((c) => c[0])).toEqual(['0.5C', '2C']);
      file.curves.forEach((c, k) => {
        const mAhPerCm2 = c.capacity[c.capacity.length - 1]! / 3.6 / areaCm2();
        const volts = c.voltage[c.voltage.length - 1]!;
        // What the page computed and plotted.
        expect(Math.abs(probe.rows[k]!.endCapacity / mAhPerCm2 - 1)).toBeLessThan(1e-9);
        expect(Math.abs(probe.rows[k]!.endVoltage - volts)).toBeLessThan(1e-9);
        // What it prints: 4 significant digits of capacity, mV of voltage.
        expect(Math.abs(Number(cells[k]![1]) / mAhPerCm2 - 1)).toBeLessThan(5e-4);
        expect(Math.abs(Number(cells[k]![2]) - volts)).toBeLessThan(5e-4);
      });
      // The end dot of each line, read back from the canvas, is that rate's colour.
      const pixels = await page.evaluate((ends) => {
        const c = document.getElementById('cell-curves') as HTMLCanvasElement;
        const ctx = c.getContext('2d')!;
        return ends.map(([x, y]) => [...ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data]);
      }, probe.endPixels);
      probe.colors.forEach((hex, k) => {
        const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        const got = pixels[k]!;
        for (let ch = 0; ch < 3; ch++) expect(Math.abs(got[ch]! - want[ch]!)).toBeLessThan(12);
      });
      // The higher rate ends left of (less capacity than) the lower one on the canvas.
      expect(probe.endPixels[1]![0]).toBeLessThan(probe.endPixels[0]![0]);
      expect(v.consoleErrors).toEqual([]);
    } finally {
      await v.close();
    }
  });

  it("a study with a cell stage: clicking a run plots its capacity against C-rate, read back equal to the table's values", async () => {
    const study = path.join(dir, 'study');
    const ids = await writeSyntheticStudy(study, 3, 12);
    // The columns a cell stage stores (workers/cell-stage.ts), per run: capacity falls with rate.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(path.join(study, 'study.duckdb'));
    const conn = await db.connect();
    const caps = ids.map((_, r) => [5.2 - 0.1 * r, 4.1 - 0.3 * r, 2.9 - 0.4 * r]);
    for (const c of ['cell_capacity_0p1c', 'cell_capacity_1c', 'cell_capacity_2c']) {
      await conn.run(`ALTER TABLE runs ADD COLUMN ${c} DOUBLE`);
      await conn.run(`INSERT INTO columns VALUES ('${c}', 'output', 'mAh/cm²', 'number', '')`);
    }
    for (const [r, id] of ids.entries()) await conn.run(`UPDATE runs SET cell_capacity_0p1c = ${caps[r]![0]}, cell_capacity_1c = ${caps[r]![1]}, cell_capacity_2c = ${caps[r]![2]} WHERE run_id = '${id}'`);
    // And each run's discharge curves (text), ending at its capacities and at 3.0 V.
    await conn.run(`ALTER TABLE runs ADD COLUMN ${DISCHARGE_CURVES_COLUMN} VARCHAR`);
    await conn.run(`INSERT INTO columns VALUES ('${DISCHARGE_CURVES_COLUMN}', 'output', NULL, 'string', '')`);
    for (const [r, id] of ids.entries()) {
      const text = encodeDischargeCurves([0.1, 1, 2].map((cRate, k) => ({ cRate, capacity: [0, caps[r]![k]! / 2, caps[r]![k]!], voltage: [4.2, 3.7 - 0.1 * k, 3.0] })));
      await conn.run(`UPDATE runs SET ${DISCHARGE_CURVES_COLUMN} = '${text}' WHERE run_id = '${id}'`);
    }
    conn.closeSync();
    db.closeSync();
    const v = await openViewer(study);
    try {
      const page = v.page;
      expect(await page.isVisible('#rate-wrap')).toBe(true);
      await page.click(`#runs tr[data-run="${ids[2]}"] td`);
      const note = (await page.textContent('#rate-note')) ?? '';
      const read = [...note.matchAll(/([\d.]+)C: ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
      expect(read.map((p) => p[0])).toEqual([0.1, 1, 2]);
      read.forEach(([, cap], k) => expect(Math.abs(cap! / caps[2]![k]! - 1)).toBeLessThan(5e-3));
      // The run's voltage curves are drawn under it, ending at its capacities; the JSON column is not in the table.
      expect(await page.isVisible('#run-discharge')).toBe(true);
      const curveNote = (await page.textContent('#run-discharge-note')) ?? '';
      const ends = [...curveNote.matchAll(/([\d.]+)C to ([\d.]+) mAh\/cm², ([\d.]+) V/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
      expect(ends.map((e) => e[0])).toEqual([0.1, 1, 2]);
      ends.forEach(([, cap, volt], k) => {
        expect(Math.abs(cap! / caps[2]![k]! - 1)).toBeLessThan(5e-3);
        expect(volt).toBeCloseTo(3.0, 6);
      });
      expect(await page.locator(`#runs th:has-text("${DISCHARGE_CURVES_COLUMN}")`).count()).toBe(0);
      expect(v.consoleErrors).toEqual([]);
    } finally {
      await v.close();
    }
  });
});
