import type { Shape } from '../../../src/volume/volume.ts';
import { floodFill } from '../../../src/voxel/flood.ts';
import { faceMask, oppositeFace } from './faces.ts';
import { VOXEL_STATE, type InvasionInput } from './invasion-types.ts';

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

export interface InvasionStart {
  /** VOXEL_STATE per voxel: gas, isolated (closed porosity), conduit or conduitReached, solid. */
  state: Uint8Array;
  poreVoxels: number;
  inletMask: Uint8Array;
  /** Where gas leaves: the outlet face, or the inlet face when there is no outlet. */
  escapeMask: Uint8Array;
  /** The face whose first filled voxel is breakthrough. */
  farMask: Uint8Array;
  scratch: FloodScratch;
}

/**
 * The state both invasion models start from, before any level: pore is gas, gas with no way out
 * (closed porosity) is isolated, and conduit joined to the inlet already carries the invader.
 */
export function startInvasion(input: InvasionInput): InvasionStart {
  const { shape, pore, inlet, outlet, conduit } = input;
  const n = shape[0] * shape[1] * shape[2];
  const S = VOXEL_STATE;
  const state = new Uint8Array(n);
  let poreVoxels = 0;
  for (let i = 0; i < n; i++) {
    if (pore[i]) {
      state[i] = S.gas;
      poreVoxels++;
    } else if (conduit?.[i]) state[i] = S.conduit;
  }
  const inletMask = faceMask(shape, inlet);
  const escapeMask = outlet === 'none' ? inletMask : faceMask(shape, outlet);
  const farMask = outlet === 'none' ? faceMask(shape, oppositeFace(inlet)) : escapeMask;
  const scratch = floodScratch(n);
  const escapable = escapableGas(state, inletMask, escapeMask, shape, scratch);
  for (let i = 0; i < n; i++) if (state[i] === S.gas && !escapable[i]) state[i] = S.isolated;
  reachConduitFromInlet(state, inletMask, shape, scratch);
  return { state, poreVoxels, inletMask, escapeMask, farMask, scratch };
}
