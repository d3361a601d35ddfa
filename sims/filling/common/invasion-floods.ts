import type { Shape } from '../../../src/volume/volume.ts';
import { floodFill } from '../../../src/voxel/flood.ts';
import { VOXEL_STATE } from './invasion-types.ts';

/** Voxel-sized working arrays for the floods below, reused across calls (the stepwise model floods every level). */
export interface FloodScratch {
  mask: Uint8Array;
  seeds: Uint8Array;
  mark: Uint8Array;
  queue: Int32Array;
}

export function floodScratch(n: number, queue: Int32Array = new Int32Array(n)): FloodScratch {
  return { mask: new Uint8Array(n), seeds: new Uint8Array(n), mark: new Uint8Array(n), queue };
}

/**
 * Marks (1 in the returned array, `scratch.mark`) the gas voxels joined through gas to an escape:
 * a gas voxel on the outlet face or still on the inlet face.
 */
export function escapableGas(state: Uint8Array, inletMask: Uint8Array, escapeMask: Uint8Array, shape: Shape, scratch: FloodScratch): Uint8Array {
  const { mask, seeds } = scratch;
  const gas = VOXEL_STATE.gas;
  for (let i = 0; i < state.length; i++) {
    mask[i] = state[i] === gas ? 1 : 0;
    seeds[i] = escapeMask[i] || inletMask[i] ? 1 : 0;
  }
  return floodFill(mask, shape, seeds, { out: scratch.mark, queue: scratch.queue });
}

/** Conduit voxels joined to the inlet face through conduit carry the invader from the start: they become `conduitReached`. */
export function reachConduitFromInlet(state: Uint8Array, inletMask: Uint8Array, shape: Shape, scratch: FloodScratch): void {
  const { mask } = scratch;
  const conduit = VOXEL_STATE.conduit;
  for (let i = 0; i < state.length; i++) mask[i] = state[i] === conduit ? 1 : 0;
  const reached = floodFill(mask, shape, inletMask, { out: scratch.mark, queue: scratch.queue });
  for (let i = 0; i < state.length; i++) if (reached[i]) state[i] = VOXEL_STATE.conduitReached;
}
