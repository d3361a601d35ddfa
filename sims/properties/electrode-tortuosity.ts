import type { Volume } from '../../src/volume/volume.ts';
import { ConfigError, ImpossibleRequestError } from '../../src/errors.ts';
import { rotation } from './diffusion-problem.ts';
import type { Axis } from '../../src/voxel/components.ts';

/**
 * Electrode tortuosity as TauFactor 2 defines it (Nguyen et al. 2020, Cooper et al.): the pore
 * network is an ionic conductor fed from the separator face, and every pore-voxel face against
 * active material is a reaction (or double-layer) site. Two solves on the voxel graph:
 *
 *  - transport–reaction (TauFactor's ElectrodeSolver): steady c with a first-order sink on the
 *    reactive faces whose rate k0 makes the homogeneous Thiele modulus 1; averaging c and the
 *    face fluxes over each slice gives ε(x), a(x), c(x) and τ(x) = ε·(1-D gradient)/(mean flux);
 *  - impedance (TauFactor's ImpedanceSolver): complex potential with a capacitor on each reactive
 *    face at ω = f0/4, f0 = mean ε / (mean a · L²); τ_EIS = Re Z / Re Z_TLM where Z_TLM is the
 *    transmission line of the homogeneous electrode (R = 1/mean ε, C = mean a per slice).
 *
 * Units inside are voxels (face conductance 1, reservoir half a voxel away: conductance 2);
 * a(x) is returned in 1/m. The flux runs along `axis`, from its low face (the separator, a
 * reservoir) to its high face (the current collector, closed). Lateral faces are closed, or
 * periodic with `periodic: true`. Both systems are symmetric and solved to 1e-10 relative
 * residual by Jacobi-preconditioned conjugate gradients (COCG for the complex one), so the answer
 * is the exact discrete one, not an SOR iterate stopped early.
 */
export interface ElectrodeMetricsOptions {
  /** Labels that conduct ions (default [0], pore; add 2 to count a soaked binder). */
  conductiveLabels?: readonly number[];
  /** Labels whose faces react (default [1], active material). */
  reactiveLabels?: readonly number[];
  /** Axis through the thickness, low face = separator (default 'z'). */
  axis?: Axis;
  /** Periodic lateral boundaries (default false: closed). */
  periodic?: boolean;
  /** Relative residual the linear solves stop at (default 1e-10). */
  tol?: number;
  /** Iteration cap of each linear solve (default 20 000). */
  maxIterations?: number;
}

export interface ElectrodeProfiles {
  /** Conductive volume fraction of each slice (separator side first). */
  porosity: number[];
  /** Reactive interface per volume of each slice, 1/m. */
  activeArea: number[];
  /** Mean concentration in the conductive voxels of each slice (reservoir = 1). */
  concentration: number[];
  /** Tortuosity factor at each slice's separator-side face; Infinity where no flux crosses. */
  tau: number[];
}

export interface ElectrodeMetrics {
  profiles: ElectrodeProfiles;
  /** Scalar τ of the transport–reaction solve: Re Z(τ(x) line) / Re Z(homogeneous line). */
  tauElectrode: number;
  /** Impedance-equivalent tortuosity τ_EIS (TauFactor's τ_e). */
  tauEis: number;
  /** Impedance of the voxel network at the τ_EIS frequency, in voxel units (re, im). */
  impedance: { re: number; im: number };
  /** The frequency used (voxel units: 1 / (R·C) of one face = 1). */
  frequency: number;
  /** Mean conductive fraction and mean reactive area (1/m). */
  porosity: number;
  activeArea: number;
  iterations: { electrode: number; impedance: number };
}

/** The voxel graph: conductive cells, their conductive neighbours and reactive face counts. */
interface Graph {
  n: number;
  slices: number;
  crossSection: number;
  /** Six neighbour slots per cell, -1 where none. */
  nb: Int32Array;
  cond: Float64Array;
  reac: Float64Array;
  inlet: Float64Array;
  slice: Int32Array;
}

function buildGraph(volume: Volume, axis: Axis, conductive: readonly number[], reactive: readonly number[], periodic: boolean): Graph {
  const { dims, strides } = rotation(volume.shape, axis);
  const [A, B, L] = dims;
  const labels = volume.labels;
  const isCond = new Uint8Array(256);
  const isReac = new Uint8Array(256);
  for (const l of conductive) isCond[l] = 1;
  for (const l of reactive) isReac[l] = 1;
  const total = A * B * L;
  const kind = new Uint8Array(total); // 1 conductive, 2 reactive, 0 inert
  const id = new Int32Array(total).fill(-1);
  let n = 0;
  for (let k = 0, q = 0; k < L; k++)
    for (let j = 0; j < B; j++)
      for (let i = 0; i < A; i++, q++) {
        const lab = labels[i * strides[0] + j * strides[1] + k * strides[2]]!;
        if (isCond[lab]) {
          kind[q] = 1;
          id[q] = n++;
        } else if (isReac[lab]) kind[q] = 2;
      }
  const nb = new Int32Array(6 * n).fill(-1);
  const cond = new Float64Array(n);
  const reac = new Float64Array(n);
  const inlet = new Float64Array(n);
  const slice = new Int32Array(n);
  const plane = A * B;
  for (let k = 0, q = 0; k < L; k++)
    for (let j = 0; j < B; j++)
      for (let i = 0; i < A; i++, q++) {
        const c = id[q]!;
        if (c < 0) continue;
        slice[c] = k;
        const neighbours: number[] = [];
        // In-plane neighbours wrap when periodic; a dimension of size 1 has no lateral
        // neighbour at all (wrapping onto itself would be a zero-flux face anyway).
        const lateral = (ii: number, jj: number): number => {
          if (periodic) {
            if ((ii < 0 || ii >= A) && A === 1) return -1;
            if ((jj < 0 || jj >= B) && B === 1) return -1;
            ii = (ii + A) % A;
            jj = (jj + B) % B;
          } else if (ii < 0 || ii >= A || jj < 0 || jj >= B) return -1;
          return ii + A * (jj + B * k);
        };
        neighbours.push(lateral(i - 1, j), lateral(i + 1, j), lateral(i, j - 1), lateral(i, j + 1));
        neighbours.push(k > 0 ? q - plane : -1, k < L - 1 ? q + plane : -1);
        // Slots keep their direction (4 is the separator-side neighbour, used for face fluxes).
        let s = 0;
        neighbours.forEach((m, slot) => {
          if (m < 0) return;
          if (kind[m] === 1) {
            nb[6 * c + slot] = id[m]!;
            s++;
          } else if (kind[m] === 2) reac[c]! += 1;
        });
        cond[c] = s + (k === 0 ? 2 : 0);
        if (k === 0) inlet[c] = 2;
      }
  return { n, slices: L, crossSection: plane, nb, cond, reac, inlet, slice };
}

/** Jacobi-preconditioned CG on (cond + k·reac)·c − Σ c_nb = inlet. */
function solveReal(g: Graph, k0: number, tol: number, maxIt: number): { x: Float64Array; iterations: number } {
  const { n, nb } = g;
  const diag = new Float64Array(n);
  for (let c = 0; c < n; c++) diag[c] = g.cond[c]! + k0 * g.reac[c]!;
  const apply = (v: Float64Array, out: Float64Array): void => {
    for (let c = 0; c < n; c++) {
      let s = diag[c]! * v[c]!;
      for (let t = 6 * c; t < 6 * c + 6; t++) {
        const m = nb[t]!;
        if (m >= 0) s -= v[m]!;
      }
      out[c] = s;
    }
  };
  const x = new Float64Array(n);
  const r = Float64Array.from(g.inlet);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const ap = new Float64Array(n);
  const norm0 = Math.sqrt(r.reduce((s, v) => s + v * v, 0));
  if (norm0 === 0) return { x, iterations: 0 };
  for (let c = 0; c < n; c++) z[c] = diag[c]! > 0 ? r[c]! / diag[c]! : 0;
  p.set(z);
  let rz = 0;
  for (let c = 0; c < n; c++) rz += r[c]! * z[c]!;
  let it = 0;
  for (; it < maxIt; it++) {
    apply(p, ap);
    let pap = 0;
    for (let c = 0; c < n; c++) pap += p[c]! * ap[c]!;
    const alpha = rz / pap;
    let rr = 0;
    for (let c = 0; c < n; c++) {
      x[c]! += alpha * p[c]!;
      r[c]! -= alpha * ap[c]!;
      rr += r[c]! * r[c]!;
    }
    if (Math.sqrt(rr) <= tol * norm0) return { x, iterations: it + 1 };
    let rzNew = 0;
    for (let c = 0; c < n; c++) {
      z[c] = diag[c]! > 0 ? r[c]! / diag[c]! : 0;
      rzNew += r[c]! * z[c]!;
    }
    const beta = rzNew / rz;
    rz = rzNew;
    for (let c = 0; c < n; c++) p[c] = z[c]! + beta * p[c]!;
  }
  throw new ImpossibleRequestError('electrode solve', it, `convergence to ${tol} within ${maxIt} iterations`, 'raise maxIterations or check the volume');
}

/**
 * COCG (conjugate orthogonal CG, van der Vorst & Melissen 1990) with a Jacobi preconditioner for
 * the complex symmetric system (cond + iω·reac)·φ − Σ φ_nb = inlet. Real and imaginary parts in
 * separate arrays.
 */
function solveComplex(g: Graph, omega: number, tol: number, maxIt: number): { re: Float64Array; im: Float64Array; iterations: number } {
  const { n, nb } = g;
  const dRe = g.cond;
  const dIm = new Float64Array(n);
  for (let c = 0; c < n; c++) dIm[c] = omega * g.reac[c]!;
  const apply = (vr: Float64Array, vi: Float64Array, or: Float64Array, oi: Float64Array): void => {
    for (let c = 0; c < n; c++) {
      let sr = dRe[c]! * vr[c]! - dIm[c]! * vi[c]!;
      let si = dRe[c]! * vi[c]! + dIm[c]! * vr[c]!;
      for (let t = 6 * c; t < 6 * c + 6; t++) {
        const m = nb[t]!;
        if (m >= 0) {
          sr -= vr[m]!;
          si -= vi[m]!;
        }
      }
      or[c] = sr;
      oi[c] = si;
    }
  };
  // Preconditioner 1/diag (complex).
  const pRe = new Float64Array(n);
  const pIm = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const m2 = dRe[c]! ** 2 + dIm[c]! ** 2;
    if (m2 > 0) {
      pRe[c] = dRe[c]! / m2;
      pIm[c] = -dIm[c]! / m2;
    }
  }
  const xr = new Float64Array(n);
  const xi = new Float64Array(n);
  const rr = Float64Array.from(g.inlet);
  const ri = new Float64Array(n);
  const zr = new Float64Array(n);
  const zi = new Float64Array(n);
  const sr = new Float64Array(n);
  const si = new Float64Array(n);
  const qr = new Float64Array(n);
  const qi = new Float64Array(n);
  const precondition = (): void => {
    for (let c = 0; c < n; c++) {
      zr[c] = pRe[c]! * rr[c]! - pIm[c]! * ri[c]!;
      zi[c] = pRe[c]! * ri[c]! + pIm[c]! * rr[c]!;
    }
  };
  // Unconjugated dot product: Σ a·b (complex).
  const dot = (ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array): [number, number] => {
    let re = 0;
    let im = 0;
    for (let c = 0; c < n; c++) {
      re += ar[c]! * br[c]! - ai[c]! * bi[c]!;
      im += ar[c]! * bi[c]! + ai[c]! * br[c]!;
    }
    return [re, im];
  };
  const norm = (): number => {
    let s = 0;
    for (let c = 0; c < n; c++) s += rr[c]! ** 2 + ri[c]! ** 2;
    return Math.sqrt(s);
  };
  const norm0 = norm();
  if (norm0 === 0) return { re: xr, im: xi, iterations: 0 };
  precondition();
  sr.set(zr);
  si.set(zi);
  let [rhoR, rhoI] = dot(rr, ri, zr, zi);
  let it = 0;
  for (; it < maxIt; it++) {
    apply(sr, si, qr, qi);
    const [dR, dI] = dot(sr, si, qr, qi);
    const den = dR * dR + dI * dI;
    const aR = (rhoR * dR + rhoI * dI) / den;
    const aI = (rhoI * dR - rhoR * dI) / den;
    for (let c = 0; c < n; c++) {
      xr[c]! += aR * sr[c]! - aI * si[c]!;
      xi[c]! += aR * si[c]! + aI * sr[c]!;
      rr[c]! -= aR * qr[c]! - aI * qi[c]!;
      ri[c]! -= aR * qi[c]! + aI * qr[c]!;
    }
    if (norm() <= tol * norm0) return { re: xr, im: xi, iterations: it + 1 };
    precondition();
    const [nR, nI] = dot(rr, ri, zr, zi);
    const m2 = rhoR * rhoR + rhoI * rhoI;
    const bR = (nR * rhoR + nI * rhoI) / m2;
    const bI = (nI * rhoR - nR * rhoI) / m2;
    rhoR = nR;
    rhoI = nI;
    for (let c = 0; c < n; c++) {
      const tr = sr[c]!;
      const ti = si[c]!;
      sr[c] = zr[c]! + bR * tr - bI * ti;
      si[c] = zi[c]! + bR * ti + bI * tr;
    }
  }
  throw new ImpossibleRequestError('impedance solve', it, `convergence to ${tol} within ${maxIt} iterations`, 'raise maxIterations or check the volume');
}

/**
 * Input impedance of a transmission line fed at slice 0 and closed after the last slice: each
 * slice is a series resistance R_k followed by a capacitance C_k to the electrode (the 1D
 * ladder that homogenised porous-electrode impedance reduces to).
 *
 * @param R series (ionic) resistance of each slice (Ω).
 * @param C capacitance of each slice to the electrode (F); same length as R.
 * @param omega angular frequency (rad/s).
 * @returns the complex input impedance Z = re + i·im (Ω).
 * @example
 * transmissionLineImpedance([1, 1, 1], [1e-3, 1e-3, 1e-3], 2 * Math.PI * 10); // { re, im } at 10 Hz
 * @see de Levie, Electrochim. Acta 8 (1963) 751; Landesfeind et al., J. Electrochem. Soc. 163 (2016) A1373.
 */
export function transmissionLineImpedance(R: readonly number[], C: readonly number[], omega: number): { re: number; im: number } {
  let zr = 1e50;
  let zi = 0;
  for (let k = R.length - 1; k >= 0; k--) {
    // y = iωC + 1/Z, Z = R + 1/y
    const m2 = zr * zr + zi * zi;
    const yr = zr / m2;
    const yi = omega * C[k]! - zi / m2;
    const y2 = yr * yr + yi * yi;
    zr = R[k]! + yr / y2;
    zi = -yi / y2;
  }
  return { re: zr, im: zi };
}

function mean(v: readonly number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}

/**
 * Through-thickness electrode metrics of a labelled volume: ε(x), a(x), c(x), τ(x) from a
 * transport–reaction solve and τ_EIS from an impedance solve (TauFactor 2's ElectrodeSolver and
 * ImpedanceSolver definitions, periodic or closed lateral faces).
 *
 * @param volume labelled volume (voxel size in metres)
 * @param options phases, axis (low face = separator), periodicity, solver tolerance
 * @returns profiles per slice (separator side first), τ_electrode, τ_EIS, mean ε and a (1/m)
 * @example
 *   const m = electrodeMetrics(volume, { axis: 'z' });
 *   m.tauEis; m.profiles.tau; // τ(x) per slice
 * @throws ImpossibleRequestError when no conductive voxel touches the separator face or no
 *   reactive interface exists (there is then no electrode to measure)
 */
export function electrodeMetrics(volume: Volume, options: ElectrodeMetricsOptions = {}): ElectrodeMetrics {
  const conductive = options.conductiveLabels ?? [0];
  const reactive = options.reactiveLabels ?? [1];
  const axis = options.axis ?? 'z';
  const tol = options.tol ?? 1e-10;
  const maxIt = options.maxIterations ?? 20000;
  if (!(tol > 0 && tol < 1)) throw new ConfigError('tol', tol, 'a relative residual in (0, 1)');
  for (const l of conductive) if (reactive.includes(l)) throw new ConfigError('reactiveLabels', reactive, 'labels not also listed as conductive');
  const g = buildGraph(volume, axis, conductive, reactive, options.periodic ?? false);
  const L = g.slices;
  const area = g.crossSection;
  const volX = new Array<number>(L).fill(0);
  const aX = new Array<number>(L).fill(0);
  let inletCells = 0;
  for (let c = 0; c < g.n; c++) {
    volX[g.slice[c]!]! += 1 / area;
    aX[g.slice[c]!]! += g.reac[c]! / area;
    if (g.inlet[c]! > 0) inletCells++;
  }
  if (inletCells === 0) throw new ImpossibleRequestError('volume', 'no pore at the separator face', `conductive labels ${JSON.stringify(conductive)} touching the low ${axis} face`);
  const meanEps = mean(volX);
  const meanA = mean(aX);
  if (meanA === 0) throw new ImpossibleRequestError('volume', 'no reactive interface', `conductive voxels (labels ${JSON.stringify(conductive)}) next to reactive ones (labels ${JSON.stringify(reactive)})`);

  // --- transport–reaction: Thiele modulus 1 for the homogeneous electrode ---
  const k0 = meanEps / meanA / (L * L);
  const electrode = solveReal(g, k0, tol, maxIt);
  const c = electrode.x;
  const cX = new Array<number>(L).fill(0);
  // Mean face flux into each slice (separator-side face), over the whole cross-section.
  const flux = new Array<number>(L).fill(0);
  for (let q = 0; q < g.n; q++) {
    const k = g.slice[q]!;
    cX[k]! += c[q]! / area;
    if (k === 0) flux[0]! += (2 * (1 - c[q]!)) / area;
    // Slot 4 is the separator-side neighbour: each face counted once, from its upper cell.
    const m = g.nb[6 * q + 4]!;
    if (m >= 0) flux[k]! += (c[m]! - c[q]!) / area;
  }
  for (let k = 0; k < L; k++) cX[k] = volX[k]! > 0 ? cX[k]! / volX[k]! : 0;
  const epsFace = volX.map((v, k) => (k === 0 ? v : 0.5 * (volX[k - 1]! + v)));
  const tauX = new Array<number>(L);
  for (let k = 0; k < L; k++) {
    let grad = k === 0 ? 2 * (1 - cX[0]!) : cX[k - 1]! - cX[k]!;
    if (k > 0 && (volX[k] === 0 || volX[k - 1] === 0)) grad = 0;
    tauX[k] = flux[k]! !== 0 ? (epsFace[k]! * grad) / flux[k]! : Infinity;
  }
  const omegaE = meanEps / meanA / (L * L) / 8;
  const R = tauX.map((t, k) => (epsFace[k]! === 0 || !Number.isFinite(t) ? 1e30 : t / epsFace[k]!));
  const zSim = transmissionLineImpedance(R, aX, omegaE);
  const meanEpsFace = mean(epsFace);
  const zIdeal = transmissionLineImpedance(new Array<number>(L).fill(1 / meanEpsFace), new Array<number>(L).fill(meanA), omegaE);
  const tauElectrode = zSim.re / zIdeal.re;

  // --- impedance: capacitive faces at ω = f0/4 ---
  const omega = meanEps / meanA / (L * L) / 4;
  const imp = solveComplex(g, omega, tol, maxIt);
  let inRe = 0;
  let inIm = 0;
  for (let q = 0; q < g.n; q++) {
    if (g.inlet[q]! > 0) {
      inRe += (2 * (1 - imp.re[q]!)) / area;
      inIm += (-2 * imp.im[q]!) / area;
    }
  }
  const m2 = inRe * inRe + inIm * inIm;
  const z = { re: inRe / m2, im: -inIm / m2 };
  const zMean = transmissionLineImpedance(new Array<number>(L).fill(1 / meanEps), new Array<number>(L).fill(meanA), omega);
  const tauEis = z.re / zMean.re;

  const dx = volume.voxelSize;
  return {
    profiles: { porosity: volX, activeArea: aX.map((a) => a / dx), concentration: cX, tau: tauX },
    tauElectrode,
    tauEis,
    impedance: z,
    frequency: omega,
    porosity: meanEps,
    activeArea: meanA / dx,
    iterations: { electrode: electrode.iterations, impedance: imp.iterations },
  };
}
