import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/mesolab.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

const study = (seed: number) => ({
  name: 'cli-test',
  chain: ['test-quadratic'],
  fixed: { 'test-quadratic': { sleepMs: 1 } },
  varied: [{ name: 'x', set: ['test-quadratic.x'], distribution: 'uniform', min: 0, max: 1 }],
  design: { type: 'grid', levels: 5 },
  seed,
});

describe('mesolab sweep / study / query / export / merge', () => {
  it('runs, queries, exports, merges shards and refuses mistakes with exit code 2', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mesolab-cli-'));
    try {
      const file = join(tmp, 'study.yaml');
      // YAML is accepted as well as JSON.
      writeFileSync(file, `name: cli-test\nchain: [test-quadratic]\nfixed: { test-quadratic: { sleepMs: 1 } }\nvaried:\n  - { name: x, set: [test-quadratic.x], distribution: uniform, min: 0, max: 1 }\ndesign: { type: grid, levels: 5 }\nseed: 1\n`);
      // (Each CLI start costs seconds on a loaded 2-core machine: shards and merge are tested in-process in sweep-shards.)
      const swept = cli('sweep', file, '-w', '1', '-o', join(tmp, 'm'));
      expect(swept.status, swept.stderr).toBe(0);
      expect(swept.stderr).toMatch(/5 run\(s\) finished and 0 failed/);

      const q = cli('query', join(tmp, 'm'), 'SELECT x, f FROM runs ORDER BY x', '--json');
      expect(q.status, q.stderr).toBe(0);
      const rows = JSON.parse(q.stdout) as { x: number; f: number }[];
      expect(rows.map((r) => r.x)).toEqual([0, 0.25, 0.5, 0.75, 1]);
      for (const r of rows) expect(r.f).toBeCloseTo((r.x - 1) ** 2 + 0.5, 12);

      const csv = join(tmp, 'runs.csv');
      expect(cli('export', join(tmp, 'm'), '--format', 'csv', '-o', csv).stdout).toMatch(/5 run\(s\) written/);
      expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^run_id,status,design_index,replicate,replicated,seed/);

      const other = join(tmp, 'other.json');
      writeFileSync(other, JSON.stringify(study(2)));
      expect(cli('study', other, '--no-train', '-o', join(tmp, 'o')).status).toBe(0);
      expect(existsSync(join(tmp, 'o', 'study.duckdb'))).toBe(true);
      const refused = cli('merge', join(tmp, 'm'), join(tmp, 'o'), '-o', join(tmp, 'bad'));
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/error: dirs: got ".*o", expected a shard of study "cli-test" \(hash [0-9a-f]{16}\)/);

      writeFileSync(other, JSON.stringify({ ...study(2), varied: [{ name: 'x', set: ['test-quadratic.z'], distribution: 'uniform', min: 0, max: 1 }] }));
      const bad = cli('sweep', other, '-o', join(tmp, 'never'));
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/varied\[0\]\.set\[0\]: got "test-quadratic\.z", expected a parameter of stage "test-quadratic"/);
      expect(existsSync(join(tmp, 'never'))).toBe(false);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
