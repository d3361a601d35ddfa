import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseOutputTransforms, forward, inverse, inverseWithStd } from './output-transforms.ts';
import { loadModel } from './store.ts';
import { trainSurrogates } from './train-surrogates.ts';

describe('output transforms', () => {
  it('chooses logit for saturations and fractions, log for times and τ, identity otherwise or when the data break the bound', () => {
    const t = chooseOutputTransforms(
      ['qs_saturation', 'lbm_t90', 'tortuosity_pore_z', 'mean_overlap', 'trapped_fraction', 'breakthrough_pc'],
      { qs_saturation: '1', lbm_t90: 's', tortuosity_pore_z: '1', trapped_fraction: '1', breakthrough_pc: 'Pa' },
      [
        [0.6, 0.01, 1.8, 0.1, 1.2, -30],
        [1, 0.02, 2.4, 0.2, 0.1, 50],
      ],
    );
    expect(t.qs_saturation!.kind).toBe('logit');
    expect(t.lbm_t90!.kind).toBe('log');
    expect(t.tortuosity_pore_z!.kind).toBe('log');
    expect(t.mean_overlap!.kind).toBe('identity');
    // 1.2 is no fraction: its data are not clamped, the column is learned as given.
    expect(t.trapped_fraction!.kind).toBe('identity');
    expect(t.breakthrough_pc!.kind).toBe('identity');
  });

  it('round-trips values and maps a 95 % interval so mean ± 1.96 std spans it, inside the bounds', () => {
    const logit = { kind: 'logit' as const, eps: 1e-3, reason: '' };
    for (const y of [0.001, 0.3, 0.999]) expect(inverse(logit, forward(logit, y))).toBeCloseTo(y, 12);
    expect(inverse(logit, forward(logit, 1))).toBeCloseTo(0.999, 12);
    const log = { kind: 'log' as const, reason: '' };
    const { mean, std } = inverseWithStd(log, Math.log(2), 0.5);
    expect(mean).toBeCloseTo(2, 12);
    const z = 1.959964;
    expect(2 * z * std).toBeCloseTo(2 * Math.exp(z * 0.5) - 2 * Math.exp(-z * 0.5), 10);
    const s = inverseWithStd(logit, 6, 3);
    expect(s.mean).toBeLessThan(1);
    expect(s.mean).toBeGreaterThan(0.99);
  });
});

describe('a trained surrogate keeps its predictions inside physical bounds', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-transforms-'));
    // A saturation that rises steeply then saturates, and a filling time that falls steeply: a
    // straight line through either leaves [0, 1] or goes negative at the ends of the box.
    const lines = ['x,saturation,t90'];
    for (let i = 0; i < 30; i++) {
      const x = i / 29;
      lines.push(`${x},${(1 - Math.exp(-6 * x)) * 0.98 + 0.01},${0.02 + 10 * Math.exp(-8 * x)}`);
    }
    await writeFile(path.join(dir, 'data.csv'), `${lines.join('\n')}\n`);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('linear model: saturation predictions in [0, 1], t90 positive, after save and load; the card documents the transforms', async () => {
    const out = path.join(dir, 'model');
    await trainSurrogates({ data: path.join(dir, 'data.csv'), inputs: ['x'], outputs: ['saturation', 't90'], models: ['linear'], cv: 3, seed: 1, outDir: out, learningCurve: false, explain: false });
    const { model, card } = await loadModel(out);
    expect(card.outputTransforms?.saturation?.kind).toBe('logit');
    expect(card.outputTransforms?.t90?.kind).toBe('log');
    const grid = Array.from({ length: 41 }, (_, i) => [i / 40]);
    const p = model.predict(grid);
    for (const row of p.mean) {
      expect(row[0]).toBeGreaterThanOrEqual(0);
      expect(row[0]).toBeLessThanOrEqual(1);
      expect(row[1]).toBeGreaterThan(0);
    }
    for (const row of p.std) for (const s of row) expect(s).toBeGreaterThanOrEqual(0);
    // Cross-validated parity rows are in physical units as well.
    const parity = JSON.parse(await readFile(path.join(out, 'parity.json'), 'utf8')) as { output: string; predicted: number }[];
    for (const r of parity) if (r.output === 'saturation') expect(r.predicted).toBeLessThanOrEqual(1);
    const report = await readFile(path.join(out, 'report.md'), 'utf8');
    expect(report).toContain('## Output transforms');
    expect(report).toMatch(/\| saturation \| logit\(saturation\), clipped to \[0\.001, 0\.999\] \|/);
    expect(report).toMatch(/\| t90 \| log\(t90\) \|/);
  });
});
