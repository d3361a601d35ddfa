import type { Shape } from '../../../src/volume/volume.ts';
import type { Face } from './faces.ts';

/** Input of the quasi-static invasion (see invasion.ts for the model). */
export interface InvasionInput {
  shape: Shape;
  /** 1 on pore voxels. */
  pore: Uint8Array;
  /** Order key per voxel (read on pore voxels only); NaN or +Infinity: never open. */
  key: Float32Array;
  /** Level keys in increasing order. */
  levels: Float64Array;
  inlet: Face;
  outlet: Face | 'none';
  /** Non-pore voxels the invader may cross (optional). */
  conduit?: Uint8Array;
  signal?: AbortSignal;
  /** Called after each level's flood; `reached` counts voxels the invader reached so far, before trapping is decided (some may turn out trapped). */
  onLevel?: (level: number, reached: number) => void;
}

export const VOXEL_STATE = { solid: 0, gas: 1, filled: 2, trapped: 3, isolated: 4, conduit: 5, conduitReached: 6 } as const;

export interface InvasionResult {
  /** Level index at which each voxel filled; −1 if never. */
  fillLevel: Int32Array;
  /** Final state per voxel (VOXEL_STATE). */
  state: Uint8Array;
  /** Filled voxels after each level. */
  filledAfter: Float64Array;
  /** First level at which the invader holds a voxel on the far face (outlet, or the face opposite the inlet when closed); −1 if never. */
  breakthroughLevel: number;
  poreVoxels: number;
}

