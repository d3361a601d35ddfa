import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadStudy } from '../workers/load-study.ts';
import { DEFAULT_STUDY } from '../src/study/default-study.ts';
import { expandRuns } from '../src/study/runs.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('shipped studies', () => {
  it('the embedded default study validates against the real stages and equals examples/study-default.json', () => {
    const study = loadStudy(DEFAULT_STUDY);
    expect(study.samples).toBe(16);
    // Two replicates of each point (different packings), so the report can measure the noise.
    expect(expandRuns(study)).toHaveLength(32);
    expect(study.chain[0]).toBe('generate');
    const file = loadStudy(resolve(ROOT, 'examples/study-default.json'));
    expect(file.hash).toBe(study.hash);
    // The fidelity declaration is not part of the hash, so compare it apart.
    expect(file.fidelity).toEqual(study.fidelity);
  });

  it('the example studies validate', () => {
    for (const f of ['examples/study-electrodes.yaml', 'examples/study-quadratic.json', 'examples/study-small.json']) {
      const s = loadStudy(resolve(ROOT, f));
      expect(s.points.length).toBe(s.samples);
    }
  });
});
