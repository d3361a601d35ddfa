import { adhesionField } from './domain.ts';
import { NODE } from './lattice.ts';
import { adhesionForAngle, electrolyteFraction } from './calibration.ts';
import type { InterfaceCalibration } from './calibration.ts';
import { createLbmSolver } from './solver.ts';

/** Default sessile-drop lattice: 56×1×30 nodes, drop radius 11, 3000 steps. */
export const SESSILE = { nx: 56, nz: 30, r0: 11, steps: 3000 };

/**
 * Sessile 2D drop on the z = 0 wall; angle from a circle fitted to the φ = ½ contour. A half-disc
 * of electrolyte (radius r0) is set on a solid floor whose adhesion is adhesionForAngle(θ_target),
 * under a neutral solid lid, and relaxed on the reference engine (τ = 1); contour points at least
 * 3 nodes from floor and lid get a Kåsa least-squares circle, and the angle is read where that
 * circle meets the wall surface (z = ½, half-way bounce-back). This is how the contact-angle map
 * is checked (physics.test.ts: 20°, 45°, 90°, 135° within 5°).
 *
 * @param cal interface calibration at the G to test (calibrateInterface).
 * @param thetaTarget contact angle the adhesion is set for (degrees, through the electrolyte).
 * @param size lattice nx × nz (nodes), initial drop radius r0 (nodes) and steps (steps); default
 *   SESSILE, 56×30 nodes, r0 = 11, 3000 steps.
 * @returns the measured static contact angle through the electrolyte (degrees).
 * @example
 * await sessileAngle(await calibrateInterface(3.5), 45); // 43.2
 * @see Huang, Thorne, Schaap & Sukop, Phys. Rev. E 76 (2007) 066701 (the map tested);
 *   Kåsa, IEEE Trans. Instrum. Meas. 25 (1976) 8 (the circle fit).
 */
export async function sessileAngle(cal: InterfaceCalibration, thetaTarget: number, size: { nx: number; nz: number; r0: number; steps: number } = SESSILE): Promise<number> {
  const { nx, nz } = size;
  const n = nx * nz;
  const node = new Uint8Array(n);
  const strength = new Float32Array(n);
  const g = adhesionForAngle(thetaTarget, cal);
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
    physics: { g: cal.g, tau1: 1, tau2: 1, tauOdd: 1, inletRho: [0, 0], outletRho: [0, 0] },
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

