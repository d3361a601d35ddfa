/**
 * One `computeProperties` run in a fresh process, for bench/properties-memory.ts, on a volume
 * read from a file as `mesolab properties` reads it: prints JSON with the process's resident
 * memory before the volume is read (after a garbage collection when the process runs with
 * --expose-gc), its peak (maxRSS) after the run and at the end of each stage, and the most bytes
 * the run's workspace held (its tracked arrays). With `warm`, the same run on a 48³ volume comes
 * first, so that what does not grow with the volume (compiled code, the multigrid worker thread,
 * the JS heap's growth) is already paid for when the baseline is taken.
 * Usage: run-ts bench/properties-memory-child.ts <volume file> <axes> <phases> [warm], e.g. /tmp/v.tif x,y,z pore,electrolyte,solid
 */
import { computeProperties, PropertiesParamsSchema } from '../sims/properties/properties.ts';
import { SolveWorkspace } from '../sims/properties/workspace.ts';
import { readVolume } from '../src/volume/io.ts';
import { threePhaseSpheres } from '../src/voxel/test-geometries.ts';
import { createCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';

const [file, axesArg, phasesArg, warmArg] = process.argv.slice(2);
if (!file) throw new Error('usage: properties-memory-child.ts <volume file> <axes> <phases>');
const params = PropertiesParamsSchema.parse({ axes: (axesArg ?? 'x,y,z').split(','), phases: (phasesArg ?? 'pore,electrolyte,solid').split(','), tol: 1e-3 });
const compute = await createCompute({ backend: 'cpu' });
// 48³: enough active cells for the worker thread to start (≥ 60 000), as it does at 128³.
if (warmArg === 'warm') await computeProperties(threePhaseSpheres(48), params, { rng: new Rng(0), compute });
(globalThis as { gc?: () => void }).gc?.();
const baselineRss = process.memoryUsage().rss;
const volume = await readVolume(file);
const workspace = new SolveWorkspace();
const t0 = performance.now();
const stages: Record<string, number> = {};
let current = 'start';
const r = await computeProperties(
  volume,
  params,
  {
    rng: new Rng(0),
    compute,
    // Peak resident memory reached by the end of each stage (maxRSS only grows).
    onProgress: (p) => {
      if (p.stage === current) return;
      stages[current] = process.resourceUsage().maxRSS * 1024;
      current = p.stage;
    },
  },
  { workspace },
);
stages[current] = process.resourceUsage().maxRSS * 1024;
const seconds = (performance.now() - t0) / 1000;
const peakRss = process.resourceUsage().maxRSS * 1024;
const tau = Object.fromEntries(Object.entries(r.tortuosity).map(([k, v]) => [k, Object.fromEntries(Object.entries(v ?? {}).map(([a, t]) => [a, t.tau]))]));
process.stdout.write(
  `${JSON.stringify({ n: volume.shape[0], voxels: volume.labels.length, solves: params.axes.length * params.phases.length, baselineRss, peakRss, workspacePeakBytes: workspace.peakBytes, seconds, stages, tau })}\n`,
);
process.exit(0);
