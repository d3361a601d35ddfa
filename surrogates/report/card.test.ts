import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParityRow } from '../judge/cv.ts';
import type { ModelCard } from '../store.ts';
import { reportMarkdown, writeReport } from './card.ts';
import { lengthScaleRows } from './hyperparameters.ts';
import { PLOT_RIGHT } from './svg.ts';

/** A GPR card as `mesolab train` writes it: two outputs, one input whose length scale sits at the upper bound. */
function gprCard(coverage: Record<string, number>): ModelCard {
  const outputs = ['qs_saturation', 'tortuosity_pore_z'];
  return {
    format: 'mesolab-surrogate',
    version: 1,
    kind: 'gpr',
    created: '2026-12-03T00:00:00Z',
    inputs: ['porosity_target', 'calendering', 'contact_angle'],
    outputs,
    units: { porosity_target: '1', calendering: '%', contact_angle: '°', qs_saturation: '1', tortuosity_pore_z: '1' },
    inputBox: { porosity_target: [0.3, 0.5], calendering: [0, 30], contact_angle: [20, 60] },
    data: { source: 'studies/default', sourceKind: 'study', hash: 'abc', rows: 40, uniqueInputRows: 40, replicateRows: 0, droppedNonFiniteRows: 0, outputRanges: { qs_saturation: [0.5, 0.9], tortuosity_pore_z: [1.5, 3] } },
    preprocessing: ['inputs scaled'],
    outputTransforms: { qs_saturation: { kind: 'logit', eps: 1e-3, reason: 'a saturation' }, tortuosity_pore_z: { kind: 'log', reason: 'a positive quantity' } },
    hyperparameters: {
      kernel: 'matern52',
      perOutput: outputs.map((o) => ({
        output: o,
        constant: 1.3,
        lengthScales: { porosity_target: 0.42, calendering: 2.5, contact_angle: 100000.00000000001 },
        noise: 0.01,
        logMarginalLikelihood: -12.5,
        jitter: 0,
        optimizer: { starts: 4, failedStarts: 0, evaluations: 300 },
      })),
      bounds: { constant: [1e-5, 1e5], lengthScale: [1e-5, 1e5], noise: [1e-5, 1e5] },
      note: 'length scales in unit-cube input coordinates',
    },
    cv: { folds: 5, seed: 1, metrics: Object.fromEntries(outputs.map((o) => [o, { rmse: 0.02, mae: 0.015, r2: 0.9 }])), coverage95: coverage },
    learningCurve: [10, 20, 30, 40].map((n) => ({ trainSize: n, fraction: n / 40, rmse: { qs_saturation: 0.1 / n, tortuosity_pore_z: 1 / n }, r2: { qs_saturation: 1 - 1 / n, tortuosity_pore_z: 1 - 2 / n } })),
    vif: [],
    speedup: { simSecondsPerPoint: 10, simSecondsSource: 'test', predictSecondsSinglePoint: 1e-5, predictSecondsPerPointBatch: 1e-6, speedup: 1e6 },
    trainSeconds: 3,
    seed: 1,
    explanation: {
      inputs: ['porosity_target', 'calendering', 'contact_angle'],
      outputs,
      permutation: [],
      shapley: { method: 'exact', backgroundSize: 5, baseValue: [0.7, 2], values: [], meanAbs: [[0.1, 0.3], [0.05, 0.2], [0, 0]], points: [] },
      ale: [
        { input: 'porosity_target', grid: [0.3, 0.4, 0.5], ale: [[-0.1, 0, 0.1], [0.5, 0, -0.5]], counts: [20, 20] },
        { input: 'calendering', grid: [0, 15, 30], ale: [[0.02, 0, -0.02], [-0.3, 0, 0.3]], counts: [20, 20] },
        { input: 'contact_angle', grid: [20, 40, 60], ale: [[0, 0, 0], [0, 0, 0]], counts: [20, 20] },
      ],
      ranking: Object.fromEntries(outputs.map((o) => [o, [{ input: 'porosity_target', meanAbsShap: 0.1, permutationRmseIncrease: 0.05 }]])),
    },
  };
}

const parity: ParityRow[] = [0, 1, 2, 3, 4, 5].flatMap((i) => [
  { row: i, fold: i % 5, output: 'qs_saturation', actual: 0.5 + 0.07 * i, predicted: 0.52 + 0.07 * i, std: 0.02 },
  { row: i, fold: i % 5, output: 'tortuosity_pore_z', actual: 1.5 + 0.3 * i, predicted: 1.45 + 0.3 * i, std: 0.1 },
]);

describe('report card: hyperparameters', () => {
  it('gives length scales as a table in the inputs\' units and marks the one at its bound as irrelevant, with no raw JSON', () => {
    const card = gprCard({ qs_saturation: 0.95, tortuosity_pore_z: 0.9 });
    const rows = lengthScaleRows(card, 'qs_saturation');
    expect(rows.map((r) => r.atBound)).toEqual([null, null, 'upper']);
    // 0.42 of the porosity range 0.2 is 0.084; 2.5 of 30 % is 75 %.
    expect(rows[0]!.physical).toBeCloseTo(0.084, 12);
    expect(rows[1]!.physical).toBeCloseTo(75, 12);
    const md = reportMarkdown(card, true, parity);
    expect(md).not.toContain('100000.00000000001');
    expect(md).not.toContain('```json');
    expect(md).toMatch(/\| contact_angle \| ° \| 1\.000e\+5 \| 4\.000e\+6 \| \*\*at upper bound: output does not depend on this input \(irrelevant\)\*\* \|/);
    expect(md).toMatch(/\| calendering \| % \| 2\.5 \| 75 \| /);
    expect(md).toContain('Irrelevant to qs_saturation (length scale at the upper bound): contact_angle.');
  });
});

describe('report card: interval coverage', () => {
  it('flags a 95 % coverage of 0.73 and says what it means; 0.9 passes', () => {
    const md = reportMarkdown(gprCard({ qs_saturation: 0.73, tortuosity_pore_z: 0.9 }), true, parity);
    expect(md).toContain('**0.73 ⚠ outside 0.85–1**');
    expect(md).toMatch(/\| tortuosity_pore_z \| 0\.02 \| 0\.015 \| 0\.9 \| 0\.9 \|/);
    expect(md).toMatch(/Warning: the 95 % predictive intervals of qs_saturation held 0\.73/);
    const ok = reportMarkdown(gprCard({ qs_saturation: 0.95, tortuosity_pore_z: 1 }), true, parity);
    expect(ok).not.toContain('⚠');
  });
});

describe('report card: plots and tables', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('parity plots carry 95 % error bars and units, the HTML one title per plot; ALE per input in physical units; legends outside the curves; the learning-curve table is as wide as its sizes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-card-'));
    dirs.push(dir);
    const card = gprCard({ qs_saturation: 0.95, tortuosity_pore_z: 0.9 });
    await writeReport(dir, card, parity);
    const plots = (await readdir(path.join(dir, 'plots'))).sort();
    expect(plots).toContain('ale-qs_saturation-calendering.svg');
    expect(plots).toContain('ale-tortuosity_pore_z-contact_angle.svg');

    const par = await readFile(path.join(dir, 'plots', 'parity-tortuosity_pore_z.svg'), 'utf8');
    const bars = [...par.matchAll(/<line class="error-bar" x1="([\d.]+)" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)"/g)];
    expect(bars).toHaveLength(6);
    // Each bar spans ±1.96σ = ±0.196 around its point: equal lengths, centred on the marker.
    const lengths = bars.map((b) => Number(b[2]) - Number(b[3]));
    for (const l of lengths) expect(l).toBeCloseTo(lengths[0]!, 0);
    expect(lengths[0]).toBeGreaterThan(5);
    expect(par).toContain('simulated tortuosity_pore_z');
    expect(par).toContain('bars: 95 % interval');
    const satPar = await readFile(path.join(dir, 'plots', 'parity-qs_saturation.svg'), 'utf8');
    expect(satPar).not.toContain('(1)');

    const ale = await readFile(path.join(dir, 'plots', 'ale-qs_saturation-calendering.svg'), 'utf8');
    expect(ale).toContain('>calendering (%)<');
    // Ticks in the input's own unit (0–30 %), not a scaled 0–1 axis.
    expect(ale).toMatch(/>30</);
    expect(ale).not.toMatch(/>0\.8</);

    const lc = await readFile(path.join(dir, 'plots', 'learning-curve.svg'), 'utf8');
    const legendX = [...lc.matchAll(/<text class="legend" x="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(legendX).toHaveLength(2);
    for (const x of legendX) expect(x).toBeGreaterThan(PLOT_RIGHT);

    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    expect(html).not.toContain('<figcaption>');
    expect((html.match(/cross-validated parity/g) ?? []).length).toBe(2);

    const md = await readFile(path.join(dir, 'report.md'), 'utf8');
    const lcHeader = md.split('\n').find((l) => l.startsWith('| output | metric |'))!;
    expect(lcHeader).toBe('| output | metric | 10 rows | 20 rows | 30 rows | 40 rows |');
    expect(md).toMatch(/\| tortuosity_pore_z \| RMSE \| 0\.1 \| 0\.05 \| 0\.03333 \| 0\.025 \|/);
  });
});
