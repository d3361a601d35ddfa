import { ConfigError } from '../../../src/errors.ts';
import { adhesionField } from './domain.ts';
import { NODE } from './lattice.ts';
import { adhesionForAngle, DEFAULT_RELAXATION, electrolyteFraction, LINE_FIT_MAX } from './calibration.ts';
import type { ContactAngleLine, InterfaceCalibration, RelaxationTimes } from './calibration.ts';
import { createLbmSolver } from './solver.ts';

/**
 * Default sessile-drop lattice: 120×1×40 nodes, drop radius 16, 6000 steps. Wide enough that a
 * 20° drop (base 83 nodes) spreads to rest: the former 56×30 box with a radius-11 drop was
 * narrower than a 20° drop's base (57 nodes), so its 20° reading after 3000 steps was a drop still
 * spreading (19° at 3000 steps, 1° at 8000 once it reached the box's edges).
 */
export const SESSILE = { nx: 120, nz: 40, r0: 16, steps: 6000 };

/** Lattice size, initial drop radius and run length of a sessile-drop measurement. */
export interface SessileSize {
  /** Lattice nodes along x and z. */
  nx: number;
  nz: number;
  /** Initial half-disc radius (nodes). */
  r0: number;
  /** Lattice steps before the contour is read. */
  steps: number;
  /**
   * Relaxation times of the electrolyte, the gas and the odd moments (default DEFAULT_RELAXATION,
   * those of filling runs). The static angle depends on them through the walls (TRT bounce-back
   * with forcing): at G = 3.5 a neutral wall reads 90° with τ_gas = 1 and 96–97.5° with
   * τ_gas = 0.55, in sessile drops and slit menisci alike.
   */
  tau?: RelaxationTimes;
}

/**
 * Sessile 2D drop on the z = 0 wall; angle from a circle fitted to the φ = ½ contour. A half-disc
 * of electrolyte (radius r0) is set on a solid floor whose adhesion is adhesionForAngle(θ_target),
 * under a neutral solid lid, and relaxed on the TypedArray engine (relaxation times of filling runs
 * unless size.tau says otherwise); contour points at least
 * 3 nodes from floor and lid get a Kåsa least-squares circle, and the angle is read where that
 * circle meets the wall surface (z = ½, half-way bounce-back). This is how the contact-angle map
 * is checked (physics.test.ts: 20°, 45°, 90°, 135° within 5°).
 *
 * @param cal interface calibration at the G to test (calibrateInterface).
 * @param thetaTarget contact angle the adhesion is set for (degrees, through the electrolyte).
 * @param size lattice nx × nz (nodes), initial drop radius r0 (nodes) and steps (steps); default
 *   SESSILE, 120×40 nodes, r0 = 16, 6000 steps.
 * @returns the measured static contact angle through the electrolyte (degrees).
 * @example
 * await sessileAngle(await calibrateInterface(3.5), 45); // 45.0
 * @see Huang, Thorne, Schaap & Sukop, Phys. Rev. E 76 (2007) 066701 (the map tested);
 *   Kåsa, IEEE Trans. Instrum. Meas. 25 (1976) 8 (the circle fit).
 */
export async function sessileAngle(cal: InterfaceCalibration, thetaTarget: number, size: SessileSize = SESSILE): Promise<number> {
  return sessileAngleForAdhesion(cal, adhesionForAngle(thetaTarget, cal, size.tau ?? DEFAULT_RELAXATION), size);
}

/**
 * The sessile-drop measurement of sessileAngle for a given adhesion strength of the floor (no
 * map involved): what the contact-angle map is fitted to (fitContactAngleLine).
 *
 * @param cal interface calibration at the run's G (calibrateInterface).
 * @param g adhesion strength of the floor (lattice units; negative wets the electrolyte).
 * @param size lattice, drop radius and steps (default SESSILE).
 * @returns the measured static contact angle through the electrolyte (degrees).
 * @example
 * await sessileAngleForAdhesion(await calibrateInterface(3.5), 0); // 95.8 (neutral floor, τ_gas 0.55)
 */
export async function sessileAngleForAdhesion(cal: InterfaceCalibration, g: number, size: SessileSize = SESSILE): Promise<number> {
  const tau = size.tau ?? DEFAULT_RELAXATION;
  const { nx, nz } = size;
  const n = nx * nz;
  const node = new Uint8Array(n);
  const strength = new Float32Array(n);
  for (let x = 0; x < nx; x++) {
    node[x] = NODE.solid;
    strength[x] = g;
    node[x + nx * (nz - 1)] = NODE.solid;
  }
  const rho1 = new Float32Array(n);
  const rho2 = new Float32Array(n);
  for (let z = 0; z < nz; z++) {
    for (let x = 0; x < nx; x++) {
      const inside = Math.hypot(x - nx / 2 + 0.5, z - 0.5) < size.r0;
      rho1[x + nx * z] = inside ? cal.rhoHi : cal.rhoLo;
      rho2[x + nx * z] = inside ? cal.rhoLo : cal.rhoHi;
    }
  }
  const solver = createLbmSolver({
    domain: { nx, ny: 1, nz, node, adhesion: adhesionField(nx, 1, nz, strength) },
    physics: { g: cal.g, tau1: tau.electrolyte, tau2: tau.gas, tauOdd: tau.odd, inletRho: [0, 0], outletRho: [0, 0] },
    rho1,
    rho2,
    engine: 'typed-array',
  });
  await solver.step(size.steps);
  const mac = await solver.moments();
  const phi = (x: number, z: number): number => electrolyteFraction(mac[x + nx * z]!, cal) - 0.5;
  const pts: [number, number][] = [];
  // Contour points away from the wall (z ≥ 3) and the lid, where the drop is circular.
  for (let z = 3; z < nz - 3; z++) {
    for (let x = 0; x < nx - 1; x++) {
      const a = phi(x, z);
      const b = phi(x + 1, z);
      if (a * b < 0) pts.push([x + a / (a - b), z]);
    }
  }
  for (let x = 0; x < nx; x++) {
    for (let z = 3; z < nz - 4; z++) {
      const a = phi(x, z);
      const b = phi(x, z + 1);
      if (a * b < 0) pts.push([x, z + a / (a - b)]);
    }
  }
  // Kåsa circle fit: x² + z² = A x + B z + C.
  const m = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  for (const [x, z] of pts) {
    const row = [x, z, 1];
    const r = x * x + z * z;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) m[i]![j]! += row[i]! * row[j]!;
      m[i]![3]! += row[i]! * r;
    }
  }
  for (let c = 0; c < 3; c++) {
    for (let r = c + 1; r < 3; r++) {
      const k = m[r]![c]! / m[c]![c]!;
      for (let j = c; j < 4; j++) m[r]![j]! -= k * m[c]![j]!;
    }
  }
  const sol = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let v = m[r]![3]!;
    for (let j = r + 1; j < 3; j++) v -= m[r]![j]! * sol[j]!;
    sol[r] = v / m[r]![r]!;
  }
  const xc = sol[0]! / 2;
  const zc = sol[1]! / 2;
  const radius = Math.sqrt(sol[2]! + xc * xc + zc * zc);
  // Half-way bounce-back puts the wall surface at z = 0.5.
  return (Math.acos((0.5 - zc) / radius) * 180) / Math.PI;
}


/** Normalised adhesions s = −4g/(G Δρ) the contact-angle line is fitted over (about 60–125° at G ≥ 3; the last is LINE_FIT_MAX). */
export const MAP_FIT_POINTS = [-0.3, -0.1, 0.1, LINE_FIT_MAX] as const;

/**
 * Normalised adhesions of the wetting drops measured beyond the line (down to about 0°), each
 * given WETTING_DROP_STEPS to spread: a 20° drop still reads 28° at 6,000 steps.
 */
export const WETTING_FIT_POINTS = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;
export const WETTING_DROP_STEPS = 15_000;

/**
 * Fits the contact-angle line cos θ = offset + slope · s (s = −4g/(G Δρ), Huang's estimate of
 * cos θ) at the calibration's G by least squares over sessile drops (sessileAngleForAdhesion) at
 * the adhesions MAP_FIT_POINTS, then the wetting drops at WETTING_FIT_POINTS that the map follows
 * beyond the line: how CONTACT_ANGLE_LINES (calibration.ts) was measured. About 4 minutes.
 *
 * @param cal interface calibration at the G to fit (calibrateInterface).
 * @param size sessile-drop lattice (default SESSILE).
 * @returns the fitted offset and slope (dimensionless), the wetting drops' (s, cos θ) and the
 *   largest residual of the line in cos θ.
 * @throws ConfigError naming the relaxation times when a drop diverges at them.
 * @example
 * await fitContactAngleLine(await calibrateInterface(3.5)); // { offset: -0.0952, slope: 1.4073, residual: 0.009, wetting: [[0.4, 0.4935], …] }
 */
export async function fitContactAngleLine(cal: InterfaceCalibration, size: SessileSize = SESSILE): Promise<ContactAngleLine & { residual: number }> {
  const xs: number[] = [];
  const ys: number[] = [];
  const tau = size.tau ?? DEFAULT_RELAXATION;
  /** cos θ of a drop at normalised adhesion s after `steps` steps. */
  const dropCos = async (s: number, steps: number): Promise<number> => {
    const angle = await sessileAngleForAdhesion(cal, (-s * cal.g * (cal.rhoHi - cal.rhoLo)) / 4, { ...size, steps });
    // A drop that diverges means the lattice is unstable at these relaxation times against a
    // wetting wall: no map can be had, and a run would only diverge later for the same reason.
    if (!Number.isFinite(angle)) {
      throw new ConfigError('lattice.tauElectrolyte/tauGas/tauOdd', `${tau.electrolyte}/${tau.gas}/${tau.odd}`, 'relaxation times at which the contact-angle calibration is stable', `a sessile drop at G = ${cal.g}, s = ${s} diverged`);
    }
    return Math.cos((Math.PI / 180) * angle);
  };
  for (const s of MAP_FIT_POINTS) {
    xs.push(s);
    ys.push(await dropCos(s, size.steps));
  }
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxy / sxx;
  const offset = my - slope * mx;
  let residual = 0;
  for (let i = 0; i < xs.length; i++) residual = Math.max(residual, Math.abs(ys[i]! - offset - slope * xs[i]!));
  const wetting: (readonly [number, number])[] = [];
  for (const s of WETTING_FIT_POINTS) wetting.push([s, await dropCos(s, Math.max(size.steps, WETTING_DROP_STEPS))]);
  return { offset, slope, wetting, residual };
}
