import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadStudy } from '../workers/load-study.ts';
import { DEFAULT_STRUCTURE_STUDY, DEFAULT_STUDY } from '../src/study/default-study.ts';
import { expandRuns } from '../src/study/runs.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('shipped studies', () => {
  it('the embedded default study validates against the real stages and equals examples/study-default.json', () => {
    const study = loadStudy(DEFAULT_STUDY);
    expect(study.samples).toBe(40);
    // Two replicates of each point (different packings), so the report can measure the noise.
    expect(expandRuns(study)).toHaveLength(80);
    expect(study.chain[0]).toBe('generate');
    const file = loadStudy(resolve(ROOT, 'examples/study-default.json'));
    expect(file.hash).toBe(study.hash);
    // The fidelity declaration is not part of the hash, so compare it apart.
    expect(file.fidelity).toEqual(study.fidelity);
  });

  it("examples/study-default-structure.json is the default study without its LBM stage (what mesolab learn is pointed at)", () => {
    const twin = loadStudy(DEFAULT_STRUCTURE_STUDY);
    expect(loadStudy(resolve(ROOT, 'examples/study-default-structure.json')).hash).toBe(twin.hash);
    const full = loadStudy(DEFAULT_STUDY);
    expect(twin.chain).toEqual(full.chain.filter((s) => s !== 'fill-lbm'));
    expect(twin.fixed).toEqual(Object.fromEntries(Object.entries(full.fixed).filter(([k]) => k !== 'fill-lbm')));
    expect(twin.varied.map((v) => v.name)).toEqual(full.varied.map((v) => v.name));
    expect(twin.points).toEqual(full.points);
    expect(twin.fidelity).toBeUndefined();
  });

  it('the example studies validate', () => {
    for (const f of ['examples/study-electrodes.yaml', 'examples/study-quadratic.json', 'examples/study-small.json']) {
      const s = loadStudy(resolve(ROOT, f));
      expect(s.points.length).toBe(s.samples);
    }
  });
});
