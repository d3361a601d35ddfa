import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudyStore } from '../src/store/db.ts';
import { canonicalJson } from '../src/study/hash.ts';
import { DEFAULT_STUDY } from '../src/study/default-study.ts';
import { BIN, ROOT } from './helpers/cli.ts';

/** A smooth stand-in for the tortuosity the default study measures, over its four inputs. */
function tau(p: number, cal: number, angle: number, cbd: number): number {
  return 1.2 + 2 * (0.5 - p) + 0.02 * cal + 0.002 * angle + 3 * cbd;
}

/** The README's command lines that start with `npx mesolab <command>`, as argument lists. */
function readmeCommand(command: string): string[] {
  const line = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').find((l) => l.startsWith(`npx mesolab ${command} `));
  if (!line) throw new Error(`README has no "npx mesolab ${command}" line`);
  return line.replace(/#.*$/, '').trim().split(/\s+/).slice(2);
}

let dir: string;

beforeAll(async () => {
  // The folder `npm start` leaves, with 24 runs of the default study whose LHS never reached the
  // ends of the declared ranges (calendering 1.5–23.5 % of the declared 0–25 %).
  dir = mkdtempSync(join(tmpdir(), 'mesolab-readme-'));
  const store = await StudyStore.open(join(dir, 'studies', 'default'), { create: true });
  await store.claimStudy({ name: 'default', hash: 'readme-test', definition: canonicalJson(DEFAULT_STUDY), version: 'test' });
  const columns = [
    // As the sweep records them: each varied input with the unit its study entry declares.
    ...(DEFAULT_STUDY.varied ?? []).map((v) => ({ name: v.name, role: 'input' as const, type: 'number' as const, ...(v.unit ? { unit: v.unit } : {}) })),
    { name: 'tortuosity_pore_z', role: 'output' as const, type: 'number' as const, unit: '1' },
  ];
  for (let i = 0; i < 24; i++) {
    const u = (k: number): number => ((i * [7, 11, 5, 13][k]! + k * 3) % 24 + 0.5) / 24;
    const p = 0.37 + 0.12 * u(0);
    const cal = 1.5 + 22 * u(1);
    const angle = 15 + 90 * u(2);
    const cbd = 0.065 + 0.07 * u(3);
    await store.writeRun({ values: { run_id: `r${i}`, status: 'ok', design_index: i, replicate: 0, run_seconds: 30, porosity_target: p, calendering: cal, contact_angle: angle, cbd_target: cbd, tortuosity_pore_z: tau(p, cal, angle, cbd) }, columns });
  }
  store.close();
  mkdirSync(join(dir, 'examples'));
  copyFileSync(join(ROOT, 'examples', 'points.csv'), join(dir, 'examples', 'points.csv'));
  execFileSync(process.execPath, [BIN, ...readmeCommand('train'), '--no-learning-curve', '--no-explain'], { cwd: dir, stdio: 'pipe', timeout: 100_000 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the README's predict example", () => {
  it('predicts every point of examples/points.csv, rounded with units, none flagged inside the declared ranges (calendering 0 % included)', () => {
    const args = readmeCommand('predict');
    expect(args).toEqual(['predict', 'models/tau/gpr', 'examples/points.csv']);
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/outside/);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^porosity_target +calendering \(%\) +contact_angle \(°\) +cbd_target +tortuosity_pore_z +outside the valid range$/);
    const points = readFileSync(join(dir, 'examples', 'points.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(lines).toHaveLength(2 + points.length);
    points.forEach((pt, i) => {
      const m = /(\d+\.\d+) ± (\d[\d.e-]*)\s*$/.exec(lines[2 + i]!);
      expect(m, lines[2 + i]).not.toBeNull();
      // Rounded to 4 significant digits, and within 0.05 of the function the runs sampled.
      expect(m![1]!.replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(4);
      expect(Math.abs(Number(m![1]) - tau(pt[0]!, pt[1]!, pt[2]!, pt[3]!))).toBeLessThan(0.05);
    });
  });

  it("flags a point outside the study's declared range, rounded and with its unit", () => {
    const pts = join(dir, 'outside.csv');
    writeFileSync(pts, 'porosity_target,calendering,contact_angle,cbd_target\n0.4,30.123456,30,0.1\n0.42,12,40,0.1\n');
    const r = spawnSync(process.execPath, [BIN, 'predict', 'models/tau/gpr', pts, '--json'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { predictions: Record<string, string | number>[] };
    expect(out.predictions.map((p) => p.outside_training_box)).toEqual(["calendering 30.12 % outside the study's range 0–25 %", '']);
    expect(r.stderr).toMatch(/warning: 1 of 2 point\(s\) lie outside the study's declared input ranges/);
  });
});
