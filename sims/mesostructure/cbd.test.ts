import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute } from '../../src/gpu/backend.ts';
import type { Compute } from '../../src/gpu/backend.ts';
import { LABEL } from '../../src/volume/volume.ts';
import { voxelize } from './voxelize.ts';
import type { Spheroids } from './voxelize.ts';
import { placeCbd, selectKth } from './cbd.ts';
import type { CbdMorphology } from './cbd.ts';

const shape = [32, 32, 32] as const;

function spheres(list: [number, number, number, number][]): Spheroids {
  const f = (k: number): Float64Array => Float64Array.from(list.map((s) => s[k]!));
  return { x: f(0), y: f(1), z: f(2), a: f(3), c: f(3) };
}

let compute: Compute;
beforeAll(async () => {
  compute = await createCompute({ backend: 'cpu' });
});
afterAll(() => compute.destroy());

async function withCbd(p: Spheroids, morphology: CbdMorphology, target: number): Promise<Uint8Array> {
  const { solid } = await voxelize(p, shape, compute);
  expect(placeCbd(solid, p, shape, morphology, target)).toBe(target);
  return solid;
}

function centres(labels: Uint8Array, label: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== label) continue;
    const x = i % 32;
    const y = Math.floor(i / 32) % 32;
    const z = Math.floor(i / 1024);
    out.push([x + 0.5, y + 0.5, z + 0.5]);
  }
  return out;
}

describe('CBD placement', () => {
  it('film: a uniform shell around a sphere, exactly the target count', async () => {
    // Shell 2 voxels thick around r = 8: 4/3·π·(10³ − 8³) ≈ 2044 voxels.
    const target = Math.round((4 / 3) * Math.PI * (1000 - 512));
    const labels = await withCbd(spheres([[16, 16, 16, 8]]), 'film', target);
    const dist = (c: [number, number, number]): number => Math.hypot(c[0] - 16, c[1] - 16, c[2] - 16) - 8;
    const cbd = centres(labels, LABEL.cbd).map(dist);
    expect(cbd.length).toBe(target);
    expect(Math.max(...cbd)).toBeLessThan(2.6);
    expect(Math.min(...cbd)).toBeGreaterThan(0);
    // No pore voxel is closer to the surface than the farthest CBD voxel, up to the equal-score ties.
    const pore = centres(labels, LABEL.pore).map(dist);
    expect(Math.min(...pore)).toBeGreaterThanOrEqual(Math.max(...cbd) - 1e-12);
  });

  it('bridge: binder gathers at the contact of two touching spheres, film spreads over them', async () => {
    const pair = spheres([
      [10, 16, 16, 6],
      [22, 16, 16, 6],
    ]);
    const target = 120;
    const bridge = centres(await withCbd(pair, 'bridge', target), LABEL.cbd);
    const film = centres(await withCbd(pair, 'film', target), LABEL.cbd);
    const fromContact = (c: [number, number, number]): number => Math.hypot(c[0] - 16, c[1] - 16, c[2] - 16);
    // The neck ring of 120 voxels stays within 6 voxels of the contact point...
    expect(Math.max(...bridge.map(fromContact))).toBeLessThan(6);
    // ...and is centred on it (the grid is symmetric about x = y = z = 16).
    for (let k = 0; k < 3; k++) {
      const mean = bridge.reduce((s, c) => s + c[k]!, 0) / bridge.length;
      expect(Math.abs(mean - 16)).toBeLessThan(0.3);
    }
    // A film of the same volume coats the spheres far from the contact.
    expect(Math.max(...film.map(fromContact))).toBeGreaterThan(10);
  });

  it('selectKth finds order statistics', () => {
    const a = Float64Array.from([5, 3, 9, 1, 1, 7, 3, 8]);
    const sorted = [...a].sort((x, y) => x - y);
    for (let k = 0; k < a.length; k++) expect(selectKth(Float64Array.from(a), k)).toBe(sorted[k]);
  });
});
