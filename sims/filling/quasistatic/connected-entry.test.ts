import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/random/rng.ts';
import type { Shape } from '../../../src/volume/volume.ts';
import { faceMask } from '../common/faces.ts';
import { connectedEntryPressure } from './connected-entry.ts';

/** Minimax path values by plain relaxation until nothing changes (Bellman–Ford style). */
function relaxed(entry: Float64Array, pore: Uint8Array, inlet: Uint8Array, shape: Shape): Float64Array {
  const [nx, ny, nz] = shape;
  const n = entry.length;
  const v = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) if (pore[i] && inlet[i]) v[i] = entry[i]!;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < n; i++) {
      if (!pore[i]) continue;
      const x = i % nx;
      const y = Math.floor(i / nx) % ny;
      const z = Math.floor(i / (nx * ny));
      const nbs = [x > 0 ? i - 1 : -1, x < nx - 1 ? i + 1 : -1, y > 0 ? i - nx : -1, y < ny - 1 ? i + nx : -1, z > 0 ? i - nx * ny : -1, z < nz - 1 ? i + nx * ny : -1];
      for (const j of nbs) {
        if (j < 0 || !pore[j]) continue;
        const cand = Math.max(v[j]!, entry[i]!);
        if (cand < v[i]!) {
          v[i] = cand;
          changed = true;
        }
      }
    }
  }
  return v;
}

describe('connected entry pressure (drainage minimax flood)', () => {
  it('equals plain relaxation on random grids', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const rng = new Rng(seed);
      const shape: Shape = [9, 8, 10];
      const n = 720;
      const pore = new Uint8Array(n);
      const entry = new Float64Array(n).fill(Infinity);
      for (let i = 0; i < n; i++) {
        if (rng.uniform() < 0.6) {
          pore[i] = 1;
          entry[i] = rng.integer(0, 20) * 125.5;
        }
      }
      const inlet = faceMask(shape, seed % 2 ? 'z-' : 'x+');
      expect(Array.from(connectedEntryPressure(entry, pore, inlet, shape))).toEqual(Array.from(relaxed(entry, pore, inlet, shape)));
    }
  });

  it('a wide tube behind a narrow throat enters at the throat pressure', () => {
    // 1 × 1 × 5 chain: entries 10, 50 (throat), 5, 5, 5.
    const shape: Shape = [1, 1, 5];
    const entry = Float64Array.from([10, 50, 5, 5, 5]);
    const out = connectedEntryPressure(entry, new Uint8Array(5).fill(1), faceMask(shape, 'z-'), shape);
    expect(Array.from(out)).toEqual([10, 50, 50, 50, 50]);
  });
});
