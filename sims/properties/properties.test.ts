import { afterAll, describe, expect, it } from 'vitest';
import { createVolume, LABEL } from '../../src/volume/volume.ts';
import { createCompute, type Compute } from '../../src/gpu/backend.ts';
import { Rng } from '../../src/random/rng.ts';
import { ConfigError } from '../../src/errors.ts';
import { parseWith } from '../../src/config/parse.ts';
import { computeProperties, PropertiesParamsSchema, propertiesModel } from './properties.ts';
import { overlappingSpheres, threePhaseSpheres } from '../../src/voxel/test-geometries.ts';
import { SolveWorkspace } from './workspace.ts';
import { FINEST_LEVEL_BYTES } from './diffusion-problem.ts';
import { sizeDistribution } from './size-distribution.ts';
import { hasWebGpuDriver, vulkanSkipNote } from '../../test/helpers/vulkan.ts';
import type { Progress } from '../../src/simulation.ts';
import { formatProgress } from '../../src/cli/sim-progress.ts';

let compute: Compute | undefined;
afterAll(() => compute?.destroy());
async function ctx() {
  compute ??= await createCompute({ backend: 'cpu' });
  return { rng: new Rng(0), compute };
}

describe('computeProperties on three layers (pore | AM | CBD along z, 10 voxels each)', () => {
  const shape = [16, 16, 30] as const;
  const voxel = 0.5e-6;
  const v = createVolume([...shape], voxel);
  for (let i = 0; i < v.labels.length; i++) {
    const z = Math.floor(i / 256);
    v.labels[i] = z < 10 ? LABEL.pore : z < 20 ? LABEL.am : LABEL.cbd;
  }
  const params = parseWith(PropertiesParamsSchema, { tol: 1e-6, cbdElectronicRelative: 0.5 });

  it('fractions, planar interface areas, connectivity, tortuosity, conductivities and sizes', async () => {
    const r = await computeProperties(v, params, await ctx());
    expect(r.fractions.pore).toBeCloseTo(1 / 3, 12);
    expect(r.fractions.am).toBeCloseTo(1 / 3, 12);
    // Each interface is a plane spanning the (nx−1)(ny−1) cells between voxel centres.
    const plane = (15 * 15) / (v.labels.length * voxel);
    expect(r.surfaceArea.am_pore / plane).toBeCloseTo(1, 6);
    expect(r.surfaceArea.am_cbd / plane).toBeCloseTo(1, 6);
    expect(r.surfaceArea.cbd_pore).toBeLessThan(1e-6 * plane);
    // Pore touches z = 0 only; all phases span x and y.
    expect(r.connectivity.pore.z).toEqual({ connected: 0, deadEnd: 1, isolated: 0 });
    expect(r.connectivity.pore.x).toEqual({ connected: 1, deadEnd: 0, isolated: 0 });
    expect(r.connectivity.solid.z).toEqual({ connected: 0, deadEnd: 1, isolated: 0 });
    // Across the layers nothing conducts: AM blocks ions, pore blocks electrons.
    for (const phase of ['pore', 'electrolyte', 'solid'] as const) {
      expect(r.tortuosity[phase]?.z?.tau).toBe(Infinity);
      expect(r.tortuosity[phase]?.z?.percolating).toBe(false);
    }
    // Along the layers τ = 1; D_eff is the volume average of D (CBD ionic: Bruggeman 0.5^1.5).
    const cbdIonic = 0.5 ** 1.5;
    expect(r.conductivities.ionic).toEqual([1, 0, cbdIonic]);
    expect(Math.abs(r.tortuosity.electrolyte!.x!.tau - 1)).toBeLessThan(1e-6);
    expect(r.effectiveConductivity.ionic.x!).toBeCloseTo((1 + cbdIonic) / 3, 6);
    expect(r.effectiveConductivity.electronic.y!).toBeCloseTo((1 + 0.5) / 3, 6);
    expect(r.effectiveConductivity.electronic.z).toBe(0);
    // Local thickness: the pore slab is bounded by AM only (the box face is not a wall), so its
    // balls reach radius 10 (diameter 20 voxels = 10 µm); the AM slab between two walls: 10 voxels.
    // In metres, as every length of the result (voxelSize too).
    expect(r.voxelSize).toBe(v.voxelSize);
    for (const [stats, d] of [[r.poreSize!, 10e-6], [r.particleSize!, 5e-6]] as const) {
      for (const v of [stats.d10, stats.d50, stats.d90, stats.mean]) expect(Math.abs(v - d) / d).toBeLessThan(1e-12);
    }
    expect(r.converged).toBe(true);
    expect(JSON.parse(JSON.stringify(r)).surfaceArea).toEqual(r.surfaceArea);
  });
});

describe('interface areas with a CBD film one voxel thick', () => {
  it('sees both faces of the film from the thick phases (the blur erases the film itself)', async () => {
    // Pore z < 10, CBD film at z = 10, AM z > 10: am–cbd and cbd–pore are planes, am–pore is 0.
    const v = createVolume([16, 16, 21], 1e-6);
    for (let i = 0; i < v.labels.length; i++) {
      const z = Math.floor(i / 256);
      v.labels[i] = z < 10 ? LABEL.pore : z === 10 ? LABEL.cbd : LABEL.am;
    }
    const r = await computeProperties(v, parseWith(PropertiesParamsSchema, { axes: ['z'], phases: ['pore'], sizes: false }), await ctx());
    const plane = (15 * 15) / (v.labels.length * 1e-6);
    expect(Math.abs(r.surfaceArea.cbd_pore / plane - 1)).toBeLessThan(0.01);
    expect(Math.abs(r.surfaceArea.am_cbd / plane - 1)).toBeLessThan(0.01);
    expect(r.surfaceArea.am_pore / plane).toBeLessThan(0.01);
  });
});

describe('computeProperties on random spheres', () => {
  it('gives consistent fractions, connectivity and τ ≥ 1 along every axis', async () => {
    const v = overlappingSpheres([28, 28, 28], 3, { porosity: 0.45 });
    const r = await propertiesModel.run(parseWith(PropertiesParamsSchema, { phases: ['pore'] }), v, await ctx());
    expect(r.fractions.pore! + r.fractions.am! + r.fractions.cbd!).toBeCloseTo(1, 12);
    for (const axis of ['x', 'y', 'z'] as const) {
      const c = r.connectivity.pore[axis];
      expect(c.connected + c.deadEnd + c.isolated).toBeCloseTo(1, 12);
      const t = r.tortuosity.pore![axis]!;
      expect(t.converged).toBe(true);
      expect(t.tau).toBeGreaterThan(1);
      expect(t.tau).toBeLessThan(5);
    }
    expect(r.poreSize!.d10).toBeLessThanOrEqual(r.poreSize!.d50);
    expect(r.poreSize!.d50).toBeLessThanOrEqual(r.poreSize!.d90);
  });
});

describe('PropertiesParamsSchema', () => {
  it('fills defaults and rejects unknown fields and bad values by name', () => {
    const p = parseWith(PropertiesParamsSchema, {});
    expect(p.axes).toEqual(['x', 'y', 'z']);
    expect(p.tol).toBe(1e-4);
    expect(() => parseWith(PropertiesParamsSchema, { tolerance: 1 })).toThrow(ConfigError);
    expect(() => parseWith(PropertiesParamsSchema, { axes: ['w'] })).toThrow(/axes/);
    expect(() => parseWith(PropertiesParamsSchema, { cbdPorosity: 1.5 })).toThrow(/cbdPorosity/);
  });
});

describe('many solves in one run', () => {
  it('share one workspace: 3 axes × 3 sets hold no more than one solve (tracked bytes ≤ 80 per voxel), with the same τ as solves on their own', async () => {
    const v = threePhaseSpheres(32, 5);
    const n = v.labels.length;
    const c = await ctx();
    const all = new SolveWorkspace();
    const r = await computeProperties(v, parseWith(PropertiesParamsSchema, { tol: 1e-4, sizes: false }), c, { workspace: all });
    const one = new SolveWorkspace();
    const single = await computeProperties(v, parseWith(PropertiesParamsSchema, { tol: 1e-4, sizes: false, axes: ['z'], phases: ['solid'] }), c, { workspace: one });
    expect(single.tortuosity.solid!.z!.tau).toBe(r.tortuosity.solid!.z!.tau);
    // Nine solves, and the peak is within 5 % of one solve's: buffers are reused, not re-allocated.
    expect(all.peakBytes).toBeLessThanOrEqual(1.05 * one.peakBytes);
    expect(all.peakBytes / n).toBeLessThan(80);
    expect(all.peakBytes / n).toBeGreaterThan(40); // it does hold the solver's arrays (sanity of the accounting)
  });

  it('hold at most 54 bytes per voxel for 3 axes × 3 sets, every stage included (issue 15: ≤ 64 B/voxel), and leave no voxel-sized garbage of their own', async () => {
    const v = threePhaseSpheres(48, 5);
    const n = v.labels.length;
    const workspace = new SolveWorkspace();
    const base = process.memoryUsage().arrayBuffers;
    let seen = 0;
    const sample = (): void => void (seen = Math.max(seen, process.memoryUsage().arrayBuffers - base));
    const r = await computeProperties(v, parseWith(PropertiesParamsSchema, { tol: 1e-4 }), { ...(await ctx()), onProgress: sample }, { workspace });
    sample();
    expect(Object.values(r.tortuosity).flatMap((perAxis) => Object.keys(perAxis ?? {}))).toHaveLength(9);
    // 40 B per padded cell of finest-level arrays (x, r float64; d, z = A·d, ga, gb, gl, 1/diag
    // float32; 50 planes for 48), the active-cell and parent lists, the coarse levels: 51.6 at
    // 48³; 75.7 before the cuts (float64 d and A·d, rhs and reservoir arrays, A·d apart from z).
    expect(workspace.peakBytes / n).toBeLessThanOrEqual(54);
    expect(workspace.peakBytes / n).toBeGreaterThan((FINEST_LEVEL_BYTES * 50) / 48);
    // Every array buffer alive at any progress event or at the end, uncollected garbage included:
    // the surface-area, connectivity and size stages work in the workspace's buffers (their own
    // arrays, ~50 B/voxel in all, would show here until collected).
    expect(seen / n).toBeLessThanOrEqual(workspace.peakBytes / n + 8);
    expect(workspace.bytes).toBe(0);
    // The sizes computed in the lent buffers are those of fresh arrays, exactly.
    const pore = new Uint8Array(n);
    for (let i = 0; i < n; i++) pore[i] = v.labels[i] === LABEL.pore ? 1 : 0;
    expect(r.poreSize).toEqual(sizeDistribution(pore, v.shape, v.voxelSize));
  });

  it('reports progress over all solves, naming the set and axis of each, for an ETA', async () => {
    const v = threePhaseSpheres(24, 6);
    const events: Progress[] = [];
    await computeProperties(v, parseWith(PropertiesParamsSchema, { tol: 1e-4, sizes: false, axes: ['x', 'z'], phases: ['pore', 'solid'] }), { ...(await ctx()), onProgress: (p) => events.push(p) });
    const tau = events.filter((e) => e.stage === 'tortuosity' && e.total !== undefined);
    expect(tau.length).toBeGreaterThan(4);
    for (const e of tau) expect(e.total).toBe(4);
    for (let i = 1; i < tau.length; i++) expect(tau[i]!.done).toBeGreaterThanOrEqual(tau[i - 1]!.done);
    expect(tau[tau.length - 1]!.done).toBe(4);
    const seen = new Set(tau.map((e) => `${e.info?.set} ${e.info?.axis}`));
    expect([...seen].sort()).toEqual(['pore x', 'pore z', 'solid x', 'solid z']);
    // formatProgress turns it into a count, rate and ETA.
    const line = formatProgress(tau[Math.floor(tau.length / 2)]!, 2);
    expect(line).toMatch(/^tortuosity: [\d.]+\/4 solves, .*ETA \d+ s, set (pore|solid), axis [xz]/);
  });
});

describe.skipIf(!hasWebGpuDriver())(`many solves on the webgpu backend${vulkanSkipNote()}`, () => {
  it('computeProperties with its workspace runs webgpu-pcg (Dawn refuses shared host buffers) and agrees with the CPU to 1e-4 in τ', async () => {
    const v = threePhaseSpheres(24, 3);
    const p = parseWith(PropertiesParamsSchema, { axes: ['x', 'z'], phases: ['pore', 'solid'], sizes: false, tol: 1e-4 });
    const gpu = await computeProperties(v, p, { rng: new Rng(0), compute: await createCompute({ backend: 'webgpu' }) });
    const cpu = await computeProperties(v, p, await ctx());
    expect(gpu.backend).toMatch(/^webgpu \(WGSL Jacobi-PCG/);
    for (const [set, axis] of [['pore', 'x'], ['solid', 'z']] as const) {
      const a = gpu.tortuosity[set]![axis]!.tau;
      const b = cpu.tortuosity[set]![axis]!.tau;
      expect(Math.abs(a - b) / b).toBeLessThan(1e-4);
    }
  });
});
