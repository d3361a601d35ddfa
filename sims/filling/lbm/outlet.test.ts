import { hasWebGpuDriver, vulkanSkipNote } from '../../../test/helpers/vulkan.ts';
import { describe, expect, it } from 'vitest';
import { createCompute } from '../../../src/gpu/backend.ts';
import { requestNodeWebGpuDevice } from '../../../src/gpu/webgpu-device.ts';
import { Rng } from '../../../src/random/rng.ts';
import { createVolume, LABEL } from '../../../src/volume/volume.ts';
import type { LbmSolver } from './solver.ts';
import { createLbmSolver } from './solver.ts';
import { prepareFilling } from './setup.ts';
import type { PreparedFilling } from './setup.ts';
import { collideAndStream, computeMoments, equilibriumAtRest, outletDensities } from './typed-array-engine.ts';
import { createWasmLbmSolver } from './wasm-engine.ts';
import { createWebGpuLbmSolver } from './webgpu-engine.ts';

/**
 * The filling set-up of prepareFilling (dry gas, electrolyte saturated with gas, pressure outlet
 * with the inward composition capped at saturated vapour) is the same model in every engine: each
 * engine's moments after 150 steps equal the reference step's, with the outlet taking a
 * composition different from outletRho (the case where the rule matters).
 */

const hasVulkan = hasWebGpuDriver();

const STEPS = 150;

/** 15×13×16 voxels of random AM spheres with a CBD shell: wetting solid reaching the outlet face. */
async function prepared(lateral: 'wall' | 'periodic'): Promise<PreparedFilling> {
  const [nx, ny, nz] = [15, 13, 16];
  const volume = createVolume([nx, ny, nz], 0.5e-6);
  const rng = new Rng(9);
  for (let k = 0; k < 14; k++) {
    const c = [rng.range(0, nx), rng.range(0, ny), rng.range(0, nz)];
    const r = rng.range(1.5, 3);
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          const d = Math.hypot(x - c[0]!, y - c[1]!, z - c[2]!);
          const v = x + nx * (y + ny * z);
          if (d <= r) volume.labels[v] = LABEL.am;
          else if (d <= r + 1 && volume.labels[v] === LABEL.pore) volume.labels[v] = LABEL.cbd;
        }
      }
    }
  }
  return prepareFilling(volume, { contactAngle: { am: 20, cbd: 40 }, lateral, lattice: { reservoirLayers: 4 } });
}

function reference(p: PreparedFilling): Float32Array {
  const { domain } = p.lattice;
  const n = domain.node.length;
  let f = equilibriumAtRest(p.rho1, p.rho2, domain.node);
  let g = new Float32Array(f.length) as typeof f;
  const mac = new Float32Array(5 * n);
  for (let s = 0; s < STEPS; s++) {
    computeMoments(f, domain.node, mac);
    collideAndStream({ domain, periodicZ: false }, p.physics, f, mac, g);
    [f, g] = [g, f];
  }
  computeMoments(f, domain.node, mac);
  return mac;
}

async function run(solver: LbmSolver): Promise<Float32Array> {
  try {
    await solver.step(STEPS);
    return await solver.moments();
  } finally {
    solver.destroy();
  }
}

function maxDiff(a: Float32Array, b: Float32Array, n: number): number {
  let d = 0;
  for (let i = 0; i < 2 * n; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('pressure outlet with the inward composition, in every engine', () => {
  it('outletDensities keeps the outlet pressure, copies the inward composition and caps it at the vapour', () => {
    const phys = { g: 3, tau1: 1, tau2: 0.55, tauOdd: 1, inletRho: [1.037, 0.0485] as const, outletRho: [0.0485, 1.037] as const };
    const p = (r1: number, r2: number): number => r1 + r2 + 3 * r1 * r2;
    const [a, b] = outletDensities(phys, 0.01, 1.1);
    expect(p(a, b)).toBeCloseTo(p(0.0485, 1.037), 12);
    expect(a / b).toBeCloseTo(0.01 / 1.1, 12);
    const [c, d] = outletDensities(phys, 0.9, 0.1);
    expect(c / d).toBeCloseTo(0.0485 / 1.037, 12);
    expect(p(c, d)).toBeCloseTo(p(0.0485, 1.037), 12);
  });

  for (const lateral of ['wall', 'periodic'] as const) {
    it(`${lateral} sides: TypedArray, wasm, gpu.js cpu kernels and WGSL equal the reference step after ${STEPS} steps${vulkanSkipNote()}`, async () => {
      const p = await prepared(lateral);
      const { domain } = p.lattice;
      const n = domain.node.length;
      const ref = reference(p);
      // The outlet really takes a composition other than outletRho: the gas next to it is dry.
      const outletPlane = (domain.nz - 1) * domain.nx * domain.ny;
      const inward = outletPlane - domain.nx * domain.ny;
      let dry = 0;
      for (let i = inward; i < outletPlane; i++) if (domain.node[i] === 0 && ref[i]! < 0.5 * p.cal.rhoLo) dry++;
      expect(dry).toBeGreaterThan(0);
      const options = { domain, physics: p.physics, rho1: p.rho1, rho2: p.rho2 };
      expect(maxDiff(await run(createLbmSolver({ ...options, engine: 'typed-array' })), ref, n)).toBeLessThan(1e-5);
      expect(maxDiff(await run(await createWasmLbmSolver(options, 1)), ref, n)).toBeLessThan(1e-4);
      const compute = await createCompute({ backend: 'cpu' });
      try {
        expect(maxDiff(await run(createLbmSolver({ ...options, engine: 'kernels', compute })), ref, n)).toBeLessThan(1e-4);
      } finally {
        compute.destroy();
      }
      if (hasVulkan) {
        const d = await requestNodeWebGpuDevice();
        if (d.device) {
          try {
            expect(maxDiff(await run(await createWebGpuLbmSolver(options, d.device)), ref, n)).toBeLessThan(1e-4);
          } finally {
            d.device.destroy();
          }
        } else console.warn(`outlet.test.ts: no WebGPU device: ${d.why}`);
      }
    }, 120_000);
  }
});
