import { ImpossibleRequestError, SolverDivergedError } from '../../src/errors.ts';
import { BandMatrix } from './banded.ts';
import { FARADAY, GAS_CONSTANT, evaluateConductivity, evaluateDiffusivity, exchangeCurrent } from './materials.ts';
import { buildMesh, NEG, POS, SEP, type CellMesh } from './mesh.ts';
import type { CellParams } from './params.ts';

/**
 * The Doyle–Fuller–Newman (pseudo-two-dimensional) model, discretised by finite volumes and
 * integrated by backward Euler with Newton's method on a banded Jacobian.
 *
 * Unknowns per volume i (block of m = 4 + shells): c_e, φ_e, φ_s, j (reaction current per
 * interface area, A/m², positive anodic) and the particle shell concentrations. Separator volumes
 * carry φ_s = j = c_s = 0 as trivial rows so every block has the same layout (the band stays
 * m + 2 wide either side). Equations (x across the cell, I > 0 on discharge):
 *
 *   ε ∂c_e/∂t = ∂/∂x(D ε/τ ∂c_e/∂x) + (1 − t+) a j / F
 *   ∂i_e/∂x = a j,  i_e = −κ ε/τ ∂φ_e/∂x + (2RT/F)(1 − t+) TDF κ ε/τ ∂ ln c_e/∂x
 *   ∂i_s/∂x = −a j,  i_s = −σ_eff ∂φ_s/∂x
 *   ∂c_s/∂t = (1/r²) ∂/∂r(r² D_s ∂c_s/∂r),  −D_s ∂c_s/∂r|_R = β j / F   (β = a R / 3ε_s)
 *   j = i0 [exp(α f η) − exp(−(1 − α) f η)],  η = φ_s − φ_e − U(c_s,surf / c_max)
 *
 * Every flux is a face flux, so salt and lithium are conserved to round-off. Potentials are
 * referred to the negative current collector (full cell) or the lithium foil (half cell), whose
 * overpotential enters as a Dirichlet value of φ_e at x = 0; each time one redundant charge
 * balance is replaced by that reference, as global charge conservation implies it.
 */

const CE = 0;
const PHIE = 1;
const PHIS = 2;
const J = 3;
const CS = 4;

export interface DischargeOptions {
  /** Largest time step (s); default 1 % of the nominal discharge time. */
  maxStep?: number;
  /** Target voltage change per step (V); default 5 mV. */
  voltageStep?: number;
  /** Time at which the DC-resistance voltage is read (s); default 10. */
  pulseTime?: number;
  /** Keep the full state at each accepted step (for conservation tests). */
  keepStates?: boolean;
  /** Abort signal, checked between steps. */
  signal?: AbortSignal;
}

export interface DischargeCurve {
  cRate: number;
  /** Current density (A/m²) and cell current (A). */
  currentDensity: number;
  current: number;
  time: number[];
  voltage: number[];
  /** Discharged capacity at each point (A h). */
  capacity: number[];
  /** Capacity and energy to the cut-off (A h, W h). */
  dischargeCapacity: number;
  energy: number;
  /** Mean power over the discharge (W). */
  meanPower: number;
  /** (OCV − V(pulseTime)) / I (Ω). */
  dcResistance: number;
  /**
   * Why the discharge ended: the cut-off voltage, the salt running out somewhere in the
   * electrolyte, or a particle surface reaching full (or zero) lithiation, where a real OCP
   * diverges though a fitted one may not (the rate is transport-limited; capacity is counted to
   * that moment).
   */
  termination: 'cut-off voltage' | 'electrolyte depleted' | 'particle saturated';
  steps: number;
  newtonIterations: number;
  states?: Float64Array[];
}

export class P2DModel {
  readonly params: CellParams;
  readonly mesh: CellMesh;
  /** Unknowns per volume. */
  readonly block: number;
  readonly size: number;
  private readonly jac: BandMatrix;
  private readonly f: number;
  private readonly scale: Float64Array;
  private readonly shellVolume: Float64Array;
  private readonly shellFace: Float64Array;

  /**
   * Builds the finite-volume mesh and the banded Jacobian's storage for one cell.
   *
   * @param params a validated cell (parseCellParams): electrodes, separator, electrolyte, mesh
   *   counts, temperature (K), area (m²); SI units throughout.
   * @example
   * const model = new P2DModel(parseCellParams(MARQUIS2019));
   * const curve = model.discharge(1); // 1C
   * @see Doyle, Fuller & Newman, J. Electrochem. Soc. 140 (1993) 1526; PyBaMM's DFN (compared in marquis2019.test.ts).
   */
  constructor(params: CellParams) {
    this.params = params;
    this.mesh = buildMesh(params);
    this.block = 4 + this.mesh.shells;
    this.size = this.mesh.n * this.block;
    const band = this.block + 2;
    this.jac = new BandMatrix(this.size, band, band);
    this.f = FARADAY / (GAS_CONSTANT * params.temperature);
    const N = this.mesh.shells;
    // Shell k spans [k, k+1]·Δr: volume ((k+1)³ − k³)/3 and outer face (k+1)², in units of 4πΔr³, 4πΔr².
    this.shellVolume = Float64Array.from({ length: N }, (_, k) => ((k + 1) ** 3 - k ** 3) / 3);
    this.shellFace = Float64Array.from({ length: N + 1 }, (_, k) => k * k);
    // Typical magnitude of each unknown: Newton's convergence test and the Jacobian's steps.
    this.scale = new Float64Array(this.size);
    for (let i = 0; i < this.mesh.n; i++) {
      const b = i * this.block;
      const e = this.mesh.electrodes[this.mesh.region[i]!];
      this.scale[b + CE] = params.electrolyte.initialConcentration;
      this.scale[b + PHIE] = 1;
      this.scale[b + PHIS] = 1;
      this.scale[b + J] = 1;
      for (let k = 0; k < N; k++) this.scale[b + CS + k] = e ? e.cmax : 1;
    }
  }

  /**
   * Capacity of the stoichiometric window to the cut-off at zero current (A h, whole cell).
   *
   * @returns the capacity in A h.
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * m.windowCapacity(); // A h
   */
  windowCapacity(): number {
    const { mesh, params } = this;
    const inventory = (region: number): number => {
      let s = 0;
      const e = mesh.electrodes[region]!;
      for (let i = 0; i < mesh.n; i++) if (mesh.region[i] === region) s += e.epsS * mesh.dx[i]! * e.cmax;
      return s;
    };
    const pos = mesh.electrodes[POS]!;
    const nP = inventory(POS);
    const y0 = pos.c0 / pos.cmax;
    let qMax = (1 - y0) * nP;
    let ocv: (q: number) => number;
    if (params.kind === 'full') {
      const neg = mesh.electrodes[NEG]!;
      const nN = inventory(NEG);
      const x0 = neg.c0 / neg.cmax;
      qMax = Math.min(qMax, x0 * nN);
      ocv = (q) => pos.ocp(y0 + q / nP) - neg.ocp(x0 - q / nN);
    } else ocv = (q) => pos.ocp(y0 + q / nP);
    let lo = 0;
    let hi = qMax;
    if (ocv(hi) < params.voltageMin) {
      for (let it = 0; it < 200; it++) {
        const mid = 0.5 * (lo + hi);
        if (ocv(mid) > params.voltageMin) lo = mid;
        else hi = mid;
      }
    }
    return (hi * FARADAY * params.area) / 3600;
  }

  /**
   * Open-circuit voltage of the initial state (V).
   *
   * @returns U_pos − U_neg at the initial stoichiometries, in V.
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * m.initialOcv(); // e.g. 4.1
   */
  initialOcv(): number {
    const pos = this.mesh.electrodes[POS]!;
    const u = pos.ocp(pos.c0 / pos.cmax);
    const neg = this.mesh.electrodes[NEG];
    return neg ? u - neg.ocp(neg.c0 / neg.cmax) : u;
  }

  /**
   * Smallest salt concentration of a state (mol/m³), for salt-depletion checks.
   *
   * @param u a state vector (as from initialState or step).
   * @returns min over the volumes of c_e, in mol/m³.
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * m.minSalt(m.initialState(0)); // the initial concentration
   */
  minSalt(u: Float64Array): number {
    let m = Infinity;
    for (let i = 0; i < this.mesh.n; i++) m = Math.min(m, u[i * this.block + CE]!);
    return m;
  }

  /**
   * Closest approach of any particle surface stoichiometry to 0 or 1 (a step that reaches 0 would
   * leave the open-circuit curves' domain).
   *
   * @param u a state vector.
   * @returns min over particles of min(y, 1 − y), dimensionless.
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * m.surfaceLimit(m.initialState(0)); // > 0
   */
  surfaceLimit(u: Float64Array): number {
    let m = Infinity;
    for (let i = 0; i < this.mesh.n; i++) {
      const e = this.mesh.electrodes[this.mesh.region[i]!];
      if (this.mesh.region[i] === SEP || !e) continue;
      const sto = this.surface(u, i * this.block, i, e.ds, e.radius) / e.cmax;
      m = Math.min(m, sto, 1 - sto);
    }
    return m;
  }

  /**
   * Capacity that defines 1C (A h): the parameters' nominalCapacity, else the stoichiometric window.
   *
   * @returns the capacity in A h.
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * const oneC = m.nominalCapacity() / m.params.area; // A h per m² at 1C over one hour
   */
  nominalCapacity(): number {
    return this.params.nominalCapacity ?? this.windowCapacity();
  }

  /**
   * Initial state with potentials guessed from the open-circuit values.
   *
   * @param current current density I (A/m², > 0 on discharge) the first step will carry.
   * @returns a state vector of length `size` (c_e, φ_e, φ_s, j and shell concentrations per volume).
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * const u = m.initialState(0);
   */
  initialState(current: number): Float64Array {
    const { mesh, block, params } = this;
    const u = new Float64Array(this.size);
    const neg = mesh.electrodes[NEG];
    const pos = mesh.electrodes[POS]!;
    const phiE = neg ? -neg.ocp(neg.c0 / neg.cmax) : 0;
    const thickness = (r: number): number => {
      let s = 0;
      for (let i = 0; i < mesh.n; i++) if (mesh.region[i] === r) s += mesh.dx[i]! * mesh.area[i]!;
      return s;
    };
    const aLn = neg ? thickness(NEG) : 1;
    const aLp = thickness(POS);
    for (let i = 0; i < mesh.n; i++) {
      const b = i * block;
      const r = mesh.region[i]!;
      u[b + CE] = params.electrolyte.initialConcentration;
      u[b + PHIE] = phiE;
      const e = mesh.electrodes[r];
      if (r === SEP || !e) continue;
      u[b + PHIS] = r === NEG ? 0 : phiE + pos.ocp(pos.c0 / pos.cmax);
      u[b + J] = r === NEG ? current / aLn : -current / aLp;
      for (let k = 0; k < mesh.shells; k++) u[b + CS + k] = e.c0;
    }
    return u;
  }

  /**
   * Terminal voltage of a state at current density I.
   *
   * @param u a state vector.
   * @param current current density I (A/m², > 0 on discharge).
   * @returns the terminal voltage in V.
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * m.voltage(m.initialState(0), 0); // the open-circuit voltage
   */
  voltage(u: Float64Array, current: number): number {
    const { mesh, block } = this;
    const last = mesh.n - 1;
    return u[last * block + PHIS]! - (current * mesh.dx[last]!) / (2 * mesh.sigma[last]!);
  }

  /**
   * Lithium per electrode area (mol/m²): in the particles of each electrode and as salt in the
   * electrolyte. Exact integrals of the finite-volume state.
   *
   * @param u a state vector.
   * @returns lithium in the negative and positive particles and in the electrolyte (mol/m²).
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * const { negative, positive, electrolyte } = m.lithiumInventory(m.initialState(0));
   */
  lithiumInventory(u: Float64Array): { negative: number; positive: number; electrolyte: number } {
    const { mesh, block } = this;
    const N = mesh.shells;
    const total = this.shellVolume.reduce((s, v) => s + v, 0);
    const out = { negative: 0, positive: 0, electrolyte: 0 };
    for (let i = 0; i < mesh.n; i++) {
      const b = i * block;
      out.electrolyte += mesh.eps[i]! * mesh.dx[i]! * u[b + CE]!;
      const r = mesh.region[i]!;
      const e = mesh.electrodes[r];
      if (r === SEP || !e) continue;
      let mean = 0;
      for (let k = 0; k < N; k++) mean += this.shellVolume[k]! * u[b + CS + k]!;
      const li = e.epsS * mesh.dx[i]! * (mean / total);
      if (r === NEG) out.negative += li;
      else out.positive += li;
    }
    return out;
  }

  /** Surface concentration from the outer shell and the surface flux (half-shell extrapolation). */
  private surface(u: Float64Array, b: number, i: number, ds: number, radius: number): number {
    const dr = radius / this.mesh.shells;
    return u[b + CS + this.mesh.shells - 1]! - (this.mesh.beta[i]! * u[b + J]! * dr) / (2 * ds * FARADAY);
  }

  /**
   * Residual of the backward-Euler step from `old` over dt at current density I; rows scaled to O(1).
   *
   * @param u the candidate new state.
   * @param old the state at the start of the step.
   * @param dt step length (s).
   * @param current current density I (A/m², > 0 on discharge).
   * @param out receives the residual (length `size`); zero at the step's solution.
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * const r = new Float64Array(m.size); m.residual(u, u, 1, 0, r);
   */
  residual(u: Float64Array, old: Float64Array, dt: number, current: number, out: Float64Array): void {
    const { mesh, block, params } = this;
    const n = mesh.n;
    const el = params.electrolyte;
    const tp = el.transference;
    const c0 = el.initialConcentration;
    const floor = 1e-6 * c0;
    const diffusionPotential = (2 * (1 - tp) * el.thermodynamicFactor) / this.f;
    const iRef = Math.max(Math.abs(current), 1);
    const N = mesh.shells;
    out.fill(0);
    // Face fluxes (salt, ionic, electronic) from volume f to f+1.
    for (let f = 0; f < n - 1; f++) {
      const a = f * block;
      const b = a + block;
      const ca = Math.max(u[a + CE]!, floor);
      const cb = Math.max(u[b + CE]!, floor);
      const cf = 0.5 * (ca + cb);
      const g = mesh.ionicFace[f]!;
      const salt = -g * evaluateDiffusivity(el.diffusivity, cf) * (cb - ca);
      const kappa = g * evaluateConductivity(el.conductivity, cf);
      const ie = -kappa * (u[b + PHIE]! - u[a + PHIE]!) + kappa * diffusionPotential * (Math.log(cb) - Math.log(ca));
      out[a + CE]! += salt;
      out[b + CE]! -= salt;
      out[a + PHIE]! += ie;
      out[b + PHIE]! -= ie;
      const gs = mesh.solidFace[f]!;
      if (gs > 0) {
        const is = -gs * (u[b + PHIS]! - u[a + PHIS]!);
        out[a + PHIS]! += is;
        out[b + PHIS]! -= is;
      }
    }
    const half = params.kind === 'half';
    for (let i = 0; i < n; i++) {
      const b = i * block;
      const r = mesh.region[i]!;
      const dx = mesh.dx[i]!;
      const e = mesh.electrodes[r];
      const aj = r === SEP || !e ? 0 : mesh.area[i]! * u[b + J]! * dx;
      // Salt: accumulation + net outflow − source; the foil feeds (1 − t+) I / F at x = 0.
      let saltIn = 0;
      if (half && i === 0) saltIn = ((1 - tp) * current) / FARADAY;
      const acc = (mesh.eps[i]! * dx * (u[b + CE]! - old[b + CE]!)) / dt;
      out[b + CE] = (acc + out[b + CE]! - saltIn - ((1 - tp) * aj) / FARADAY) * (dt / (mesh.eps[i]! * dx * c0));
      // Ionic charge: net outflow of i_e − a j dx = 0; inflow I from the foil at x = 0.
      if (half && i === 0) {
        const ce = Math.max(u[b + CE]!, floor);
        const kappa = (evaluateConductivity(el.conductivity, ce) * mesh.eps[i]!) / mesh.tau[i]!;
        const etaLi = (2 / this.f) * Math.asinh(current / (2 * params.lithiumExchangeCurrent));
        out[b + PHIE] = u[b + PHIE]! + (current * dx) / (2 * kappa) + etaLi;
      } else out[b + PHIE] = (out[b + PHIE]! - aj) / iRef;
      if (r === SEP || !e) {
        out[b + PHIS] = u[b + PHIS]!;
        out[b + J] = u[b + J]!;
        for (let k = 0; k < N; k++) out[b + CS + k] = u[b + CS + k]! / c0;
        continue;
      }
      // Electronic charge: the current collector delivers I (left face of NEG, right face of POS).
      if (r === NEG && i === 0) out[b + PHIS] = u[b + PHIS]! + (current * dx) / (2 * mesh.sigma[i]!);
      else {
        let s = out[b + PHIS]! + aj;
        if (r === POS && i === n - 1) s += current;
        out[b + PHIS] = s / iRef;
      }
      // Butler–Volmer.
      const cs = this.surface(u, b, i, e.ds, e.radius);
      const sto = Math.min(Math.max(cs / e.cmax, 1e-9), 1 - 1e-9);
      const ce = Math.max(u[b + CE]!, floor);
      const i0 = exchangeCurrent(e.k, ce, sto * e.cmax, e.cmax);
      const eta = u[b + PHIS]! - u[b + PHIE]! - e.ocp(sto);
      const bv = i0 * (Math.exp(e.alpha * this.f * eta) - Math.exp(-(1 - e.alpha) * this.f * eta));
      out[b + J] = (u[b + J]! - bv) / Math.max(i0, 1e-3);
      // Particle: shells k = 0..N−1, flux β j / F out of the outer face.
      const dr = e.radius / N;
      const dd = e.ds / (dr * dr);
      for (let k = 0; k < N; k++) {
        const c = u[b + CS + k]!;
        let net = 0;
        if (k > 0) net += this.shellFace[k]! * dd * (u[b + CS + k - 1]! - c);
        if (k < N - 1) net += this.shellFace[k + 1]! * dd * (u[b + CS + k + 1]! - c);
        else net -= (this.shellFace[N]! * mesh.beta[i]! * u[b + J]!) / (FARADAY * dr);
        out[b + CS + k] = ((this.shellVolume[k]! * (c - old[b + CS + k]!)) / dt - net) * (dt / (this.shellVolume[k]! * e.cmax));
      }
    }
  }

  /**
   * Finite-difference Jacobian, one residual per colour of columns: columns further apart than
   * the band never touch the same row, so they are perturbed together.
   */
  private jacobian(u: Float64Array, old: Float64Array, dt: number, current: number, r0: Float64Array, work: Float64Array): void {
    const jac = this.jac;
    jac.clear();
    const period = jac.kl + jac.ku + 1;
    const h = new Float64Array(this.size);
    for (let c = 0; c < this.size; c++) h[c] = 1e-7 * Math.max(Math.abs(u[c]!), this.scale[c]!);
    for (let colour = 0; colour < period; colour++) {
      for (let c = colour; c < this.size; c += period) u[c]! += h[c]!;
      this.residual(u, old, dt, current, work);
      for (let c = colour; c < this.size; c += period) {
        u[c]! -= h[c]!;
        const r0s = Math.max(0, c - jac.ku);
        const r1 = Math.min(this.size - 1, c + jac.kl);
        for (let r = r0s; r <= r1; r++) jac.data[jac.at(r, c)] = (work[r]! - r0[r]!) / h[c]!;
      }
    }
  }

  /**
   * One backward-Euler step by damped Newton. Returns the iterations, or -1 if Newton failed
   * (the caller halves the step). `u` holds the guess on entry and the solution on success.
   *
   * @param u the guess on entry, the new state on success.
   * @param old the state at the start of the step.
   * @param dt step length (s).
   * @param current current density I (A/m², > 0 on discharge).
   * @param fullNewton rebuild the Jacobian at every iteration (default: chord iterations).
   * @returns Newton iterations taken, or −1 when Newton failed.
   * @example
   * const m = new P2DModel(parseCellParams(MARQUIS2019));
   * const u = m.initialState(10); const old = u.slice(); m.step(u, old, 1, 10); // iterations
   */
  step(u: Float64Array, old: Float64Array, dt: number, current: number, fullNewton = false): number {
    const r = new Float64Array(this.size);
    const work = new Float64Array(this.size);
    const c0 = this.params.electrolyte.initialConcentration;
    // Chord iterations: the Jacobian is rebuilt at the first iteration and whenever an update
    // shrinks by less than half (a Jacobian costs 2m + 5 residuals, a chord iteration one).
    let fresh = false;
    let lastChange = Infinity;
    for (let it = 1; it <= 40; it++) {
      this.residual(u, old, dt, current, r);
      for (let q = 0; q < this.size; q++) if (!Number.isFinite(r[q]!)) return -1;
      if (it === 1 || !fresh) {
        this.jacobian(u, old, dt, current, r, work);
        if (!this.jac.factor()) return -1;
        fresh = true;
      }
      for (let q = 0; q < this.size; q++) r[q] = -r[q]!;
      this.jac.solve(r);
      // Damping keeps the salt concentration positive (ln c_e and √c_e need it).
      let lambda = 1;
      for (let i = 0; i < this.mesh.n; i++) {
        const q = i * this.block + CE;
        if (u[q]! + r[q]! < 0.05 * u[q]!) lambda = Math.min(lambda, (0.95 * u[q]!) / -r[q]!);
      }
      // Potentials move at most 0.2 V per iteration: Butler–Volmer's exponentials overshoot
      // from a distant guess (high rates, first step).
      for (let i = 0; i < this.mesh.n; i++) {
        for (const off of [PHIE, PHIS]) {
          const d = Math.abs(r[i * this.block + off]!);
          if (d * lambda > 0.2) lambda = 0.2 / d;
        }
      }
      let change = 0;
      for (let q = 0; q < this.size; q++) {
        const d = lambda * r[q]!;
        if (!Number.isFinite(d)) return -1;
        u[q]! += d;
        change = Math.max(change, Math.abs(d) / this.scale[q]!);
      }
      if (change < 1e-9 && lambda === 1) return it;
      if (u.some((v, q) => q % this.block === CE && v < 1e-9 * c0)) return -1;
      if (fullNewton || change > 0.5 * lastChange || lambda < 1) fresh = false;
      lastChange = change;
    }
    return -1;
  }

  /**
   * Constant-current discharge from the initial state to the lower cut-off voltage.
   *
   * @param cRate discharge rate in multiples of the nominal capacity per hour (> 0)
   * @returns the voltage curve (s, V, A h), capacity (A h), energy (W h), mean power (W) and the
   *   10 s DC resistance (Ω)
   * @throws ImpossibleRequestError when the voltage falls below the cut-off in the first step
   *   (a rate the cell cannot sustain); SolverDivergedError, with the curve so far, when Newton
   *   fails at the smallest step
   * @param options maxStep (s), target voltage change per step (V), DC-resistance time (s), keep
   *   states, abort signal.
   * @example
   * const curve = new P2DModel(parseCellParams(MARQUIS2019)).discharge(1);
   * curve.capacity; // A h to the cut-off
   */
  discharge(cRate: number, options: DischargeOptions = {}): DischargeCurve {
    if (!(Number.isFinite(cRate) && cRate > 0 && cRate <= 100)) throw new ImpossibleRequestError('cRate', cRate, 'a discharge rate in (0, 100] C');
    const { params } = this;
    const capacity = this.nominalCapacity();
    const cellCurrent = cRate * capacity;
    const I = cellCurrent / params.area;
    const tNominal = 3600 / cRate;
    const maxStep = options.maxStep ?? tNominal / 100;
    const dV = options.voltageStep ?? 0.005;
    const pulse = options.pulseTime ?? 10;
    const ocv = this.initialOcv();
    if (ocv > params.voltageMax + 1e-9) throw new ImpossibleRequestError('initialConcentration', ocv, `an initial OCV at most voltageMax = ${params.voltageMax} V`);
    if (ocv <= params.voltageMin) throw new ImpossibleRequestError('initialConcentration', ocv, `an initial OCV above voltageMin = ${params.voltageMin} V`);
    let u = this.initialState(I);
    const curve: DischargeCurve = {
      cRate,
      currentDensity: I,
      current: cellCurrent,
      time: [0],
      voltage: [ocv],
      capacity: [0],
      dischargeCapacity: 0,
      energy: 0,
      meanPower: 0,
      dcResistance: NaN,
      termination: 'cut-off voltage',
      steps: 0,
      newtonIterations: 0,
    };
    if (options.keepStates) curve.states = [u.slice()];
    let t = 0;
    let dt = Math.min(maxStep, pulse / 4, 1);
    let vPrev = ocv;
    let energy = 0;
    const minStep = 1e-6;
    let retry = false;
    let tinySteps = 0;
    const c0 = params.electrolyte.initialConcentration;
    for (let steps = 0; steps < 100000; steps++) {
      options.signal?.throwIfAborted();
      if (t < pulse && t + dt > pulse) dt = pulse - t;
      const guess = u.slice();
      const its = this.step(guess, u, dt, I, t === 0 || retry);
      retry = its < 0;
      if (its < 0) {
        dt /= 4;
        if (dt < minStep) {
          if (this.minSalt(u) < 0.05 * c0) {
            curve.termination = 'electrolyte depleted';
            break;
          }
          if (this.surfaceLimit(u) < 1e-3) {
            curve.termination = 'particle saturated';
            break;
          }
          throw new SolverDivergedError('cRate', cRate, 'a discharge the solver can follow', `Newton failed at t = ${t.toFixed(1)} s with a ${dt.toExponential(1)} s step, V = ${vPrev.toFixed(3)} V`, curve);
        }
        continue;
      }
      curve.newtonIterations += its;
      const v = this.voltage(guess, I);
      if (v < params.voltageMin) {
        if (t === 0) {
          // Even the first step ends below the cut-off: refine it before concluding.
          if (dt > 1e-3) {
            dt /= 8;
            continue;
          }
          throw new ImpossibleRequestError('cRate', cRate, `a rate the cell can sustain (the voltage falls from ${ocv.toFixed(3)} V below the ${params.voltageMin} V cut-off at once)`);
        }
        if (vPrev - v > 2 * dV && dt > minStep * 100) {
          // Land on the cut-off with a step small enough for linear interpolation.
          dt /= 4;
          continue;
        }
        const w = (vPrev - params.voltageMin) / (vPrev - v);
        const tEnd = t + w * dt;
        energy += 0.5 * (vPrev + params.voltageMin) * cellCurrent * (tEnd - t);
        t = tEnd;
        curve.time.push(t);
        curve.voltage.push(params.voltageMin);
        curve.capacity.push((cellCurrent * t) / 3600);
        break;
      }
      energy += 0.5 * (vPrev + v) * cellCurrent * dt;
      t += dt;
      u = guess;
      curve.steps++;
      curve.time.push(t);
      curve.voltage.push(v);
      curve.capacity.push((cellCurrent * t) / 3600);
      if (options.keepStates) curve.states!.push(u.slice());
      if (Math.abs(t - pulse) < 1e-9) curve.dcResistance = (ocv - v) / cellCurrent;
      if (this.minSalt(u) < 1e-3 * c0) {
        curve.termination = 'electrolyte depleted';
        break;
      }
      if (this.surfaceLimit(u) < 1e-4) {
        curve.termination = 'particle saturated';
        break;
      }
      // A step 10⁶ times shorter than the discharge, again and again, is a solver stuck on a
      // kink, not physics: stop with what was computed rather than crawl for hours.
      tinySteps = dt < 1e-6 * tNominal ? tinySteps + 1 : 0;
      if (tinySteps > 200) {
        throw new SolverDivergedError('cRate', cRate, 'a discharge the solver can follow', `200 steps shorter than ${(1e-6 * tNominal).toExponential(1)} s at t = ${t.toFixed(1)} s, V = ${v.toFixed(3)} V`, curve);
      }
      const change = Math.abs(v - vPrev);
      vPrev = v;
      dt = Math.min(maxStep, dt * Math.min(2, Math.max(0.25, dV / Math.max(change, 1e-12))));
    }
    const ended = curve.termination !== 'cut-off voltage' || curve.voltage[curve.voltage.length - 1] === params.voltageMin;
    if (curve.time.length < 2 || !ended) {
      throw new SolverDivergedError('cRate', cRate, 'a discharge that reaches the cut-off', 'step limit reached', curve);
    }
    curve.dischargeCapacity = (cellCurrent * t) / 3600;
    curve.energy = energy / 3600;
    curve.meanPower = energy / t;
    if (!Number.isFinite(curve.dcResistance)) {
      // The discharge ended before the pulse time: the rate is beyond what a 10 s pulse measures.
      curve.dcResistance = (ocv - curve.voltage[curve.voltage.length - 1]!) / cellCurrent;
    }
    return curve;
  }
}
