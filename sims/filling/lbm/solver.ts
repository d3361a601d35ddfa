import type { Compute } from '../../../src/gpu/compute.ts';
import { ConfigError } from '../../../src/errors.ts';
import type { LatticeDomain, LatticePhysics } from './domain.ts';
import { NODE, Q } from './lattice.ts';
import { computeMoments, equilibriumAtRest } from './typed-array-engine.ts';
import { collideSlab, createScratch, densitySlab, finishSlab, fullMoments, preparePlan, restEquilibrium, toPublicLayout } from './fast-step.mjs';
import { createKernelStepper } from './kernels.ts';

/**
 * Which implementation advances the lattice: plain TypedArrays on this thread, gpu.js kernels, the
 * WebAssembly-SIMD kernel ('wasm': Node, createWasmLbmSolver in wasm-engine.ts) or the hand-written
 * WGSL engine ('webgpu': createWebGpuLbmSolver in webgpu-engine.ts).
 */
export type LbmEngineKind = 'typed-array' | 'kernels' | 'wasm' | 'webgpu';

export interface LbmSolverOptions {
  domain: LatticeDomain;
  physics: LatticePhysics;
  /** Electrolyte and gas densities to start from (at rest), one value per node. */
  rho1: Float32Array;
  rho2: Float32Array;
  periodicZ?: boolean;
  engine: LbmEngineKind;
  /** Needed for the 'kernels' engine. */
  compute?: Compute;
}

/**
 * A lattice being advanced. `moments()` gives [rho1 | rho2 | jx | jy | jz] of the current state
 * (j the summed momentum before the half-force correction).
 */
export interface LbmSolver {
  readonly nodes: number;
  /**
   * Nodes whose distributions the engine stores and moves every step, where it skips solid ones
   * (the wasm engine stores groups of 4 along x that hold a non-solid node); absent: all `nodes`.
   */
  readonly storedNodes?: number;
  readonly engine: LbmEngineKind;
  /** What really ran the steps: 'typed-array' or the gpu.js mode of the kernels. */
  backend(): string;
  step(steps: number): Promise<void>;
  moments(): Promise<Float32Array>;
  distributions(): Promise<Float32Array>;
  stepsDone(): number;
  destroy(): void;
}

/** Checks what every engine needs of the domain and relaxation times (ConfigError otherwise). */
export function validateSolverOptions(options: Pick<LbmSolverOptions, 'domain' | 'physics' | 'periodicZ'>): void {
  const { domain, physics } = options;
  const n = domain.nx * domain.ny * domain.nz;
  const periodicZ = options.periodicZ ?? false;
  if (domain.node.length !== n) throw new ConfigError('domain.node', domain.node.length, `${n} node kinds`);
  if (!periodicZ) {
    // Streaming has no neighbour beyond the z ends; fluid there would read stale populations.
    for (const z of [0, domain.nz - 1]) {
      for (let i = z * domain.nx * domain.ny; i < (z + 1) * domain.nx * domain.ny; i++) {
        if (domain.node[i] === NODE.fluid) throw new ConfigError('domain.node', `fluid at z=${z}`, 'inlet, outlet or solid nodes on the z = 0 and z = nz-1 planes unless z is periodic');
      }
    }
  }
  for (const [name, tau] of [['tau1', physics.tau1], ['tau2', physics.tau2], ['tauOdd', physics.tauOdd]] as const) {
    if (!(tau > 0.5)) throw new ConfigError(name, tau, 'a relaxation time > 0.5');
  }
}

/**
 * A two-component Shan–Chen D3Q19 lattice-Boltzmann solver on this thread: TRT collision (even
 * moments relaxed with τ1/τ2, odd moments with τ_odd) with Guo forcing of the cohesion and adhesion
 * forces on the pseudo-potential ψ = max(ρ, 0), half-way bounce-back at solid nodes, fixed inlet
 * and pressure-only outlet planes, x and y periodic. Both components start at rest (equilibrium of
 * rho1, rho2). Engines: 'typed-array' (fast-step.mjs, tested equal to the reference step in
 * typed-array-engine.ts) or 'kernels' (gpu.js, needs `compute`); the wasm and WGSL engines are
 * created by createWasmLbmSolver and createWebGpuLbmSolver. Checks the options first
 * (validateSolverOptions).
 *
 * @param options domain (node kinds, adhesion field, side-wall mirror; sizes in nodes); physics
 *   (G, τ1, τ2, τ_odd, inlet and outlet densities; lattice units); rho1, rho2: initial electrolyte
 *   and gas density per node (lattice units); periodicZ: wrap z too (default false); engine;
 *   compute: gpu.js context for 'kernels'.
 * @returns the solver: step(n) advances n steps, moments() gives [ρ1 | ρ2 | jx | jy | jz] (lattice
 *   units, each `nodes` long), distributions(), stepsDone(), destroy(). Throws ConfigError naming
 *   the field for node kinds of the wrong length, fluid on a non-periodic z end, τ ≤ ½, the wasm
 *   engine, or 'kernels' without compute.
 * @example
 * const prep = await prepareFilling(volume, { contactAngle: { am: 25, cbd: 50 } });
 * const solver = createLbmSolver({ domain: prep.lattice.domain, physics: prep.physics, rho1: prep.rho1, rho2: prep.rho2, engine: 'typed-array' });
 * await solver.step(100);
 * const mac = await solver.moments(); // 5 × solver.nodes values
 * solver.destroy();
 * @see Shan & Chen, Phys. Rev. E 47 (1993) 1815; Guo, Zheng & Shi, Phys. Rev. E 65 (2002) 046308
 *   (forcing); Ginzburg, Verhaeghe & d'Humières, Commun. Comput. Phys. 3 (2008) 427 (TRT).
 */
export function createLbmSolver(options: LbmSolverOptions): LbmSolver {
  validateSolverOptions(options);
  const { domain, physics } = options;
  const n = domain.nx * domain.ny * domain.nz;
  const periodicZ = options.periodicZ ?? false;
  let done = 0;
  if (options.engine === 'typed-array') {
    const plan = preparePlan(domain, physics, periodicZ);
    const scratch = createScratch(plan);
    // Node-major layout inside the engine (fast-step.mjs); the public layout only on read-back.
    let f = new Float32Array(2 * Q * n);
    restEquilibrium(options.rho1, options.rho2, domain.node, f);
    let g = f.slice();
    const rho = new Float32Array(2 * n);
    densitySlab(plan, f, rho, 0, domain.nz);
    return {
      nodes: n,
      engine: 'typed-array',
      backend: () => 'typed-array',
      async step(steps) {
        for (let s = 0; s < steps; s++) {
          collideSlab(plan, f, rho, g, scratch, 0, domain.nz);
          finishSlab(plan, g, rho, scratch, 0, domain.nz);
          const t = f;
          f = g;
          g = t;
        }
        done += steps;
      },
      async moments() {
        const out = new Float32Array(5 * n);
        fullMoments(plan, f, out);
        return out;
      },
      async distributions() {
        const out = new Float32Array(2 * Q * n);
        toPublicLayout(f, n, out);
        return out;
      },
      stepsDone: () => done,
      destroy() {},
    };
  }
  // The wasm engine loads its module asynchronously and uses node:worker_threads; solver.ts is also
  // bundled for the browser viewer, so it is created by wasm-engine.ts, not from here.
  if (options.engine === 'wasm') throw new ConfigError('engine', 'wasm', "'typed-array' or 'kernels' here; the wasm engine comes from createWasmLbmSolver (wasm-engine.ts)");
  let f: Float32Array = equilibriumAtRest(options.rho1, options.rho2, domain.node);
  if (!options.compute) throw new ConfigError('compute', undefined, 'a gpu.js compute context for the kernels engine');
  const stepper = createKernelStepper(options.compute, domain, physics, periodicZ);
  let mac: Float32Array | undefined;
  return {
    nodes: n,
    engine: 'kernels',
    backend: () => stepper.backend(),
    async step(steps) {
      if (steps <= 0) return;
      const out = await stepper.advance(f, steps);
      f = out.f;
      mac = out.mac;
      done += steps;
    },
    async moments() {
      if (!mac) {
        mac = new Float32Array(5 * n);
        computeMoments(f, domain.node, mac);
      }
      return mac.slice();
    },
    async distributions() {
      return f.slice();
    },
    stepsDone: () => done,
    destroy: () => stepper.destroy(),
  };
}
