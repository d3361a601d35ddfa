import type { GPU, IKernelFunctionThis, IKernelRunShortcut } from 'gpu.js';

/** Marks a voxel the liquid has not reached; kept finite because not every backend moves Infinity through textures. */
export const NOT_REACHED = 1e38;

interface GridConstants {
  nx: number;
  ny: number;
  nz: number;
  [key: string]: number;
}

/**
 * One step of a wetting-front cellular automaton: a gas-filled pore voxel that passes the capillary
 * gate and touches (by a face) liquid that arrived in an earlier step is filled at this step; the
 * z = 0 layer touches the separator reservoir. This is breadth-first capillary invasion from the
 * separator face, one voxel layer per step: it shows where the front goes and what it cannot reach,
 * not how fast (no viscosity, no pressure field, and no gas trapping).
 */
function wettingStep(this: IKernelFunctionThis<GridConstants>, gate: number[], arrival: number[], step: number): number {
  const i = this.thread.x;
  const a = arrival[i]!;
  if (a < 1e37) return a;
  if (gate[i]! < 0.5) return a;
  const nx = this.constants.nx;
  const ny = this.constants.ny;
  const nz = this.constants.nz;
  const nxy = nx * ny;
  // +0.5 keeps float division on the GPU from landing just below an exact multiple.
  const z = Math.floor((i + 0.5) / nxy);
  const r = i - z * nxy;
  const y = Math.floor((r + 0.5) / nx);
  const x = r - y * nx;
  if (z < 0.5) return step;
  let wet = 0;
  if (x > 0.5) {
    if (arrival[i - 1]! < step) wet = 1;
  }
  if (x < nx - 1.5) {
    if (arrival[i + 1]! < step) wet = 1;
  }
  if (y > 0.5) {
    if (arrival[i - nx]! < step) wet = 1;
  }
  if (y < ny - 1.5) {
    if (arrival[i + nx]! < step) wet = 1;
  }
  if (arrival[i - nxy]! < step) wet = 1;
  if (z < nz - 1.5) {
    if (arrival[i + nxy]! < step) wet = 1;
  }
  if (wet > 0.5) return step;
  return a;
}

/**
 * The capillary gate: a pore voxel can be invaded when at least `minOpen` of its 26 neighbours are
 * pore too, a crude stand-in for "the throat is wide enough for the applied pressure".
 */
export function capillaryGate(labels: Uint8Array, shape: readonly [number, number, number], minOpen: number): Float32Array {
  const [nx, ny, nz] = shape;
  const gate = new Float32Array(labels.length);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (labels[i] !== 0) continue;
        let open = 0;
        for (let dz = -1; dz <= 1; dz++) {
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              if (dx === 0 && dy === 0 && dz === 0) continue;
              const X = x + dx;
              const Y = y + dy;
              const Z = z + dz;
              // Outside the box counts as open: the sides are not walls.
              if (X < 0 || Y < 0 || Z < 0 || X >= nx || Y >= ny || Z >= nz || labels[X + nx * (Y + ny * Z)] === 0) open++;
            }
          }
        }
        gate[i] = open >= minOpen ? 1 : 0;
      }
    }
  }
  return gate;
}

export interface AutomatonFrame {
  step: number;
  /** Seconds spent so far issuing steps and reading frames back (the readback waits for the device). */
  stepSeconds: number;
  readSeconds: number;
  /** Step at which each voxel was filled; Infinity where not (yet) reached. */
  arrival: Float32Array;
  saturation: number;
  done: boolean;
}

export interface AutomatonOptions {
  maxSteps: number;
  /** Emit a frame every this many steps (and at the end). */
  framesEvery: number;
  onFrame: (frame: AutomatonFrame) => void | Promise<void>;
  shouldStop?: () => boolean;
}

function copyField(this: IKernelFunctionThis, field: number[]): number {
  return field[this.thread.x]!;
}

export interface WettingKernels {
  step: IKernelRunShortcut;
  upload: IKernelRunShortcut;
}

/**
 * The step kernel in pipeline mode: the arrival field stays on the device between steps and is
 * read back only for frames. `upload` puts the gate on the device once.
 */
export function createWettingKernels(gpu: GPU, shape: readonly [number, number, number]): WettingKernels {
  const n = shape[0] * shape[1] * shape[2];
  const settings = { output: [n], precision: 'single' as const, tactic: 'precision' as const, pipeline: true, immutable: true };
  return {
    step: gpu.createKernel(wettingStep, { ...settings, constants: { nx: shape[0], ny: shape[1], nz: shape[2] } }),
    upload: gpu.createKernel(copyField, settings),
  };
}

interface DeviceField {
  toArray(): unknown;
  delete?(): void;
}

/**
 * A kernel result as a Float32Array, whether the backend gave a device texture or an array.
 * gpu.js's WebGPU handles read back through mapAsync, so their toArray() returns a Promise: it is
 * awaited here, or the frame would be empty and the read still pending when the kernels are destroyed.
 */
async function readBack(r: unknown): Promise<Float32Array> {
  const v: unknown = await (r !== null && typeof r === 'object' && typeof (r as DeviceField).toArray === 'function' ? (r as DeviceField).toArray() : r);
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
}

/** Runs the automaton until the front stops moving or maxSteps; returns the last frame. */
export async function runWettingAutomaton(kernels: WettingKernels, gate: Float32Array, opts: AutomatonOptions): Promise<AutomatonFrame> {
  const n = gate.length;
  let pores = 0;
  for (let i = 0; i < n; i++) pores += gate[i]! > 0.5 ? 1 : 0;
  const gateOnDevice: unknown = await kernels.upload(gate);
  let arrival: unknown = await kernels.upload(new Float32Array(n).fill(NOT_REACHED));
  let filled = -1;
  let step = 0;
  let frame: AutomatonFrame | null = null;
  let stepSeconds = 0;
  let readSeconds = 0;
  while (step < opts.maxSteps && !opts.shouldStop?.()) {
    step++;
    const t0 = performance.now();
    const next: unknown = await kernels.step(gateOnDevice as number[], arrival as number[], step);
    (arrival as DeviceField).delete?.();
    arrival = next;
    const t1 = performance.now();
    stepSeconds += (t1 - t0) / 1000;
    if (step % opts.framesEvery !== 0 && step !== opts.maxSteps) continue;
    const values = await readBack(arrival);
    readSeconds += (performance.now() - t1) / 1000;
    let now = 0;
    for (let i = 0; i < n; i++) if (values[i]! < 1e37) now++;
    // The front moves at least one layer per step while it moves, so no change over a frame means done.
    const done = now === filled || step === opts.maxSteps;
    filled = now;
    const shown = values.map((v) => (v < 1e37 ? v : Infinity));
    frame = { step, stepSeconds, readSeconds, arrival: shown, saturation: pores > 0 ? filled / pores : 0, done };
    await opts.onFrame(frame);
    if (done) break;
  }
  return frame ?? { step, stepSeconds, readSeconds, arrival: (await readBack(arrival)).map((v) => (v < 1e37 ? v : Infinity)), saturation: 0, done: true };
}
