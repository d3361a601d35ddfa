import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStudy } from '../workers/load-study.ts';
import { runSweep } from '../workers/sweep.ts';
import { trainStudySurrogates } from '../src/cli/workflows/train-study.ts';

const study = (replicates: number, noise: number) =>
  loadStudy({
    name: 'noise-study',
    chain: ['test-quadratic'],
    fixed: { 'test-quadratic': { sleepMs: 0, noise } },
    varied: [
      { name: 'x', set: ['test-quadratic.x'], distribution: 'uniform', min: -1, max: 2 },
      { name: 'y', set: ['test-quadratic.y'], distribution: 'uniform', min: -1, max: 1 },
    ],
    design: { type: 'sobol' },
    samples: 12,
    seed: 3,
    replicates,
    outputs: ['f'],
  });

describe('the study report shows the replicate spread beside the CV error', () => {
  it('gives the noise floor and the best R² reachable from replicates, and says when there are none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolab-noise-'));
    try {
      // f = (x−1)² + 2(y+0.5)² + 1.5·N(0,1): the noise is large against f's spread (sd ≈ 2.3) over this box.
      const s = study(3, 1.5);
      expect((await runSweep(s, { dir: join(dir, 'rep'), workers: 1 })).done).toBe(36);
      const lines: string[] = [];
      await trainStudySurrogates(s, join(dir, 'rep'), (l) => lines.push(l));
      const text = lines.join('\n');
      expect(text).toMatch(/irreducible spread from replicates \(12 points × ~3 runs/);
      const row = lines.find((l) => /^f\s/.test(l))!;
      const [, sd, ratio, best, cv] = row.trim().split(/\s+/).map(Number);
      // 24 degrees of freedom: the pooled sd within ±35 % of the 1.5 put in.
      expect(Math.abs(sd! - 1.5) / 1.5).toBeLessThan(0.35);
      expect(best).toBeGreaterThan(0);
      expect(best).toBeLessThan(0.85);
      expect(Number.isFinite(cv)).toBe(true);
      // The CV R² of a model cannot beat the noise floor by more than sampling error.
      expect(cv).toBeLessThan(best! + 0.15);
      expect(ratio).toBeGreaterThan(0.1);
      expect(text).toMatch(/warning: f is dominated by run-to-run noise: replicates differ by sd/);
      // The model's report card carries the same noise floor beside its CV table.
      const card = await readFile(join(dir, 'rep', 'surrogates', 'gpr', 'report.md'), 'utf8');
      expect(card).toContain('| output | CV R² | replicate sd | sd / range over the data | best R² reachable |');
      expect(card).toMatch(/- warning: f's replicates differ by \d+ % of its range over the data; best R² reachable 0\.\d\d\./);

      const one = study(1, 1.5);
      await runSweep(one, { dir: join(dir, 'single'), workers: 1 });
      const single: string[] = [];
      await trainStudySurrogates(one, join(dir, 'single'), (l) => single.push(l));
      expect(single.join('\n')).toMatch(/no replicates: .* set "replicates": 2 or more/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
