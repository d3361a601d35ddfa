import type { Compute } from '../../../src/gpu/compute.ts';
import { LABEL } from '../../../src/volume/volume.ts';
import type { Volume } from '../../../src/volume/volume.ts';
import { prepareFilling } from '../../../sims/filling/lbm/setup.ts';
import { createLbmSolver } from '../../../sims/filling/lbm/solver.ts';
import type { LbmEngineKind } from '../../../sims/filling/lbm/solver.ts';
import { createWebGpuLbmSolver } from '../../../sims/filling/lbm/webgpu-engine.ts';

/** Marks a pore voxel the electrolyte has not reached; finite so the view does not call it trapped gas (float32-exact, so it compares equal once stored). */
export const NOT_REACHED = Math.fround(1e38);

/**
 * The live run is the same two-component Shan–Chen LBM as `mesolab fill --model lbm` with its
 * defaults (set up by the same `prepareFilling`: inlet at the separator face z-, gas outlet at z+,
 * neutral side walls, electrolyte of LiPF6 in EC:DMC), stepped here so frames can be taken while it runs.
 */
export interface LiveLbmOptions {
  /** Static contact angle per solid label name (degrees). */
  contactAngle: Record<string, number>;
  /** Reservoir overpressure (Pa). */
  inletPressure: number;
  maxSteps: number;
  /** Lattice steps per frame (one device read-back each). */
  stepsPerFrame: number;
  engine: LbmEngineKind;
  /** The WebGPU device of the 'webgpu' engine (hand-written WGSL; see viewer/app/live/wgsl-device.ts). */
  device?: GPUDevice;
  reservoirLayers?: number;
}

export interface LbmFrame {
  step: number;
  /** Physical time (s). */
  t: number;
  /** Electrolyte fraction of the pore space (0–1). */
  saturation: number;
  /** First time (s) each voxel's electrolyte fraction passed ½; NOT_REACHED if not yet, 0 for solid. */
  arrival: Float32Array;
}

export interface LiveLbmSummary {
  steps: number;
  saturation: number;
  /** What really ran the steps (gpu.js mode, typed-array, or 'webgpu wgsl (adapter)'). */
  backend: string;
  /** Physical seconds per lattice step. */
  dt: number;
  latticeShape: [number, number, number];
  /** Seconds advancing the lattice (kernels and read-back together: the read-back waits for them). */
  stepSeconds: number;
  /** Seconds turning moments into a frame and handing it over. */
  frameSeconds: number;
}


export async function runLiveLbm(
  volume: Volume,
  compute: Compute | undefined,
  opts: LiveLbmOptions,
  onFrame: (frame: LbmFrame) => Promise<void> | void,
  shouldStop: () => boolean = () => false,
): Promise<LiveLbmSummary> {
  // The same set-up as `mesolab fill --model lbm` (lattice, boundary composition, units), with the
  // live run's fixed choices: walled sides and the default electrolyte and lattice parameters.
  const prep = await prepareFilling(volume, {
    contactAngle: opts.contactAngle,
    inletPressure: opts.inletPressure,
    lateral: 'wall',
    ...(opts.reservoirLayers !== undefined ? { lattice: { reservoirLayers: opts.reservoirLayers } } : {}),
  });
  const { cal, units, lattice, physics } = prep;
  const { domain } = lattice;
  const n = domain.nx * domain.ny * domain.nz;
  const { rho1, rho2 } = prep;
  let solver;
  if (opts.engine === 'webgpu') {
    if (!opts.device) throw new RangeError('engine webgpu: missing device; expected a GPUDevice from navigator.gpu');
    solver = await createWebGpuLbmSolver({ domain, physics, rho1, rho2 }, opts.device);
  } else {
    solver = createLbmSolver({ domain, physics, rho1, rho2, engine: opts.engine, ...(compute ? { compute } : {}) });
  }

  const voxels = volume.labels.length;
  const pores: number[] = [];
  for (let v = 0; v < voxels; v++) if (volume.labels[v] === LABEL.pore) pores.push(v);
  const arrival = new Float32Array(voxels);
  for (const v of pores) arrival[v] = NOT_REACHED;
  const span = cal.rhoHi - cal.rhoLo;
  let saturation = 0;
  let stepSeconds = 0;
  let frameSeconds = 0;
  try {
    while (true) {
      const t0 = performance.now();
      const mac = await solver.moments();
      const t1 = performance.now();
      const step = solver.stepsDone();
      const t = step * units.dt;
      let sum = 0;
      for (const v of pores) {
        const node = lattice.nodeOfVoxel[v]!;
        const r1 = mac[node]!;
        if (!Number.isFinite(r1) || !Number.isFinite(mac[n + node]!)) {
          throw new RangeError(`lbm: NaN density at step ${step}; expected a finite lattice (the run diverged)`);
        }
        const phi = Math.min(1, Math.max(0, (r1 - cal.rhoLo) / span));
        sum += phi;
        if (phi >= 0.5 && arrival[v] === NOT_REACHED) arrival[v] = t;
      }
      saturation = pores.length ? sum / pores.length : 1;
      await onFrame({ step, t, saturation, arrival: arrival.slice() });
      frameSeconds += (performance.now() - t1) / 1000;
      stepSeconds += (t1 - t0) / 1000;
      if (step >= opts.maxSteps || shouldStop()) break;
      const t2 = performance.now();
      await solver.step(Math.min(opts.stepsPerFrame, opts.maxSteps - step));
      stepSeconds += (performance.now() - t2) / 1000;
    }
    return { steps: solver.stepsDone(), saturation, backend: solver.backend(), dt: units.dt, latticeShape: [domain.nx, domain.ny, domain.nz], stepSeconds, frameSeconds };
  } finally {
    solver.destroy();
  }
}
