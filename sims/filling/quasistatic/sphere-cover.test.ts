import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute, type Compute } from '../../../src/gpu/backend.ts';
import { Rng } from '../../../src/random/rng.ts';
import { LABEL, type Shape } from '../../../src/volume/volume.ts';
import { localThickness } from '../../../src/voxel/local-thickness.ts';
import { coverTypedArray, sphereCover, ballRadiusSq } from './sphere-cover.ts';
import { fillQuasiStatic } from './fill-quasi-static.ts';
import { overlappingSpheres } from '../../../src/voxel/test-geometries.ts';
import { hasWebGpuDriver, vulkanSkipNote } from '../../../test/helpers/vulkan.ts';

/** The backends compared: webgpu only where Dawn finds a Vulkan loader and driver. */
const BACKENDS = hasWebGpuDriver() ? ['cpu', 'webasm', 'webgpu'] : ['cpu', 'webasm'];

/** Direct definition: min over all centres, no ridge reduction, no window. */
function bruteCover(r2: Float32Array, p: Float32Array, shape: Shape): Float32Array {
  const [nx, ny] = shape;
  const n = r2.length;
  const out = new Float32Array(n).fill(Infinity);
  const xyz = (i: number): [number, number, number] => [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
  for (let v = 0; v < n; v++) {
    const [vx, vy, vz] = xyz(v);
    for (let c = 0; c < n; c++) {
      if (!(r2[c]! > 0)) continue;
      const [cx, cy, cz] = xyz(c);
      if ((vx - cx) ** 2 + (vy - cy) ** 2 + (vz - cz) ** 2 < r2[c]! && p[c]! < out[v]!) out[v] = p[c]!;
    }
  }
  return out;
}

function randomBalls(shape: Shape, seed: number): { r2: Float32Array; p: Float32Array } {
  const rng = new Rng(seed);
  const n = shape[0] * shape[1] * shape[2];
  const r2 = new Float32Array(n);
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (rng.uniform() < 0.25) {
      r2[i] = rng.integer(1, 14);
      p[i] = Math.fround(rng.range(0, 1000));
    }
  }
  return { r2, p };
}

const computes: Compute[] = [];
beforeAll(async () => {
  for (const backend of BACKENDS) computes.push(await createCompute({ backend }));
});
afterAll(() => computes.forEach((c) => c.destroy()));

describe('sphere cover', () => {
  const shape: Shape = [11, 9, 7];
  const { r2, p } = randomBalls(shape, 3);
  const expected = bruteCover(r2, p, shape);

  it('TypedArray path equals the definition', () => {
    expect(Array.from(coverTypedArray(r2, p, shape))).toEqual(Array.from(expected));
  });

  it(`the gpu.js kernel equals the definition on cpu, webasm and webgpu${vulkanSkipNote()}`, async () => {
    for (const compute of computes) {
      const { cover, ranOn } = await sphereCover(r2, p, shape, compute, 'kernel');
      expect(ranOn).toBe(compute.backend);
      expect(Array.from(cover)).toEqual(Array.from(expected));
    }
  });

  it('with pressure 1/EDT it is 1/local thickness (properties module, independent code)', () => {
    const v = overlappingSpheres([20, 20, 20], new Rng(5), { voxelSize: 1e-6, solidFraction: 0.5, rMin: 2, rMax: 4 });
    const mask = Uint8Array.from(v.labels, (l) => (l === LABEL.pore ? 1 : 0));
    const lt = localThickness(mask, v.shape);
    const rr = new Float32Array(mask.length);
    const pp = new Float32Array(mask.length);
    // EDT² by brute force over the solid voxels, independent of the properties code.
    const [nx, ny, nz] = v.shape;
    const solid: [number, number, number][] = [];
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) if (!mask[x + nx * (y + ny * z)]) solid.push([x, y, z]);
    for (let z = 0, i = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++, i++) {
          if (!mask[i]) continue;
          let best = Infinity;
          for (const [a, b, c] of solid) best = Math.min(best, (x - a) ** 2 + (y - b) ** 2 + (z - c) ** 2);
          rr[i] = best;
          pp[i] = Math.fround(1 / Math.sqrt(best));
        }
      }
    }
    const cover = coverTypedArray(rr, pp, v.shape);
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) expect(cover[i]).toBe(Infinity);
      else expect(cover[i]! * lt[i]!).toBeCloseTo(1, 6);
    }
  });

  it('ball radius² is the integer bound of |v − c|² < R²', () => {
    expect(ballRadiusSq(3)).toBe(9);
    expect(ballRadiusSq(Math.sqrt(10))).toBe(10);
    expect(ballRadiusSq(3.01)).toBe(10);
    expect(ballRadiusSq(0)).toBe(0);
  });
});

describe('backends agree on a whole filling run', () => {
  it(`cpu, webasm and webgpu kernels and the TypedArray path give identical fields${vulkanSkipNote()}`, async () => {
    const v = overlappingSpheres([14, 14, 14], new Rng(11), { voxelSize: 1e-6, solidFraction: 0.55, rMin: 1.5, rMax: 3, cbdShell: 1 });
    for (const mode of ['imbibition', 'drainage'] as const) {
      const params = mode === 'drainage' ? { mode, contactAngle: { am: 130, cbd: 110 } } : { mode, contactAngle: { am: 20, cbd: 55 } };
      const ref = await fillQuasiStatic(v, params, { rng: new Rng(1), compute: computes[0]! }, { coverPath: 'typed-array' });
      expect(ref.saturation).toBeGreaterThan(0.2);
      for (const compute of computes) {
        const r = await fillQuasiStatic(v, params, { rng: new Rng(1), compute }, { coverPath: 'kernel' });
        expect(r.coverRanOn).toBe(compute.backend);
        expect(Array.from(r.fillPressure)).toEqual(Array.from(ref.fillPressure));
        expect(Array.from(r.phase)).toEqual(Array.from(ref.phase));
        expect(r.pcCurve).toEqual(ref.pcCurve);
      }
    }
  });
});
