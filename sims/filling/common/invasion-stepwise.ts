import { VOXEL_STATE, type InvasionInput, type InvasionResult } from './invasion-types.ts';
import { throwIfAborted } from '../../../src/errors.ts';
import { faceNeighbours } from './faces.ts';
import { escapableGas, startInvasion } from './invasion-start.ts';

/**
 * Reference implementation of `invade` (invasion.ts), written straight from the model's
 * definition: after every level it re-labels all gas to find what was cut off, O(levels × N).
 * Tests hold the fast version equal to it.
 */
export function invadeStepwise(input: InvasionInput): InvasionResult {
  const { shape, pore, key, levels, signal } = input;
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  const S = VOXEL_STATE;
  const { state, poreVoxels, inletMask, escapeMask, farMask, scratch } = startInvasion(input);

  // Voxels sorted by key, so each level opens only its new voxels.
  const order = openOrder(pore, key);
  let next = 0;

  const fillLevel = new Int32Array(n).fill(-1);
  const queue = scratch.queue;
  const filledAfter = new Float64Array(levels.length);
  let filled = 0;
  let breakthroughLevel = -1;

  let head = 0;
  let tail = 0;

  for (let l = 0; l < levels.length; l++) {
    throwIfAborted(signal);
    const level = levels[l]!;
    head = 0;
    tail = 0;
    let filledNow = 0;
    // A gas voxel is filled as it enters the queue, so it enters once.
    const fill = (i: number): void => {
      state[i] = S.filled;
      fillLevel[i] = l;
      filledNow++;
      if (breakthroughLevel < 0 && farMask[i]) breakthroughLevel = l;
      queue[tail++] = i;
    };
    while (next < order.length && key[order[next]!]! <= level) {
      const i = order[next++]!;
      if (state[i] !== S.gas) continue;
      if (inletMask[i] || touchesInvader(i, state, nx, ny, nz)) fill(i);
    }
    while (head < tail) {
      const i = queue[head++]!;
      forNeighbours(i, nx, ny, nz, (j) => {
        const sj = state[j]!;
        if (sj === S.gas && key[j]! <= level) fill(j);
        else if (sj === S.conduit) {
          state[j] = S.conduitReached;
          queue[tail++] = j;
        }
      });
    }
    filled += filledNow;
    if (filledNow > 0) {
      const canEscape = escapableGas(state, inletMask, escapeMask, shape, scratch);
      for (let i = 0; i < n; i++) {
        if (state[i] === S.gas && !canEscape[i]) {
          state[i] = S.trapped;
        }
      }
    }
    filledAfter[l] = filled;
    input.onLevel?.(l, filled);
  }
  return { fillLevel, state, filledAfter, breakthroughLevel, poreVoxels };
}

function touchesInvader(i: number, state: Uint8Array, nx: number, ny: number, nz: number): boolean {
  let hit = false;
  forNeighbours(i, nx, ny, nz, (j) => {
    const s = state[j];
    if (s === VOXEL_STATE.filled || s === VOXEL_STATE.conduitReached) hit = true;
  });
  return hit;
}

// Shared by the calls below, which never nest (no visitor calls forNeighbours).
const NBR = new Int32Array(6);

function forNeighbours(i: number, nx: number, ny: number, nz: number, visit: (j: number) => void): void {
  faceNeighbours(i, nx, ny, nz, NBR);
  for (let k = 0; k < 6; k++) if (NBR[k]! >= 0) visit(NBR[k]!);
}

/** Pore voxels with a finite key, in increasing key order. */
function openOrder(pore: Uint8Array, key: Float32Array): Uint32Array {
  let count = 0;
  for (let i = 0; i < pore.length; i++) if (pore[i] && key[i]! < Infinity) count++;
  const out = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < pore.length; i++) if (pore[i] && key[i]! < Infinity) out[k++] = i;
  out.sort((a, b) => key[a]! - key[b]! || a - b);
  return out;
}
