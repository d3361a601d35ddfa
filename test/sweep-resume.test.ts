import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { queryStudy } from '../src/store/export.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin/mesolab.js');
const SAMPLES = 30;

// A tiny study of the analytic stage: each run sleeps 150 ms, so a 2-worker sweep takes ~2 s
// of runs and can be killed in the middle.
const study = {
  name: 'resume-test',
  chain: ['test-quadratic'],
  fixed: { 'test-quadratic': { sleepMs: 150, noise: 0.1 } },
  varied: [
    { name: 'x', set: ['test-quadratic.x'], distribution: 'uniform', min: -1, max: 2 },
    { name: 'y', set: ['test-quadratic.y'], distribution: 'uniform', min: -1, max: 1 },
  ],
  design: { type: 'lhs' },
  samples: SAMPLES,
  seed: 3,
  fields: ['quadratic_field'],
};

function sweepArgs(studyFile: string, dir: string): string[] {
  return [CLI, 'sweep', studyFile, '-o', dir, '--workers', '2'];
}

const COMPARE = 'SELECT run_id, status, design_index, replicate, seed, x, y, f, g, f_below_1, field_files FROM runs ORDER BY run_id';

/** Starts a sweep and stops it with `signal` once `atLeast` runs have their field folder. */
async function startAndStop(studyFile: string, dir: string, atLeast: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, sweepArgs(studyFile, dir), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, sig) => r({ code, signal: sig })));
  const fieldsDir = join(dir, 'fields');
  const t0 = Date.now();
  while (Date.now() - t0 < 60_000) {
    const n = existsSync(fieldsDir) ? readdirSync(fieldsDir).filter((d) => d.startsWith('d')).length : 0;
    if (n >= atLeast) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill(signal);
  return { ...(await exited), stderr };
}

async function runCount(dir: string): Promise<number> {
  return (await queryStudy(dir, 'SELECT count(*) AS n FROM runs')).rows[0]!.n as number;
}

describe('a sweep stopped by Ctrl-C, then killed with SIGKILL, resumes', () => {
  it('ends with exactly N runs, no duplicates, equal to an uninterrupted sweep', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mesolab-resume-'));
    try {
      const studyFile = join(tmp, 'study.json');
      writeFileSync(studyFile, JSON.stringify(study));
      const dir = join(tmp, 'interrupted');

      // Ctrl-C: exit code 130, running samples abandoned, finished ones kept.
      const interrupted = await startAndStop(studyFile, dir, 4, 'SIGINT');
      expect(interrupted.code).toBe(130);
      expect(interrupted.stderr).toMatch(/stopping: running samples are abandoned/);
      const afterInterrupt = await runCount(dir);
      expect(afterInterrupt).toBeGreaterThanOrEqual(4);
      expect(afterInterrupt).toBeLessThan(SAMPLES);

      // kill -9 in the middle of the resumed sweep.
      const killed = await startAndStop(studyFile, dir, afterInterrupt + 4, 'SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      const afterKill = await runCount(dir);
      expect(afterKill).toBeGreaterThanOrEqual(afterInterrupt + 3);
      expect(afterKill).toBeLessThan(SAMPLES);

      const resumed = spawnSync(process.execPath, sweepArgs(studyFile, dir), { cwd: ROOT, encoding: 'utf8' });
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(new RegExp(`${SAMPLES - afterKill} run\\(s\\) finished and 0 failed .* ${afterKill} already in the dataset`));

      const fresh = join(tmp, 'fresh');
      const full = spawnSync(process.execPath, sweepArgs(studyFile, fresh), { cwd: ROOT, encoding: 'utf8' });
      expect(full.status, full.stderr).toBe(0);

      const a = await queryStudy(dir, COMPARE);
      const b = await queryStudy(fresh, COMPARE);
      expect(a.rows).toHaveLength(SAMPLES);
      expect(new Set(a.rows.map((r) => r.run_id)).size).toBe(SAMPLES);
      expect(a.rows.every((r) => r.status === 'ok')).toBe(true);
      expect(a.rows).toEqual(b.rows);
      // No temporary field folder survives, and every run's folder is there.
      expect(readdirSync(join(dir, 'fields')).sort()).toEqual(a.rows.map((r) => String(r.run_id)).sort());
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
