import { createCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import { createVolume, LABEL, type Volume } from '../src/volume/volume.ts';
import { tortuosity, phaseSurfaceArea } from '../sims/properties/index.ts';
import { cylinderBundle, inclinedChannel } from '../src/voxel/test-geometries.ts';
import { fillQuasiStatic } from '../sims/filling/quasistatic/index.ts';
import { calibrateInterface, laplaceSigma, measureDroplet } from '../sims/filling/lbm/index.ts';
import { sessileAngle } from '../sims/filling/lbm/sessile-drop.ts';
import { crossValidate } from '../surrogates/judge/cv.ts';
import { makeTrainer } from '../surrogates/trainers.ts';
import { runStandalone, type BenchRun, type Figure } from './lib.ts';

/**
 * Accuracy beside speed: the validation cases of the physics (known answers) and the surrogates'
 * cross-validated error, each reported as the measured value, the known value and the error.
 */
function errorFigure(name: string, measured: number, expected: number, unit: string, tolerance: string): Figure {
  const rel = (measured - expected) / expected;
  return { name, unit: '% error', median: 100 * rel, note: `measured ${measured.toPrecision(6)} ${unit}, known ${expected.toPrecision(6)} ${unit}; contract ${tolerance}` };
}

function fill(shape: [number, number, number], f: (x: number, y: number, z: number) => number): Volume {
  const v = createVolume(shape, 1e-6);
  const [nx, ny, nz] = shape;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) v.labels[x + nx * (y + ny * z)] = f(x, y, z);
  return v;
}

async function physics(quick: boolean): Promise<Figure[]> {
  const out: Figure[] = [];
  const compute = await createCompute({ backend: 'cpu' });
  const ctx = { rng: new Rng(1), compute };
  const pore = [1, 0, 0];

  const series = await tortuosity(fill([8, 8, 40], (_x, _y, z) => (z < 20 ? 0 : 2)), [1, 0, 0.1], 'z', { tol: 1e-6 }, ctx);
  out.push(errorFigure('τ, two layers in series (D = 1, 0.1)', series.tau, 3.025, '', '0.5%'));
  const channel = await tortuosity(inclinedChannel(64, 64, 16), pore, 'z', { tol: 1e-5 }, ctx);
  out.push(errorFigure('τ, 45° inclined channel', channel.tau, 2.0101, '', '1%'));
  const block = await tortuosity(createVolume([16, 16, 16], 1e-6), pore, 'z', { tol: 1e-8 }, ctx);
  out.push({ name: 'τ, uniform block', unit: 'abs error', median: Math.abs(block.tau - 1), note: 'contract 1e-6' });

  for (const r of quick ? [10, 20] : [10, 15, 20, 30]) {
    const n = 2 * r + 8;
    const c = n / 2 + 0.3;
    const mask = new Uint8Array(n ** 3);
    for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) mask[x + n * (y + n * z)] = (x - c) ** 2 + (y - c) ** 2 + (z - c) ** 2 <= r * r ? 1 : 0;
    const area = phaseSurfaceArea(mask, [n, n, n]);
    out.push(errorFigure(`surface area, sphere r = ${r} voxels`, area, 4 * Math.PI * r * r, 'voxel²', '2%'));
  }

  // Quasi-static: each tube fills at Young–Laplace 2σcosθ/r; r = √(R²+1) voxels is the inscribed radius of the voxelized tube.
  const sigma = 0.035;
  const theta = 30;
  const vox = 1e-6;
  const tubes = [3, 5, 8].map((radius, i) => ({ cx: 10 + i * 20, cy: 12, radius }));
  const bundle = cylinderBundle([70, 24, 20], vox, tubes);
  const qs = await fillQuasiStatic(bundle, { surfaceTension: sigma, contactAngle: { am: theta, cbd: theta }, mode: 'imbibition' }, ctx);
  for (const t of tubes) {
    const i = t.cx + 70 * (t.cy + 24 * 10);
    const nominal = (2 * sigma * Math.cos((theta * Math.PI) / 180)) / (t.radius * vox);
    out.push(errorFigure(`quasi-static fill pressure, tube R = ${t.radius} voxels vs 2σcosθ/R`, qs.fillPressure[i]!, nominal, 'Pa', `discretization 1/(2R²) = ${(50 / t.radius ** 2).toFixed(1)}%`));
  }

  // Lattice Boltzmann: contact angles from the documented adhesion map, Laplace's law.
  const cal = await calibrateInterface(3);
  for (const target of quick ? [90] : [45, 90, 135]) {
    const measured = await sessileAngle(cal, target);
    out.push({ name: `LBM static contact angle, target ${target}°`, unit: '° error', median: measured - target, note: `measured ${measured.toFixed(2)}°; contract ±5°` });
  }
  if (!quick) {
    const drops = [];
    for (const r0 of [6, 8, 10, 12]) drops.push(await measureDroplet(3, r0, 40, 2500));
    const xs = drops.map((d) => 1 / d.radius);
    const ys = drops.map((d) => d.pressureJump);
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    xs.forEach((x, i) => ((sxy += (x - mx) * (ys[i]! - my)), (sxx += (x - mx) ** 2), (syy += (ys[i]! - my) ** 2)));
    const model = await laplaceSigma(3);
    out.push(errorFigure('LBM Laplace law, fitted σ (4 drops)', sxy / sxx, model, 'lattice', `5%, R² = ${((sxy * sxy) / (sxx * syy)).toFixed(5)} (≥ 0.99)`));
  }
  compute.destroy();
  return out;
}

/** Cross-validated GPR and linear surrogates on a smooth 4-input function with 2% noise. */
async function surrogates(quick: boolean): Promise<Figure[]> {
  const rng = new Rng(11);
  const n = quick ? 80 : 200;
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const p = [rng.uniform(), rng.uniform(), rng.uniform(), rng.uniform()];
    const f = Math.sin(3 * p[0]!) + 0.5 * p[1]! ** 2 + 0.3 * p[2]! * p[3]!;
    x.push(p);
    y.push([f + 0.02 * rng.normal()]);
  }
  const out: Figure[] = [];
  for (const kind of ['gpr', 'linear'] as const) {
    const trainer = makeTrainer(kind, { gpr: { restarts: 1 } });
    const cv = await crossValidate(trainer, x, y, ['a', 'b', 'c', 'd'], ['f'], 5, 1);
    const m = cv.metrics.f!;
    out.push({ name: `${kind} 5-fold CV R², smooth 4-input function, n = ${n}`, unit: 'R²', median: m.r2, note: `RMSE ${m.rmse.toPrecision(3)} (noise sd 0.02), MAE ${m.mae.toPrecision(3)}` });
  }
  return out;
}

export const run: BenchRun = async ({ quick }) => [...(await physics(quick)), ...(await surrogates(quick))];

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
