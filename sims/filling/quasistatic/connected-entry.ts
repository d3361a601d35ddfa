import type { Shape } from '../../../src/volume/volume.ts';
import { faceNeighbours } from '../common/faces.ts';

/**
 * Drainage connectivity (Hilpert & Miller 2001): a ball centre c is reached at pressure P when a
 * path of centres from the inlet has entry pressure ≤ P all along. The lowest such P is the
 * minimax path value:
 *
 *   connected[c] = min over inlet paths to c of max over the path of entry[·]
 *
 * Entry pressures take few distinct values (one per distinct distance and contact angle), so a
 * bucket queue over their ranks does this in O(N + distinct values), with no heap: buckets are
 * visited in increasing order and a neighbour always lands in the current bucket or a later one.
 * Plain TypedArray code: the flood is serial by nature (each settled voxel decides the next).
 */
export function connectedEntryPressure(entry: Float64Array, pore: Uint8Array, inletMask: Uint8Array, shape: Shape): Float64Array {
  const [nx, ny, nz] = shape;
  const n = entry.length;
  const out = new Float64Array(n).fill(Infinity);

  const values: number[] = [];
  for (let i = 0; i < n; i++) if (pore[i] && entry[i]! < Infinity) values.push(entry[i]!);
  const distinct = Float64Array.from(new Set(values)).sort();
  const rankOf = new Map<number, number>();
  distinct.forEach((v, r) => rankOf.set(v, r));
  const U = distinct.length;
  const NONE = 0x7fffffff;
  const rank = new Int32Array(n).fill(NONE);
  for (let i = 0; i < n; i++) if (pore[i] && entry[i]! < Infinity) rank[i] = rankOf.get(entry[i]!)!;

  // best[i]: lowest bucket i has been queued in; done[i]: settled.
  const best = new Int32Array(n).fill(NONE);
  const done = new Uint8Array(n);
  const nbr = new Int32Array(6);
  const buckets: number[][] = Array.from({ length: U }, () => []);
  for (let i = 0; i < n; i++) {
    if (inletMask[i] && rank[i]! !== NONE) {
      best[i] = rank[i]!;
      buckets[rank[i]!]!.push(i);
    }
  }
  for (let b = 0; b < U; b++) {
    const stack = buckets[b]!;
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (done[i] || best[i]! !== b) continue;
      done[i] = 1;
      out[i] = distinct[b]!;
      faceNeighbours(i, nx, ny, nz, nbr);
      for (let k = 0; k < 6; k++) {
        const j = nbr[k]!;
        if (j < 0 || done[j] || rank[j]! === NONE) continue;
        const nb = Math.max(b, rank[j]!);
        if (nb < best[j]!) {
          best[j] = nb;
          buckets[nb]!.push(j);
        }
      }
    }
    buckets[b] = [];
  }
  return out;
}
