import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStudy } from '../workers/load-study.ts';
import { runSweep } from '../workers/sweep.ts';
import { runPoints } from '../workers/run-points.ts';
import { mergeStudies } from '../src/store/merge.ts';
import { queryStudy, exportStudy } from '../src/store/export.ts';
import { readStudyTable } from '../src/store/table.ts';
import { readRunField } from '../src/store/fields.ts';
import { ConfigError } from '../src/errors.ts';

const base = {
  name: 'shard-test',
  chain: ['test-quadratic'],
  fixed: { 'test-quadratic': { sleepMs: 2, noise: 0.05, failAbove: 1.7 } },
  varied: [
    { name: 'x', set: ['test-quadratic.x'], distribution: 'uniform', min: -1, max: 2, unit: '1' },
    { name: 'y', set: ['test-quadratic.y'], distribution: 'normal', mean: 0, sd: 0.5, unit: '1' },
  ],
  design: { type: 'sobol' },
  samples: 16,
  seed: 11,
  replicates: 2,
  fields: ['quadratic_field'],
};

const ALL = 'SELECT * EXCLUDE (finished_at, run_seconds, stage_seconds) FROM runs ORDER BY run_id';

describe('shards, merge, failures and extra points', () => {
  it('the union of shards 0..2 of 3 equals the unsharded study; merge refuses another study', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mesolab-shards-'));
    try {
      const study = loadStudy(base);
      const whole = await runSweep(study, { dir: join(tmp, 'whole'), workers: 2 });
      expect(whole.planned).toBe(32);
      for (let i = 0; i < 3; i++) {
        const s = await runSweep(study, { dir: join(tmp, `shard${i}`), workers: 1, shard: { index: i, count: 3 } });
        // design index i mod 3, two replicates each
        expect(s.planned).toBe(2 * Array.from({ length: 16 }, (_, k) => k).filter((k) => k % 3 === i).length);
      }
      const merged = await mergeStudies([0, 1, 2, 0].map((i) => join(tmp, `shard${i}`)), join(tmp, 'merged'));
      expect(merged.total).toBe(32);
      expect(merged.added).toBe(32);
      // shard 0 was given twice: its second copy is all duplicates.
      expect(merged.duplicates).toBe((await queryStudy(join(tmp, 'shard0'), 'SELECT count(*) AS n FROM runs')).rows[0]!.n);
      const a = await queryStudy(join(tmp, 'whole'), ALL);
      const b = await queryStudy(join(tmp, 'merged'), ALL);
      expect(b.rows).toEqual(a.rows);
      expect(existsSync(join(tmp, 'merged', 'fields', String(a.rows.find((r) => r.status === 'ok')!.run_id), 'quadratic_field.raw'))).toBe(true);

      const other = loadStudy({ ...base, seed: 12 });
      await runSweep(other, { dir: join(tmp, 'other'), workers: 1, shard: { index: 0, count: 8 } });
      await expect(mergeStudies([join(tmp, 'shard0'), join(tmp, 'other')], join(tmp, 'bad'))).rejects.toThrow(/hash/);
      await expect(runSweep(other, { dir: join(tmp, 'whole'), workers: 1 })).rejects.toThrow(ConfigError);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('records failing samples with their message and goes on; --retry-failed reruns them; time limits fail one run', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mesolab-fail-'));
    try {
      const study = loadStudy({ ...base, replicates: 1, samples: 12, fixed: { 'test-quadratic': { sleepMs: 2, failAbove: 1.7, hangAbove: 1.2 } }, timeLimitSeconds: 0.6 });
      const expectedFailed = study.points.filter((p) => (p.x as number) > 1.7).length;
      const expectedHung = study.points.filter((p) => (p.x as number) > 1.2 && (p.x as number) <= 1.7).length;
      expect(expectedFailed).toBeGreaterThan(0);
      expect(expectedHung).toBeGreaterThan(0);
      const dir = join(tmp, 's');
      const s = await runSweep(study, { dir, workers: 2 });
      expect(s.done + s.failed).toBe(12);
      expect(s.failed).toBe(expectedFailed + expectedHung);
      const failed = await queryStudy(dir, "SELECT x, error, error_type, f FROM runs WHERE status = 'failed' ORDER BY x");
      for (const r of failed.rows) {
        expect(r.f).toBeNull();
        if ((r.x as number) > 1.7) {
          expect(r.error).toMatch(/test-quadratic\.x: got .*, expected a value <= failAbove \(1\.7\)/);
          expect(r.error_type).toBe('ImpossibleRequestError');
        } else {
          expect(r.error).toMatch(/time limit of 0\.6 s/);
          expect(r.error_type).toBe('TimeLimitError');
        }
      }
      // Analytic values of finished runs: f = (x-1)^2 + 2(y+0.5)^2 exactly (no noise here).
      const ok = await queryStudy(dir, "SELECT x, y, f, g FROM runs WHERE status = 'ok'");
      for (const r of ok.rows) {
        const x = r.x as number;
        const y = r.y as number;
        expect(r.f).toBeCloseTo((x - 1) ** 2 + 2 * (y + 0.5) ** 2, 12);
        expect(r.g).toBeCloseTo(x * y, 12);
      }
      const again = await runSweep(study, { dir, workers: 2 });
      expect(again.skipped).toBe(12);
      expect(again.done + again.failed).toBe(0);
      const retried = await runSweep(study, { dir, workers: 2, retryFailed: true, timeLimitSeconds: 0.2 });
      expect(retried.done + retried.failed).toBe(expectedFailed + expectedHung);
      const count = await queryStudy(dir, 'SELECT count(*) AS n, count(DISTINCT run_id) AS u FROM runs');
      expect(count.rows[0]).toEqual({ n: 12, u: 12 });

      // An optional stage that fails leaves the run ok, its outputs null and its message in stage_errors.
      const lenient = loadStudy({ ...base, replicates: 1, samples: 12, fixed: { 'test-quadratic': { sleepMs: 1, failAbove: 1.7 } }, optionalStages: ['test-quadratic'] });
      const l = await runSweep(lenient, { dir: join(tmp, 'lenient'), workers: 1 });
      expect([l.done, l.failed]).toEqual([12, 0]);
      const lenientRows = await queryStudy(join(tmp, 'lenient'), 'SELECT x, f, stage_errors FROM runs WHERE stage_errors IS NOT NULL');
      expect(lenientRows.rows).toHaveLength(expectedFailed);
      for (const r of lenientRows.rows) {
        expect(r.f).toBeNull();
        expect(JSON.parse(String(r.stage_errors))['test-quadratic']).toMatch(/^ImpossibleRequestError: test-quadratic\.x: got .*failAbove/);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('runPoints stores extra points with deterministic ids beside the design; readStudyTable and export read them', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mesolab-points-'));
    try {
      const study = loadStudy({ ...base, replicates: 1, samples: 4 });
      const dir = join(tmp, 's');
      await runSweep(study, { dir, workers: 1 });
      const points = [{ x: 0.5, y: 0.1 }, { x: 1.9, y: 0 }];
      const recs = await runPoints(study, points, { dir, workers: 1, tag: 'al1' });
      expect(recs).toHaveLength(2);
      const ok = recs.find((r) => r.status === 'ok')!;
      expect(ok.runId).toMatch(/^al1-[0-9a-f]{12}-r0$/);
      expect(ok.designIndex).toBe(-1);
      expect(recs.find((r) => r.status === 'failed')!.error).toMatch(/failAbove/);
      // Asked again: nothing reruns, the stored records come back (outputs equal, same ids).
      const again = await runPoints(study, points, { dir, workers: 1, tag: 'al1' });
      expect(again.map((r) => [r.runId, r.status, r.outputs.f ?? null, r.point.x])).toEqual(recs.map((r) => [r.runId, r.status, r.outputs.f ?? null, r.point.x]));
      expect((await queryStudy(dir, "SELECT count(*) AS n FROM runs WHERE tag = 'al1'")).rows[0]!.n).toBe(2);
      await expect(runPoints(study, [{ x: 0.5 }], { dir, tag: 'al1' })).rejects.toThrow(/points\[0\]\.y/);

      const table = await readStudyTable(dir);
      expect(table.study.hash).toBe(study.hash);
      expect(table.rows.every((r) => r.status === 'ok')).toBe(true);
      expect(table.rows.some((r) => r.tag === 'al1' && r.x === 0.5)).toBe(true);
      expect(table.columns.find((c) => c.name === 'x')).toEqual({ name: 'x', role: 'input', unit: '1', type: 'number' });
      expect(table.columns.find((c) => c.name === 'f')).toMatchObject({ role: 'output', type: 'number' });
      for (const m of ['replicate', 'design_index', 'run_seconds']) expect(table.columns.find((c) => c.name === m)?.role).toBe('meta');

      // The field came back from the worker as a transferred buffer and was written whole.
      const row = (await queryStudy(dir, `SELECT f, field_files FROM runs WHERE run_id = '${ok.runId}'`)).rows[0]!;
      const field = readRunField(dir, (JSON.parse(String(row.field_files)) as Record<string, string>).quadratic_field!);
      expect(field.shape).toEqual([4, 4, 4]);
      for (let i = 0; i < 64; i++) expect(field.data[i]).toBe(Math.fround((row.f as number) * (i + 1)));

      const csv = await exportStudy(dir, 'csv', join(tmp, 'runs.csv'));
      expect(csv.rows).toBe(6);
      const pq = await exportStudy(dir, 'parquet', join(tmp, 'runs.parquet'), { okOnly: true });
      expect(pq.rows).toBe(table.rows.length);
      const back = await queryStudy(dir, `SELECT count(*) AS n FROM read_parquet('${join(tmp, 'runs.parquet')}')`);
      expect(back.rows[0]!.n).toBe(table.rows.length);
      const meta = await queryStudy(dir, `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${join(tmp, 'runs.parquet')}')`);
      const kv = Object.fromEntries(meta.rows.map((r) => [r.k, r.v]));
      expect(JSON.parse(String(kv.mesolab_study))).toMatchObject({ name: 'shard-test', hash: study.hash });
      expect((JSON.parse(String(kv.mesolab_columns)) as { name: string; unit?: string }[]).find((c) => c.name === 'x')?.unit).toBe('1');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
