import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../store.ts';
import { trainMultiFidelity, type MfComparison } from './train-multifidelity.ts';

// Forrester pair (see ar1.test.ts): hi = 2·lo + 20(1 − x), so ρ = 2.
const high = (x: number): number => (6 * x - 2) ** 2 * Math.sin(12 * x - 4);
const low = (x: number): number => 0.5 * high(x) + 10 * (x - 0.5) - 5;
const highAt = new Set([0, 3, 6, 9, 12, 15, 18, 20]); // indices on the 0.05 grid

let dir = '';
let csv = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-mf-'));
  csv = join(dir, 'forrester.csv');
  // One row per design point: the cheap value everywhere, the expensive one on 8 rows (empty elsewhere).
  const lines = ['x,lo,hi,lo_seconds,hi_seconds'];
  for (let i = 0; i <= 20; i++) {
    const x = i / 20;
    lines.push(`${x},${low(x)},${highAt.has(i) ? high(x) : ''},1,${highAt.has(i) ? 10 : ''}`);
  }
  await writeFile(csv, `${lines.join('\n')}\n`);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const base = { inputs: ['x'], output: 'hi', lowOutput: 'lo', kernel: 'rbf' as const, restarts: 2, seed: 1, folds: 4 };

describe('trainMultiFidelity', () => {
  let cmp: MfComparison;
  const out = (): string => join(dir, 'model');
  beforeAll(async () => {
    cmp = await trainMultiFidelity({ ...base, data: csv, outDir: out(), seconds: { low: { column: 'lo_seconds' }, high: { column: 'hi_seconds' } } });
    if (process.env.MF_PRINT) console.log(JSON.stringify(cmp));
  });

  it('beats the single-fidelity GP on held-out high rows and recovers ρ = 2', () => {
    expect(cmp.lowRows).toBe(21);
    expect(cmp.highRows).toBe(8);
    expect(cmp.rho).toBeGreaterThan(1.9);
    expect(cmp.rho).toBeLessThan(2.1);
    expect(cmp.multiFidelity.rmse).toBeLessThan(0.25 * cmp.singleFidelity.rmse);
  });

  it('accounts the budgets from the per-run seconds: 6 high rows × 10 s per fold, plus 21 × 1 s of low runs', () => {
    expect(cmp.budgetSeconds.singleFidelity).toBeCloseTo(60, 10);
    expect(cmp.budgetSeconds.multiFidelity).toBeCloseTo(81, 10);
    // At the single-fidelity budget the multi-fidelity model affords 21 + 3×10 = 51 ≤ 60 s.
    expect(cmp.equalBudget?.meanHighRowsUsed).toBe(3);
    expect(cmp.equalBudget?.budgetSeconds).toBeCloseTo(51, 10);
    expect(cmp.equalBudget!.rmse).toBeLessThan(cmp.singleFidelity.rmse);
  });

  it('writes a model folder that loadModel predicts from', async () => {
    const { model, card } = await loadModel(out());
    expect(card.kind).toBe('mfgpr');
    const p = model.predict([[0.5], [0.8]]);
    expect(p.mean[0]![0]!).toBeCloseTo(high(0.5), 1);
    expect(p.mean[1]![0]!).toBeCloseTo(high(0.8), 1);
    expect(p.std[0]![0]!).toBeGreaterThan(0);
    const report = await readFile(join(out(), 'comparison.md'), 'utf8');
    expect(report).toContain('multi-fidelity at the single-fidelity budget');
    // The standard report card and the held-out parity rows (8 high rows, each held out once).
    const parity = JSON.parse(await readFile(join(out(), 'parity.json'), 'utf8')) as unknown[];
    expect(parity).toHaveLength(8);
    expect(await readFile(join(out(), 'report.md'), 'utf8')).toContain('hi');
  });

  it('reads a stacked table (a column naming each row\'s fidelity) the same way, seconds from run_seconds', async () => {
    const lines = ['x,model,sat,run_seconds'];
    for (let i = 0; i <= 20; i++) lines.push(`${i / 20},qs,${low(i / 20)},1`);
    for (const i of highAt) lines.push(`${i / 20},lbm,${high(i / 20)},10`);
    const stacked = join(dir, 'stacked.csv');
    await writeFile(stacked, `${lines.join('\n')}\n`);
    const c = await trainMultiFidelity({ ...base, output: 'sat', lowOutput: undefined, fidelityColumn: { column: 'model', low: 'qs', high: 'lbm' }, data: stacked, outDir: join(dir, 'stacked-model') });
    expect([c.lowRows, c.highRows]).toEqual([21, 8]);
    expect(c.rho).toBeCloseTo(cmp.rho, 6);
    expect(c.multiFidelity.rmse).toBeCloseTo(cmp.multiFidelity.rmse, 6);
    expect(c.budgetSeconds).toEqual({ singleFidelity: 60, multiFidelity: 81 });
    await expect(trainMultiFidelity({ ...base, output: 'sat', lowOutput: undefined, fidelityColumn: { column: 'model', low: 'quasi', high: 'lbm' }, data: stacked, outDir: join(dir, 'y') })).rejects.toThrow(/--fidelity.*model=low:quasi/);
  });

  it('refuses fidelity levels that do not share inputs, naming the input', async () => {
    const lines = ['x,visc,model,sat'];
    for (let i = 0; i <= 20; i++) lines.push(`${i / 20},,qs,${low(i / 20)}`);
    for (const i of highAt) lines.push(`${i / 20},3,lbm,${high(i / 20)}`);
    const stacked = join(dir, 'unshared.csv');
    await writeFile(stacked, `${lines.join('\n')}\n`);
    await expect(trainMultiFidelity({ ...base, inputs: ['x', 'visc'], output: 'sat', lowOutput: undefined, fidelityColumn: { column: 'model', low: 'qs', high: 'lbm' }, data: stacked, outDir: join(dir, 'z') })).rejects.toThrow(/--inputs: got "visc".*no low-fidelity row/);
  });

  it('refuses a low-fidelity column the table lacks, naming --low-fidelity', async () => {
    await expect(trainMultiFidelity({ ...base, lowOutput: 'qs', data: csv, outDir: join(dir, 'x') })).rejects.toThrow(/--low-fidelity.*qs/);
  });
});
