import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createCompute } from '../../src/gpu/backend.ts';
import type { Compute } from '../../src/gpu/backend.ts';
import { Rng } from '../../src/random/rng.ts';
import { voxelize } from './voxelize.ts';
import type { Spheroids } from './voxelize.ts';
import { generateElectrode } from './generate.ts';
import { ksCriticalValue, ksPValue } from './stats.ts';
import { hasWebGpuDriver, vulkanSkipNote } from '../../test/helpers/vulkan.ts';

const hash = (a: Uint8Array): string => createHash('sha256').update(a).digest('hex');

function randomSpheroids(seed: number, n: number, side: number): Spheroids {
  const rng = new Rng(seed);
  const mk = (): Float64Array => new Float64Array(n);
  const p: Spheroids = { x: mk(), y: mk(), z: mk(), a: mk(), c: mk() };
  for (let i = 0; i < n; i++) {
    p.x[i] = rng.range(0, side);
    p.y[i] = rng.range(0, side);
    p.z[i] = rng.range(0, side);
    p.a[i] = rng.range(1.5, 6);
    p.c[i] = p.a[i]! * rng.range(0.6, 1);
  }
  return p;
}

/** Straightforward reference: every voxel against every particle and its periodic images, float64 on float32-rounded inputs. */
function bruteForce(p: Spheroids, shape: readonly [number, number, number]): Uint8Array {
  const [nx, ny, nz] = shape;
  const out = new Uint8Array(nx * ny * nz);
  const f = Math.fround;
  for (let i = 0; i < p.x.length; i++) {
    const ia2 = f(1 / (p.a[i]! * p.a[i]!));
    const ic2 = f(1 / (p.c[i]! * p.c[i]!));
    for (const ox of [-nx, 0, nx]) {
      for (const oy of [-ny, 0, ny]) {
        const px = f(p.x[i]! + ox);
        const py = f(p.y[i]! + oy);
        const pz = f(p.z[i]!);
        for (let z = 0; z < nz; z++) {
          for (let y = 0; y < ny; y++) {
            for (let x = 0; x < nx; x++) {
              const ex = x + 0.5 - px;
              const ey = y + 0.5 - py;
              const ez = z + 0.5 - pz;
              if ((ex * ex + ey * ey) * ia2 + ez * ez * ic2 <= 1) out[x + nx * (y + ny * z)] = 1;
            }
          }
        }
      }
    }
  }
  return out;
}

describe('voxelization kernel', () => {
  const computes: Partial<Record<'cpu' | 'webasm' | 'webgpu', Compute>> = {};
  beforeAll(async () => {
    computes.cpu = await createCompute({ backend: 'cpu' });
    computes.webasm = await createCompute({ backend: 'webasm' });
    try {
      computes.webgpu = await createCompute({ backend: 'webgpu' });
    } catch {
      // No Vulkan driver at all: the webgpu comparison below says so and is skipped.
    }
  });
  afterAll(() => Object.values(computes).forEach((c) => c?.destroy()));

  it('equals a brute-force float64 reference on every backend, with periodic wrap in x and y', async () => {
    const shape = [24, 20, 16] as const;
    const p = randomSpheroids(3, 40, 16);
    // Push some particles across the periodic faces.
    p.x[0] = 0.3;
    p.y[1] = 19.8;
    p.x[2] = 23.9;
    p.y[2] = 0.1;
    const ref = bruteForce(p, shape);
    for (const [name, c] of Object.entries(computes)) {
      if (!c) continue;
      const v = await voxelize(p, shape, c);
      expect(v.ranOn, name).toBe(name);
      expect(hash(v.solid), name).toBe(hash(ref));
    }
  });

  it.skipIf(!hasWebGpuDriver())(`gives identical labels on cpu, webasm and webgpu for a generated 32³ electrode (hash of the labels)${vulkanSkipNote()}`, async () => {
    expect(computes.webgpu, 'webgpu backend (SwiftShader in tests) should be available').toBeDefined();
    const hashes: Record<string, string> = {};
    for (const [name, c] of Object.entries(computes)) {
      if (!c) continue;
      const r = await generateElectrode({ shape: [32, 32, 32], d50Um: 6, seed: 9, porosity: 0.4, calenderingPercent: 20 }, { rng: new Rng(0), compute: c });
      expect(r.summary.kernelRanOn).toBe(name);
      hashes[name] = hash(r.volume.labels);
    }
    expect(new Set(Object.values(hashes)).size).toBe(1);
    expect(Object.keys(hashes).length).toBe(3);
  });
});

describe('Kolmogorov–Smirnov helpers', () => {
  it('match the tabulated critical values: 1.358/√n asymptotically, 0.409 for n = 10 (Massey 1951)', () => {
    expect(ksCriticalValue(10000, 0.05) * Math.sqrt(10000)).toBeCloseTo(1.358, 2);
    expect(ksCriticalValue(10, 0.05)).toBeCloseTo(0.409, 2);
    expect(ksCriticalValue(20, 0.01)).toBeCloseTo(0.356, 2);
    expect(ksPValue(ksCriticalValue(500, 0.1), 500)).toBeCloseTo(0.1, 6);
  });
});
