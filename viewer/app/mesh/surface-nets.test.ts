import { describe, expect, it } from 'vitest';
import { surfaceNets } from './surface-nets.ts';
import type { PhaseMesh } from './surface-nets.ts';

/** Volume enclosed by a closed, outward-wound triangle mesh (divergence theorem). */
function enclosedVolume(m: PhaseMesh): number {
  let v = 0;
  const p = m.positions;
  for (let t = 0; t < m.indices.length; t += 3) {
    const [a, b, c] = [3 * m.indices[t]!, 3 * m.indices[t + 1]!, 3 * m.indices[t + 2]!];
    v += p[a]! * (p[b + 1]! * p[c + 2]! - p[b + 2]! * p[c + 1]!) - p[a + 1]! * (p[b]! * p[c + 2]! - p[b + 2]! * p[c]!) + p[a + 2]! * (p[b]! * p[c + 1]! - p[b + 1]! * p[c]!);
  }
  return v / 6;
}

/** Every directed edge appears once and its reverse once: closed and consistently wound. Returns V - E + F. */
function eulerOfClosedMesh(m: PhaseMesh): number {
  const directed = new Map<string, number>();
  for (let t = 0; t < m.indices.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const key = `${m.indices[t + k]}>${m.indices[t + ((k + 1) % 3)]}`;
      directed.set(key, (directed.get(key) ?? 0) + 1);
    }
  }
  for (const [key, count] of directed) {
    expect(count).toBe(1);
    const [a, b] = key.split('>');
    expect(directed.get(`${b}>${a}`)).toBe(1);
  }
  return m.positions.length / 3 - directed.size / 2 + m.indices.length / 3;
}

describe('surface nets', () => {
  it('a single voxel becomes a closed cube of edge 1/3 centred on it', () => {
    const labels = new Uint8Array(27);
    labels[13] = 1; // voxel (1,1,1) of a 3³ volume
    const m = surfaceNets(labels, [3, 3, 3], 1);
    expect(m.positions.length / 3).toBe(8);
    expect(m.indices.length / 3).toBe(12);
    for (const v of m.positions) expect([4 / 3, 5 / 3].some((w) => Math.abs(v - w) < 1e-6)).toBe(true);
    expect(enclosedVolume(m)).toBeCloseTo(1 / 27, 6);
    expect(eulerOfClosedMesh(m)).toBe(2);
  });

  it('a ball of radius 6 voxels: closed, genus 0, volume within 4 % of 4/3 π r³', () => {
    const n = 16;
    const r = 6;
    const labels = new Uint8Array(n * n * n);
    for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
      if ((x + 0.5 - n / 2) ** 2 + (y + 0.5 - n / 2) ** 2 + (z + 0.5 - n / 2) ** 2 <= r * r) labels[x + n * (y + n * z)] = 2;
    }
    let calls = 0;
    const m = surfaceNets(labels, [n, n, n], 2, () => calls++);
    expect(calls).toBe(2 * (n + 1));
    expect(eulerOfClosedMesh(m)).toBe(2);
    const exact = (4 / 3) * Math.PI * r ** 3;
    expect(Math.abs(enclosedVolume(m) - exact) / exact).toBeLessThan(0.04);
    // Normals point outwards: away from the centre.
    for (let i = 0; i < m.positions.length; i += 3) {
      const d = [m.positions[i]! - n / 2, m.positions[i + 1]! - n / 2, m.positions[i + 2]! - n / 2];
      expect(d[0]! * m.normals[i]! + d[1]! * m.normals[i + 1]! + d[2]! * m.normals[i + 2]!).toBeGreaterThan(0);
    }
  });

  it('a phase filling the whole box is closed at the box faces (outside counts as not the phase)', () => {
    const m = surfaceNets(new Uint8Array(4 * 3 * 5).fill(1), [4, 3, 5], 1);
    expect(eulerOfClosedMesh(m)).toBe(2);
    const xs = Array.from(m.positions.filter((_, i) => i % 3 === 0));
    expect(Math.min(...xs)).toBeCloseTo(0, 6);
    expect(Math.max(...xs)).toBeCloseTo(4, 6);
    // The faces sit on the box; the 12 edges are chamfered, each unit of edge losing the triangle
    // (0,0)-(0,1)-(¼,¼)-(1,0) of area ¼: 60 − ¼ × 48 = 48, with the corners giving a little back.
    expect(enclosedVolume(m)).toBeGreaterThan(48);
    expect(enclosedVolume(m)).toBeLessThan(51);
    expect(surfaceNets(new Uint8Array(8), [2, 2, 2], 1).indices.length).toBe(0);
  });
});
