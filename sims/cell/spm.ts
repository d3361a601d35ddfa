import { ImpossibleRequestError } from '../../src/errors.ts';
import { FARADAY, GAS_CONSTANT, exchangeCurrent } from './materials.ts';
import { buildMesh, NEG, POS, type ElectrodeConstants } from './mesh.ts';
import type { CellParams } from './params.ts';

/**
 * The single-particle model: each electrode is one particle carrying the mean reaction current,
 * the electrolyte is at its initial concentration and conducts perfectly. It is the DFN's limit
 * of fast electrolyte and electronic transport, so the P2D tests compare against it. The particle
 * uses the same shell finite volumes (linear in c, one tridiagonal solve per backward-Euler step).
 *
 * @param params validated cell parameters (only homogeneous electrodes: profiles are ignored)
 * @param cRate discharge rate (multiples of capacity per hour)
 * @param capacity capacity that defines 1C (A h)
 * @param times times at which the voltage is wanted (s, ascending)
 * @returns terminal voltage at each time (V); NaN-free: throws when a surface concentration
 *   leaves (0, c_max) before the last time
 * @example
 * const p = parseCellParams(MARQUIS2019);
 * singleParticleVoltage(p, 1, new P2DModel(p).nominalCapacity(), [0, 600, 1200]); // V at 0, 10, 20 min
 * @see Marquis et al., J. Electrochem. Soc. 166 (2019) A3693 (the SPM as the DFN's fast-transport limit).
 */
export function singleParticleVoltage(params: CellParams, cRate: number, capacity: number, times: readonly number[]): number[] {
  const mesh = buildMesh(params);
  const f = FARADAY / (GAS_CONSTANT * params.temperature);
  const I = (cRate * capacity) / params.area;
  const ce = params.electrolyte.initialConcentration;
  const N = mesh.shells;
  const shellVolume = Array.from({ length: N }, (_, k) => ((k + 1) ** 3 - k ** 3) / 3);
  const face = Array.from({ length: N + 1 }, (_, k) => k * k);
  interface Particle { e: ElectrodeConstants; c: Float64Array; flux: number; j: number; beta: number }
  const particles: Particle[] = [];
  for (const region of params.kind === 'full' ? [NEG, POS] : [POS]) {
    let aL = 0;
    let beta = 0;
    for (let i = 0; i < mesh.n; i++) if (mesh.region[i] === region) {
      aL += mesh.area[i]! * mesh.dx[i]!;
      beta = mesh.beta[i]!;
    }
    const e = mesh.electrodes[region]!;
    const j = region === NEG ? I / aL : -I / aL;
    particles.push({ e, c: new Float64Array(N).fill(e.c0), flux: (beta * j) / FARADAY, j, beta });
  }
  const surface = (p: Particle): number => p.c[N - 1]! - (p.flux * (p.e.radius / N)) / (2 * p.e.ds);
  const overpotential = (p: Particle): number => {
    const cs = surface(p);
    if (!(cs > 0 && cs < p.e.cmax)) throw new ImpossibleRequestError('cRate', cRate, 'a rate the single-particle model sustains to the requested time (surface concentration left (0, c_max))');
    const i0 = exchangeCurrent(p.e.k, ce, cs, p.e.cmax);
    if (p.e.alpha !== 0.5) throw new ImpossibleRequestError('transferCoefficient', p.e.alpha, '0.5 in the single-particle model');
    return (2 / f) * Math.asinh(p.j / (2 * i0));
  };
  const voltage = (): number => {
    const pos = particles[particles.length - 1]!;
    let v = pos.e.ocp(surface(pos) / pos.e.cmax) + overpotential(pos);
    if (params.kind === 'full') {
      const neg = particles[0]!;
      v -= neg.e.ocp(surface(neg) / neg.e.cmax) + overpotential(neg);
    } else v -= (2 / f) * Math.asinh(I / (2 * params.lithiumExchangeCurrent));
    return v;
  };
  // Backward Euler for the shells: tridiagonal (Thomas) solve.
  const advance = (p: Particle, dt: number): void => {
    const dr = p.e.radius / N;
    const d = p.e.ds / (dr * dr);
    const lower = new Float64Array(N);
    const diag = new Float64Array(N);
    const upper = new Float64Array(N);
    const rhs = new Float64Array(N);
    for (let k = 0; k < N; k++) {
      diag[k] = shellVolume[k]! / dt;
      rhs[k] = (shellVolume[k]! * p.c[k]!) / dt;
      if (k > 0) {
        diag[k]! += face[k]! * d;
        lower[k] = -face[k]! * d;
      }
      if (k < N - 1) {
        diag[k]! += face[k + 1]! * d;
        upper[k] = -face[k + 1]! * d;
      } else rhs[k]! -= (face[N]! * p.flux) / dr;
    }
    for (let k = 1; k < N; k++) {
      const w = lower[k]! / diag[k - 1]!;
      diag[k]! -= w * upper[k - 1]!;
      rhs[k]! -= w * rhs[k - 1]!;
    }
    p.c[N - 1] = rhs[N - 1]! / diag[N - 1]!;
    for (let k = N - 2; k >= 0; k--) p.c[k] = (rhs[k]! - upper[k]! * p.c[k + 1]!) / diag[k]!;
  };
  const out: number[] = [];
  let t = 0;
  for (const target of times) {
    while (t < target - 1e-12) {
      const dt = Math.min(1, target - t);
      for (const p of particles) advance(p, dt);
      t += dt;
    }
    out.push(voltage());
  }
  return out;
}
