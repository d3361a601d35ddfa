/// <reference types="@webgpu/types" />
import { hasWebGpuDriver, vulkanSkipNote } from '../../../test/helpers/vulkan.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { requestNodeWebGpuDevice } from '../../../src/gpu/webgpu-device.ts';
import { Rng } from '../../../src/random/rng.ts';
import { createVolume, LABEL } from '../../../src/volume/volume.ts';
import { sideWallMirror, uniformDomain } from './domain.ts';
import type { LatticeDomain, LatticePhysics } from './domain.ts';
import { saturatedStart } from './saturated-start.ts';
import { NODE, Q } from './lattice.ts';
import { createLbmSolver } from './solver.ts';
import { createWebGpuLbmSolver, planLayout } from './webgpu-engine.ts';
import { maxRelativeDifference, paintLattice } from './test-domains.ts';

/**
 * The WGSL engine against the fast TypedArray engine (createLbmSolver 'typed-array'), on
 * SwiftShader where there is no GPU (vitest.config.ts sets MESOLAB_SWIFTSHADER=1). Where there is
 * no Vulkan loader at all the WebGPU cases are skipped, with the reason printed.
 */
const hasVulkan = hasWebGpuDriver();

interface Setup {
  domain: LatticeDomain;
  physics: LatticePhysics;
  rho1: Float32Array;
  rho2: Float32Array;
  periodicZ?: boolean;
}

/**
 * A 21×18 random-sphere electrode, 12 layers thick, built by buildFillingLattice with walls (given
 * mirrored side-wall nodes here), inlet and outlet planes, 3 reservoir layers and wetting adhesion on
 * the solid (θ ≈ 30°): nx = 23 is no power of two.
 */
function porous(): Setup {
  const v = createVolume([21, 18, 12], 1e-6);
  const rng = new Rng(3);
  for (let s = 0; s < 14; s++) {
    const r = rng.range(1.5, 3.5);
    const c = [rng.range(0, 21), rng.range(0, 18), rng.range(0, 12)];
    for (let z = 0; z < 12; z++) {
      for (let y = 0; y < 18; y++) {
        for (let x = 0; x < 21; x++) if ((x - c[0]!) ** 2 + (y - c[1]!) ** 2 + (z - c[2]!) ** 2 <= r * r) v.labels[x + 21 * (y + 18 * z)] = LABEL.am;
      }
    }
  }
  const setup = saturatedStart(v, { reservoir: 3, inletRho1: 1.06 });
  // The filling lattice no longer mirrors its side walls (geometry.ts); the engines still support
  // mirrored walls (LatticeDomain.mirror), so this case keeps that path covered.
  setup.domain.mirror = sideWallMirror(setup.domain.nx, setup.domain.ny, setup.domain.nz, 1);
  return setup;
}

/** A drop of radius 5 in gas, periodic in x, y and z (no solid at all), 20×18×16. */
function drop(): Setup {
  const [nx, ny, nz] = [20, 18, 16];
  // Off-centre, so a velocity field develops and the periodic wraps are crossed.
  const { node, rho1, rho2 } = paintLattice(nx, ny, nz, (x, y, z) => ({ liquid: (x - 8.3) ** 2 + (y - 9) ** 2 + (z - 7.6) ** 2 <= 25 }));
  return { domain: uniformDomain(nx, ny, nz, node, 0), physics: { g: 3, tau1: 1, tau2: 0.6, tauOdd: 1, inletRho: [0, 0], outletRho: [0, 0] }, rho1, rho2, periodicZ: true };
}

/** A closed 14×12×12 box: solid on every face (z included), two fluid layers, one wetting solid block. */
function closedBox(): Setup {
  const [nx, ny, nz] = [14, 12, 12];
  const { node, rho1, rho2 } = paintLattice(nx, ny, nz, (x, y, z) => {
    const wall = x === 0 || y === 0 || z === 0 || x === nx - 1 || y === ny - 1 || z === nz - 1;
    const block = x >= 5 && x < 8 && y >= 4 && y < 7 && z >= 6 && z < 9;
    return wall || block ? { solid: true } : { liquid: z < 5 };
  });
  return { domain: uniformDomain(nx, ny, nz, node, -0.2), physics: { g: 3, tau1: 1, tau2: 0.55, tauOdd: 1, inletRho: [0, 0], outletRho: [0, 0] }, rho1, rho2 };
}

/**
 * Float tolerance: the WGSL engine computes in FP32, the TypedArray engine in FP64 (both store FP32),
 * so they drift apart by rounding, ~1e-8 per step; the largest difference relative to the largest
 * value, distributions and moments alike, measured 3.7e-6 (porous) and 2.7e-6 (drop) after 200 steps,
 * 4.8e-6 and 4.3e-6 after 300; 2e-5 allowed.
 */
const TOLERANCE = 2e-5;
const STEPS = 200;

describe.skipIf(!hasVulkan)(`WGSL lattice-Boltzmann engine on WebGPU (SwiftShader without a GPU)${vulkanSkipNote()}`, () => {
  let device: GPUDevice | undefined;
  let why = '';
  const getDevice = async (): Promise<GPUDevice | undefined> => {
    if (device || why) return device;
    const d = await requestNodeWebGpuDevice();
    if (d.device) device = d.device;
    else {
      why = d.why;
      console.warn(`webgpu-engine.test.ts: no WebGPU device: ${why}`);
    }
    return device;
  };
  afterAll(() => device?.destroy());

  async function compare(setup: Setup, steps = STEPS, maxBindingBytes?: number): Promise<{ dF: number; dM: number }> {
    const dev = await getDevice();
    expect(dev, `a WebGPU device (${why})`).toBeDefined();
    const cpu = createLbmSolver({ ...setup, engine: 'typed-array' });
    const gpu = await createWebGpuLbmSolver({ ...setup, ...(maxBindingBytes ? { maxBindingBytes } : {}) }, dev!);
    try {
      // Step counts across submits and odd/even A-B parity.
      await cpu.step(steps);
      await gpu.step(1);
      await gpu.step(steps - 1);
      expect(gpu.stepsDone()).toBe(steps);
      const dF = maxRelativeDifference(await cpu.distributions(), await gpu.distributions());
      const dM = maxRelativeDifference(await cpu.moments(), await gpu.moments());
      return { dF, dM };
    } finally {
      gpu.destroy();
    }
  }

  it(`equals the TypedArray engine after ${STEPS} steps on a porous walled electrode with inlet, outlet and wetting`, async () => {
    const setup = porous();
    expect(setup.domain.nx % 2).toBe(1);
    expect(setup.domain.mirror?.some((m) => m >= 0)).toBe(true);
    const { dF, dM } = await compare(setup);
    console.info(`porous ${setup.domain.nx}×${setup.domain.ny}×${setup.domain.nz}: max relative difference, distributions ${dF.toExponential(2)}, moments ${dM.toExponential(2)}`);
    expect(dF).toBeLessThan(TOLERANCE);
    expect(dM).toBeLessThan(TOLERANCE);
  });

  it('equals it with the distributions split over more bindings (the layout of lattices beyond one binding per component)', async () => {
    const setup = porous();
    // 10 directions per binding: parts of 10 + 9 directions per component, as a 256³ lattice gets on
    // SwiftShader's 1 GiB bindings.
    const { dF, dM } = await compare(setup, 60, 10 * 4 * setup.domain.node.length);
    expect(dF).toBeLessThan(TOLERANCE);
    expect(dM).toBeLessThan(TOLERANCE);
  });

  it(`equals the TypedArray engine after ${STEPS} steps on a periodic drop`, async () => {
    const setup = drop();
    const { dF, dM } = await compare(setup);
    console.info(`drop: max relative difference, distributions ${dF.toExponential(2)}, moments ${dM.toExponential(2)}`);
    expect(dF).toBeLessThan(TOLERANCE);
    expect(dM).toBeLessThan(TOLERANCE);
  });

  it('conserves the mass of each component in a closed box', async () => {
    const dev = await getDevice();
    expect(dev, `a WebGPU device (${why})`).toBeDefined();
    const setup = closedBox();
    const n = setup.domain.node.length;
    const gpu = await createWebGpuLbmSolver(setup, dev!);
    const mass = (m: Float32Array, k: number): number => {
      let s = 0;
      for (let i = 0; i < n; i++) s += m[k * n + i]!;
      return s;
    };
    try {
      const m0 = await gpu.moments();
      await gpu.step(STEPS);
      const m1 = await gpu.moments();
      for (const k of [0, 1]) {
        const drift = Math.abs(mass(m1, k) - mass(m0, k)) / mass(m0, k);
        console.info(`closed box component ${k + 1}: relative mass change over ${STEPS} steps ${drift.toExponential(2)}`);
        // FP32 rounding only (each collision conserves mass exactly in exact arithmetic; measured 7e-8 and 3.8e-7 over 200 steps).
        expect(drift).toBeLessThan(3e-6);
      }
      // And it did something: the interface moved off its start.
      expect(maxRelativeDifference(m0, m1)).toBeGreaterThan(1e-3);
    } finally {
      gpu.destroy();
    }
  });
});

describe('WGSL engine buffer layout', () => {
  it('keeps one binding per component when it fits, and splits directions (u32-indexable parts) when it does not', () => {
    const big = { maxStorageBufferBindingSize: 2 ** 32 - 1, maxBufferSize: 2 ** 40, maxStorageBuffersPerShaderStage: 16 };
    // 256³ electrode with walls and 4 reservoir layers: 258 × 258 × 266 nodes, 1.35 GB per component.
    const l256 = planLayout(258 * 258 * 266, big);
    expect(l256.parts).toBe(2);
    // On 1 GiB bindings (SwiftShader's) 15 directions fit: two parts per component, 9 storage
    // bindings in the collide kernel (fields + 4 in + 4 out), within WebGPU-typical limits of 10.
    expect(planLayout(258 * 258 * 266, { ...big, maxStorageBufferBindingSize: 2 ** 30, maxStorageBuffersPerShaderStage: 10 }).parts).toBe(4);
    // 512³: 10.5 GB per component → 3 parts of ≤ 7 directions each.
    const n512 = 514 * 514 * 522;
    const l512 = planLayout(n512, big);
    expect(l512.parts).toBe(6);
    for (let kq = 0; kq < 2 * Q; kq++) expect((l512.slotOf[kq]! + 1) * n512 * 4).toBeLessThanOrEqual(2 ** 32);
    expect(() => planLayout(n512, { ...big, maxStorageBuffersPerShaderStage: 10 })).toThrow(/storage buffers/);
    expect(() => planLayout(2 ** 30, big)).toThrow(/nodes/);
  });
});
