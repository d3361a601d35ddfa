import type { Volume } from '../../../src/volume/volume.ts';
import { LBM_FIELDS, LBM_OUTPUTS } from './outputs.ts';
import { LABEL, validateVolume, voxelCount } from '../../../src/volume/volume.ts';
import { ConfigError, SolverDivergedError } from '../../../src/errors.ts';
import type { SimContext, SimulationModel } from '../../../src/simulation.ts';
import { NODE } from './lattice.ts';
import { prepareFilling } from './setup.ts';
import type { LbmLimits } from './setup.ts';
import { LbmParamsSchema } from './params.ts';
import type { LbmParams, LbmParamsInput } from './params.ts';
import { createLbmSolver } from './solver.ts';
import type { LbmEngineKind } from './solver.ts';
import { trappedGas } from './trapped-gas.ts';
import { kernelsFit } from './kernels.ts';
import type { LbmSolver, LbmSolverOptions } from './solver.ts';
import type { UnitConversion } from './units.ts';

export interface CurvePoint {
  step: number;
  /** Physical time (s). */
  t: number;
  saturation: number;
}

export type StopReason = 'plateau' | 'step-limit' | 'time-limit' | 'aborted';
/** What ended a run at its plateau: the saturation window, or no gas left that could reach the outlet. */
export type PlateauCriterion = 'saturation' | 'invasion';

/** Scalars of a run, JSON-able (no typed arrays). */
export interface LbmSummary {
  model: 'lbm';
  /** Electrolyte fraction of the pore space at the end (0–1). */
  saturation: number;
  /** Trapped gas volume over pore volume (0–1). */
  trappedFraction: number;
  trappedClusters: number;
  /** Gas inside the volume still connected to the outlet, over pore volume (0–1). */
  connectedGasFraction: number;
  /** Which plateau criterion ended the run; null when it did not end at a plateau. */
  plateauBy: PlateauCriterion | null;
  curve: CurvePoint[];
  /** Times to 50/90/95% saturation (s), null when not reached. */
  t50: number | null;
  t90: number | null;
  t95: number | null;
  steps: number;
  /** Million lattice-node updates per second of wall-clock time. */
  mlups: number;
  backend: string;
  engine: LbmEngineKind;
  stopReason: StopReason;
  wallSeconds: number;
  /** What the model represents and what it does not, for this run (see the README's limits). */
  limits: LbmLimits;
  parameters: {
    physical: { surfaceTension: number; viscosity: number; density: number; voxelSize: number; contactAngle: Record<string, number>; inletPressure: number };
    lattice: {
      g: number;
      tauElectrolyte: number;
      tauGas: number;
      tauOdd: number;
      rhoHigh: number;
      rhoLow: number;
      sigma: number;
      adhesion: Record<string, number>;
      inletDensity: [number, number];
      outletDensity: [number, number] | null;
      shape: [number, number, number];
    };
    units: UnitConversion;
    /** wallContactAngle: static angle of the side walls (degrees), null with periodic sides */
    boundaries: { inlet: string; outlet: string; lateral: string; wallContactAngle: number | null };
  };
}

export interface LbmResult extends LbmSummary {
  /** First time (s) the electrolyte fraction of each voxel passed ½; +Infinity never, NaN for solid voxels. */
  arrivalTime: Float32Array;
  /** Electrolyte fraction ×255 per voxel (solid 0), one array per snapshot. */
  snapshots: Uint8Array[];
  snapshotSteps: number[];
  snapshotTimes: number[];
}

/**
 * The TypedArray engine on every core under Node, loaded on demand so that a browser never
 * evaluates worker_threads; single-threaded elsewhere. Node-only engines are imported by literal
 * paths so that bundlers (the pool worker's, scripts/build-worker.mjs) can follow them.
 */
async function typedArraySolver(options: Omit<LbmSolverOptions, 'engine' | 'compute'>, threads: number | undefined): Promise<LbmSolver> {
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (isNode) {
    const threaded = await import('./threaded-engine.ts');
    const count = threads ?? threaded.defaultThreads();
    if (count > 1 && options.domain.nx * options.domain.ny * options.domain.nz >= threaded.MIN_THREADED_NODES) {
      return threaded.createThreadedLbmSolver(options, count);
    }
  }
  return createLbmSolver({ ...options, engine: 'typed-array' });
}

type EngineOptions = Omit<LbmSolverOptions, 'engine' | 'compute'>;

/**
 * The solver for the requested engine. auto: on webgpu the WGSL engine (one invocation per node;
 * gpu.js kernels if no device is had), on webgl2 the gpu.js kernels when the lattice fits their
 * float32 indexing, on CPU backends under Node the WebAssembly-SIMD engine on every core (12.1
 * MLUPS on 2 cores at 64³ against 6.8 for the threaded TypedArray engine, same run), else the
 * TypedArray path. Node-only engines load on demand, so a browser never evaluates them.
 */
async function chooseSolver(requested: LbmParams['engine'], ctx: SimContext, options: EngineOptions): Promise<{ solver: LbmSolver; engine: LbmEngineKind }> {
  const backend = ctx.compute.backend;
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  let engine: LbmEngineKind =
    requested !== 'auto'
      ? requested
      : backend === 'webgpu' && isNode
        ? 'webgpu'
        : (backend === 'webgpu' || backend === 'webgl2') && kernelsFit(ctx.compute, options.domain)
          ? 'kernels'
          : isNode
            ? 'wasm'
            : 'typed-array';
  if (engine === 'webgpu') {
    if (!isNode) throw new ConfigError('engine', 'webgpu', 'auto, typed-array or kernels in a browser (the viewer runs the WGSL engine on its own device)');
    const { requestNodeWebGpuDevice } = await import('../../../src/gpu/webgpu-device.ts');
    const got = await requestNodeWebGpuDevice();
    if (got.device) {
      const { createWebGpuLbmSolver } = await import('./webgpu-engine.ts');
      const device = got.device;
      try {
        const inner = await createWebGpuLbmSolver(options, device);
        // The run owns its device: destroying the solver releases it too.
        return { solver: { ...inner, backend: () => `webgpu (${got.adapterName})`, destroy: () => (inner.destroy(), device.destroy()) }, engine };
      } catch (e) {
        device.destroy();
        if (requested === 'webgpu') throw e;
      }
    } else if (requested === 'webgpu') {
      throw new ConfigError('engine', 'webgpu', `a WebGPU device (${got.why})`);
    }
    engine = kernelsFit(ctx.compute, options.domain) ? 'kernels' : 'typed-array';
  }
  if (engine === 'wasm') {
    if (!isNode) throw new ConfigError('engine', 'wasm', 'auto, typed-array or kernels in a browser');
    try {
      const wasm = await import('./wasm-engine.ts');
      // A sweep passes its in-run share of the cores (ctx.threads), so pool workers and LBM threads
      // never oversubscribe them; alone, every core.
      return { solver: await wasm.createWasmLbmSolver(options, ctx.threads ?? wasm.defaultWasmThreads()), engine };
    } catch (e) {
      // auto: lattices beyond wasm32's 4 GiB, or no built kernel and no compiler, run on the
      // TypedArray engine (the result's `engine` says which ran).
      if (requested === 'wasm') throw e;
      engine = 'typed-array';
    }
  }
  if (engine === 'typed-array') return { solver: await typedArraySolver(options, ctx.threads), engine };
  return { solver: createLbmSolver({ ...options, engine, compute: ctx.compute }), engine };
}

/** Largest |u| (lattice units) accepted before a run is declared diverged. */
const MAX_LATTICE_SPEED = 0.35;
/**
 * Most negative density accepted. In concave voxel corners next to strongly wetting solid the
 * dissolved electrolyte (ρ_lo ≈ 0.049) undershoots below zero in stable runs: deepest measured
 * −0.054 (44³ electrode, θ_AM = 20°, walled sides, at step 1,000–1,500, back to −0.043 by 3,000),
 * −0.003 to −0.042 over 500 steps of 8 generated electrodes × 2 lateral boundaries. With the
 * ψ = max(ρ, 0) interaction that undershoot stays bounded; a real blow-up passes −0.2 and reaches
 * NaN within about 100–300 steps. On issue 13's 96³ electrode at θ 20°/40° the gas undershoots to
 * −0.077 (walls at 40°, flat from step 13,000 to 28,000; −0.079 with periodic sides, recovering),
 * so −0.15 leaves 1.9×. What this limit caught there with neutral side walls was a slow drift
 * (0.004 per 1,000 steps) beside a bubble the wall held, not a blow-up (README, "Side walls").
 */
const MIN_DENSITY = -0.15;

/**
 * Dynamic electrolyte filling of a labelled electrode by two-component Shan–Chen lattice
 * Boltzmann (README.md in this folder: model, boundaries, units, limits). The run is set up by
 * prepareFilling (calibration at G, contact angle → adhesion per solid label, unit conversion,
 * lattice with reservoirs, dry gas), advanced on the engine `params.engine` names (auto: the fastest
 * tested engine for ctx.compute's backend), and read back every `lattice.diagnosticsEvery` steps
 * for saturation, arrival times, snapshots and divergence. It ends at a plateau (saturation change
 * ≤ tolerance over the window, or, with `plateau.invasion` and an outlet, the outlet-connected gas
 * changing by no more than that once half filled), at the step or wall-clock limit, or
 * when `ctx.signal` aborts. Time is matched through the capillary number (viscous–capillary
 * filling; inertia is not matched); `limits` says what the lattice cannot represent.
 *
 * @param volume labelled volume ({ shape in voxels, voxelSize in m, labels: 0 pore, 1 AM, 2 CBD, …}).
 * @param paramsIn LbmParamsSchema: surfaceTension (N/m), viscosity (Pa·s), density (kg/m³),
 *   contactAngle per solid (degrees), inlet face, outlet, inletPressure (Pa), lateral, steps,
 *   plateau, timeLimitS (s), lattice (G, τ's, reservoirLayers, diagnosticsEvery), engine.
 * @param ctx compute backend, progress callback (steps), abort signal, thread share.
 * @returns saturation (0–1), trapped and outlet-connected gas fractions of the pore volume,
 *   trapped clusters, the saturation curve (s), t50/t90/t95 (s), steps, MLUPS, engine, stop reason,
 *   the lattice and physical parameters with the unit conversion, limits; per voxel the arrival
 *   time (s; +Infinity never, NaN solid) and electrolyte-fraction snapshots (×255) with their steps
 *   and times (s). Throws ConfigError naming the field for bad input, SolverDivergedError (with the
 *   result so far) when the lattice diverges.
 * @example
 * const r = await fillLbm(volume, { contactAngle: { am: 25, cbd: 50 }, steps: 20000 }, ctx);
 * r.saturation; // e.g. 0.95 at the plateau
 * r.t90; // physical time to 90 % saturation (s)
 * @see Shan & Chen, Phys. Rev. E 47 (1993) 1815; Huang et al., Phys. Rev. E 76 (2007) 066701
 *   (wetting); Guo, Zheng & Shi, Phys. Rev. E 65 (2002) 046308 (forcing); Washburn, Phys. Rev. 17
 *   (1921) 273 (the filling rate it is tested against, washburn.test.ts).
 */
export async function fillLbm(volume: Volume, paramsIn: LbmParams | LbmParamsInput, ctx: SimContext): Promise<LbmResult> {
  validateVolume(volume);
  const prep = await prepareFilling(volume, paramsIn);
  const { params, outlet, cal, sigmaLb, angles, adhesion, units, lattice, physics, rho1, rho2 } = prep;
  const lat = params.lattice;
  const { domain } = lattice;
  const n = domain.nx * domain.ny * domain.nz;
  const plane = domain.nx * domain.ny;
  const { solver, engine } = await chooseSolver(params.engine, ctx, { domain, physics, rho1, rho2 });

  const voxels = voxelCount(volume.shape);
  const poreVoxels: number[] = [];
  for (let v = 0; v < voxels; v++) if (volume.labels[v] === LABEL.pore) poreVoxels.push(v);
  const arrivalTime = new Float32Array(voxels).fill(Number.POSITIVE_INFINITY);
  for (let v = 0; v < voxels; v++) if (volume.labels[v] !== LABEL.pore) arrivalTime[v] = Number.NaN;
  const snapshotEvery = params.snapshotEvery > 0 ? params.snapshotEvery : Math.max(lat.diagnosticsEvery, Math.ceil(params.steps / 20 / lat.diagnosticsEvery) * lat.diagnosticsEvery);
  const snapshots: Uint8Array[] = [];
  const snapshotSteps: number[] = [];
  const curve: CurvePoint[] = [];
  const phi = new Float32Array(n);
  const span = cal.rhoHi - cal.rhoLo;
  let stopReason: StopReason = 'step-limit';
  const started = performance.now();
  let saturation = 0;
  let plateauBy: PlateauCriterion | null = null;
  /** Outlet-connected gas share of the pore volume, sampled past half saturation (the invasion criterion). */
  const connected: { step: number; share: number }[] = [];
  const volumeZ: [number, number] = [lattice.volumeStartZ, lattice.volumeStartZ + (domain.nz - 2 - 2 * lat.reservoirLayers)];
  const escapeFromZ = outlet === 'closed' ? null : volumeZ[1];
  const connectedGasFraction = (): number => (poreVoxels.length ? trappedGas(domain, phi, volumeZ, escapeFromZ).connectedNodes / poreVoxels.length : 0);

  const summarize = (): LbmSummary => {
    const steps = solver.stepsDone();
    const wallSeconds = (performance.now() - started) / 1000;
    const trapped = trappedGas(domain, phi, volumeZ, escapeFromZ);
    const crossing = (level: number): number | null => curve.find((p) => p.saturation >= level)?.t ?? null;
    return {
      model: 'lbm',
      saturation,
      trappedFraction: poreVoxels.length ? trapped.trappedNodes / poreVoxels.length : 0,
      trappedClusters: trapped.clusters,
      connectedGasFraction: poreVoxels.length ? trapped.connectedNodes / poreVoxels.length : 0,
      plateauBy,
      curve,
      t50: crossing(0.5),
      t90: crossing(0.9),
      t95: crossing(0.95),
      steps,
      mlups: wallSeconds > 0 ? (n * steps) / wallSeconds / 1e6 : 0,
      backend: solver.backend(),
      engine,
      stopReason,
      wallSeconds,
      limits: prep.limits,
      parameters: {
        physical: { surfaceTension: params.surfaceTension, viscosity: params.viscosity, density: params.density, voxelSize: volume.voxelSize, contactAngle: angles, inletPressure: params.inletPressure },
        lattice: {
          g: lat.g,
          tauElectrolyte: lat.tauElectrolyte,
          tauGas: lat.tauGas,
          tauOdd: physics.tauOdd,
          rhoHigh: cal.rhoHi,
          rhoLow: cal.rhoLo,
          sigma: sigmaLb,
          adhesion,
          inletDensity: [physics.inletRho[0], physics.inletRho[1]],
          outletDensity: outlet === 'closed' ? null : [physics.outletRho[0], physics.outletRho[1]],
          shape: [domain.nx, domain.ny, domain.nz],
        },
        units,
        boundaries: { inlet: params.inlet, outlet, lateral: params.lateral, wallContactAngle: prep.wallContactAngle },
      },
    };
  };

  const observe = async (): Promise<void> => {
    const mac = await solver.moments();
    const step = solver.stepsDone();
    let worst = '';
    for (let i = 0; i < n; i++) {
      if (domain.node[i] === NODE.solid) {
        phi[i] = 0;
        continue;
      }
      const r1 = mac[i]!;
      const r2 = mac[n + i]!;
      const rho = r1 + r2;
      const jx = mac[2 * n + i]!;
      const jy = mac[3 * n + i]!;
      const jz = mac[4 * n + i]!;
      const speed = Math.sqrt(jx * jx + jy * jy + jz * jz) / rho;
      if (!(r1 >= MIN_DENSITY && r2 >= MIN_DENSITY && speed <= MAX_LATTICE_SPEED)) {
        worst = Number.isNaN(r1 + r2 + speed)
          ? 'NaN'
          : r1 < -1e-3 || r2 < -1e-3
            ? `negative density ${Math.min(r1, r2).toPrecision(3)}`
            : `lattice speed ${speed.toPrecision(3)}`;
        const node = [i % domain.nx, Math.floor(i / domain.nx) % domain.ny, Math.floor(i / plane)];
        const partial = summarize();
        throw new SolverDivergedError(
          'lbm',
          worst,
          `finite densities above ${MIN_DENSITY} and lattice speeds below ${MAX_LATTICE_SPEED}`,
          `diverged by step ${step} at lattice node ${node.join(',')}; likely causes: a relaxation time too close to 0.5 (viscosity too low for this resolution), G too large, or contact angles too extreme for this G`,
          partial,
        );
      }
      phi[i] = Math.min(1, Math.max(0, (r1 - cal.rhoLo) / span));
    }
    const t = step * units.dt;
    let sum = 0;
    for (const v of poreVoxels) {
      const f = phi[lattice.nodeOfVoxel[v]!]!;
      sum += f;
      if (f >= 0.5 && arrivalTime[v] === Number.POSITIVE_INFINITY) arrivalTime[v] = t;
    }
    saturation = poreVoxels.length ? sum / poreVoxels.length : 1;
    curve.push({ step, t, saturation });
    if (step % snapshotEvery === 0) {
      const snap = new Uint8Array(voxels);
      for (const v of poreVoxels) snap[v] = Math.round(phi[lattice.nodeOfVoxel[v]!]! * 255);
      snapshots.push(snap);
      snapshotSteps.push(step);
    }
  };

  try {
    await observe();
    while (solver.stepsDone() < params.steps) {
      if (ctx.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      if ((performance.now() - started) / 1000 > params.timeLimitS) {
        stopReason = 'time-limit';
        break;
      }
      const chunk = Math.min(lat.diagnosticsEvery - (solver.stepsDone() % lat.diagnosticsEvery), params.steps - solver.stepsDone());
      await solver.step(chunk);
      await observe();
      ctx.onProgress?.({ stage: 'lbm filling', done: solver.stepsDone(), total: params.steps, unit: 'steps', info: { saturation: Number(saturation.toFixed(4)) } });
      const back = curve.findLast((p) => p.step <= solver.stepsDone() - params.plateau.window);
      if (back && saturation > 0 && Math.abs(saturation - back.saturation) <= params.plateau.tolerance) {
        stopReason = 'plateau';
        plateauBy = 'saturation';
        break;
      }
      // The invasion is over once the gas that can leave stops shrinking: what is left is trapped,
      // and the model would only shrink it further by dissolving it at its mutual solubility, an
      // artefact that made up half of the runs' length (README, "Plateau"). Labelling the gas
      // clusters costs about as much as ten steps, so it runs every `window / 4` steps and only
      // past half saturation.
      if (params.plateau.invasion && outlet !== 'closed' && saturation >= 0.5 && solver.stepsDone() - (connected.at(-1)?.step ?? 0) >= Math.max(lat.diagnosticsEvery, params.plateau.window / 4)) {
        connected.push({ step: solver.stepsDone(), share: connectedGasFraction() });
        const was = connected.findLast((c) => c.step <= solver.stepsDone() - params.plateau.window);
        if (was && Math.abs(connected.at(-1)!.share - was.share) <= params.plateau.tolerance) {
          stopReason = 'plateau';
          plateauBy = 'invasion';
          break;
        }
      }
    }
  } finally {
    solver.destroy();
  }
  if (snapshotSteps[snapshotSteps.length - 1] !== solver.stepsDone()) {
    const snap = new Uint8Array(voxels);
    for (const v of poreVoxels) snap[v] = Math.round(phi[lattice.nodeOfVoxel[v]!]! * 255);
    snapshots.push(snap);
    snapshotSteps.push(solver.stepsDone());
  }
  return { ...summarize(), arrivalTime, snapshots, snapshotSteps, snapshotTimes: snapshotSteps.map((s) => s * units.dt) };
}

export const lbmModel: SimulationModel<typeof LbmParamsSchema, Volume, LbmResult> = {
  name: 'filling-lbm',
  description: 'Dynamic electrolyte filling: D3Q19 two-component Shan–Chen lattice Boltzmann (TRT, Guo forcing) with per-label wetting',
  params: LbmParamsSchema,
  outputs: LBM_OUTPUTS,
  fields: LBM_FIELDS,
  run: (params, volume, context) => fillLbm(volume, params, context),
};

