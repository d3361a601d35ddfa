import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runStandalone, type BenchRun, type Figure } from './lib.ts';

/**
 * Peak memory of `mesolab properties` per voxel, measured, not estimated: each configuration runs
 * computeProperties in a fresh process (bench/properties-memory-child.ts) on a three-phase
 * overlapping-sphere volume (ε ≈ 0.45, CBD coating a third of the pore voxels at the AM surface)
 * and reports the process's peak resident memory (maxRSS) above its resident memory before the
 * volume existed, divided by the voxel count, for one solve (z, pore) and for all nine (3 axes ×
 * 3 conducting sets). The two must be close: the solves share one workspace
 * (sims/properties/workspace.ts). The target is ≤ 64 B/voxel; the figure is printed
 * beside it, not asserted.
 */
const ROOT = join(import.meta.dirname, '..');

interface ChildReport {
  n: number;
  voxels: number;
  solves: number;
  baselineRss: number;
  peakRss: number;
  seconds: number;
}

function measure(n: number, axes: string, phases: string): ChildReport {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), join(ROOT, 'bench', 'properties-memory-child.ts'), String(n), axes, phases], { encoding: 'utf8', maxBuffer: 2 ** 24 });
  if (r.status !== 0) throw new Error(`properties-memory child failed (${r.status}): ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
}

export const run: BenchRun = async ({ quick }) => {
  const n = quick ? 64 : 128;
  const out: Figure[] = [];
  let one: number | undefined;
  for (const [axes, phases] of [['z', 'pore'], ['x,y,z', 'pore,electrolyte,solid']] as const) {
    const r = measure(n, axes, phases);
    const perVoxel = (r.peakRss - r.baselineRss) / r.voxels;
    one ??= perVoxel;
    out.push({
      name: `properties peak memory ${n}³ three-phase, ${r.solves} solve${r.solves > 1 ? 's' : ''} (mgpcg, cpu)`,
      unit: 'B/voxel',
      median: perVoxel,
      ...(r.solves > 1 ? { ratio: { to: 'one solve, same volume', value: perVoxel / one } } : {}),
      note: `peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MiB over a ${(r.baselineRss / 2 ** 20).toFixed(0)} MiB baseline; ${(r.peakRss / r.voxels).toFixed(0)} B/voxel with the baseline; ${r.seconds.toFixed(1)} s; target ≤ 64 B/voxel`,
    });
  }
  return out;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
