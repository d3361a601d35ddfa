import { createCompute, type Compute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import type { SimContext } from '../src/simulation.ts';
import { tortuosity, type SolverEngine } from '../sims/properties/tortuosity.ts';
import { buildDiffusionProblem, linearGuess } from '../sims/properties/diffusion-problem.ts';
import { sorSweepsCpu } from '../sims/properties/sor-cpu.ts';
import { overlappingSpheres } from '../sims/properties/synthetic-volumes.ts';
import { machine, runStandalone, summarize, type BenchRun, type Figure } from './lib.ts';

/**
 * Tortuosity solve time and sweeps on random overlapping spheres (ε ≈ 0.45, radii n/16–n/8: the
 * ANCHORS.md case), per engine and size, beside TauFactor 2's figures measured on this machine
 * class (Python TauFactor cannot be installed here: no PyPI access, so those are published
 * figures, not same-run ratios). Also the SOR sweep rate against a plain 7-point stencil measured
 * in the same run.
 */
const TAUFACTOR_S: Record<string, number> = { '64@0.01': 0.17, '128@0.01': 1.4, '128@0.001': 1.8 };

interface Case {
  n: number;
  backend: 'cpu' | 'webasm' | 'webgpu';
  engine: SolverEngine;
  tols: number[];
}

export const run: BenchRun = async ({ quick }) => {
  const figures: Figure[] = [];
  const computes = new Map<string, Compute | null>();
  const computeFor = async (backend: string): Promise<Compute | null> => {
    if (!computes.has(backend)) {
      try {
        computes.set(backend, await createCompute({ backend }));
      } catch {
        computes.set(backend, null);
      }
    }
    return computes.get(backend) ?? null;
  };

  figures.push(...stencilRates(quick ? 64 : 128));

  const sizes = quick ? [64, 128] : [64, 128, 256];
  const cases: Case[] = [];
  for (const n of sizes) cases.push({ n, backend: 'cpu', engine: 'mgpcg', tols: [1e-2, 1e-3, 1e-4] });
  for (const n of quick ? [64, 128] : [64, 128]) cases.push({ n, backend: 'cpu', engine: 'sor', tols: [1e-2, 1e-3, 1e-4] });
  cases.push({ n: 64, backend: 'webasm', engine: 'gpujs', tols: [1e-2, 1e-3] });
  if (!quick) cases.push({ n: 128, backend: 'webasm', engine: 'gpujs', tols: [1e-2, 1e-3] });
  const gpu = await computeFor('webgpu');
  // On SwiftShader (software Vulkan) only the smallest case is worth running.
  const realGpu = gpu !== null && !/swiftshader/i.test(gpu.adapter ?? '');
  if (gpu) for (const n of realGpu ? sizes : [64]) cases.push({ n, backend: 'webgpu', engine: 'gpujs', tols: [1e-2, 1e-3, 1e-4] });

  const scaling = new Map<string, { n: number; s: number }[]>();
  for (const c of cases) {
    const compute = await computeFor(c.backend);
    if (!compute) continue;
    const ctx: SimContext = { rng: new Rng(1), compute };
    const volume = overlappingSpheres([c.n, c.n, c.n], 0.45, 2026);
    for (const tol of c.tols) {
      const ms: number[] = [];
      let last;
      // Process CPU time beside wall time: on a shared 2-core machine wall time moves with the load.
      const cpu0 = process.cpuUsage();
      const reps = quick || c.n >= 256 ? 1 : 3;
      for (let rep = 0; rep < reps; rep++) {
        last = await tortuosity(volume, [1, 0, 0], 'z', { tol, engine: c.engine }, ctx);
        ms.push(last.ms);
      }
      const cpu = process.cpuUsage(cpu0);
      const cpuS = (cpu.user + cpu.system) / 1e6 / reps;
      const t = summarize(ms);
      const anchor = TAUFACTOR_S[`${c.n}@${tol}`];
      figures.push({
        name: `tortuosity ${c.n}³ ${last!.backend} tol ${tol}`,
        unit: 's',
        median: t.median / 1000,
        min: t.min / 1000,
        max: t.max / 1000,
        repeats: t.repeats,
        ratio: anchor ? { to: `TauFactor 2 (${anchor} s, ANCHORS.md, not same run)`, value: t.median / 1000 / anchor } : undefined,
        note: `τ = ${last!.tau.toFixed(4)}, ${last!.iterations} ${c.engine === 'mgpcg' ? 'PCG iterations' : 'sweeps'}, residual ${last!.residual.toExponential(1)}, process CPU ${cpuS.toFixed(2)} s`,
      });
      if (tol === 1e-3) {
        const key = `${c.backend}/${c.engine}`;
        scaling.set(key, [...(scaling.get(key) ?? []), { n: c.n, s: t.median / 1000 }]);
      }
    }
  }
  for (const [key, pts] of scaling) {
    if (pts.length < 2) continue;
    const a = pts[0]!;
    const b = pts[pts.length - 1]!;
    const exponent = Math.log(b.s / a.s) / Math.log(b.n ** 3 / a.n ** 3);
    figures.push({ name: `tortuosity time scaling with voxel count, ${key} (${a.n}³→${b.n}³, tol 1e-3)`, unit: 'exponent', median: exponent, note: 'time ∝ N^exponent' });
  }
  for (const c of computes.values()) c?.destroy();
  const m = machine();
  figures.push({ name: 'machine', unit: 'cpus', median: m.cpus, note: `${m.cpuModel}, ${m.node}` });
  return figures;
};

/** Our SOR sweep rate vs a constant-coefficient 7-point Jacobi stencil, both on n³, same run. */
function stencilRates(n: number): Figure[] {
  const cells = n ** 3;
  const a = new Float32Array(cells + 2 * n * n);
  const b = new Float32Array(a.length);
  a.fill(0.5);
  const plane = n * n;
  const plain = (): void => {
    for (let q = plane; q < plane + cells; q++) {
      b[q] = (a[q - 1]! + a[q + 1]! + a[q - n]! + a[q + n]! + a[q - plane]! + a[q + plane]! - 6 * a[q]!) * 0.1 + a[q]!;
    }
  };
  const timeIt = (fn: () => void, reps: number): number => {
    fn();
    const ts: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      fn();
      ts.push(performance.now() - t0);
    }
    return summarize(ts).median;
  };
  const plainMs = timeIt(plain, 5);
  const volume = overlappingSpheres([n, n, n], 0.45, 7);
  const problem = buildDiffusionProblem(volume, [1, 0, 0], 'z');
  const c = linearGuess(problem, new Float64Array(problem.ga.length));
  const sorMs = timeIt(() => sorSweepsCpu(problem, c, 1.9, 1), 5);
  const plainRate = cells / plainMs / 1e3;
  const sorRate = cells / sorMs / 1e3;
  return [
    { name: `plain JS 7-point stencil ${n}³ (reference)`, unit: 'Mcell/s', median: plainRate, note: 'ANCHORS.md: 145 Mcell/s on the CI machine' },
    {
      name: `SOR sweep ${n}³ spheres ε 0.45 (typed-array)`,
      unit: 'Mcell/s',
      median: sorRate,
      ratio: { to: 'plain 7-point stencil, same run', value: sorRate / plainRate },
      note: 'grid cells per second, pore and solid cells counted (solid cells are skipped)',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
