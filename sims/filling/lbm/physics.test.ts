import { describe, expect, it } from 'vitest';
import { adhesionField } from './domain.ts';
import { adhesionForAngle, angleForAdhesion, calibrateInterface, contactAngleLine, DEFAULT_RELAXATION, laplaceSigma, measureDroplet } from './calibration.ts';
import { SESSILE, sessileAngle } from './sessile-drop.ts';
import { createLbmSolver } from './solver.ts';
import { LbmParamsSchema } from './params.ts';
import { paintLattice } from './test-domains.ts';

/** The default cohesion of filling runs (G 4), and G = 3 (the first default), which studies may still set. */
const DEFAULT_G = LbmParamsSchema.parse({}).lattice.g;
const COHESIONS = [...new Set([DEFAULT_G, 3])];

function linearFit(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: (sxy * sxy) / (sxx * syy) };
}

/**
 * Drops for the Laplace fit per G: at G = 3.5 drops of radius 6 give a Laplace σ 5 % above that of
 * radius 12–20 (the model σ, LAPLACE_SIGMA_TABLE), at G = 3 2 %: the curvature dependence of a
 * 3-node interface on a small drop. Radii from 2.7 interface widths up keep both within 5 %.
 */
const LAPLACE_DROPS: Record<number, { radii: number[]; box: number }> = { 3: { radii: [6, 8, 10, 12], box: 40 }, 3.5: { radii: [8, 10, 12, 14], box: 48 }, 3.8: { radii: [8, 10, 12, 14], box: 48 }, 4: { radii: [8, 10, 12, 14], box: 48 } };

describe.each(COHESIONS)('Laplace law (2D drops, G = %s)', (G) => {
  it('Δp is linear in 1/R (R² ≥ 0.99) and the fitted σ is within 5% of the model σ', async () => {
    const { radii, box } = LAPLACE_DROPS[G] ?? LAPLACE_DROPS[3.5]!;
    const drops = [];
    for (const r0 of radii) drops.push(await measureDroplet(G, r0, box, 2500));
    const fit = linearFit(
      drops.map((d) => 1 / d.radius),
      drops.map((d) => d.pressureJump),
    );
    const sigma = await laplaceSigma(G);
    expect(fit.r2).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(fit.slope / sigma - 1)).toBeLessThan(0.05);
  });
});

describe.each(COHESIONS)('static contact angle (2D sessile drops, documented adhesion map, G = %s)', (G) => {
  // The map's line is fitted to drops at 60–120° (s = −0.3 … 0.3), so 20°, 45° and 135° test it
  // outside its fit. A 20° drop spreads slowly: it gets 15,000 steps to come to rest (at 6,000 it
  // still reads 28° at G = 3, 23.6° once at rest).
  for (const target of [20, 45, 90, 135]) {
    it(`${target}° within 5°`, async () => {
      const cal = await calibrateInterface(G);
      const measured = await sessileAngle(cal, target, target < 30 ? { ...SESSILE, steps: 15_000 } : SESSILE);
      expect(Math.abs(measured - target), `measured ${measured.toFixed(2)}°`).toBeLessThan(5);
    });
  }
});

/** The slow-interdiffusion relaxation times (README "Electrolyte vapour"), tabled with wetting drops. */
const VAPOUR_TIGHT = { electrolyte: 1, gas: 0.55, odd: 0.6 };
/** The default relaxation times before 2026-12-04 (τ_odd 1), which studies may still set. */
const PREVIOUS = { electrolyte: 1, gas: 0.55, odd: 1 };

describe('contact-angle map between and beyond its measured drops', () => {
  it('adhesionForAngle and angleForAdhesion invert each other within 0.01° over 3–177°, at tabled and interpolated G', async () => {
    for (const tau of [DEFAULT_RELAXATION, VAPOUR_TIGHT, PREVIOUS]) {
      for (const G of [3, 3.4, 3.8]) {
        const cal = await calibrateInterface(G);
        for (let theta = 3; theta <= 177; theta += 2) {
          const back = angleForAdhesion(adhesionForAngle(theta, cal, tau), cal, tau);
          expect(Math.abs(back - theta), `τ ${JSON.stringify(tau)}, G ${G}, ${theta}° → ${back.toFixed(3)}°`).toBeLessThan(0.01);
        }
        // Stronger wetting asks for more adhesion, monotonically.
        expect(adhesionForAngle(10, cal, tau)).toBeLessThan(adhesionForAngle(20, cal, tau));
        expect(adhesionForAngle(20, cal, tau)).toBeLessThan(adhesionForAngle(45, cal, tau));
      }
    }
  });

  it('between tabled G the map is interpolated (line and wetting drops); outside the tabled G it is not extrapolated', () => {
    const a = contactAngleLine(3, VAPOUR_TIGHT)!;
    const b = contactAngleLine(3.5, VAPOUR_TIGHT)!;
    const mid = contactAngleLine(3.25, VAPOUR_TIGHT)!;
    expect(mid.offset).toBeCloseTo((a.offset + b.offset) / 2, 10);
    expect(mid.slope).toBeCloseTo((a.slope + b.slope) / 2, 10);
    expect(mid.wetting?.[2]?.[1]).toBeCloseTo((a.wetting![2]![1] + b.wetting![2]![1]) / 2, 10);
    // Below the smallest tabled G of these relaxation times: no map until measured (contactAngleLineFor).
    expect(contactAngleLine(2.5, VAPOUR_TIGHT)).toBeUndefined();
  });

  // At τ_odd 0.6 the fitted line alone gave 6° for 20° and 33° for 45° (G 3.8): the wetting drops carry the map there.
  for (const target of [20, 45, 135]) {
    it(`slow interdiffusion (τ_odd 0.6), G = 3.8: ${target}° within 5°`, async () => {
      const cal = await calibrateInterface(3.8);
      const measured = await sessileAngle(cal, target, { ...SESSILE, tau: VAPOUR_TIGHT, ...(target < 30 ? { steps: 15_000 } : {}) });
      expect(Math.abs(measured - target), `measured ${measured.toFixed(2)}°`).toBeLessThan(5);
    });
  }
});

describe.each(COHESIONS)('mass conservation (closed box, G = %s)', (G) => {
  it('keeps the mass of each component to 1e-6 relative over 300 steps', async () => {
    const cal = await calibrateInterface(G);
    const nx = 16;
    const ny = 12;
    const nz = 14;
    const n = nx * ny * nz;
    const adhesion = adhesionForAngle(40, cal);
    const { node, strength, rho1, rho2 } = paintLattice(
      nx,
      ny,
      nz,
      (x, y, z) => (z === 0 || z === nz - 1 || (x > 5 && x < 9 && y > 3 && y < 7 && z < 8) ? { solid: true, adhesion } : { liquid: Math.hypot(x - 4, y - 6, z - 7) < 4.5 }),
      { hi: cal.rhoHi, lo: cal.rhoLo },
    );
    const solver = createLbmSolver({
      domain: { nx, ny, nz, node, adhesion: adhesionField(nx, ny, nz, strength) },
      physics: { g: G, tau1: 1, tau2: 0.6, tauOdd: 1, inletRho: [0, 0], outletRho: [0, 0] },
      rho1,
      rho2,
      engine: 'typed-array',
    });
    const mass = async (): Promise<[number, number]> => {
      const mac = await solver.moments();
      let m1 = 0;
      let m2 = 0;
      for (let i = 0; i < n; i++) {
        m1 += mac[i]!;
        m2 += mac[n + i]!;
      }
      return [m1, m2];
    };
    const before = await mass();
    await solver.step(300);
    const after = await mass();
    expect(Math.abs(after[0] / before[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(after[1] / before[1] - 1)).toBeLessThan(1e-6);
  });
});
