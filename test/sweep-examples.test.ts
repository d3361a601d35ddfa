import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadStudy } from '../workers/load-study.ts';
import { DEFAULT_STUDY } from '../src/study/default-study.ts';
import { expandRuns } from '../src/study/runs.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('shipped studies', () => {
  it('the embedded default study validates against the real stages and equals examples/study-default.json', () => {
    const study = loadStudy(DEFAULT_STUDY);
    expect(study.samples).toBe(30);
    expect(expandRuns(study)).toHaveLength(30);
    expect(study.chain[0]).toBe('generate');
    expect(loadStudy(resolve(ROOT, 'examples/study-default.json')).hash).toBe(study.hash);
  });

  it('the example studies validate', () => {
    for (const f of ['examples/study-electrodes.yaml', 'examples/study-quadratic.json', 'examples/study-small.json']) {
      const s = loadStudy(resolve(ROOT, f));
      expect(s.points.length).toBe(s.samples);
    }
  });
});
