/** Types of mg-kernels.mjs (plain JavaScript so that the worker thread needs no TypeScript loader). */
export interface KernelOperator {
  ga: Float32Array;
  gb: Float32Array;
  /** Also the reservoir faces, on the padding plane before the grid and on the last plane. */
  gl: Float32Array;
  signedInvDiag: Float32Array;
  /** Strides of the padded layout: along b, and along L (one plane). */
  a: number;
  plane: number;
}

/** Storage of the preconditioner's fields and CG's d and A·d (float32), and of x and r (float64). */
export type Real = Float32Array | Float64Array;

export interface KernelLevel {
  g: KernelOperator;
  even: Int32Array;
  odd: Int32Array;
  parentEven: Int32Array;
  parentOdd: Int32Array;
  /** Right-hand side: CG's residual (float64) on the finest level, float32 below. */
  r: Real;
  z: Float32Array;
  cf: Real;
  ce: Float32Array;
  x: Float64Array;
  d: Float32Array;
  /** On the finest level, the same array as z (mg-pcg.ts). */
  ad: Float32Array;
}

export declare const OP: Readonly<{
  applyAD: 1;
  updateXRPreSmooth: 2;
  preSmooth: 3;
  smoothOdd: 4;
  residualRestrict: 5;
  prolongEven: 6;
  prolongSmoothOdd: 7;
  smoothEvenDot: 8;
  updateD: 9;
  release: 10;
}>;
export type OpCode = (typeof OP)[keyof typeof OP];

type List = Int32Array;
export declare function applyA(g: KernelOperator, v: Real, out: Real, list: List, k0: number, k1: number): number;
export declare function residualFromInlet(g: KernelOperator, v: Real, inlet: Float32Array, pad: number, out: Real, list: List, k0: number, k1: number): void;
export declare function gsHalf(g: KernelOperator, e: Real, f: Real, list: List, k0: number, k1: number): void;
export declare function jacobiFromZero(g: KernelOperator, e: Real, f: Real, list: List, k0: number, k1: number): void;
export declare function zero(e: Real, list: List, k0: number, k1: number): void;
export declare function residualRestrict(g: KernelOperator, e: Real, f: Real, list: List, parent: Int32Array, coarse: Real, k0: number, k1: number): void;
export declare function prolong(coarse: Real, list: List, parent: Int32Array, fine: Real, scale: number, k0: number, k1: number): void;
export declare function updateXRStartZ(x: Float64Array, r: Real, d: Real, ad: Real, alpha: number, z: Real, sd: Float32Array, jacobi: boolean, list: List, k0: number, k1: number): void;
export declare function dot(u: Real, v: Real, list: List, k0: number, k1: number): number;
export declare function updateD(d: Real, z: Real, beta: number, list: List, k0: number, k1: number): void;
export declare function runOp(op: OpCode, L: KernelLevel, s: Float64Array, e0: number, e1: number, o0: number, o1: number): number;
