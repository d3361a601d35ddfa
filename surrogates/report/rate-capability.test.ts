import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParityRow } from '../judge/cv.ts';
import type { ModelCard } from '../store.ts';
import { reportMarkdown, writeReport } from './card.ts';
import { capacityRates, rateCapability } from './rate-capability.ts';

const OUTPUTS = ['cell_capacity_2c', 'cell_capacity_0p1c', 'cell_capacity_1c', 'cell_resistance'];

/** Five runs (C/10, 1C, 2C capacities in mAh/cm²), in no order: the median 1C capacity is row 3's. */
const SIM: Record<number, [number, number, number]> = {
  0: [5.2, 3.0, 1.1],
  1: [5.1, 4.4, 3.0],
  2: [5.3, 3.6, 2.0],
  3: [5.0, 3.9, 2.6],
  4: [5.25, 4.1, 2.9],
};

const parity: ParityRow[] = Object.entries(SIM).flatMap(([r, [c01, c1, c2]]) => {
  const row = Number(r);
  return [
    { row, fold: row % 2, output: 'cell_capacity_0p1c', actual: c01, predicted: c01 + 0.01, std: 0.05 },
    { row, fold: row % 2, output: 'cell_capacity_1c', actual: c1, predicted: c1 - 0.1, std: 0.1 },
    { row, fold: row % 2, output: 'cell_capacity_2c', actual: c2, predicted: c2 + 0.2, std: 0.2 },
    { row, fold: row % 2, output: 'cell_resistance', actual: 40, predicted: 41, std: 1 },
  ];
});

function card(outputs: string[]): ModelCard {
  return {
    format: 'mesolab-surrogate',
    version: 1,
    kind: 'linear',
    created: '2026-12-03T00:00:00Z',
    inputs: ['calendering'],
    outputs,
    units: Object.fromEntries([['calendering', '%'], ...outputs.map((o) => [o, o === 'cell_resistance' ? 'Ω cm²' : 'mAh/cm²'])]),
    inputBox: { calendering: [0, 30] },
    data: { source: 'studies/cell', sourceKind: 'study', hash: 'h', rows: 5, uniqueInputRows: 5, replicateRows: 0, droppedNonFiniteRows: 0, outputRanges: Object.fromEntries(outputs.map((o) => [o, [0, 6]])) },
    preprocessing: [],
    hyperparameters: {},
    cv: { folds: 2, seed: 1, metrics: Object.fromEntries(outputs.map((o) => [o, { rmse: 0.1, mae: 0.1, r2: 0.9 }])), coverage95: Object.fromEntries(outputs.map((o) => [o, 0.95])) },
    learningCurve: [],
    vif: [],
    speedup: { simSecondsPerPoint: null, simSecondsSource: null, predictSecondsSinglePoint: 1e-6, predictSecondsPerPointBatch: 1e-7, speedup: null },
    trainSeconds: 1,
    seed: 1,
  } as unknown as ModelCard;
}

describe('report card: rate capability of a study with a cell stage', () => {
  it('reads the C-rate from each capacity column name and orders them by rate', () => {
    expect(capacityRates(OUTPUTS)).toEqual([
      { output: 'cell_capacity_0p1c', cRate: 0.1 },
      { output: 'cell_capacity_1c', cRate: 1 },
      { output: 'cell_capacity_2c', cRate: 2 },
    ]);
  });

  it('picks the run of median capacity at the middle rate, with its held-out predictions, and the extremes', () => {
    const rc = rateCapability(OUTPUTS, parity)!;
    expect(rc.cRates).toEqual([0.1, 1, 2]);
    // 1C capacities 3.0, 4.4, 3.6, 3.9, 4.1: median 3.9 is row 3; lowest row 0, highest row 1.
    expect(rc.representative.row).toBe(3);
    expect(rc.representative.simulated).toEqual([5.0, 3.9, 2.6]);
    expect(rc.representative.predicted.map((v) => Number(v.toFixed(12)))).toEqual([5.01, 3.8, 2.8]);
    expect(rc.lowest.row).toBe(0);
    expect(rc.highest.row).toBe(1);
    expect(rc.runs).toBe(5);
    // One capacity column alone is no rate capability.
    expect(rateCapability(['cell_capacity_1c', 'cell_resistance'], parity)).toBeNull();
  });

  it('the report has the section, its table and the plot; a model without capacities has neither', async () => {
    const md = reportMarkdown(card(OUTPUTS), true, parity);
    expect(md).toContain('## Rate capability');
    expect(md).toMatch(/\| 0\.1 \| 5 \| 5\.01 \| 5\.2 \| 5\.1 \|/);
    expect(md).toMatch(/\| 2 \| 2\.6 \| 2\.8 \| 1\.1 \| 3 \|/);
    expect(md).toContain('![rate capability](plots/rate-capability.svg)');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-card-rate-'));
    try {
      await writeReport(dir, card(OUTPUTS), parity);
      expect(await readdir(path.join(dir, 'plots'))).toContain('rate-capability.svg');
      const svg = await readFile(path.join(dir, 'plots', 'rate-capability.svg'), 'utf8');
      expect(svg).toContain('capacity (mAh/cm²)');
      expect(svg).toContain('row 3, surrogate (held out)');
      // The HTML report has the section's heading and table, not only the plot.
      expect(await readFile(path.join(dir, 'report.html'), 'utf8')).toContain('<h2>Rate capability</h2>');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(reportMarkdown(card(['cell_resistance']), true, parity)).not.toContain('Rate capability');
  });

  it('draws the representative run\'s discharge curves when the training data holds them', async () => {
    const curves = { cRates: [0.1, 1, 2], capacity: [[0, 2.5, 5.0], [0, 2, 3.9], [0, 1.3, 2.6]], voltage: [[4.2, 3.9, 3.0], [4.1, 3.7, 3.0], [4.0, 3.5, 3.0]] };
    const asked: number[] = [];
    const extras = { dischargeCurves: (row: number) => (asked.push(row), row === 3 ? curves : null) };
    const md = reportMarkdown(card(OUTPUTS), true, parity, extras);
    expect(asked).toContain(3);
    expect(md).toContain('Discharge curves of training row 3');
    expect(md).toMatch(/\| 1 \| 3\.9 \| 3 \| 3 \|/);
    expect(md).toContain('![discharge curves](plots/discharge-curves.svg)');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-card-curves-'));
    try {
      await writeReport(dir, card(OUTPUTS), parity, extras);
      const svg = await readFile(path.join(dir, 'plots', 'discharge-curves.svg'), 'utf8');
      expect(svg).toContain('voltage (V)');
      expect(svg).toContain('2C');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // No curves for that run: the section stays, without them.
    expect(reportMarkdown(card(OUTPUTS), true, parity, { dischargeCurves: () => null })).not.toContain('Discharge curves of');
  });
});
