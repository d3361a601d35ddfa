import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCompute, kernelBackend, parseBackend, probeBackends } from './backend.ts';
import { hasVulkanLoader } from './vulkan.ts';

/** 7-point Laplacian stencil on a flat 3D grid with clamped borders: a typical mesolab kernel shape. */
function stencil(this: { thread: { x: number }; constants: { nx: number; ny: number; nz: number } }, a: number[]): number {
  const nx = this.constants.nx;
  const ny = this.constants.ny;
  const nz = this.constants.nz;
  const i = this.thread.x;
  const x = i % nx;
  const y = Math.floor(i / nx) % ny;
  const z = Math.floor(i / (nx * ny));
  const xm = x > 0 ? i - 1 : i;
  const xp = x < nx - 1 ? i + 1 : i;
  const ym = y > 0 ? i - nx : i;
  const yp = y < ny - 1 ? i + nx : i;
  const zm = z > 0 ? i - nx * ny : i;
  const zp = z < nz - 1 ? i + nx * ny : i;
  return a[xm]! + a[xp]! + a[ym]! + a[yp]! + a[zm]! + a[zp]! - 6 * a[i]!;
}

function reference(a: Float32Array, nx: number, ny: number, nz: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const v = (xx: number, yy: number, zz: number): number => a[xx + nx * (yy + ny * zz)]!;
        out[i] =
          v(Math.max(x - 1, 0), y, z) + v(Math.min(x + 1, nx - 1), y, z) +
          v(x, Math.max(y - 1, 0), z) + v(x, Math.min(y + 1, ny - 1), z) +
          v(x, y, Math.max(z - 1, 0)) + v(x, y, Math.min(z + 1, nz - 1)) - 6 * a[i]!;
      }
  return out;
}

describe('compute backends', () => {
  it('runs the same stencil kernel on every available backend with the same result', async () => {
    const [nx, ny, nz] = [12, 10, 8];
    const a = new Float32Array(nx * ny * nz);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37) * 3 + (i % 7);
    const ref = reference(a, nx, ny, nz);
    const probes = await probeBackends();
    const available = probes.filter((p) => p.available).map((p) => p.backend);
    expect(available).toContain('cpu');
    expect(available).toContain('webasm');
    // CI has Chromium's SwiftShader Vulkan driver: webgpu must run there, so a broken webgpu path fails here.
    if (process.env.MESOLAB_SWIFTSHADER === '1' && existsSync('/usr/lib/chromium/vk_swiftshader_icd.json') && hasVulkanLoader()) {
      expect(available).toContain('webgpu');
    }
    for (const name of available) {
      const compute = await createCompute({ backend: name });
      const k = compute.gpu.createKernel(stencil, { output: [a.length], constants: { nx, ny, nz } });
      const out = Float32Array.from((await k(a)) as ArrayLike<number>);
      expect(kernelBackend(k)).toBe(name);
      let maxErr = 0;
      for (let i = 0; i < out.length; i++) maxErr = Math.max(maxErr, Math.abs(out[i]! - ref[i]!));
      expect(maxErr, `backend ${name}`).toBeLessThan(1e-5);
      compute.destroy();
    }
  });

  it('reports the backend that ran, and refuses an unknown backend name', async () => {
    const c = await createCompute({ backend: 'cpu' });
    expect(c.backend).toBe('cpu');
    c.destroy();
    expect(() => parseBackend('cuda')).toThrow(/--backend: got "cuda", expected one of auto, webgpu, webgl2, webasm, cpu/);
  });

  it('fails clearly when a backend that cannot run here is forced', async () => {
    await expect(createCompute({ backend: 'webgl2' })).rejects.toThrow(/WebGL2 exists only in a browser/);
  });
});
