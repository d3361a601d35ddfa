import { runStandalone, type BenchRun, type Figure } from './lib.ts';
import { createCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import type { Volume } from '../src/volume/volume.ts';
import { fillLbm } from '../sims/filling/lbm/fill.ts';
import { electrode, fmt, outletQuarterBelowHalf } from './fill-cases.ts';
import type { LbmParamsInput } from '../sims/filling/lbm/params.ts';
import { fillQuasiStatic } from '../sims/filling/quasistatic/fill-quasi-static.ts';

/**
 * Wetting outcomes rather than speed: the lattice-Boltzmann filling run to its plateau on whole
 * generated electrodes, beside the quasi-static (pore-morphology) imbibition of the same electrode
 * at the same contact angles — final saturation and trapped gas of each — and the figure that
 * decides whether LBM runs can feed a data set: a 96³ calendered electrode (d50 4 µm, 0.5 µm
 * voxels, 20 % calendered) filled to its plateau within 10 minutes on a 2-core machine.
 *
 * Also the lattice steps an electrode needs to reach its plateau with the default lattice (G = 4,
 * τ_odd 0.65, plateau also when the invasion is over) against the first default (G = 3, τ_odd 1,
 * plateau only when the saturation stops changing) and the steps between (lattice README
 * "Cohesion", "Plateau" and "Electrolyte vapour"), on
 * 32×32×40 and, in the full run, on the issue's 64³ electrode (seed 5, θ_AM 20°, θ_CBD 40°,
 * periodic sides).
 *
 * The full run also checks the front contract (outlet quarter < 2 % of its pore volume while the
 * saturation is below 0.5) on a calendered electrode 96 layers thick, where it failed while solid
 * nodes counted as ψ = 0 in the cohesion sum, and by electrolyte vapour at G 3.5, τ_odd 1.
 *
 * Every LBM run stops at its plateau or a time limit (stated in the note). Quick mode: one
 * 40-layer electrode at one angle set, no 96³ run.
 */


async function lbmToPlateau(volume: Volume, params: LbmParamsInput): Promise<Awaited<ReturnType<typeof fillLbm>>> {
  const compute = await createCompute({ backend: 'cpu' });
  try {
    return await fillLbm(volume, { steps: 200_000, timeLimitS: 900, ...params }, { rng: new Rng(1), compute });
  } finally {
    compute.destroy();
  }
}

export const run: BenchRun = async ({ quick }) => {
  const figures: Figure[] = [];
  // Time limits keep the suite finite: a 32×32×40 electrode needed ~22,000 steps (G = 3.5) to its
  // plateau when it waited for the slow dissolution of the last gas pockets, 11,800 at the default
  // lattice with the invasion criterion.
  const limit = quick ? 240 : 600;
  const cases = quick
    ? [{ label: '32×32×40 uncalendered', shape: [32, 32, 40] as [number, number, number], calendering: 0, am: 20, cbd: 40 }]
    : [
        { label: '32×32×40 uncalendered', shape: [32, 32, 40] as [number, number, number], calendering: 0, am: 20, cbd: 40 },
        { label: '32×32×40 uncalendered', shape: [32, 32, 40] as [number, number, number], calendering: 0, am: 45, cbd: 70 },
        { label: '32×32×50 calendered 20 %', shape: [32, 32, 50] as [number, number, number], calendering: 20, am: 20, cbd: 40 },
      ];
  for (const c of cases) {
    const volume = await electrode(c.shape, c.calendering, 5);
    const angles = `θ am ${c.am}° cbd ${c.cbd}°`;
    const lbm = await lbmToPlateau(volume, { contactAngle: { am: c.am, cbd: c.cbd }, lateral: 'periodic', timeLimitS: limit });
    const compute = await createCompute({ backend: 'cpu' });
    const qs = await fillQuasiStatic(volume, { contactAngle: { am: c.am, cbd: c.cbd } }, { rng: new Rng(1), compute });
    compute.destroy();
    const name = `${c.label}, ${angles}`;
    figures.push({
      name: `LBM final saturation, ${name}`,
      unit: '1',
      median: lbm.saturation,
      note: `${lbm.stopReason}${lbm.plateauBy ? ` (${lbm.plateauBy})` : ''} after ${lbm.steps} steps (${lbm.wallSeconds.toFixed(0)} s, ${lbm.mlups.toFixed(1)} MLUPS, ${lbm.engine}); t50 ${fmt(lbm.t50)}, t90 ${fmt(lbm.t90)}; quasi-static ${qs.saturation.toFixed(3)}`,
    });
    figures.push({ name: `quasi-static final saturation, ${name}`, unit: '1', median: qs.saturation });
    figures.push({ name: `LBM trapped gas, ${name}`, unit: 'of pore volume', median: lbm.trappedFraction, note: `${lbm.trappedClusters} clusters; quasi-static ${qs.trappedFraction.toFixed(3)}` });
    figures.push({ name: `quasi-static trapped gas, ${name}`, unit: 'of pore volume', median: qs.trappedFraction });
    if (c === cases[0]) figures.push({ name: `LBM steps to plateau, ${name}, default lattice`, unit: 'steps', median: lbm.stopReason === 'plateau' ? lbm.steps : Number.NaN, note: `${lbm.stopReason} after ${lbm.steps} steps` });
  }
  if (!quick) {
    // Before/after: the lattice of the first default (G = 3, τ_odd 1, plateau = saturation stopped
    // changing), G = 3.5 with τ_odd 1 and the saturation plateau only, the same with the invasion
    // plateau (the default until 2026-12-04), and the default (G = 4, τ_odd 0.65, both criteria).
    const variants: { name: string; lattice: { g: number; tauOdd?: number }; invasion: boolean }[] = [
      { name: 'G = 3, τ_odd 1, saturation plateau (first default)', lattice: { g: 3, tauOdd: 1 }, invasion: false },
      { name: 'G = 3.5, τ_odd 1, saturation plateau', lattice: { g: 3.5, tauOdd: 1 }, invasion: false },
      { name: 'G = 3.5, τ_odd 1, saturation or invasion plateau (previous default)', lattice: { g: 3.5, tauOdd: 1 }, invasion: true },
      { name: 'G = 4, τ_odd 0.65, saturation or invasion plateau (default)', lattice: { g: 4 }, invasion: true },
    ];
    // 64³ at G 3.5, τ_odd 1 took 38,350 steps (20 min at 12 MLUPS, 2 threads, 2026-12-03);
    // the slower variants stop at the limit, and their figure is then a lower bound (in the note).
    for (const [label, shape, timeLimitS] of [['32×32×40', [32, 32, 40], limit], ['64³', [64, 64, 64], 1800]] as const) {
      const volume = await electrode([...shape], 0, 5);
      for (const v of variants) {
        const r = await lbmToPlateau(volume, { contactAngle: { am: 20, cbd: 40 }, lateral: 'periodic', timeLimitS, lattice: v.lattice, plateau: { invasion: v.invasion } });
        figures.push({
          name: `LBM steps to plateau, ${label} uncalendered, θ am 20° cbd 40°, ${v.name}`,
          unit: 'steps',
          median: r.stopReason === 'plateau' ? r.steps : Number.NaN,
          note: `${r.stopReason}${r.plateauBy ? ` (${r.plateauBy})` : ''} after ${r.steps} steps (${r.wallSeconds.toFixed(0)} s, ${r.mlups.toFixed(1)} MLUPS); saturation ${r.saturation.toFixed(3)}, trapped ${r.trappedFraction.toFixed(3)}, t50 ${fmt(r.t50)}, t90 ${fmt(r.t90)}`,
        });
      }
    }
    // The front contract where it used to fail (lattice README, "Walls in the cohesion sum"): a
    // calendered electrode 96 layers thick, run to its plateau, the outlet quarter's share of its
    // pore volume while the saturation is below 0.5 (contract < 2 %; 21 % with ψ = 0 at solids).
    // The default (G 4, τ_odd 0.65: lower solubility and slower interdiffusion) beside the
    // previous default (G 3.5, τ_odd 1: 4.3 %; lattice README, "Electrolyte vapour").
    const thick = await electrode([32, 32, 120], 20, 5);
    for (const [label, lattice] of [['default lattice (G 4, τ_odd 0.65)', {}], ['previous default (G 3.5, τ_odd 1)', { g: 3.5, tauOdd: 1 }]] as const) {
      const f = await lbmToPlateau(thick, { contactAngle: { am: 20, cbd: 40 }, lateral: 'periodic', snapshotEvery: 2500, lattice });
      const { weighted, filled, atSaturation } = outletQuarterBelowHalf(thick, f);
      figures.push({
        name: `front contract, 32×32×96 calendered 20 %, θ am 20° cbd 40°, ${label}: outlet quarter while S < 0.5 (electrolyte-weighted)`,
        unit: 'of its pore volume',
        median: weighted,
        note: `contract < 0.02; largest over snapshots every 2,500 steps, at S ${atSaturation.toFixed(3)}; filled voxels (φ ≥ ½) ${filled.toFixed(3)}; run ${f.stopReason}${f.plateauBy ? ` (${f.plateauBy})` : ''} after ${f.steps} steps (${f.wallSeconds.toFixed(0)} s, ${f.mlups.toFixed(1)} MLUPS), final saturation ${f.saturation.toFixed(3)}, trapped gas ${f.trappedFraction.toFixed(3)}`,
      });
    }
    // The outcome that counts: a representative calendered electrode filled within 10 minutes.
    const c96 = await electrode([96, 96, 120], 20, 5);
    const r = await lbmToPlateau(c96, { contactAngle: { am: 20, cbd: 40 }, lateral: 'periodic', timeLimitS: 600 });
    const curve = r.curve.filter((_, k) => k % Math.max(1, Math.floor(r.curve.length / 12)) === 0).map((p) => `${(p.t * 1e3).toFixed(3)} ms:${p.saturation.toFixed(3)}`);
    figures.push({
      name: '96³ calendered electrode (d50 4 µm, 0.5 µm voxels) filled by LBM: wall time',
      unit: 's',
      median: r.wallSeconds,
      note: `${r.stopReason}${r.plateauBy ? ` (${r.plateauBy})` : ''} after ${r.steps} steps, ${r.mlups.toFixed(1)} MLUPS (${r.engine}); saturation ${r.saturation.toFixed(3)}, t50 ${fmt(r.t50)}, t90 ${fmt(r.t90)}, trapped gas ${r.trappedFraction.toFixed(3)} in ${r.trappedClusters} clusters; curve ${curve.join(', ')}`,
    });
    figures.push({ name: '96³ calendered electrode, LBM final saturation', unit: '1', median: r.saturation });
    figures.push({ name: '96³ calendered electrode, LBM trapped gas', unit: 'of pore volume', median: r.trappedFraction });
  }
  return figures;
};



if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
