/**
 * The bench study's chains run one after another in this process, no pool, for bench/sweep.ts's
 * machine-ceiling figure: prints the steady-state rate (runs/min, after the first two runs, which
 * pay module loading and JIT warm-up) as its last line.
 * Usage: run-ts bench/sweep-chains-child.ts <samples> <edge voxels>, e.g. 16 48
 */
import { benchStudy } from './sweep.ts';
import { runChain } from '../workers/chain.ts';
import { stagesFor } from '../workers/sweep.ts';
import { expandRuns } from '../src/study/runs.ts';
import { createCompute } from '../src/gpu/backend.ts';

const samples = Number(process.argv[2] ?? 16);
const n = Number(process.argv[3] ?? 48);
const study = benchStudy(samples, n);
const compute = await createCompute({ backend: 'cpu' });
const tasks = expandRuns(study);
let t0 = performance.now();
for (const [i, task] of tasks.entries()) {
  if (i === 2) t0 = performance.now();
  await runChain({ chain: stagesFor(study, task), fixed: study.fixed, varied: study.varied, point: task.point, seed: task.seed, keepFields: [] }, async () => compute);
}
compute.destroy();
process.stdout.write(`${((tasks.length - 2) / (performance.now() - t0)) * 60_000}\n`);
