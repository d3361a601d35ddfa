/** Types of fast-step.mjs (plain JavaScript so worker threads need no TypeScript loader). */
import type { LatticeDomain, LatticePhysics } from './domain.ts';

export interface StepPlan {
  nx: number;
  ny: number;
  nz: number;
  n: number;
  node: Uint8Array;
  adhesion: Float32Array;
  /** Inlet/outlet nodes in index order, and where each z layer starts in that list. */
  fixed: Int32Array;
  fixedStart: Int32Array;
  /** 1 on solid nodes, 0 elsewhere. */
  solid: Uint8Array;
  /** Mirrored side-wall nodes as (wall, source) pairs in z order, and where each z layer starts. */
  mirrorPairs: Int32Array;
  mirrorStart: Int32Array;
  periodicZ: number;
  g: number;
  op1: number;
  om1: number;
  op2: number;
  om2: number;
  in1: number;
  in2: number;
  out1: number;
  out2: number;
}

export interface StepScratch {
  nb: Int32Array;
  /** Inlet/outlet post-collision values, [(k*19 + q) * fixed.length + entry]. */
  fixedPost: Float32Array;
}

export function preparePlan(domain: LatticeDomain, physics: LatticePhysics, periodicZ: boolean): StepPlan;
export function createScratch(plan: StepPlan): StepScratch;
/** Writes the node-major layout f[node*38 + k*19 + q] that every function here reads and writes. */
export function restEquilibrium(rho1: Float32Array, rho2: Float32Array, node: Uint8Array, out: Float32Array): void;
/** Copies node-major distributions into the solver's public layout [(k*19 + q)*n + node]. */
export function toPublicLayout(f: Float32Array, n: number, out: Float32Array): void;
export function densitySlab(plan: StepPlan, f: Float32Array, rho: Float32Array, z0: number, z1: number): void;
export function collideSlab(plan: StepPlan, f: Float32Array, rho: Float32Array, g: Float32Array, scratch: StepScratch, z0: number, z1: number): void;
export function finishSlab(plan: StepPlan, g: Float32Array, rho: Float32Array, scratch: StepScratch, z0: number, z1: number): void;
export function fullMoments(plan: StepPlan, f: Float32Array, out: Float32Array): void;
