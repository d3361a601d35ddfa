import { throwIfAborted } from '../../../src/errors.ts';
import { faceNeighbours } from './faces.ts';
import { VOXEL_STATE, type InvasionInput, type InvasionResult } from './invasion-types.ts';
import { invadeStepwise } from './invasion-stepwise.ts';
import { startInvasion } from './invasion-start.ts';
import { findRoot } from '../../../src/voxel/union-find.ts';

export { VOXEL_STATE, type InvasionInput, type InvasionResult } from './invasion-types.ts';

/**
 * Quasi-static invasion with inlet connectivity and gas trapping, shared by the morphological
 * models. The morphology has already given every pore voxel an order key: the voxel is open to the
 * invader at level L when key ≤ L (drainage: key = entry pressure; imbibition: key = −pressure).
 * At each level, in order:
 *  1. the invader floods, from the inlet face and from what it already holds, through open gas
 *     voxels (and through conduit voxels, e.g. a wetted porous binder, which it crosses but which
 *     are not pore space);
 *  2. gas that can no longer reach an escape is trapped for good. Gas escapes through gas voxels
 *     on the outlet face and through gas voxels still on the inlet face (it bubbles back out into
 *     the reservoir until the invader covers that part of the face); with no outlet, the inlet
 *     face is the only way out.
 * Gas with no way out before anything moved (closed porosity) is not counted as trapped but as
 * unreached, like every gas voxel the invader never got to.
 *
 * Computed in two O(N) passes instead of re-labelling the gas at every level:
 *  - the flood runs first as if nothing were trapped. Trapping cannot change what else fills: a
 *    voxel the invader could reach only through a trapped cluster was gas joined to that cluster
 *    when it was cut off, so it is trapped too;
 *  - trapping is then found backwards in time with union-find (as in OpenPNM's trapping): the gas
 *    left after level k is every voxel filling later; adding voxels from the last level back
 *    merges clusters, and "has an escape" can only switch on as clusters grow, so a voxel due to
 *    fill at level s is trapped exactly when its cluster in the gas after level s − 1 has no escape.
 * `invadeStepwise` (invasion-stepwise.ts) does it the direct way; tests keep the two equal.
 * The first argument fails with a conduit (the invader could cross a cluster that is later
 * trapped, enter the conduit and reach gas elsewhere that still has a way out), so runs with a
 * conduit use the direct way.
 *
 * Plain TypedArray code: flood fills and union-find are serial chains of dependent reads that a
 * data-parallel kernel would need one pass per voxel of path length to reproduce.
 */
export function invade(input: InvasionInput): InvasionResult {
  if (input.conduit?.some((c) => c !== 0)) return invadeStepwise(input);
  return invadeTwoPass(input);
}

export function invadeTwoPass(input: InvasionInput): InvasionResult {
  const { shape, key, levels, signal } = input;
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  const L = levels.length;
  const S = VOXEL_STATE;
  const { state, poreVoxels, inletMask, escapeMask, farMask, scratch } = startInvasion(input);
  const queue = scratch.queue;
  const nbr = new Int32Array(6);

  // The level at which each pore voxel opens, and the voxels bucketed by it (counting sort).
  const openLevel = new Int32Array(n).fill(L);
  const bucketStart = new Int32Array(L + 1);
  for (let i = 0; i < n; i++) {
    if (state[i] !== S.gas) continue;
    const l = lowerBound(levels, key[i]!);
    openLevel[i] = l;
    if (l < L) bucketStart[l + 1]!++;
  }
  for (let l = 0; l < L; l++) bucketStart[l + 1]! += bucketStart[l]!;
  const bucket = new Int32Array(bucketStart[L]!);
  const cursor = bucketStart.slice(0, L);
  for (let i = 0; i < n; i++) if (state[i] === S.gas && openLevel[i]! < L) bucket[cursor[openLevel[i]!]!++] = i;

  let head = 0;
  let tail = 0;

  // Pass 1: the flood, as if nothing were trapped.
  const fillLevel = new Int32Array(n).fill(-1);
  let floodCount = 0;
  for (let l = 0; l < L; l++) {
    throwIfAborted(signal);
    head = 0;
    tail = 0;
    // A gas voxel is filled as it enters the queue, so it enters once.
    const fill = (i: number): void => {
      state[i] = S.filled;
      fillLevel[i] = l;
      queue[tail++] = i;
      floodCount++;
    };
    for (let b = bucketStart[l]!; b < bucketStart[l + 1]!; b++) {
      const i = bucket[b]!;
      if (state[i] === S.gas && (inletMask[i] || touchesInvader(i, state, nx, ny, nz, nbr))) fill(i);
    }
    while (head < tail) {
      const i = queue[head++]!;
      faceNeighbours(i, nx, ny, nz, nbr);
      for (let k = 0; k < 6; k++) {
        const j = nbr[k]!;
        if (j < 0) continue;
        const sj = state[j]!;
        if (sj === S.gas && openLevel[j]! <= l) fill(j);
        else if (sj === S.conduit) {
          state[j] = S.conduitReached;
          queue[tail++] = j;
        }
      }
    }
    input.onLevel?.(l, floodCount);
  }

  // Pass 2: trapping, backwards in time. Never-filled gas sorts after the last level.
  const time = new Int32Array(n).fill(-1);
  const byTimeStart = new Int32Array(L + 2);
  for (let i = 0; i < n; i++) {
    const s = state[i]!;
    if (s === S.filled) time[i] = fillLevel[i]!;
    else if (s === S.gas) time[i] = L;
    else continue;
    byTimeStart[time[i]! + 1]!++;
  }
  for (let t = 0; t <= L; t++) byTimeStart[t + 1]! += byTimeStart[t]!;
  const byTime = new Int32Array(byTimeStart[L + 1]!);
  const at = byTimeStart.slice(0, L + 1);
  for (let i = 0; i < n; i++) if (time[i]! >= 0) byTime[at[time[i]!]!++] = i;

  const parent = new Int32Array(n).fill(-1);
  const escape = new Uint8Array(n);
  const union = (a: number, b: number): void => {
    const ra = findRoot(parent, a);
    const rb = findRoot(parent, b);
    if (ra === rb) return;
    parent[rb] = ra;
    if (escape[rb]) escape[ra] = 1;
  };
  for (let t = L; t >= 0; t--) {
    throwIfAborted(signal);
    const from = byTimeStart[t]!;
    const to = byTimeStart[t + 1]!;
    for (let b = from; b < to; b++) {
      const i = byTime[b]!;
      parent[i] = i;
      if (escapeMask[i] || inletMask[i]) escape[i] = 1;
    }
    for (let b = from; b < to; b++) {
      const i = byTime[b]!;
      faceNeighbours(i, nx, ny, nz, nbr);
      for (let k = 0; k < 6; k++) {
        const j = nbr[k]!;
        if (j >= 0 && parent[j]! >= 0) union(i, j);
      }
    }
    // Gas after level t − 1 is every voxel with time ≥ t: exactly the sets merged so far.
    for (let b = from; b < to; b++) {
      const i = byTime[b]!;
      if (!escape[findRoot(parent, i)]) {
        state[i] = S.trapped;
        fillLevel[i] = -1;
      }
    }
  }

  const filledAfter = new Float64Array(L);
  let breakthroughLevel = -1;
  for (let i = 0; i < n; i++) {
    if (state[i] !== S.filled) continue;
    const l = fillLevel[i]!;
    filledAfter[l]!++;
    if (farMask[i] && (breakthroughLevel < 0 || l < breakthroughLevel)) breakthroughLevel = l;
  }
  for (let l = 1; l < L; l++) filledAfter[l]! += filledAfter[l - 1]!;
  return { fillLevel, state, filledAfter, breakthroughLevel, poreVoxels };
}

/** First index l with key ≤ levels[l] (levels ascending); levels.length if none. */
function lowerBound(levels: Float64Array, key: number): number {
  if (!(key <= levels[levels.length - 1]!)) return levels.length;
  let lo = 0;
  let hi = levels.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key <= levels[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function touchesInvader(i: number, state: Uint8Array, nx: number, ny: number, nz: number, nbr: Int32Array): boolean {
  faceNeighbours(i, nx, ny, nz, nbr);
  for (let k = 0; k < 6; k++) {
    const j = nbr[k]!;
    if (j < 0) continue;
    const s = state[j];
    if (s === VOXEL_STATE.filled || s === VOXEL_STATE.conduitReached) return true;
  }
  return false;
}
