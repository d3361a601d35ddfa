import type { Compute } from '../../../src/gpu/backend.ts';
import { ConfigError } from '../../../src/errors.ts';
import type { LatticeDomain, LatticePhysics } from './domain.ts';
import { NODE } from './lattice.ts';
import { collideAndStream, computeMoments, equilibriumAtRest } from './typed-array-engine.ts';
import { createKernelStepper } from './kernels.ts';

/** Which implementation advances the lattice: plain TypedArrays on this thread, or gpu.js kernels. */
export type LbmEngineKind = 'typed-array' | 'kernels';

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
  readonly engine: LbmEngineKind;
  /** What really ran the steps: 'typed-array' or the gpu.js mode of the kernels. */
  backend(): string;
  step(steps: number): Promise<void>;
  moments(): Promise<Float32Array>;
  distributions(): Promise<Float32Array>;
  stepsDone(): number;
  destroy(): void;
}

export function createLbmSolver(options: LbmSolverOptions): LbmSolver {
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
  let f: Float32Array = equilibriumAtRest(options.rho1, options.rho2, domain.node);
  let done = 0;
  if (options.engine === 'typed-array') {
    let fNew: Float32Array = f.slice();
    const mac = new Float32Array(5 * n);
    const geom = { domain, periodicZ };
    return {
      nodes: n,
      engine: 'typed-array',
      backend: () => 'typed-array',
      async step(steps) {
        for (let s = 0; s < steps; s++) {
          computeMoments(f, domain.node, mac);
          collideAndStream(geom, physics, f, mac, fNew);
          const t = f;
          f = fNew;
          fNew = t;
        }
        done += steps;
      },
      async moments() {
        const out = new Float32Array(5 * n);
        computeMoments(f, domain.node, out);
        return out;
      },
      async distributions() {
        return f.slice();
      },
      stepsDone: () => done,
      destroy() {},
    };
  }
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
