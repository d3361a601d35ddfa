import { hasWebGpuDriver, vulkanSkipNote } from '../../../test/helpers/vulkan.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { createCompute } from '../../../src/gpu/backend.ts';
import type { Compute } from '../../../src/gpu/backend.ts';
import { adhesionField } from './domain.ts';
import { NODE } from './lattice.ts';
import { createLbmSolver } from './solver.ts';
import { createKernelStepper, kernelLimit } from './kernels.ts';
import { ImpossibleRequestError } from '../../../src/errors.ts';
import type { LbmSolver } from './solver.ts';
import { maxRelativeDifference, paintLattice, xWallMirror } from './test-domains.ts';

/**
 * A 16×16×8 lattice with inlet and outlet planes, mirrored neutral walls at x = 0 and x = 15 (y
 * periodic), a solid block with adhesion and a rising liquid layer, stepped 100 times by the
 * TypedArray engine and by the gpu.js kernels on each backend.
 */
function setup(): Omit<Parameters<typeof createLbmSolver>[0], 'engine' | 'compute'> {
  const [nx, ny, nz] = [16, 16, 8];
  const { node, strength, rho1, rho2 } = paintLattice(nx, ny, nz, (x, y, z) => {
    if (x === 0 || x === nx - 1) return { solid: true };
    if (x >= 5 && x < 10 && y >= 4 && y < 9 && z >= 3 && z < 6) return { solid: true, adhesion: -0.3 };
    return { kind: z === 0 ? NODE.inlet : z === nz - 1 ? NODE.outlet : NODE.fluid, liquid: z < 3 + ((x + y) % 3) };
  });
  return {
    domain: { nx, ny, nz, node, adhesion: adhesionField(nx, ny, nz, strength), mirror: xWallMirror(nx, ny, nz) },
    physics: { g: 3, tau1: 1, tau2: 0.6, tauOdd: 1, inletRho: [1.037, 0.049], outletRho: [0.049, 1.037] },
    rho1,
    rho2,
  };
}

async function run(solver: LbmSolver): Promise<Float32Array> {
  await solver.step(100);
  const f = await solver.distributions();
  solver.destroy();
  return f;
}

const computes: Compute[] = [];
afterAll(() => computes.forEach((c) => c.destroy()));

describe('engines and backends agree over 100 steps', () => {
  let reference: Float32Array | undefined;
  const referenceRun = async (): Promise<Float32Array> => (reference ??= await run(createLbmSolver({ ...setup(), engine: 'typed-array' })));

  for (const backend of ['cpu', 'webasm', 'webgpu'] as const) {
    it.skipIf(backend === 'webgpu' && !hasWebGpuDriver())(`gpu.js ${backend} kernels match the TypedArray engine within float tolerance${backend === 'webgpu' ? vulkanSkipNote() : ''}`, async () => {
      const compute = await createCompute({ backend });
      computes.push(compute);
      const solver = createLbmSolver({ ...setup(), engine: 'kernels', compute });
      const f = await run(solver);
      const d = maxRelativeDifference(await referenceRun(), f);
      // float32 storage, float32 (webasm/webgpu) vs float64 (TypedArray) arithmetic: ~1e-7 per step.
      expect(d).toBeLessThan(2e-5);
    });
  }
});

describe('kernel size guard', () => {
  it('refuses lattices beyond one 4 GiB WebAssembly memory on webasm, and x–y planes of 2^24 nodes', async () => {
    const compute = await createCompute({ backend: 'webasm' });
    computes.push(compute);
    // 256³ plus reservoirs: 17.4 M nodes × 352 B > 4 GiB.
    const [nx, ny, nz] = [256, 256, 266];
    const domain = { nx, ny, nz, node: new Uint8Array(0), adhesion: new Float32Array(0) };
    const physics = { g: 3, tau1: 1, tau2: 1, tauOdd: 1, inletRho: [0, 0] as const, outletRho: [0, 0] as const };
    expect(() => createKernelStepper(compute, domain, physics, true)).toThrow(ImpossibleRequestError);
    expect(kernelLimit('webasm', 128, 128, 138)).toBeNull();
    expect(kernelLimit('webgpu', 256, 256, 266)).toBeNull();
    expect(kernelLimit('webgpu', 4096, 4096, 3)).toMatch(/plane/);
    expect(kernelLimit('cpu', 256, 256, 266)).toBeNull();
  });
});
