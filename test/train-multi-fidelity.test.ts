import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudyStore } from '../src/store/db.ts';
import { canonicalJson } from '../src/study/hash.ts';
import { BIN, ROOT } from './helpers/cli.ts';
import { loadStudy } from '../workers/load-study.ts';

// A study folder as a sweep with a fill-qs (cheap) and a fill-lbm (expensive, stageLimits) stage
// leaves it, with the Forrester pair standing in for the two saturations: lbm = 2·qs + 20(1 − x).
const high = (x: number): number => (6 * x - 2) ** 2 * Math.sin(12 * x - 4);
const low = (x: number): number => 0.5 * high(x) + 10 * (x - 0.5) - 5;
const highAt = new Set([0, 3, 6, 9, 12, 15, 18, 20]);

let dir = '';
const run = (...args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mesolab-mf-study-'));
  const store = await StudyStore.open(join(dir, 'study'), { create: true });
  const definition = { name: 'mf', chain: ['generate', 'fill-qs', 'fill-lbm'], varied: [{ name: 'x', set: ['fill-qs.a', 'fill-lbm.a'], distribution: 'uniform', min: 0, max: 1 }], fidelity: { low: 'fill-qs', high: 'fill-lbm', pairs: { lbm_saturation: 'qs_saturation' } } };
  await store.claimStudy({ name: 'mf', hash: 'mf-test', definition: canonicalJson(definition), version: 'test' });
  const columns = [
    { name: 'x', role: 'input' as const, type: 'number' as const },
    { name: 'qs_saturation', role: 'output' as const, type: 'number' as const },
    { name: 'lbm_saturation', role: 'output' as const, type: 'number' as const },
    { name: 'lbm_t50', role: 'output' as const, type: 'number' as const },
  ];
  for (let i = 0; i <= 20; i++) {
    const x = i / 20;
    const h = highAt.has(i);
    const stages = h ? { generate: 0.5, 'fill-qs': 0.5, 'fill-lbm': 10 } : { generate: 0.5, 'fill-qs': 0.5 };
    await store.writeRun({ values: { run_id: `d${i}`, status: 'ok', design_index: i, replicate: 0, run_seconds: h ? 11 : 1, stage_seconds: JSON.stringify(stages), x, qs_saturation: low(x), lbm_saturation: h ? high(x) : null, lbm_t50: null }, columns });
  }
  store.close();
  writeFileSync(join(dir, 'points.csv'), 'x\n0.5\n0.8\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mesolab train --multi-fidelity on a study declaring its fidelities', () => {
  it("pairs lbm_saturation with qs_saturation from the study, counts budgets from stage_seconds, and predict reads the model", () => {
    const r = run('train', 'study', '--outputs', 'lbm_saturation', '--inputs', 'x', '--multi-fidelity', '--kernel', 'rbf', '--cv', '4', '-o', 'model', '--json');
    expect(r.status, String(r.stderr)).toBe(0);
    const cmp = JSON.parse(String(r.stdout)) as { lowOutput: string; rho: number; lowRows: number; highRows: number; budgetSeconds: { singleFidelity: number; multiFidelity: number }; multiFidelity: { rmse: number }; singleFidelity: { rmse: number } };
    expect(cmp.lowOutput).toBe('qs_saturation');
    expect([cmp.lowRows, cmp.highRows]).toEqual([21, 8]);
    expect(Math.abs(cmp.rho - 2)).toBeLessThan(0.1);
    // Low run: every stage but fill-lbm (1 s); high run: every stage but fill-qs (10.5 s); 6 training high rows per fold.
    expect(cmp.budgetSeconds.singleFidelity).toBeCloseTo(63, 9);
    expect(cmp.budgetSeconds.multiFidelity).toBeCloseTo(84, 9);
    expect(cmp.multiFidelity.rmse).toBeLessThan(0.25 * cmp.singleFidelity.rmse);
    const p = run('predict', 'model', 'points.csv', '--json');
    expect(p.status, String(p.stderr)).toBe(0);
    expect(String(p.stdout)).toContain('lbm_saturation');
  });

  it('refuses, exit 2 naming --low-fidelity, an output the study pairs with nothing', () => {
    const r = run('train', 'study', '--outputs', 'lbm_t50', '--inputs', 'x', '--multi-fidelity', '-o', 'model2');
    expect(r.status).toBe(2);
    expect(String(r.stderr)).toMatch(/--low-fidelity.*counterpart of lbm_t50.*lbm_saturation/);
  });
});

describe('examples/study-multifidelity.json', () => {
  it('validates against the real stages and declares fill-qs as the low and fill-lbm as the high fidelity', () => {
    const s = loadStudy(join(ROOT, 'examples', 'study-multifidelity.json'));
    expect(s.fidelity).toEqual({ low: 'fill-qs', high: 'fill-lbm', pairs: { lbm_saturation: 'qs_saturation', lbm_trapped_fraction: 'qs_trapped_fraction' } });
    expect(s.stageLimits['fill-lbm']).toBe(8);
  });
});
