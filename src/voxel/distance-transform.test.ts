import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.ts';
import type { Shape } from '../volume/volume.ts';
import { distanceTransform, squaredDistanceTransform } from './distance-transform.ts';
import { localThickness } from './local-thickness.ts';

function randomMask(shape: Shape, rng: Rng, pForeground: number): Uint8Array {
  const m = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < m.length; i++) m[i] = rng.uniform() < pForeground ? 1 : 0;
  return m;
}

function coords(shape: Shape, i: number): [number, number, number] {
  const [nx, ny] = shape;
  return [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
}

function delta(a: number, b: number, len: number, periodic: boolean): number {
  const d = Math.abs(a - b);
  return periodic ? Math.min(d, len - d) : d;
}

function bruteSquared(mask: Uint8Array, shape: Shape, periodic: [boolean, boolean, boolean]): Float64Array {
  const out = new Float64Array(mask.length);
  const bg: number[] = [];
  for (let i = 0; i < mask.length; i++) if (!mask[i]) bg.push(i);
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const [x, y, z] = coords(shape, i);
    let best = Infinity;
    for (const j of bg) {
      const [a, b, c] = coords(shape, j);
      const dx = delta(x, a, shape[0], periodic[0]);
      const dy = delta(y, b, shape[1], periodic[1]);
      const dz = delta(z, c, shape[2], periodic[2]);
      best = Math.min(best, dx * dx + dy * dy + dz * dz);
    }
    out[i] = best;
  }
  return out;
}

/** Hildebrand–Rüegsegger by definition: max EDT(c) over all centres c whose ball holds p. */
function bruteLocalThickness(mask: Uint8Array, shape: Shape): Float32Array {
  const sq = bruteSquared(mask, shape, [false, false, false]);
  const out = new Float32Array(mask.length);
  for (let c = 0; c < mask.length; c++) {
    if (!mask[c]) continue;
    const [cx, cy, cz] = coords(shape, c);
    for (let p = 0; p < mask.length; p++) {
      const [x, y, z] = coords(shape, p);
      const d2 = (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2;
      if (d2 < sq[c]!) out[p] = Math.max(out[p]!, Math.sqrt(sq[c]!));
    }
  }
  return out;
}

describe('exact Euclidean distance transform', () => {
  const cases: { shape: Shape; p: number; periodic: [boolean, boolean, boolean] }[] = [
    { shape: [9, 7, 5], p: 0.7, periodic: [false, false, false] },
    { shape: [12, 11, 10], p: 0.9, periodic: [false, false, false] },
    { shape: [10, 8, 6], p: 0.95, periodic: [true, false, true] },
    { shape: [7, 9, 8], p: 0.97, periodic: [true, true, true] },
    { shape: [16, 1, 1], p: 0.8, periodic: [false, false, false] },
  ];
  for (const [k, c] of cases.entries()) {
    it(`equals brute force exactly on random ${c.shape.join('×')} (p=${c.p}, periodic ${c.periodic.join(',')})`, () => {
      const rng = Rng.stream(42, k);
      for (let trial = 0; trial < 3; trial++) {
        const mask = randomMask(c.shape, rng, c.p);
        const fast = squaredDistanceTransform(mask, c.shape, { periodic: c.periodic });
        const brute = bruteSquared(mask, c.shape, c.periodic);
        expect(Array.from(fast)).toEqual(Array.from(brute));
        const dist = distanceTransform(mask, c.shape, { periodic: c.periodic });
        for (let i = 0; i < mask.length; i++) expect(dist[i]).toBeCloseTo(Math.sqrt(brute[i]!), 5);
      }
    });
  }

  it('gives Infinity when there is no background and 0 on background', () => {
    const shape: Shape = [4, 4, 4];
    expect(Array.from(distanceTransform(new Uint8Array(64).fill(1), shape)).every((v) => v === Infinity)).toBe(true);
    expect(Array.from(distanceTransform(new Uint8Array(64), shape)).every((v) => v === 0)).toBe(true);
  });
});

describe('local thickness', () => {
  it('equals the brute-force Hildebrand–Rüegsegger definition on random volumes', () => {
    const rng = Rng.stream(7, 0);
    for (const [shape, p] of [
      [[10, 9, 8], 0.85],
      [[12, 12, 6], 0.93],
    ] as [Shape, number][]) {
      const mask = randomMask(shape, rng, p);
      const fast = localThickness(mask, shape);
      const brute = bruteLocalThickness(mask, shape);
      for (let i = 0; i < mask.length; i++) expect(fast[i]).toBeCloseTo(brute[i]!, 5);
    }
  });

  it('gives a slab of thickness 2h + 1 the radius h + 1 everywhere inside it', () => {
    const shape: Shape = [20, 20, 21];
    const mask = new Uint8Array(20 * 20 * 21);
    // Solid slab z in [5, 15] (11 voxels thick); background elsewhere.
    for (let z = 5; z <= 15; z++) for (let i = 0; i < 400; i++) mask[i + 400 * z] = 1;
    const lt = localThickness(mask, shape, { periodic: [true, true, false] });
    for (let z = 5; z <= 15; z++) for (let i = 0; i < 400; i++) expect(lt[i + 400 * z]).toBe(6);
    expect(lt[0]).toBe(0);
  });
});
