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

/**
 * A 16×16×8 lattice with inlet and outlet planes, mirrored neutral walls at x = 0 and x = 15 (y
 * periodic), a solid block with adhesion and a rising liquid layer, stepped 100 times by the
 * TypedArray engine and by the gpu.js kernels on each backend.
 */
function setup(): Omit<Parameters<typeof createLbmSolver>[0], 'engine' | 'compute'> {
  const nx = 16;
  const ny = 16;
  const nz = 8;
  const n = nx * ny * nz;
  const node = new Uint8Array(n);
  const strength = new Float32Array(n);
  const rho1 = new Float32Array(n);
  const rho2 = new Float32Array(n);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (x === 0 || x === nx - 1) {
          node[i] = NODE.solid;
          continue;
        }
        if (z === 0) node[i] = NODE.inlet;
        else if (z === nz - 1) node[i] = NODE.outlet;
        else if (x >= 5 && x < 10 && y >= 4 && y < 9 && z >= 3 && z < 6) {
          node[i] = NODE.solid;
          strength[i] = -0.3;
          continue;
        }
        const liquid = z < 3 + ((x + y) % 3);
        rho1[i] = liquid ? 1.037 : 0.049;
        rho2[i] = liquid ? 0.049 : 1.037;
      }
    }
  }
  return {
    domain: { nx, ny, nz, node, adhesion: adhesionField(nx, ny, nz, strength), mirror: wallsAtX(nx, ny, nz) },
    physics: { g: 3, tau1: 1, tau2: 0.6, tauOdd: 1, inletRho: [1.037, 0.049], outletRho: [0.049, 1.037] },
    rho1,
    rho2,
  };
}

/** Mirror map of walls at x = 0 and x = nx−1 only (y stays periodic): each takes its inner neighbour. */
function wallsAtX(nx: number, ny: number, nz: number): Int32Array {
  const m = new Int32Array(nx * ny * nz).fill(-1);
  for (let row = 0; row < ny * nz; row++) {
    m[nx * row] = 1 + nx * row;
    m[nx - 1 + nx * row] = nx - 2 + nx * row;
  }
  return m;
}

async function run(solver: LbmSolver): Promise<Float32Array> {
  await solver.step(100);
  const f = await solver.distributions();
  solver.destroy();
  return f;
}

function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return diff / scale;
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
