import { describe, expect, it } from 'vitest';
import { adhesionField } from './domain.ts';
import { NODE } from './lattice.ts';
import { adhesionForAngle, calibrateInterface, contactAngleLineFor, electrolyteFraction, laplaceSigma } from './calibration.ts';
import { createLbmSolver } from './solver.ts';
import { unitConversion } from './units.ts';
import { LbmParamsSchema } from './params.ts';
import { dryGasDensity } from './setup.ts';

/**
 * Capillary filling of a 2D slit (width H between two walls, periodic array of slits) from a wide
 * electrolyte reservoir at fixed density, gas leaving at a fixed-pressure outlet. Washburn for a
 * slit: L² = σ H cos θ t / (3 μ). Lattice parameters and the boundary composition are the
 * model's (dry gas ahead, electrolyte saturated with gas behind, pressure outlet with the inward
 * composition, as prepareFilling and the engines set them).
 *
 * Geometry as buildFillingLattice lays out an electrode: `reservoir` open layers on both sides of
 * the porous part, so no adhesive solid reaches the outlet plane. Walls running into the outlet
 * (the former layout of this test) are not a state the model produces and are wrong in two ways:
 * the fixed-pressure outlet cut through the adhesion field of the wall ends pumps gas (dry gas
 * alone, no pressure difference: mean speed 0.02–0.08 back into the slit with the walls ending
 * 0–1 layers before the outlet, 0.0065 at 2, 0.0008 at 4, 2e-5 at 6 layers), which held the
 * gas at the meniscus 0.001 above the outlet pressure (20 % of the capillary pressure) and gave a
 * slope of 0.62–0.67 of Washburn's; with walls 2 layers short the front was pushed back out.
 *
 * Washburn's law leaves out the entrance: Stokes flow from the reservoir into the slit mouth
 * costs the pressure drop of a slit in a thin wall, half of Hasimoto's (1958) Δp = 32 μ Q/(π H²)
 * on each side, i.e. an extra length L_e = 4H/(3π) ≈ 0.42 H of slit (measured: 0.0009 between
 * reservoir and mouth at H = 16 against a liquid gradient of 1.4e-4 per node, 6.4 nodes;
 * Hasimoto 6.8). Then L² + 2 L_e L = σ H cos θ t/(3μ): the plain L² slope is below Washburn's by
 * (L1 + L2)/(L1 + L2 + 2 L_e) over a fit window L1–L2.
 *
 * Washburn's law also takes the static angle, i.e. a slow front. In a slit the capillary number
 * of the front is Ca = μ u/σ = H cos θ/(6 L), whatever the units, so a short slit fills at a high
 * Ca: 0.04–0.09 for L = 20–45 nodes at H = 16, where the dynamic angle (Cox–Voinov,
 * θ_d³ = θ³ + 9 Ca ln(L/ℓ), ℓ the slip length, here about one node) is well above 45° and the
 * slope falls to 0.56 of Washburn's. The fit window is therefore L = 60–170 nodes
 * (Ca 0.01–0.03), where the slope is 0.75 of Washburn's (0.80 with the entrance length, which
 * Cox–Voinov with ℓ = 1 node and Ca = 0.016 puts at 0.81), and the test also checks that the
 * shortfall shrinks as Ca falls: the slope over L = 20–45 in the same run is lower. (Before solid
 * nodes counted with the fluid node's own ψ, the short slit read 0.82 of Washburn's: its wall
 * film wetted a 45° slit like a 26° one, which hid the dynamic angle.)
 */
/**
 * The default lattice (G 4, τ_odd 0.65) and the first default (G 3, τ_odd 1), which studies may
 * still set. G 3 with τ_odd 0.65 is not a supported pairing: its slit fills at 0.68 of Washburn's
 * slope (slow interdiffusion slows contact lines more where the interface is wider; README
 * "Electrolyte vapour").
 */
const DEFAULT_LATTICE = LbmParamsSchema.parse({}).lattice;
const LATTICES = [
  { g: DEFAULT_LATTICE.g, tauOdd: DEFAULT_LATTICE.tauOdd },
  { g: 3, tauOdd: 1 },
];

describe.each(LATTICES)('Lucas–Washburn capillary filling of a slit (G = $g, τ_odd = $tauOdd)', ({ g, tauOdd }) => {
  it.each([
    { H: 16, wallThickness: 4 },
    { H: 12, wallThickness: 4 },
  ])('H = $H, walls $wallThickness: L ∝ t^n with n = 0.5 ± 0.05 at Ca 0.01–0.03; L² slope within 30% of Washburn in physical units, closer to it than at Ca 0.04–0.09', async ({ H, wallThickness }) => {
    const theta = 45;
    const cal = await calibrateInterface(g);
    const reservoir = 6;
    const length = 200;
    const nx = H + 2 * wallThickness;
    // reservoir electrolyte layers + inlet, the slit, reservoir gas layers + outlet.
    const nz = reservoir + length + reservoir + 2;
    const slitEnd = reservoir + 1 + length;
    const n = nx * nz;
    const z0 = reservoir + 1;
    const node = new Uint8Array(n);
    const strength = new Float32Array(n);
    const rho1 = new Float32Array(n);
    const rho2 = new Float32Array(n);
    const gas = dryGasDensity(cal);
    // The electrolyte's default relaxation time; a gas 25× less viscous than the electrolyte
    // (τ_gas = 0.52) so its column adds a few percent of resistance. The adhesion for θ at these
    // relaxation times (the static angle depends on them) is tabled (CONTACT_ANGLE_LINES, "1/0.52/…").
    const tau1 = DEFAULT_LATTICE.tauElectrolyte;
    const tau2 = 0.52;
    const tau = { electrolyte: tau1, gas: tau2, odd: tauOdd };
    await contactAngleLineFor(g, tau);
    const adhesion = adhesionForAngle(theta, cal, tau);
    for (let z = 0; z < nz; z++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * z;
        const liquid = z < z0 + 3;
        rho1[i] = liquid ? cal.rhoHi : 0;
        rho2[i] = liquid ? cal.rhoLo : gas;
        if (z === 0) node[i] = NODE.inlet;
        else if (z === nz - 1) node[i] = NODE.outlet;
        if (z >= z0 && z < slitEnd && (x < wallThickness || x >= wallThickness + H)) {
          node[i] = NODE.solid;
          strength[i] = adhesion;
        }
      }
    }
    const solver = createLbmSolver({
      domain: { nx, ny: 1, nz, node, adhesion: adhesionField(nx, 1, nz, strength) },
      physics: { g, tau1, tau2, tauOdd, inletRho: [cal.rhoHi, cal.rhoLo], outletRho: [cal.rhoLo, cal.rhoHi] },
      rho1,
      rho2,
      engine: 'typed-array',
    });
    const samples: { t: number; L: number }[] = [];
    for (let t = 0; t <= 60_000; t += 100) {
      if (t > 0) await solver.step(100);
      const mac = await solver.moments();
      let filled = 0;
      for (let z = z0; z < slitEnd; z++) for (let x = wallThickness; x < wallThickness + H; x++) filled += electrolyteFraction(mac[x + nx * z]!, cal);
      const L = filled / H;
      samples.push({ t, L });
      if (L > 172) break;
    }
    // Low Ca (60 ≤ L ≤ 170, Ca 0.01–0.03), well before the outlet; the high-Ca window after the
    // inertial start (L ≥ 20 nodes = 1.25 H) only for comparison.
    const fitted = samples.filter((s) => s.L >= 60 && s.L <= 170);
    const early = samples.filter((s) => s.L >= 20 && s.L <= 45);
    expect(fitted.length).toBeGreaterThan(8);
    expect(early.length).toBeGreaterThan(3);
    const fit = (xs: number[], ys: number[]): { slope: number; intercept: number } => {
      const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
      const my = ys.reduce((a, b) => a + b, 0) / ys.length;
      let sxy = 0;
      let sxx = 0;
      xs.forEach((x, i) => {
        sxy += (x - mx) * (ys[i]! - my);
        sxx += (x - mx) ** 2;
      });
      return { slope: sxy / sxx, intercept: my - (sxy / sxx) * mx };
    };
    // The start (meniscus forming from the flat initial interface, inertia) shifts the time
    // origin: t0 is where the fitted L²(t) line crosses zero, and n is the log–log slope of L
    // against t − t0.
    const squared = fit(
      fitted.map((s) => s.t),
      fitted.map((s) => s.L * s.L),
    );
    const t0 = -squared.intercept / squared.slope;
    const power = fit(
      fitted.map((s) => Math.log(s.t - t0)),
      fitted.map((s) => Math.log(s.L)),
    );
    expect(Math.abs(power.slope - 0.5)).toBeLessThanOrEqual(0.05);

    // Prefactor in physical units: voxel 1 µm, the default electrolyte.
    const physical = { surfaceTension: 0.035, viscosity: 3e-3, density: 1250 };
    const units = unitConversion({ dx: 1e-6, ...physical, latticeSigma: await laplaceSigma(g), latticeDensity: cal.rhoHi, tau: tau1 });
    const washburnK = (physical.surfaceTension * H * units.dx * Math.cos((theta * Math.PI) / 180)) / (3 * physical.viscosity);
    const slopeOver = (window: typeof samples): number => {
      const first = window[0]!;
      const last = window[window.length - 1]!;
      return ((last.L * units.dx) ** 2 - (first.L * units.dx) ** 2) / ((last.t - first.t) * units.dt) / washburnK;
    };
    const ratio = slopeOver(fitted);
    const ratioEarly = slopeOver(early);
    // Entrance length of the slit mouth (Hasimoto), not fitted: reported beside the plain slope.
    const entrance = (4 * H) / (3 * Math.PI);
    const first = fitted[0]!;
    const last = fitted[fitted.length - 1]!;
    const corrected = ((last.L ** 2 - first.L ** 2 + 2 * entrance * (last.L - first.L)) * units.dx ** 2) / ((last.t - first.t) * units.dt) / washburnK;
    const what = `measured/Washburn slope ${ratio.toFixed(3)} at Ca 0.01–0.03 (${corrected.toFixed(3)} with the entrance length), ${ratioEarly.toFixed(3)} at Ca 0.04–0.09`;
    console.log(`G = ${g}, τ_odd = ${tauOdd}, H = ${H}: ${what}`);
    expect(Math.abs(ratio - 1), what).toBeLessThan(0.3);
    expect(ratio - ratioEarly, what).toBeGreaterThan(0.05);
  });
});
