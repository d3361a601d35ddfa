/**
 * One `computeProperties` run in a fresh process, for bench/properties-memory.ts: prints JSON with
 * the process's resident memory before the volume exists and its peak (maxRSS) after the run.
 * Usage: run-ts bench/properties-memory-child.ts <n> <axes> <phases>, e.g. 128 x,y,z pore,electrolyte,solid
 */
import { computeProperties, PropertiesParamsSchema } from '../sims/properties/properties.ts';
import { threePhaseSpheres } from '../src/voxel/test-geometries.ts';
import { createCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';

const [nArg, axesArg, phasesArg] = process.argv.slice(2);
const n = Number(nArg ?? 64);
const params = PropertiesParamsSchema.parse({ axes: (axesArg ?? 'x,y,z').split(','), phases: (phasesArg ?? 'pore,electrolyte,solid').split(','), tol: 1e-3 });
const compute = await createCompute({ backend: 'cpu' });
// Warm the code paths' modules (not their memory) so the baseline holds the loaded program.
(globalThis as { gc?: () => void }).gc?.();
const baselineRss = process.memoryUsage().rss;
const volume = threePhaseSpheres(n);
const t0 = performance.now();
const stages: Record<string, number> = {};
let current = 'start';
const r = await computeProperties(volume, params, {
  rng: new Rng(0),
  compute,
  // Peak resident memory reached by the end of each stage (maxRSS only grows).
  onProgress: (p) => {
    if (p.stage === current) return;
    stages[current] = process.resourceUsage().maxRSS * 1024;
    current = p.stage;
  },
});
stages[current] = process.resourceUsage().maxRSS * 1024;
const seconds = (performance.now() - t0) / 1000;
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(
  `${JSON.stringify({ n, voxels: volume.labels.length, solves: params.axes.length * params.phases.length, baselineRss, peakRss, seconds, stages, tau: Object.fromEntries(Object.entries(r.tortuosity).map(([k, v]) => [k, Object.fromEntries(Object.entries(v ?? {}).map(([a, t]) => [a, t.tau]))])) })}\n`,
);
process.exit(0);
