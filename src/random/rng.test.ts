import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';

describe('Rng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    const sb = Array.from({ length: 100 }, () => b.nextUint32());
    const sc = Array.from({ length: 100 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('is pinned to its stream (a change here would silently alter every saved volume and design)', () => {
    // Recorded from this implementation (xoshiro128**, splitmix-style seeding) on Node 20 x86-64;
    // every other platform must reproduce them bit for bit.
    const r = new Rng(12345);
    expect(Array.from({ length: 4 }, () => r.nextUint32())).toEqual([518667457, 440444462, 4232892992, 3757857622]);
    expect(new Rng(12345).uniform()).toBe(0.12076167838684437);
    expect(new Rng(1).normal()).toBe(0.8161680722567173);
  });

  it('uniform has mean 1/2 and variance 1/12 (n = 200k, 5 standard errors)', () => {
    const r = new Rng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(outside).toBe(0);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.001);
  });

  it('normal has mean 0, sd 1, and the right tail mass beyond 1.96 (≈ 5%)', () => {
    const r = new Rng(2);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let tail = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 1.959964) tail++;
    }
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(Math.sqrt(s2 / n) - 1)).toBeLessThan(0.01);
    expect(Math.abs(tail / n - 0.05)).toBeLessThan(0.003);
  });

  it('lognormal median matches the requested median', () => {
    const r = new Rng(3);
    const xs = Array.from({ length: 50_001 }, () => r.lognormal(10, 0.4)).sort((a, b) => a - b);
    expect(Math.abs(xs[25_000]! / 10 - 1)).toBeLessThan(0.01);
  });

  it('integer covers [lo, hi] uniformly', () => {
    const r = new Rng(4);
    const counts = new Array<number>(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[r.integer(3, 9) - 3]!++;
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(5 * Math.sqrt(n / 7));
    expect(() => r.integer(5, 4)).toThrow(/lo <= hi/);
  });

  it('shuffle is a permutation and is seeded', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = new Rng(5).shuffle([...items]);
    const b = new Rng(5).shuffle([...items]);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(a).not.toEqual(items);
  });

  it('stream(seed, k) gives independent reproducible generators per sample', () => {
    const a = Rng.stream(7, 0).uniform();
    const b = Rng.stream(7, 1).uniform();
    expect(Rng.stream(7, 0).uniform()).toBe(a);
    expect(a).not.toBe(b);
  });

  it('rejects seeds that are not 32-bit unsigned integers', () => {
    expect(() => new Rng(-1)).toThrow(/seed/);
    expect(() => new Rng(1.5)).toThrow(/seed/);
  });
});
