import { afterAll, describe, expect, it } from 'vitest';
import { createCompute } from '../../../src/gpu/backend.ts';
import type { Compute } from '../../../src/gpu/backend.ts';
import { adhesionField, sideWallMirror } from './domain.ts';
import type { LatticeDomain, LatticePhysics } from './domain.ts';
import { NODE } from './lattice.ts';
import { createLbmSolver } from './solver.ts';
import { createThreadedLbmSolver, MIN_THREADED_NODES, slabBounds } from './threaded-engine.ts';
import { fillLbm } from './fill.ts';
import { Rng } from '../../../src/random/rng.ts';
import { createVolume, LABEL } from '../../../src/volume/volume.ts';
import type { Volume } from '../../../src/volume/volume.ts';
import { collideAndStream, computeMoments, equilibriumAtRest } from './typed-array-engine.ts';
import { maxRelativeDifference, paintLattice } from './test-domains.ts';

/**
 * An nx×ny×nz lattice with inlet/outlet planes, mirrored neutral side walls all around, a
 * pseudo-random solid skeleton (about 40%) with wetting adhesion, and a liquid layer near the
 * inlet: every branch of the step (fluid, solid bounce-back, mirrored wall densities, corners
 * included, inlet/outlet equilibria, adhesion) is exercised.
 */
function lattice(nx: number, ny: number, nz: number): { domain: LatticeDomain; physics: LatticePhysics; rho1: Float32Array; rho2: Float32Array } {
  const { node, strength, rho1, rho2 } = paintLattice(nx, ny, nz, (x, y, z) => {
    if (x === 0 || y === 0 || x === nx - 1 || y === ny - 1) return { solid: true };
    if (z > 2 && z < nz - 3 && (x * 7 + y * 13 + z * 5) % 11 < 4) return { solid: true, adhesion: -0.25 };
    return { kind: z === 0 ? NODE.inlet : z === nz - 1 ? NODE.outlet : NODE.fluid, liquid: z < 3 + ((x + y) % 2) };
  });
  return {
    domain: { nx, ny, nz, node, adhesion: adhesionField(nx, ny, nz, strength), mirror: sideWallMirror(nx, ny, nz, 1) },
    physics: { g: 3, tau1: 1, tau2: 0.6, tauOdd: 1, inletRho: [1.037, 0.049], outletRho: [0.049, 1.037] },
    rho1,
    rho2,
  };
}

const computes: Compute[] = [];
afterAll(() => computes.forEach((c) => c.destroy()));

describe('fast TypedArray engine', () => {
  it('matches the plain reference step (typed-array-engine.ts) within 1e-6 over 100 steps', async () => {
    const setup = lattice(12, 10, 14);
    const { domain, physics } = setup;
    let f: Float32Array = equilibriumAtRest(setup.rho1, setup.rho2, domain.node);
    let g: Float32Array = f.slice();
    const mac = new Float32Array(5 * domain.node.length);
    for (let s = 0; s < 100; s++) {
      computeMoments(f, domain.node, mac);
      collideAndStream({ domain, periodicZ: false }, physics, f, mac, g);
      [f, g] = [g, f];
    }
    const solver = createLbmSolver({ ...setup, engine: 'typed-array' });
    await solver.step(100);
    const fast = await solver.distributions();
    // Same formulas in float64 with float32 storage, summed in another order: a few float32 ulps.
    expect(maxRelativeDifference(f, fast)).toBeLessThan(1e-6);
    const m = await solver.moments();
    computeMoments(f, domain.node, mac);
    expect(maxRelativeDifference(mac, m)).toBeLessThan(1e-6);
  });
});

describe('multi-threaded TypedArray engine', () => {
  it('gives bitwise the same distributions as one thread, across odd and even step counts', async () => {
    const setup = lattice(16, 12, 20);
    const single = createLbmSolver({ ...setup, engine: 'typed-array' });
    const threaded = await createThreadedLbmSolver(setup, 2);
    try {
      for (const steps of [7, 30]) {
        await single.step(steps);
        await threaded.step(steps);
        const a = await single.distributions();
        const b = await threaded.distributions();
        let differing = 0;
        for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differing++;
        expect(differing).toBe(0);
        expect(maxRelativeDifference(await single.moments(), await threaded.moments())).toBe(0);
      }
      expect(threaded.stepsDone()).toBe(37);
    } finally {
      threaded.destroy();
    }
  });

  it('splits z into slabs with about equal fluid work', () => {
    const node = new Uint8Array(4 * 10);
    node.fill(NODE.solid, 0, 4 * 6); // layers 0–5 solid: the fluid work is all in layers 6–9
    expect(slabBounds(node, 2, 2, 10, 2)).toEqual([0, 8, 10]);
    expect(slabBounds(new Uint8Array(40), 2, 2, 10, 2)).toEqual([0, 5, 10]);
  });
});

describe('kernels beyond the old 2^24-distribution cap', () => {
  it('webasm kernels on 72×72×86 nodes (16.9 M distributions > 2^24) match the TypedArray engine', async () => {
    const compute = await createCompute({ backend: 'webasm' });
    computes.push(compute);
    const setup = lattice(72, 72, 86);
    expect(2 * 19 * setup.domain.node.length).toBeGreaterThan(2 ** 24);
    const reference = createLbmSolver({ ...setup, engine: 'typed-array' });
    const kernels = createLbmSolver({ ...setup, engine: 'kernels', compute });
    await reference.step(2);
    await kernels.step(2);
    expect(maxRelativeDifference(await reference.distributions(), await kernels.distributions())).toBeLessThan(2e-6);
    kernels.destroy();
  });
});

describe('fillLbm on a lattice large enough for the worker threads', () => {
  /** nx×ny tiles of an 8×8 active-material cell pierced by one 4×4 pore along z, 12 voxels thick. */
  function tiledChannels(tiles: number): Volume {
    const side = 8 * tiles;
    const v = createVolume([side, side, 12], 1e-6);
    v.labels.fill(LABEL.am);
    for (let z = 0; z < 12; z++) {
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) if (x % 8 >= 2 && x % 8 < 6 && y % 8 >= 2 && y % 8 < 6) v.labels[x + side * (y + side * z)] = LABEL.pore;
      }
    }
    return v;
  }

  it('gives the saturation curve of one periodic cell for 5×5 periodic tiles (35,200 nodes, threaded on ≥ 2 cores)', async () => {
    expect(MIN_THREADED_NODES).toBeLessThanOrEqual(40 * 40 * 22);
    const params = { contactAngle: { am: 30 }, lateral: 'periodic' as const, steps: 200, lattice: { diagnosticsEvery: 50 } };
    const ctx = { rng: new Rng(1), compute: await createCompute({ backend: 'cpu' }) };
    computes.push(ctx.compute);
    const one = await fillLbm(tiledChannels(1), params, ctx);
    const tiled = await fillLbm(tiledChannels(5), params, ctx);
    expect(tiled.parameters.lattice.shape).toEqual([40, 40, 22]);
    expect(tiled.curve.map((p) => p.step)).toEqual(one.curve.map((p) => p.step));
    expect(tiled.curve[tiled.curve.length - 1]!.saturation).toBeGreaterThan(0.2);
    // Identical cells: the curves agree up to float32 rounding of the saturation sums.
    for (let k = 0; k < one.curve.length; k++) expect(Math.abs(tiled.curve[k]!.saturation - one.curve[k]!.saturation)).toBeLessThan(1e-5);
  });
});
