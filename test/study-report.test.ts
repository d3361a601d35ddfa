import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudyStore } from '../src/store/db.ts';
import { canonicalJson } from '../src/study/hash.ts';
import { DEFAULT_STUDY } from '../src/study/default-study.ts';
import { loadStudy } from '../workers/load-study.ts';
import { trainStudySurrogates } from '../src/cli/workflows/train-study.ts';
import { nextSteps } from '../src/cli/workflows/next-steps.ts';
import type { ReplicateNoise } from '../src/study/noise.ts';

// A study folder as `npm start` leaves it, with smooth stand-ins for the simulations: 16 points ×
// 2 replicates; the quasi-static saturation everywhere, the LBM one (a scaled, shifted copy plus a
// small discrepancy) on the first three points only, as the default study's stageLimits leave it.
const qs = (p: number, angle: number): number => Math.min(0.99, 0.55 + 0.8 * (p - 0.36) + 0.004 * (90 - angle));
const lbmSat = (p: number, angle: number): number => 0.8 * qs(p, angle) + 0.05 + 0.1 * (p - 0.43);

let dir: string;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mesolab-report-'));
  const store = await StudyStore.open(dir, { create: true });
  await store.claimStudy({ name: 'default', hash: 'report-test', definition: canonicalJson(DEFAULT_STUDY), version: 'test' });
  const num = (name: string, role: 'input' | 'output'): { name: string; role: 'input' | 'output'; type: 'number' } => ({ name, role, type: 'number' });
  const columns = [
    ...['porosity_target', 'calendering', 'contact_angle', 'cbd_target'].map((n) => num(n, 'input')),
    ...['tortuosity_pore_z', 'qs_saturation', 'qs_trapped_fraction', 'lbm_saturation', 'lbm_trapped_fraction'].map((n) => num(n, 'output')),
  ];
  for (let i = 0; i < 16; i++) {
    const u = (k: number): number => ((i * [7, 11, 5, 13][k]! + k * 3) % 16 + 0.5) / 16;
    const p = 0.36 + 0.14 * u(0);
    const cal = 25 * u(1);
    const angle = 10 + 100 * u(2);
    const cbd = 0.06 + 0.08 * u(3);
    for (let r = 0; r < 2; r++) {
      const jitter = (r === 0 ? 1 : -1) * 0.004;
      const lbm = i < 3;
      await store.writeRun({
        values: {
          run_id: `d${i}-r${r}`, status: 'ok', design_index: i, replicate: r, run_seconds: lbm ? 60 : 2,
          stage_seconds: JSON.stringify(lbm ? { generate: 0.5, properties: 1, 'fill-qs': 0.5, 'fill-lbm': 58 } : { generate: 0.5, properties: 1, 'fill-qs': 0.5 }),
          porosity_target: p, calendering: cal, contact_angle: angle, cbd_target: cbd,
          tortuosity_pore_z: 1.2 + 2 * (0.5 - p) + 0.02 * cal + 3 * cbd + jitter,
          qs_saturation: qs(p, angle) + jitter, qs_trapped_fraction: 0.2 - 0.2 * p + jitter,
          lbm_saturation: lbm ? lbmSat(p, angle) + jitter : null, lbm_trapped_fraction: lbm ? 0.15 - 0.1 * p + jitter : null,
        },
        columns,
      });
    }
  }
  store.close();
  await trainStudySurrogates(loadStudy(DEFAULT_STUDY), dir, (l) => lines.push(l));
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the study report after npm start', () => {
  it('trains the multi-fidelity surrogate of each declared LBM output on its 6 LBM runs and all 32 quasi-static runs, beside the GPR of the transport properties', () => {
    expect(lines.join('\n')).toMatch(/training gpr, linear surrogates of tortuosity_pore_z, qs_saturation/);
    for (const out of ['lbm_saturation', 'lbm_trapped_fraction']) {
      const cmp = JSON.parse(readFileSync(join(dir, 'surrogates', `mfgpr-${out}`, 'comparison.json'), 'utf8')) as { folds: number; highRows: number; lowRows: number; multiFidelity: { rmse: number }; singleFidelity: { rmse: number }; budgetSeconds: { singleFidelity: number | null } };
      expect(cmp.highRows).toBe(6);
      expect(cmp.lowRows).toBe(32);
      expect(Number.isFinite(cmp.multiFidelity.rmse)).toBe(true);
      // 3 folds, one LBM point (both replicates) held out in each, so the LBM-only GP trains on 4 runs;
      // a run's cost from stage_seconds is every stage but fill-qs: 0.5 + 1 + 58 s.
      expect(cmp.folds).toBe(3);
      expect(cmp.budgetSeconds.singleFidelity).toBeCloseTo(4 * 59.5, 6);
    }
    expect(existsSync(join(dir, 'surrogates', 'gpr', 'surrogate.json'))).toBe(true);
    expect(lines.some((l) => /^multi-fidelity lbm_saturation from qs_saturation \(fill-qs every point, fill-lbm on 6 runs at 3 points, 3-fold\)/.test(l))).toBe(true);
    expect(lines.some((l) => /^\| multi-fidelity \| /.test(l))).toBe(true);
  });

  it('measures the replicate noise of the LBM output too, and ends with what to look at next', () => {
    expect(lines.some((l) => /^lbm_saturation +\d/.test(l))).toBe(true);
    const at = lines.indexOf('what to look at next:');
    expect(at).toBeGreaterThan(0);
    const next = lines.slice(at).join('\n');
    expect(next).toContain(`mesolab view ${dir}`);
    // The learner's new points would each run an LBM with the default study itself; its LBM-free twin is named instead.
    expect(next).not.toContain('learn examples/study-default.json');
    expect(next).toMatch(/mesolab (learn examples\/study-default-structure\.json --outputs|explain)/);
    expect(next).toContain(`${join(dir, 'surrogates', 'mfgpr-lbm_saturation')}/comparison.md`);
  });
});

describe('nextSteps', () => {
  const noise = (output: string, bestR2: number, spreadOverRange: number): ReplicateNoise => ({ output, points: 16, runs: 32, sd: 0.1, totalSd: 0.3, range: 1, bestR2, spreadOverRange });
  const base = { dir: 'studies/default', studyFile: 'examples/study-default.json', multiFidelity: [] };

  it('sends the output with the largest CV error to mesolab learn when the replicates say a model could do better', () => {
    const s = nextSteps({ ...base, cvR2: { tortuosity_pore_z: 0.6, qs_saturation: 0.9 }, noise: [noise('tortuosity_pore_z', 0.95, 0.05)] }).join('\n');
    expect(s).toMatch(/mesolab learn examples\/study-default\.json --outputs tortuosity_pore_z --budget 40 .*R² 0\.60, replicates allow 0\.95/);
    expect(s).toContain('mesolab view studies/default');
  });

  it('says what each learned point costs when the study limits expensive stages to a few design points', () => {
    const s = nextSteps({ ...base, studyFile: 'wet.json', learnNote: 'each new point runs every stage, fill-lbm included', cvR2: { qs_saturation: 0.5 }, noise: [] }).join('\n');
    expect(s).toMatch(/mesolab learn wet\.json --outputs qs_saturation --budget 40 .*\(each new point runs every stage, fill-lbm included\)/);
  });

  it('says larger volumes, not more points, when replicate noise already caps the worst output', () => {
    const s = nextSteps({ ...base, cvR2: { tortuosity_pore_z: 0.6 }, noise: [noise('tortuosity_pore_z', 0.62, 0.3), noise('qs_saturation', 0.99, 0.02)] }).join('\n');
    expect(s).not.toContain('mesolab learn');
    expect(s).toMatch(/tortuosity_pore_z has the largest CV error \(R² 0\.60\), but replicate noise already caps it at 0\.62/);
    expect(s).toMatch(/noisiest output: tortuosity_pore_z \(replicate sd 30 %/);
  });

  it('states whether the multi-fidelity model beat the LBM-only GP', () => {
    const mf = (rmse: number) => nextSteps({ ...base, cvR2: {}, noise: [], multiFidelity: [{ output: 'lbm_saturation', folder: 'studies/default/surrogates/mfgpr-lbm_saturation', rmse, singleRmse: 0.05, highRows: 6 }] }).join('\n');
    expect(mf(0.02)).toMatch(/held-out RMSE 0\.0200, below the LBM-only GP's 0\.0500 on 6 LBM runs; raise stageLimits\.fill-lbm for more/);
    expect(mf(0.08)).toMatch(/not below the LBM-only GP's/);
  });

  it('sends a noisy LBM output to larger electrodes rather than more LBM points', () => {
    const s = nextSteps({ ...base, cvR2: {}, noise: [noise('lbm_saturation', 0.5, 0.4)], multiFidelity: [{ output: 'lbm_saturation', folder: 'f', rmse: 0.3, singleRmse: 0.27, highRows: 6 }] }).join('\n');
    expect(s).toMatch(/replicates scatter by 40 % of its range, so larger electrodes \(generate\.shape\) before more LBM points/);
    expect(s).not.toContain('raise stageLimits');
  });
});
