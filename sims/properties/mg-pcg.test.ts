import { afterAll, describe, expect, it } from 'vitest';
import { SolveWorkspace } from './workspace.ts';
import { createVolume } from '../../src/volume/volume.ts';
import { createCompute, type Compute } from '../../src/gpu/backend.ts';
import { Rng } from '../../src/random/rng.ts';
import { ConfigError } from '../../src/errors.ts';
import type { SimContext } from '../../src/simulation.ts';
import { tortuosity } from './tortuosity.ts';
import { overlappingSpheres } from '../../src/voxel/test-geometries.ts';
import { checkFlux, problemFromDiffusivity } from './diffusion-problem.ts';

let compute: Compute | undefined;
async function ctx(): Promise<SimContext> {
  compute ??= await createCompute({ backend: 'cpu' });
  return { rng: new Rng(1), compute };
}
afterAll(() => compute?.destroy());

const PORE = [1, 0, 0];

describe('multigrid-preconditioned CG on two threads', () => {
  it('gives the one-thread result (same iterations, τ within 1e-9) and the SOR reference within 1e-4', async () => {
    const c = await ctx();
    const v = overlappingSpheres([36, 36, 36], 9, { porosity: 0.45 });
    const one = await tortuosity(v, PORE, 'z', { engine: 'mgpcg', tol: 1e-6, threads: 1 }, c);
    const two = await tortuosity(v, PORE, 'z', { engine: 'mgpcg', tol: 1e-6, threads: 2 }, c);
    const sor = await tortuosity(v, PORE, 'z', { engine: 'sor', tol: 1e-6 }, c);
    expect(one.backend).not.toMatch(/threads/);
    expect(two.backend).toMatch(/2 threads/);
    expect(two.converged && one.converged && sor.converged).toBe(true);
    // Only the order of the partial sums differs between the two.
    expect(two.iterations).toBe(one.iterations);
    expect(Math.abs(two.tau - one.tau) / one.tau).toBeLessThan(1e-9);
    expect(Math.abs(two.tau - sor.tau) / sor.tau).toBeLessThan(1e-4);
  });

  it('two layers in series on two threads, along and across the layers: τ = 3.025 to 1e-5 and 1 to 1e-6', async () => {
    const c = await ctx();
    const v = createVolume([10, 12, 40], 1e-6);
    for (let z = 20; z < 40; z++) v.labels.fill(2, z * 120, (z + 1) * 120);
    const series = await tortuosity(v, [1, 0, 0.1], 'z', { engine: 'mgpcg', tol: 1e-7, threads: 2 }, c);
    expect(series.backend).toMatch(/2 threads/);
    expect(Math.abs(series.tau - 3.025) / 3.025).toBeLessThan(1e-5);
    const parallel = await tortuosity(v, [1, 0, 0.1], 'x', { engine: 'mgpcg', tol: 1e-8, threads: 2 }, c);
    expect(Math.abs(parallel.tau - 1)).toBeLessThan(1e-6);
  });

  it('gives the same τ, to the bit, on repeated two-thread solves and from a workspace shared by solves along every axis; rejects a thread count other than 1 or 2', async () => {
    const c = await ctx();
    const v = overlappingSpheres([20, 20, 20], 3, { porosity: 0.5 });
    const taus: number[] = [];
    for (let k = 0; k < 3; k++) taus.push((await tortuosity(v, PORE, 'y', { engine: 'mgpcg', tol: 1e-6, threads: 2 }, c)).tau);
    expect(Math.abs(taus[2]! - taus[0]!)).toBe(0);
    // One workspace across axes and thread counts (its arrays are reused, zeroed, between solves).
    const workspace = new SolveWorkspace();
    for (const threads of [2, 1] as const) {
      for (const axis of ['x', 'y', 'z'] as const) {
        const fresh = await tortuosity(v, PORE, axis, { engine: 'mgpcg', tol: 1e-6, threads }, c);
        const reused = await tortuosity(v, PORE, axis, { engine: 'mgpcg', tol: 1e-6, threads, workspace }, c);
        expect(reused.tau).toBe(fresh.tau);
        expect(reused.iterations).toBe(fresh.iterations);
      }
    }
    const held = workspace.bytes;
    await tortuosity(v, PORE, 'x', { engine: 'mgpcg', tol: 1e-6, workspace }, c);
    expect(workspace.bytes).toBe(held);
    await expect(tortuosity(v, PORE, 'y', { threads: 3 }, c)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("the run's thread budget (SimContext.threads) caps the default", () => {
  it('one thread when the run may use one, two threads to start with when it may use more', async () => {
    const c = await ctx();
    const v = overlappingSpheres([64, 64, 64], 6, { porosity: 0.45 });
    const capped = await tortuosity(v, PORE, 'z', { engine: 'mgpcg', tol: 1e-4 }, { ...c, threads: 1 });
    const free = await tortuosity(v, PORE, 'z', { engine: 'mgpcg', tol: 1e-4 }, { ...c, threads: 4 });
    expect(capped.backend).not.toMatch(/thread/);
    // Two threads at the start (the solver may drop to one later if the second core is busy).
    expect(free.backend).toMatch(/2 threads|after 2/);
    expect(Math.abs(free.tau - capped.tau) / capped.tau).toBeLessThan(1e-9);
  });
});

describe("TauFactor 2's flux criterion beside ours", () => {
  it('is (F_max − F_min)·2/(F_max + F_min) over the internal planes only', () => {
    // One column of 4 cells, D = 1: internal plane fluxes are c_k − c_{k+1} = 0.3, 0.2, 0.3; the
    // inlet flux 2·(1 − 0.9) = 0.2 and outlet flux 2·0.1 = 0.2 enter our measure but not TauFactor's.
    const p = problemFromDiffusivity(new Float32Array([1, 1, 1, 1]), [1, 1, 4]);
    const c = new Float64Array(p.ga.length);
    c.set([0.9, 0.6, 0.4, 0.1], p.pad);
    const check = checkFlux(p, c);
    expect(check.taufactorSpread).toBeCloseTo((0.1 * 2) / 0.5, 6);
    // Ours: mean of (0.2, 0.3, 0.2, 0.3, 0.2) = 0.24, largest deviation 0.06.
    expect(check.nonUniformity).toBeCloseTo(0.06 / 0.24, 6);
  });
});
