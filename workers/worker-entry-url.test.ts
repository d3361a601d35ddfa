import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerPool } from './pool.ts';
import { loadStudy } from './load-study.ts';
import { stagesFor } from './sweep.ts';
import { expandRuns } from '../src/study/runs.ts';
import type { ChainJob, ChainResult } from './chain.ts';
import { bundleState, buildWorkerBundle, WORKER_BUNDLE } from '../scripts/build-worker.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Every stage a sweep runs, the LBM on two threads: engine 'wasm' asked for by name fails the run
 * (no fallback) unless the bundle found the kernel and started the engine's own workers.
 */
function jobs(): ChainJob[] {
  const study = loadStudy({
    name: 'bundle-parity',
    chain: ['generate', 'properties', 'fill-qs', 'fill-lbm'],
    fixed: {
      generate: { shape: [16, 16, 20], voxelSizeUm: 0.5, d50Um: 3, cbdMorphology: 'bridge' },
      properties: { axes: ['z'], phases: ['pore', 'electrolyte'], tol: 1e-3, sizes: true },
      'fill-qs': { mode: 'imbibition' },
      'fill-lbm': { steps: 200, lateral: 'periodic', engine: 'wasm' },
    },
    varied: [{ name: 'porosity_target', set: ['generate.porosity'], distribution: 'uniform', min: 0.4, max: 0.5 }],
    design: { type: 'random' },
    samples: 2,
    seed: 11,
  });
  return expandRuns(study).map((task) => ({ chain: stagesFor(study, task), fixed: study.fixed, varied: study.varied, point: task.point, seed: task.seed, keepFields: [], threads: 2 }));
}

const physics = (r: ChainResult): Record<string, unknown> => Object.fromEntries(Object.entries(r.outputs).filter(([k]) => !/mlups|seconds/.test(k)));

async function runAll(pool: WorkerPool, list: ChainJob[]): Promise<ChainResult[]> {
  try {
    return await Promise.all(list.map((job) => pool.run(job)));
  } finally {
    await pool.close();
  }
}

describe('the pool worker bundle (scripts/build-worker.mjs)', () => {
  it('gives the same outputs as the TypeScript worker on every stage of a sweep', async () => {
    const list = jobs();
    const bundled = new WorkerPool({ size: 1, backend: 'cpu' });
    const tsx = new WorkerPool({ size: 1, backend: 'cpu', load: 'tsx' });
    expect([bundled.load, tsx.load]).toEqual(['bundle', 'tsx']);
    const [a, b] = [await runAll(bundled, list), await runAll(tsx, list)];
    for (const [i, r] of a.entries()) {
      expect(r.failure, JSON.stringify(r.failure)).toBeUndefined();
      expect(r.stageErrors).toBeUndefined();
      // Every output is equal to the last bit, but for the speed measured.
      expect(physics(r)).toEqual(physics(b[i]!));
    }
    expect(Object.keys(a[0]!.outputs).length).toBeGreaterThan(20);
  }, 120_000);

  it('keeps each module its own import.meta.url, so sibling files resolve from the sources', () => {
    const text = readFileSync(WORKER_BUNDLE, 'utf8');
    expect(text).not.toContain('import.meta.url');
    expect(text).toContain(JSON.stringify(new URL('../sims/filling/lbm/wasm-engine.ts', import.meta.url).href));
  });

  it('is stale once a source it was built from changes, and fresh again after a rebuild', async () => {
    const file = 'workers/node-endpoint.ts';
    const path = join(ROOT, file);
    const before = statSync(path);
    if (!bundleState().fresh) await buildWorkerBundle();
    expect(bundleState()).toEqual({ fresh: true });
    try {
      utimesSync(path, before.atime, new Date(before.mtimeMs + 5_000));
      expect(bundleState()).toEqual({ fresh: false, why: `${file} changed` });
      await buildWorkerBundle();
      expect(bundleState()).toEqual({ fresh: true });
    } finally {
      // Back to the file's time and a bundle that matches it. Not asserted: another test process
      // whose pool started inside this window may be rebuilding at the same moment (harmless).
      utimesSync(path, before.atime, before.mtime);
      await buildWorkerBundle();
    }
  }, 60_000);
});
