import { afterAll, describe, expect, it } from 'vitest';
import { createVolume, type Volume } from '../../src/volume/volume.ts';
import { createCompute, type Compute } from '../../src/gpu/backend.ts';
import { Rng } from '../../src/random/rng.ts';
import { AbortedError } from '../../src/errors.ts';
import type { SimContext } from '../../src/simulation.ts';
import { tortuosity } from './tortuosity.ts';
import { inclinedChannel, overlappingSpheres } from '../../src/voxel/test-geometries.ts';
import { hasWebGpuDriver, vulkanSkipNote } from '../../test/helpers/vulkan.ts';
import { buildDiffusionProblem, fluxStats, linearGuess } from './diffusion-problem.ts';
import { createWebGpuPcg, pcgTuning } from './pcg-webgpu.ts';
import { getWebGpuDevice } from '../../src/gpu/webgpu-device.ts';

const computes: Compute[] = [];
async function ctxFor(backend: string): Promise<SimContext> {
  const compute = await createCompute({ backend });
  computes.push(compute);
  return { rng: new Rng(1), compute };
}
afterAll(() => computes.forEach((c) => c.destroy()));

const PORE = [1, 0, 0];

function fill(shape: [number, number, number], label: (x: number, y: number, z: number) => number): Volume {
  const v = createVolume(shape, 1e-6);
  const [nx, ny, nz] = shape;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) v.labels[x + nx * (y + ny * z)] = label(x, y, z);
  return v;
}

for (const engine of ['sor', 'mgpcg'] as const) {
  describe(`tortuosity factor on cases with known answers (${engine} engine)`, () => {
    it('uniform block: τ = 1 to 1e-6 along every axis', async () => {
      const ctx = await ctxFor('cpu');
      const v = createVolume([12, 14, 16], 1e-6);
      for (const axis of ['x', 'y', 'z'] as const) {
        const r = await tortuosity(v, PORE, axis, { engine, tol: 1e-8 }, ctx);
        expect(r.percolating).toBe(true);
        expect(r.converged).toBe(true);
        expect(Math.abs(r.tau - 1)).toBeLessThan(1e-6);
        expect(Math.abs(r.effectiveDiffusivity - 1)).toBeLessThan(1e-6);
        expect(r.porosity).toBe(1);
      }
    });

    it('strips parallel to the flux give τ = 1 to 1e-6; across the flux, Infinity and not percolating', async () => {
      const ctx = await ctxFor('cpu');
      // Pore slabs two voxels thick normal to x, separated by two-voxel solid slabs.
      const v = fill([16, 12, 20], (x) => (x % 4 < 2 ? 0 : 1));
      for (const axis of ['y', 'z'] as const) {
        const r = await tortuosity(v, PORE, axis, { engine, tol: 1e-8 }, ctx);
        expect(Math.abs(r.tau - 1)).toBeLessThan(1e-6);
        expect(r.porosity).toBeCloseTo(0.5, 12);
        expect(Math.abs(r.effectiveDiffusivity - 0.5)).toBeLessThan(1e-6);
      }
      const across = await tortuosity(v, PORE, 'x', { engine }, ctx);
      expect(across.tau).toBe(Infinity);
      expect(across.percolating).toBe(false);
      expect(across.effectiveDiffusivity).toBe(0);
    });

    it('two layers in series, 50/50 with D = 1 and 0.1: τ = (Σε·D)(Σε/D) = 3.025 within 0.5%', async () => {
      const ctx = await ctxFor('cpu');
      const v = fill([8, 8, 40], (_x, _y, z) => (z < 20 ? 0 : 2));
      const r = await tortuosity(v, [1, 0, 0.1], 'z', { engine, tol: 1e-6 }, ctx);
      expect(Math.abs(r.tau - 3.025) / 3.025).toBeLessThan(0.005);
      // Series resistances are exact in finite volumes with harmonic face means: far tighter than the contract.
      expect(Math.abs(r.tau - 3.025) / 3.025).toBeLessThan(1e-5);
      // Layers parallel to the flux: τ = 1 exactly (Σ ε·D over the mean).
      const parallel = await tortuosity(v, [1, 0, 0.1], 'x', { engine, tol: 1e-8 }, ctx);
      expect(Math.abs(parallel.tau - 1)).toBeLessThan(1e-6);
    });

    it('45° inclined channel, 64 voxels long: τ = 2.0101 within 1%', async () => {
      // A 16-voxel-wide (along x) staircase channel at 45° through 64 voxels along z, 64 deep in y.
      // The continuum value of an inclined channel is 2 (path √2 longer, ε √2 larger per flux
      // area); the 6-connected staircase walls and the vertical inlet/outlet openings give 2.0100.
      const ctx = await ctxFor('cpu');
      const v = inclinedChannel(64, 64, 16);
      const r = await tortuosity(v, PORE, 'z', { engine, tol: 1e-5 }, ctx);
      expect(Math.abs(r.tau - 2.0101) / 2.0101).toBeLessThan(0.01);
    });

    it('the coarse-grid start converges to the same τ as the linear start', async () => {
      const ctx = await ctxFor('cpu');
      const v = overlappingSpheres([32, 32, 32], 5, { porosity: 0.45 });
      const linear = await tortuosity(v, PORE, 'z', { engine, tol: 1e-6 }, ctx);
      const coarse = await tortuosity(v, PORE, 'z', { engine, tol: 1e-6, coarseGuess: true }, ctx);
      expect(coarse.coarseSweeps).toBeGreaterThan(0);
      expect(linear.converged && coarse.converged).toBe(true);
      expect(Math.abs(coarse.tau - linear.tau) / linear.tau).toBeLessThan(1e-5);
    });

    it('stops on an aborted signal', async () => {
      const ctx = await ctxFor('cpu');
      const controller = new AbortController();
      controller.abort('test');
      await expect(tortuosity(createVolume([8, 8, 8], 1e-6), PORE, 'z', {}, { ...ctx, signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    });
  });

}

describe('every backend gives the same τ', () => {
  const volume = overlappingSpheres([24, 24, 24], 11, { porosity: 0.5 });
  let reference = NaN;

  it('typed-array SOR reference, and multigrid-preconditioned CG beside it', async () => {
    const r = await tortuosity(volume, PORE, 'z', { engine: 'sor', tol: 1e-5 }, await ctxFor('cpu'));
    expect(r.converged).toBe(true);
    expect(r.tau).toBeGreaterThan(1);
    reference = r.tau;
    const pcg = await tortuosity(volume, PORE, 'z', { engine: 'mgpcg', tol: 1e-5 }, await ctxFor('cpu'));
    expect(pcg.converged).toBe(true);
    expect(Math.abs(pcg.tau - reference) / reference).toBeLessThan(1e-4);
  });

  it('gpu.js kernels along x and y of a non-cubic volume match the typed-array SOR', async () => {
    const ctx = await ctxFor('cpu');
    const v = overlappingSpheres([18, 14, 22], 4, { porosity: 0.5 });
    for (const axis of ['x', 'y'] as const) {
      const ref = await tortuosity(v, [1, 0, 0.3], axis, { engine: 'sor', tol: 1e-5 }, ctx);
      const gpu = await tortuosity(v, [1, 0, 0.3], axis, { engine: 'gpujs', tol: 1e-5 }, ctx);
      expect(ref.percolating).toBe(true);
      expect(Math.abs(gpu.tau - ref.tau) / ref.tau).toBeLessThan(1e-3);
    }
  });

  for (const backend of ['cpu', 'webasm', 'webgpu'] as const) {
    const skip = backend === 'webgpu' && !hasWebGpuDriver();
    it.skipIf(skip)(`gpu.js kernels on ${backend} within 1e-3 of the typed-array path${backend === 'webgpu' ? vulkanSkipNote() : ''}`, async () => {
      const ctx = await ctxFor(backend);
      const r = await tortuosity(volume, PORE, 'z', { engine: 'gpujs', tol: 1e-5 }, ctx);
      expect(r.backend.startsWith(backend)).toBe(true);
      expect(r.converged).toBe(true);
      expect(Math.abs(r.tau - reference) / reference).toBeLessThan(1e-3);
    });
  }
});

describe.skipIf(!hasWebGpuDriver())(`WGSL Jacobi-PCG on WebGPU (SwiftShader in tests) equals the CPU multigrid PCG to 1e-4 in τ${vulkanSkipNote()}`, () => {
  /** Solves on both engines at the same tol and returns the relative τ difference (logged for the README). */
  // The CPU reference is solved to 1e-7; the GPU to `tol` (float32 fields floor the flux
  // non-uniformity near 1e-5 on one-dimensional profiles, so tol stays above that).
  async function compare(label: string, v: Volume, d: number[], axis: 'x' | 'y' | 'z', tol: number): Promise<{ gpu: number; cpu: number; rel: number }> {
    const ctx = await ctxFor('cpu');
    const cpu = await tortuosity(v, d, axis, { engine: 'mgpcg', tol: 1e-7, threads: 1 }, ctx);
    const gpu = await tortuosity(v, d, axis, { engine: 'webgpu-pcg', tol }, ctx);
    expect(gpu.backend).toMatch(/^webgpu \(WGSL Jacobi-PCG on /);
    expect(cpu.converged && gpu.converged).toBe(true);
    const rel = Math.abs(gpu.tau - cpu.tau) / cpu.tau;
    console.log(`webgpu-pcg vs mgpcg, ${label} along ${axis}: τ ${gpu.tau.toPrecision(8)} vs ${cpu.tau.toPrecision(8)}, rel. diff ${rel.toExponential(1)}, ${gpu.iterations} vs ${cpu.iterations} iterations, ${gpu.deviceBytesPerVoxel?.toFixed(1)} B/voxel`);
    expect(rel).toBeLessThan(1e-4);
    return { gpu: gpu.tau, cpu: cpu.tau, rel };
  }

  it('uniform block and strips parallel to the flux: τ = 1 to 1e-5 on every axis', async () => {
    const block = createVolume([12, 14, 16], 1e-6);
    for (const axis of ['x', 'y', 'z'] as const) expect(Math.abs((await compare('uniform block', block, PORE, axis, 1e-6)).gpu - 1)).toBeLessThan(1e-5);
    const strips = fill([16, 12, 20], (x) => (x % 4 < 2 ? 0 : 1));
    for (const axis of ['y', 'z'] as const) expect(Math.abs((await compare('strips', strips, PORE, axis, 1e-6)).gpu - 1)).toBeLessThan(1e-5);
    const across = await tortuosity(strips, PORE, 'x', { engine: 'webgpu-pcg' }, await ctxFor('cpu'));
    expect(across.tau).toBe(Infinity);
    expect(across.percolating).toBe(false);
  });

  it('two layers in series (D = 1 and 0.1): τ = 3.025 to 1e-4; parallel to the layers τ = 1', async () => {
    const v = fill([8, 8, 40], (_x, _y, z) => (z < 20 ? 0 : 2));
    const series = await compare('series layers', v, [1, 0, 0.1], 'z', 5e-5);
    expect(Math.abs(series.gpu - 3.025) / 3.025).toBeLessThan(1e-4);
    expect(Math.abs((await compare('series layers', v, [1, 0, 0.1], 'x', 1e-6)).gpu - 1)).toBeLessThan(1e-5);
  });

  it('45° inclined channel, 64 voxels long (8 deep): τ = 2.0101 within 1%, and the CPU value to 1e-4', async () => {
    const r = await compare('45° channel', inclinedChannel(64, 8, 16), PORE, 'z', 1e-5);
    expect(Math.abs(r.gpu - 2.0101) / 2.0101).toBeLessThan(0.01);
  });

  it('random overlapping spheres, cubic along z and non-cubic along x and y with a second conducting phase', async () => {
    await compare('spheres 24³ ε 0.5', overlappingSpheres([24, 24, 24], 11, { porosity: 0.5 }), PORE, 'z', 1e-5);
    const v = overlappingSpheres([18, 14, 22], 4, { porosity: 0.5 });
    for (const axis of ['x', 'y'] as const) await compare('spheres 18×14×22, D_solid 0.3', v, [1, 0.3, 0], axis, 1e-5);
  });

  it('auto picks it on the webgpu backend; below a float32-reachable tol it stops unconverged instead of running on', async () => {
    const r = await tortuosity(overlappingSpheres([16, 16, 16], 2, { porosity: 0.5 }), PORE, 'z', { tol: 1e-4 }, await ctxFor('webgpu'));
    expect(r.backend).toMatch(/^webgpu \(WGSL Jacobi-PCG/);
    expect(r.converged).toBe(true);
    const v = fill([8, 8, 40], (_x, _y, z) => (z < 20 ? 0 : 2));
    const floor = await tortuosity(v, [1, 0, 0.1], 'z', { engine: 'webgpu-pcg', tol: 1e-7 }, await ctxFor('cpu'));
    expect(floor.converged).toBe(false);
    expect(floor.iterations).toBeLessThan(1000);
    expect(Math.abs(floor.tau - 3.025) / 3.025).toBeLessThan(1e-5);
  });

  it('holds 32 bytes per voxel plus the two padding planes and a few KiB (≤ 40 from 16 planes up)', async () => {
    const { device } = await getWebGpuDevice();
    const p = buildDiffusionProblem(createVolume([64, 64, 64], 1e-6), PORE, 'z');
    for (const software of [true, false]) {
      const pcg = createWebGpuPcg(device, p, new Float32Array(p.ga.length), pcgTuning(software));
      expect(pcg.bytesPerVoxel).toBeGreaterThan((32 * 66) / 64);
      expect(pcg.bytesPerVoxel).toBeLessThan((32 * 66) / 64 + 0.3);
      pcg.destroy();
    }
  });

  it('the hardware kernel layout (workgroup tree reductions, also with grid strides) gives the software layout\'s fluxes to 1e-5', async () => {
    // Tests run on SwiftShader, which gets the barrier-free layout; this runs the one real GPUs get.
    const { device } = await getWebGpuDevice();
    const p = buildDiffusionProblem(overlappingSpheres([20, 20, 20], 7, { porosity: 0.5 }), PORE, 'z');
    const x0 = linearGuess(p, new Float64Array(p.ga.length));
    const fluxes = [];
    // The last layout keeps the tree reductions but only 4 workgroups, so that every thread
    // strides over the grid several times, as on a 512³ grid with the full 4096 groups.
    for (const tuning of [pcgTuning(true), pcgTuning(false), { ...pcgTuning(false), maxGroups: 4 }]) {
      const pcg = createWebGpuPcg(device, p, x0, tuning);
      pcg.iterate(30);
      fluxes.push(fluxStats(await pcg.planeFlux(), p.dims));
      pcg.destroy();
    }
    const [sw, hw, strided] = fluxes;
    expect(Math.abs(hw!.effectiveDiffusivity - sw!.effectiveDiffusivity) / sw!.effectiveDiffusivity).toBeLessThan(1e-5);
    expect(Math.abs(strided!.effectiveDiffusivity - sw!.effectiveDiffusivity) / sw!.effectiveDiffusivity).toBeLessThan(1e-5);
    expect(sw!.nonUniformity).toBeLessThan(0.5);
  });
});

describe('mgpcg asked for less than its floor', () => {
  it('stops once the flux non-uniformity has not improved for 50 iterations, unconverged, instead of running to maxIterations', async () => {
    const ctx = { ...(await ctxFor('cpu')), threads: 1 };
    const v = overlappingSpheres([24, 24, 24], 11, { porosity: 0.5 });
    const reachable = await tortuosity(v, PORE, 'z', { tol: 1e-6, engine: 'mgpcg' }, ctx);
    expect(reachable.converged).toBe(true);
    const r = await tortuosity(v, PORE, 'z', { tol: 1e-14, engine: 'mgpcg', maxIterations: 20_000 }, ctx);
    expect(r.converged).toBe(false);
    // Before, 20,000 iterations. Measured 2026-12-05: 1e-6 met in 14 iterations, the floor 1.7e-8, stop at 69.
    expect(r.iterations).toBeLessThan(reachable.iterations + 120);
    expect(r.residual).toBeLessThan(1e-7);
    expect(Math.abs(r.tau - reachable.tau)).toBeLessThan(1e-7 * reachable.tau);
  });
});
