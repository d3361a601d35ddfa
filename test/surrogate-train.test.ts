import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, FileFormatError, ImpossibleRequestError } from '../src/errors.ts';
import { smoothDataset, smoothFunction, toCsv } from '../surrogates/data/synthetic.ts';
import { loadDataset, trainingData } from '../surrogates/data/table.ts';
import { crossValidate } from '../surrogates/judge/cv.ts';
import { kFolds } from '../surrogates/judge/folds.ts';
import { varianceInflation } from '../surrogates/judge/vif.ts';
import { loadModel, outsideBox } from '../surrogates/store.ts';
import { trainSurrogates } from '../surrogates/train-surrogates.ts';
import { makeTrainer } from '../surrogates/trainers.ts';

let dir: string;
let csv: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-surr-'));
  const d = smoothDataset(40, 3, 0.02, 5);
  csv = join(dir, 'data.csv');
  await writeFile(csv, toCsv(['a', 'b', 'c', 'y', 'run_seconds'], d.x.map((r, i) => [...r, d.y[i]![0]!, 12])));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('train end to end on a CSV', () => {
  it('writes model folders with report cards, comparison and a summary that reload and predict', async () => {
    const lines: string[] = [];
    const out = join(dir, 'models');
    const s = await trainSurrogates({ data: csv, inputs: ['a', 'b', 'c'], outputs: ['y'], models: ['gpr', 'linear'], cv: 4, seed: 3, outDir: out, log: (l) => lines.push(l), trainer: { gpr: { restarts: 1 } } });
    expect(s.models.map((m) => m.kind)).toEqual(['gpr', 'linear']);
    expect(s.best).toBe('gpr');
    expect(s.models[0]!.cv.y!.r2).toBeGreaterThan(0.95);
    // Simulation seconds come from run_seconds: 12 s per run.
    expect(s.models[0]!.simSecondsPerPoint).toBe(12);
    expect(s.models[0]!.speedup).toBeCloseTo(12 / s.models[0]!.predictSecondsPerPoint, 6);
    const md = await readFile(join(out, 'gpr', 'report.md'), 'utf8');
    for (const section of ['## Data', '## Preprocessing', '## Model and hyperparameters', '## Cross-validation', '## Learning curve', '## Multicollinearity (VIF)', '## Explanation', '## Speed-up', '## Intended use and limits']) expect(md).toContain(section);
    const html = await readFile(join(out, 'gpr', 'report.html'), 'utf8');
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(4);
    const parity = await readFile(join(out, 'gpr', 'parity.csv'), 'utf8');
    expect(parity.trim().split('\n')).toHaveLength(41);
    const { model, card } = await loadModel(out);
    expect(card.kind).toBe('gpr');
    const p = model.predict([[0.5, 0.5, 0.5]]);
    expect(Math.abs(p.mean[0]![0]! - smoothFunction([0.5, 0.5, 0.5]))).toBeLessThan(0.05);
    expect(outsideBox(card, [[0.5, 0.5, 0.5], [2, 0.5, 0.5]]).map((f) => f.length)).toEqual([0, 1]);
    const lin = await loadModel(out, 'linear');
    expect(lin.card.kind).toBe('linear');

    // The CLI predicts from the same folder and flags the point outside the box.
    const pts = join(dir, 'points.json');
    await writeFile(pts, JSON.stringify([{ a: 0.5, b: 0.5, c: 0.5 }, { a: 2, b: 0.5, c: 0.5 }]));
    const cli = spawnSync(process.execPath, ['bin/mesolab.js', 'predict', out, pts, '--json'], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    const printed = JSON.parse(cli.stdout) as { kind: string; predictions: Record<string, number | string>[] };
    expect(printed.kind).toBe('gpr');
    expect(printed.predictions[0]!.y).toBeCloseTo(p.mean[0]![0]!, 10);
    expect(printed.predictions[1]!.outside_training_box).toMatch(/^a 2 outside the training data's range 0\.\d+–0\.9\d+$/);
    expect(cli.stderr).toMatch(/1 of 2 point\(s\) lie outside the training data's input ranges \(the data source declares none\)/);
    const fromCsv = spawnSync(process.execPath, ['bin/mesolab.js', 'predict', out, csv], { encoding: 'utf8' });
    expect(fromCsv.status).toBe(0); // extra columns in the table are ignored
    const missing = spawnSync(process.execPath, ['bin/mesolab.js', 'train', csv, '--inputs', 'a,nope', '--outputs', 'y', '-o', join(dir, 'm2')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^error: --inputs: got "nope", expected a column of/);
  });
});

describe('Parquet tables', () => {
  it('load through DuckDB with the same values as the CSV they were written from', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const pq = join(dir, 'data.parquet');
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.run(`COPY (SELECT * FROM read_csv_auto('${csv}')) TO '${pq}' (FORMAT parquet)`);
    conn.closeSync();
    inst.closeSync();
    const a = trainingData(await loadDataset(csv), ['a', 'b', 'c'], ['y']);
    const b = trainingData(await loadDataset(pq), ['a', 'b', 'c'], ['y']);
    expect(b.x).toEqual(a.x);
    expect(b.y).toEqual(a.y);
    expect(b.simSeconds).toEqual(a.simSeconds);
  });
});

describe('cross-validation is deterministic under a seed', () => {
  it('gives the same folds and the same metrics twice, and different folds for another seed', async () => {
    const d = smoothDataset(30, 2, 0.05, 8);
    expect(kFolds(d.x, 5, 4)).toEqual(kFolds(d.x, 5, 4));
    expect(kFolds(d.x, 5, 4)).not.toEqual(kFolds(d.x, 5, 5));
    const folds = kFolds(d.x, 5, 4);
    expect(folds.flat().sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
    expect(folds.map((f) => f.length)).toEqual([6, 6, 6, 6, 6]);
    const t = makeTrainer('gpr', { gpr: { restarts: 1 } });
    const a = await crossValidate(t, d.x, d.y, ['a', 'b'], ['y'], 5, 4);
    const b = await crossValidate(t, d.x, d.y, ['a', 'b'], ['y'], 5, 4);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.parity).toEqual(b.parity);
  });

  it('keeps replicates of one input point in the same fold', () => {
    const x = [[0], [0], [1], [1], [2], [3], [3], [4]];
    const folds = kFolds(x, 3, 1);
    for (const f of folds) for (const i of f) for (const j of x.keys()) if (x[j]![0] === x[i]![0]) expect(f).toContain(j);
  });
});

describe('VIF', () => {
  it('is 1 for independent inputs and flags a near-copy above 10', () => {
    const d = smoothDataset(200, 3, 0, 2);
    const x = d.x.map((r, i) => [r[0]!, r[1]!, r[0]! + 0.01 * Math.sin(i)]);
    const v = varianceInflation(x, ['a', 'b', 'c']);
    expect(v[1]!.vif).toBeLessThan(1.1);
    expect(v[0]!.level).toBe('high');
    expect(v[2]!.level).toBe('high');
  });
});

describe('bad inputs give errors naming field, value and expectation', () => {
  it('missing column', async () => {
    const ds = await loadDataset(csv);
    expect(() => trainingData(ds, ['a', 'zz'], ['y'])).toThrow(ConfigError);
    expect(() => trainingData(ds, ['a', 'zz'], ['y'])).toThrow(/--inputs: got "zz", expected a column of .*a, b, c, y, run_seconds/);
  });

  it('NaN or empty cells', async () => {
    const p = join(dir, 'nan.csv');
    await writeFile(p, 'a,b,y\n0.1,0.2,1\n0.3,,2\n0.5,0.1,NaN\n0.7,0.9,3\n');
    const ds = await loadDataset(p);
    expect(() => trainingData(ds, ['a', 'b'], ['y'])).toThrow(FileFormatError);
    expect(() => trainingData(ds, ['a', 'b'], ['y'])).toThrow(/data\.b\[row 2\]: got null, expected a finite number/);
    // Leaving such rows out is an explicit choice.
    const td = trainingData(ds, ['a', 'b'], ['y'], undefined, true);
    expect(td.x).toHaveLength(2);
    expect(td.droppedRows).toBe(2);
  });

  it('constant output', async () => {
    const p = join(dir, 'const.csv');
    await writeFile(p, 'a,y\n0.1,5\n0.3,5\n0.5,5\n');
    const ds = await loadDataset(p);
    expect(() => trainingData(ds, ['a'], ['y'])).toThrow(ImpossibleRequestError);
    expect(() => trainingData(ds, ['a'], ['y'])).toThrow(/outputs\.y: got 5, expected an output that varies across rows/);
  });

  it('fewer rows than folds', async () => {
    const p = join(dir, 'few.csv');
    await writeFile(p, 'a,y\n0.1,1\n0.3,2\n0.5,4\n');
    await expect(trainSurrogates({ data: p, inputs: ['a'], outputs: ['y'], models: ['linear'], cv: 5, seed: 1, outDir: join(dir, 'few') })).rejects.toThrow(/--cv: got 5, expected at most the number of distinct input rows \(3\)/);
  });

  it('unknown model kind and unreadable data', async () => {
    await expect(trainSurrogates({ data: csv, inputs: ['a'], outputs: ['y'], models: ['svm' as 'gpr'], cv: 2, seed: 1, outDir: join(dir, 'x') })).rejects.toThrow(/--model: got "svm"/);
    await expect(loadDataset(join(dir, 'missing.csv'))).rejects.toThrow(ConfigError);
  });
});

describe('train on a study table with a cell stage', () => {
  it('the report card draws the representative run\'s discharge curves from the cell_discharge_curves column', async () => {
    const rows: string[] = ['calendering,cell_capacity_0p1c,cell_capacity_1c,cell_capacity_2c,cell_discharge_curves'];
    const ends: number[][] = [];
    for (let i = 0; i < 12; i++) {
      const cal = 2 * i;
      const caps = [5 - 0.01 * cal, 4.2 - 0.04 * cal + 0.01 * Math.sin(i), 3.1 - 0.06 * cal + 0.02 * Math.cos(i)];
      ends.push(caps);
      const curves = { cRates: [0.1, 1, 2], capacity: caps.map((c) => [0, c / 2, c]), voltage: caps.map(() => [4.2, 3.7, 3.0]) };
      rows.push(`${cal},${caps.join(',')},"${JSON.stringify(curves).replaceAll('"', '""')}"`);
    }
    const file = join(dir, 'cells.csv');
    await writeFile(file, `${rows.join('\n')}\n`);
    const out = join(dir, 'cell-models');
    await trainSurrogates({ data: file, inputs: ['calendering'], outputs: ['cell_capacity_0p1c', 'cell_capacity_1c', 'cell_capacity_2c'], models: ['linear'], cv: 3, seed: 1, outDir: out, log: () => undefined, explain: false });
    const md = await readFile(join(out, 'report.md'), 'utf8');
    const row = Number(/Discharge curves of training row (\d+)/.exec(md)?.[1]);
    expect(Number.isInteger(row)).toBe(true);
    // The table's 1C line ends at that row's own 1C capacity: the curves came from the right row.
    expect(md).toMatch(new RegExp(`\\| 1 \\| ${ends[row]![1]!.toPrecision(4).replace(/0+$/, '').replace('.', '\\.')}`));
    expect(await readFile(join(out, 'plots', 'discharge-curves.svg'), 'utf8')).toContain('voltage (V)');
  });
});
