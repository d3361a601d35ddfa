import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute } from '../../gpu/backend.ts';
import type { Compute } from '../../gpu/backend.ts';
import { Rng } from '../../random/rng.ts';
import { generateElectrode, type GenerateParams } from '../../../sims/mesostructure/index.ts';
import { DESCRIPTOR_SPECS, measureDescriptors, type StructureDescriptors } from '../../../sims/properties/descriptors.ts';
import { calibrate, CALIBRATED_PARAMETERS, compareDescriptors, measureTomogram, sizeCorrectedReference, type CalibratedParameter, type CalibrationReport } from './calibrate.ts';
import { toleranceSummary } from '../commands/calibrate.ts';
import { thicknessToZ } from '../../volume/orient.ts';
import { boxCrop } from '../../volume/crop.ts';
import { calibrationObjective, DEFAULT_WEIGHTS, descriptorTolerance, meanStd, mismatch, mismatchResiduals, relativeError, toleranceCall } from './mismatch.ts';

let compute: Compute;
beforeAll(async () => {
  compute = await createCompute({ backend: 'cpu' });
});
afterAll(() => compute.destroy());

const ctx = () => ({ rng: new Rng(1), compute, threads: 1 });

describe('mismatch', () => {
  it('is 0 for identical descriptors, the weighted mean of squared relative errors otherwise, capped per term', async () => {
    const v = (await generateElectrode({ shape: [32, 32, 32], voxelSizeUm: 0.5, d50Um: 4, porosity: 0.45, cbdFraction: 0.15, seed: 3 }, ctx())).volume;
    const real = await measureDescriptors(v, ctx());
    expect(mismatch(real, [real, real], DEFAULT_WEIGHTS)).toBe(0);
    // Only the area group weighted: cbd–pore 10 % high, others exact → (0.1²)/3 over three area terms.
    const off = structuredClone(real);
    off.values['area.cbd_pore'] = real.values['area.cbd_pore']! * 1.1;
    const onlyArea = { fraction: 0, area: 1, tau: 0, size: 0, s2: 0, s2Curve: 0 };
    expect(mismatch(real, [off], onlyArea)).toBeCloseTo(0.01 / 3, 12);
    // The 'worst' objective adds (0.1 · 10 % / 10 %)²: that area is at its tolerance.
    const { residuals, perTolerance } = mismatchResiduals(real, [off], onlyArea);
    expect(calibrationObjective('worst', perTolerance)(residuals)).toBeCloseTo(0.01 / 3 + 0.01, 12);
    expect(calibrationObjective('mismatch', perTolerance)(residuals)).toBeCloseTo(0.01 / 3, 12);
    // A τ 5 % off is at its tolerance too: it adds 0.1², where its share of the mean is 0.05²/6.
    const tauOff = structuredClone(real);
    tauOff.values['tau.pore.z'] = real.values['tau.pore.z']! * 1.05;
    const onlyTau = { ...onlyArea, area: 0, tau: 1 };
    const t = mismatchResiduals(real, [tauOff], onlyTau);
    expect(t.names).toHaveLength(6);
    expect(calibrationObjective('worst', t.perTolerance)(t.residuals)).toBeCloseTo(0.05 ** 2 / 6 + 0.01, 10);
    expect(descriptorTolerance('tau.solid.x')).toBe(0.05);
    expect(descriptorTolerance('poreSize.d90')).toBe(0.1);
    // A non-percolating synthetic τ counts as a relative error of 1, not Infinity.
    expect(relativeError(Infinity, 2)).toBe(1);
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: Math.SQRT2 });
    // Equal values: exactly themselves, with no spread from rounding the sum (8 × 0.1 sums to 0.7999…).
    expect(meanStd(new Array(8).fill(0.1))).toEqual({ mean: 0.1, std: 0 });
  });
});

describe('tolerance calls with the seeds\' standard error', () => {
  it('marks a mean within two standard errors of its tolerance as marginal, on either side', () => {
    // τ solid y of the TauFactor race (bench README): +4.9 % with a seed spread of 2.0 % over 8 seeds, SE 0.71 %.
    expect(toleranceCall('tau.solid.y', 0.049, 0.02 / Math.sqrt(8))).toEqual({ within: true, marginal: true });
    expect(toleranceCall('tau.solid.y', 0.062, 0.008)).toEqual({ within: false, marginal: true });
    expect(toleranceCall('tau.solid.y', 0.025, 0.007)).toEqual({ within: true, marginal: false });
    expect(toleranceCall('tau.solid.y', -0.08, 0.007)).toEqual({ within: false, marginal: false });
    // 10 % for the rest: cbd–pore −8.6 ± 0.14 % is sure; the same mean ± 0.8 % is not.
    expect(toleranceCall('area.cbd_pore', -0.086, 0.0014)).toEqual({ within: true, marginal: false });
    expect(toleranceCall('area.cbd_pore', -0.086, 0.008)).toEqual({ within: true, marginal: true });
    // Against another tolerance: the same −8.6 % is beyond 5 %, and surely so.
    expect(toleranceCall('area.cbd_pore', -0.086, 0.008, 0.05)).toEqual({ within: false, marginal: false });
    // One seed has no standard error: the call stands as the mean says; a non-finite error is beyond.
    expect(toleranceCall('tau.pore.x', 0.0499, 0)).toEqual({ within: true, marginal: false });
    expect(toleranceCall('tau.pore.x', NaN, 0.01)).toEqual({ within: false, marginal: false });
  });

  it('compareDescriptors reports the standard error of the mean; the summary names the marginal descriptors', () => {
    const names = DESCRIPTOR_SPECS.map((s) => s.name);
    const real: StructureDescriptors = { values: Object.fromEntries(names.map((n) => [n, 2])), s2: {} };
    // Four seeds: every descriptor 2 % high with no scatter, but τ solid y at 2·(1.049 + {−0.04, 0, 0, +0.04}).
    const reps: StructureDescriptors[] = [-0.04, 0, 0, 0.04].map((d) => ({ values: Object.fromEntries(names.map((n) => [n, n === 'tau.solid.y' ? 2 * (1.049 + d) : 2 * 1.02])), s2: {} }));
    const rows = compareDescriptors(real, reps);
    const y = rows.find((d) => d.name === 'tau.solid.y')!;
    expect(y.relative).toBeCloseTo(0.049, 12);
    // std of {−0.08, 0, 0, 0.08} (n − 1) = 0.0653, over √4
    expect(y.standardError).toBeCloseTo(Math.sqrt((2 * 0.08 ** 2) / 3) / 2, 12);
    expect(rows.find((d) => d.name === 'tau.solid.x')!.standardError).toBe(0);
    const line = toleranceSummary(rows);
    expect(line).toMatch(new RegExp(`^within tolerance: ${names.length} of ${names.length}; marginal`));
    expect(line).toMatch(/tau\.solid\.y \+4\.9 ± 1\.6 % \(within\)$/);
    // A scatter-free set is sure everywhere.
    expect(toleranceSummary(compareDescriptors(real, [reps[1]!, reps[2]!]))).toMatch(/; none marginal/);
  });
});

describe('calibrate (contract on a small mesolab electrode with hidden parameters)', () => {
  // The "tomogram": 48³ voxels of 0.5 µm, parameters the calibration is not told, but for the PSD
  // span (as from a laser-diffraction datasheet): six free parameters, 36 trials.
  const hidden: GenerateParams = { shape: [48, 48, 48], voxelSizeUm: 0.5, d50Um: 5, span: 0.5, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 2.5, cbdNeckWeight: 0.6, particleAggregation: 0.5, particleOverlap: 0.1, seed: 99 };
  let report: CalibrationReport;
  let truthMismatch: number;

  beforeAll(async () => {
    const real = (await generateElectrode(hidden, ctx())).volume;
    report = await calibrate(real, { budget: 36, init: 10, seeds: 2, seed: 1, fixed: { span: 0.5 } }, ctx());
    // The floor set by one realisation: the hidden parameters themselves, on the seeds the
    // report's descriptors are over (the search's and the race's fresh ones).
    const measuredReal = await measureDescriptors(real, ctx());
    const truth: StructureDescriptors[] = [];
    for (const seed of [...report.seeds, ...report.race.freshSeeds]) truth.push(await measureDescriptors((await generateElectrode({ ...hidden, seed }, ctx())).volume, ctx()));
    truthMismatch = mismatch(measuredReal, truth, DEFAULT_WEIGHTS);
  }, 600_000);

  it('reports every descriptor real against synthetic with its seed spread, and counts its evaluations', () => {
    expect(report.descriptors.map((d) => d.name)).toEqual(DESCRIPTOR_SPECS.map((s) => s.name));
    expect(report.trials).toBe(36);
    // A refused trial may have run its first seed before the generator gave up on the second.
    // The race: four candidates again on two fresh seeds, eight evaluations more.
    expect(report.race.freshSeeds).toEqual([3, 4]);
    expect(report.race.candidates).toHaveLength(4);
    expect(report.evaluations).toBeGreaterThanOrEqual(2 * (36 - report.failedTrials) + 8);
    expect(report.evaluations).toBeLessThanOrEqual(72 + 8);
    for (const d of report.descriptors) expect(d.spread).toBeGreaterThanOrEqual(0);
  });

  it('recovers the descriptors: as close in all as the hidden parameters themselves, fractions within 1 %, most within 5 %, none beyond 10 %', () => {
    // One 48³ realisation is the floor: the hidden parameters on the same seeds miss it too. The
    // report is over the search's two seeds and the race's two fresh ones, which did not flatter
    // it. Measured (optimiser seeds 1 / 2 / 3, 2026-12-05): 2.07 / 0.97 / 0.93 × the hidden
    // parameters' mismatch on the same four seeds; on six seeds neither saw (1001–1006) the kept
    // config reads 1.44 / 0.92 / 0.89 × theirs. Before the race the report read its two search
    // seeds alone, 0.82 / 0.85 / 0.78 × the hidden parameters' there: the seeds it was fitted to.
    expect(report.mismatch).toBeLessThanOrEqual(2.5 * truthMismatch);
    const rel = Object.fromEntries(report.descriptors.map((d) => [d.name, Math.abs(d.relative)]));
    for (const p of ['pore', 'am', 'cbd']) expect(rel[`fraction.${p}`]!).toBeLessThan(0.01);
    // Measured (objective 'worst', race 4, optimiser seeds 1 / 2 / 3, 2026-12-05): 19 / 20 / 20 of 21
    // within 5 %, the worst 8.5 / 7.1 / 5.1 % (particle D50, particle D50, pore D90); the hidden
    // parameters on seeds 1–4: 20 of 21, worst 5.4 % (particle D10). The 5 % of the contract is for
    // boxes where one realisation scatters less than that (96³: bench/README.md, "Self-calibration
    // at 96³"); here seed noise is τ 1–8 %, particle D90 5 %, pore D90 8 % between seeds, and
    // local-thickness steps of √k voxels ≈ 5 % at 10-voxel particles.
    expect(report.descriptors.filter((d) => Math.abs(d.relative) <= 0.05).length).toBeGreaterThanOrEqual(16);
    for (const d of report.descriptors) expect(Math.abs(d.relative), d.name).toBeLessThanOrEqual(0.1);
  });

  it('finds the identifiable parameters near the hidden ones and flags the flat ones', () => {
    const d50 = report.parameters.find((p) => p.name === 'd50Um')!;
    const domain = report.parameters.find((p) => p.name === 'cbdDomainUm')!;
    expect(Math.abs(d50.value / 5 - 1)).toBeLessThan(0.1);
    expect(Math.abs(domain.value / 1 - 1)).toBeLessThan(0.2);
    expect(d50.identifiable).toBe(true);
    expect(domain.identifiable).toBe(true);
    // The hidden value lies in the plausible interval of the parameters that set the structure's
    // length scales, give or take 10 % of it. Not of every parameter called identifiable: the
    // interval is read off the residuals' GPs near the best (other parameters free to compensate)
    // and off the trials within the margin, so a second basin the search never visited is not in
    // it. Measured: d50 4.62 µm and overlap 0.20 [0.13, 0.25] for hidden 5 µm and 0.1: particle size
    // and overlap trade in a box of some 50 particles (the hidden parameters score 0.0014 on the
    // search's seeds, the best 0.0011).
    for (const name of ['d50Um', 'cbdDomainUm', 'cbdReachUm']) {
      const p = report.parameters.find((q) => q.name === name)!;
      const h = hidden[name as keyof GenerateParams] as number;
      expect(h, name).toBeGreaterThanOrEqual(p.plausible[0] * 0.9);
      expect(h, name).toBeLessThanOrEqual(p.plausible[1] * 1.1);
    }
    // The neck weight (the web reads alike over most of its range in 48³) is flat near the best, and
    // so is one at least of aggregation and overlap, which trade against each other (measured over
    // optimiser seeds 1 / 2 / 3: aggregation / overlap / both flagged).
    const flagged = (name: string): boolean => !report.parameters.find((q) => q.name === name)!.identifiable;
    expect(flagged('cbdNeckWeight')).toBe(true);
    expect(flagged('particleAggregation') || flagged('particleOverlap')).toBe(true);
    // Better than the best of its Sobol start (the first 10 trials), by more than half: the optimiser
    // did more than sample. (Not against the median trial: the residuals' optimiser spends most
    // trials near the best, and its median trial is within 2× of it.)
    expect(report.mismatch).toBeLessThan(0.5 * Math.min(...report.history.slice(0, 10).map((h) => h.mismatch)));
  });
});

describe('calibrate with a synthetic box larger than the tomogram', () => {
  it('measures each synthetic volume by its centred crop of the tomogram shape: the generator\'s voxel-exact fractions then scatter across seeds', async () => {
    const real = (await generateElectrode({ shape: [24, 24, 24], voxelSizeUm: 0.5, d50Um: 3, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 1, seed: 7 }, ctx())).volume;
    const fixed = { span: 0.5, particleAggregation: 0, particleOverlap: 0, cbdDomainUm: 1, cbdReachUm: 1, cbdNeckWeight: 0.5 };
    const same = await calibrate(real, { budget: 3, init: 2, seeds: 2, seed: 1, fixed }, ctx());
    const larger = await calibrate(real, { budget: 3, init: 2, seeds: 2, seed: 1, fixed, shape: [36, 36, 36] }, ctx());
    const spread = (r: CalibrationReport): number => r.descriptors.find((d) => d.name === 'fraction.cbd')!.spread;
    // A periodic box of the tomogram's size holds the CBD fraction to the voxel in every seed.
    expect(spread(same)).toBe(0);
    // A 24³ window of a 36³ box does not: its fraction varies with the seed.
    expect(spread(larger)).toBeGreaterThan(1e-4);
    expect(larger.config.shape).toEqual([36, 36, 36]);
  }, 120_000);
});

describe('calibrate with a synthetic box smaller than the tomogram', () => {
  it('measures the tomogram in boxes of the twins\' size covering it and compares their mean, with its spread across the boxes', async () => {
    const hidden: GenerateParams = { shape: [48, 48, 48], voxelSizeUm: 0.5, d50Um: 4, span: 0.5, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 1.5, cbdNeckWeight: 0.5, particleAggregation: 0, particleOverlap: 0, zFaces: 'cut', seed: 11 };
    const real = (await generateElectrode(hidden, ctx())).volume;
    const fixed = { d50Um: 4, span: 0.5, particleAggregation: 0, particleOverlap: 0, cbdDomainUm: 1, cbdReachUm: 1.5 };
    const r = await calibrate(real, { budget: 3, init: 2, seeds: 2, seed: 1, fixed, zFaces: 'cut', shape: [24, 24, 24] }, ctx());
    expect(r.tomogramBoxes).toEqual({ shape: [24, 24, 24], count: 8 });
    // The real column is the mean of the eight octants, each measured alone, and its spread theirs.
    const octants: StructureDescriptors[] = [];
    for (const z of [0, 24]) for (const y of [0, 24]) for (const x of [0, 24]) octants.push(await measureDescriptors(boxCrop(real, [x, y, z], [24, 24, 24]), ctx()));
    for (const d of r.descriptors) {
      const { mean, std } = meanStd(octants.map((o) => o.values[d.name]!));
      expect(d.real, d.name).toBeCloseTo(mean, 12);
      expect(d.realSpread, d.name).toBeCloseTo(std, 12);
    }
    // Octants that tile the tomogram hold its fractions exactly.
    const whole = await measureDescriptors(real, ctx());
    for (const phase of ['pore', 'am', 'cbd']) expect(r.descriptors.find((d) => d.name === `fraction.${phase}`)!.real).toBeCloseTo(whole.values[`fraction.${phase}`]!, 12);
    // Why boxes: an interface across a box's face is in no box, so 24³ boxes read every area
    // lower than the whole does (measured −7.6 / −6.7 / −6.0 %), and 24³ twins with the hidden
    // parameters read as the boxes do (+3.8 / −1.5 / −0.9 %, seed noise).
    for (const name of ['area.am_pore', 'area.am_cbd', 'area.cbd_pore']) {
      const d = r.descriptors.find((q) => q.name === name)!;
      expect(d.real, name).toBeLessThan(0.96 * whole.values[name]!);
      expect(Math.abs(d.relative), name).toBeLessThan(0.06);
    }
    expect(r.config.shape).toEqual([24, 24, 24]);
  }, 120_000);
});

describe('calibrate with several optimiser starts', () => {
  it('runs independent starts on the same replicate seeds, the first as a single-start run would, and keeps the lowest score', async () => {
    const real = (await generateElectrode({ shape: [24, 24, 24], voxelSizeUm: 0.5, d50Um: 3, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 1, seed: 5 }, ctx())).volume;
    const fixed = { span: 0.5, particleAggregation: 0, particleOverlap: 0, cbdReachUm: 1, cbdNeckWeight: 0.5 };
    const opts = { budget: 4, init: 2, seeds: 1, seed: 1, fixed };
    // Without the race (race 0) the kept trial is a start's pick, scored on the search's seed.
    const one = await calibrate(real, { ...opts, race: 0 }, ctx());
    const three = await calibrate(real, { ...opts, starts: 3, race: 0 }, ctx());
    expect(one.race).toEqual({ shape: [24, 24, 24], pooled: false, freshSeeds: [], candidates: [], kept: one.race.kept, descriptors: [] });
    expect(one.history[one.race.kept]!.score).toBe(one.score);
    expect(one.starts).toHaveLength(1);
    expect(three.starts.map((s) => s.optimiserSeed)).toEqual([1, 1001, 2001]);
    // Start 0 is the single-start run, trial for trial: the same seeds give the same bytes.
    expect(three.history.filter((h) => h.start === 0)).toEqual(one.history);
    expect(three.starts[0]!.mismatch).toBe(one.mismatch);
    expect(three.history.map((h) => h.start)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(three.trials).toBe(12);
    // The other starts are other designs, not the first one again.
    const firstPoint = (k: number): Record<string, number> => three.history.find((h) => h.start === k)!.params;
    expect(firstPoint(1)).not.toEqual(firstPoint(0));
    expect(firstPoint(2)).not.toEqual(firstPoint(1));
    // The kept start is the one of lowest score (the objective's value), and the report's config,
    // mismatch and descriptors are its.
    const lowest = Math.min(...three.starts.map((s) => s.score));
    expect(three.score).toBe(lowest);
    expect(three.starts[three.keptStart]!.score).toBe(lowest);
    expect(three.mismatch).toBe(three.starts[three.keptStart]!.mismatch);
    expect(three.config).toEqual(three.starts[three.keptStart]!.config);
    expect(three.score).toBeLessThanOrEqual(one.score);
    // 'worst' adds to the mismatch, so the score is above it.
    expect(three.score).toBeGreaterThan(three.mismatch);
    expect(three.mismatch).toBe(mismatch(await measureDescriptors(real, ctx()), [await measureDescriptors((await generateElectrode({ ...three.config, seed: 1 }, ctx())).volume, ctx())], DEFAULT_WEIGHTS));
    await expect(calibrate(real, { ...opts, starts: 0 }, ctx())).rejects.toThrow(/starts: got 0, expected an integer number of optimiser starts >= 1/);
  }, 120_000);
});

describe('calibrate with a race on fresh seeds', () => {
  it('generates each start\'s pick and the trials of lowest score again on fresh seeds and keeps the lowest objective over both seed sets', async () => {
    const real = (await generateElectrode({ shape: [24, 24, 24], voxelSizeUm: 0.5, d50Um: 3, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 1, seed: 5 }, ctx())).volume;
    const fixed = { span: 0.5, particleAggregation: 0, particleOverlap: 0, cbdReachUm: 1, cbdNeckWeight: 0.5 };
    const r = await calibrate(real, { budget: 5, init: 2, seeds: 1, seed: 1, fixed, race: 3, starts: 2 }, ctx());
    // Fresh seeds follow the search's: seed 1 searched, seed 2 fresh.
    expect(r.seeds).toEqual([1]);
    expect(r.race.freshSeeds).toEqual([2]);
    expect(r.race.pooled).toBe(true);
    // Both starts' picks are raced, then the trials of lowest search score: three distinct trials.
    const raced = r.race.candidates.map((c) => c.trial);
    expect(new Set(raced).size).toBe(3);
    for (const [k, s] of r.starts.entries()) expect(r.race.candidates.some((c) => r.history[c.trial]!.start === k && c.searchScore === s.score)).toBe(true);
    const lowest = r.history.map((_, i) => i).reduce((a, b) => (r.history[b]!.score < r.history[a]!.score ? b : a));
    expect(raced).toContain(lowest);
    for (const c of r.race.candidates) expect(c.searchScore).toBe(r.history[c.trial]!.score);
    // The kept trial has the lowest score over both seeds, and the report's numbers are that score.
    const kept = r.race.candidates.find((c) => c.trial === r.race.kept)!;
    expect(kept.score).toBe(Math.min(...r.race.candidates.map((c) => c.score)));
    expect(r.score).toBe(kept.score);
    expect(r.config).toEqual(expect.objectContaining(r.history[r.race.kept]!.params));
    expect(r.keptStart).toBe(r.history[r.race.kept]!.start);
    // Recomputed from scratch: the kept config on seeds 1 and 2, against the tomogram.
    const measured = await measureDescriptors(real, ctx());
    const both = [];
    for (const seed of [1, 2]) both.push(await measureDescriptors((await generateElectrode({ ...r.config, seed }, ctx())).volume, ctx()));
    expect(r.mismatch).toBeCloseTo(mismatch(measured, both, DEFAULT_WEIGHTS), 12);
    const fresh = mismatchResiduals(measured, [both[1]!], DEFAULT_WEIGHTS);
    expect(kept.freshScore).toBeCloseTo(calibrationObjective('worst', fresh.perTolerance)(fresh.residuals), 12);
    // Its descriptors' spread is across the two seeds.
    const area = r.descriptors.find((d) => d.name === 'area.am_pore')!;
    expect(area.synthetic).toBeCloseTo((both[0]!.values['area.am_pore']! + both[1]!.values['area.am_pore']!) / 2, 6);
    expect(r.evaluations).toBe(10 + 3);
    await expect(calibrate(real, { budget: 3, seeds: 1, fixed, race: -1 }, ctx())).rejects.toThrow(/race: got -1, expected an integer number of candidates raced on fresh seeds >= 0/);
  }, 120_000);

  it('races at another shape, on more fresh seeds than the search has: the candidates at the tomogram\'s size on fresh seeds alone, against the whole tomogram', async () => {
    const real = (await generateElectrode({ shape: [32, 32, 32], voxelSizeUm: 0.5, d50Um: 3, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 1, zFaces: 'cut', seed: 5 }, ctx())).volume;
    const fixed = { span: 0.5, particleAggregation: 0, particleOverlap: 0, cbdReachUm: 1, cbdNeckWeight: 0.5 };
    const r = await calibrate(real, { budget: 4, init: 2, seeds: 1, seed: 1, fixed, zFaces: 'cut', shape: [16, 16, 16], race: 2, raceShape: [32, 32, 32], raceSeeds: 2 }, ctx());
    expect(r.tomogramBoxes).toEqual({ shape: [16, 16, 16], count: 8 });
    expect(r.race.shape).toEqual([32, 32, 32]);
    // One seed searched, two fresh ones after it.
    expect(r.race.freshSeeds).toEqual([2, 3]);
    // One evaluation per search trial the generator did not refuse, two per candidate.
    expect(r.evaluations).toBe(r.trials - r.failedTrials + 2 * 2);
    expect(r.race.pooled).toBe(false);
    expect(r.race.candidates).toHaveLength(2);
    // Scored on the fresh seed alone (the search's replicates are of another size); the lowest is kept.
    for (const c of r.race.candidates) expect(c.score).toBe(c.freshScore);
    const kept = r.race.candidates.find((c) => c.trial === r.race.kept)!;
    expect(kept.score).toBe(Math.min(...r.race.candidates.map((c) => c.score)));
    // The report's score and mismatch stay the kept trial's on the search's seed and boxes.
    expect(r.score).toBe(r.history[r.race.kept]!.score);
    expect(r.config.shape).toEqual([16, 16, 16]);
    // Recomputed: the kept parameters generated at 32³ on seeds 2 and 3, against the whole tomogram.
    const whole = await measureDescriptors(real, ctx());
    const twins = [];
    for (const seed of [2, 3]) twins.push(await measureDescriptors((await generateElectrode({ ...r.config, shape: [32, 32, 32], seed }, ctx())).volume, ctx()));
    for (const name of ['area.am_pore', 'tau.pore.z', 'fraction.cbd']) {
      const d = r.race.descriptors.find((q) => q.name === name)!;
      expect(d.real, name).toBeCloseTo(whole.values[name]!, 12);
      expect(d.synthetic, name).toBeCloseTo((twins[0]!.values[name]! + twins[1]!.values[name]!) / 2, 12);
    }
    const res = mismatchResiduals(whole, twins, DEFAULT_WEIGHTS);
    expect(kept.freshScore).toBeCloseTo(calibrationObjective('worst', res.perTolerance)(res.residuals), 12);
    // A race shape the generator refuses is refused before the search, not after it.
    let trialsRun = 0;
    await expect(calibrate(real, { budget: 3, seeds: 1, fixed, shape: [16, 16, 16], raceShape: [0, 32, 32] }, { ...ctx(), onProgress: (p) => (trialsRun += p.stage === 'calibrate' ? 1 : 0) })).rejects.toThrow(/shape/);
    expect(trialsRun).toBe(0);
    await expect(calibrate(real, { budget: 3, seeds: 1, fixed, raceSeeds: 0 }, ctx())).rejects.toThrow(/raceSeeds: got 0, expected an integer number of fresh seeds per raced candidate >= 1/);
  }, 120_000);
});

describe('size correction: the search\'s target moved by what the race\'s winner misses at the race\'s shape', () => {
  it('moves each value so that the config\'s search twins read exactly its race errors, and each S2 lag by the race\'s difference', () => {
    const d = (values: Record<string, number>, curve: number[]): StructureDescriptors => ({ values, s2: { pore: { x: curve } } });
    const real = d({ 'area.am_pore': 100, 'tau.solid.x': 2.5, 'poreSize.d90': 4, 'tau.pore.z': Infinity }, [0.45, 0.3, 0.25]);
    // Search means 105, 2.5, 3.7; S2 lags 0.45, 0.30, 0.25.
    const search = [d({ 'area.am_pore': 104, 'tau.solid.x': 2.4, 'poreSize.d90': 3.8, 'tau.pore.z': 2 }, [0.45, 0.31, 0.24]), d({ 'area.am_pore': 106, 'tau.solid.x': 2.6, 'poreSize.d90': 3.6, 'tau.pore.z': 2 }, [0.45, 0.29, 0.26])];
    // At the race's shape the same config reads +10 %, +5 %, −10 %; its S2 lag 1 is 0.02 below the tomogram's there.
    const raceReal = d({ 'area.am_pore': 98, 'tau.solid.x': 2.6, 'poreSize.d90': 4.2, 'tau.pore.z': Infinity }, [0.45, 0.32, 0.27, 0.2]);
    const race = [d({ 'area.am_pore': 107.8, 'tau.solid.x': 2.73, 'poreSize.d90': 3.78, 'tau.pore.z': 2 }, [0.45, 0.3, 0.27, 0.22])];
    const { reference, offsets } = sizeCorrectedReference(real, search, raceReal, race);
    expect(reference.values['area.am_pore']).toBeCloseTo(105 / 1.1, 12);
    expect(reference.values['tau.solid.x']).toBeCloseTo(2.5 / 1.05, 12);
    expect(reference.values['poreSize.d90']).toBeCloseTo(3.7 / 0.9, 12);
    // Offsets: the error at the search's shape less at the race's.
    expect(offsets['area.am_pore']).toBeCloseTo(0.05 - 0.1, 12);
    expect(offsets['tau.solid.x']).toBeCloseTo(0 - 0.05, 12);
    expect(offsets['poreSize.d90']).toBeCloseTo(-0.075 + 0.1, 12);
    // A value with no finite error (a phase that does not percolate) stays the tomogram's.
    expect(reference.values['tau.pore.z']).toBe(Infinity);
    expect(offsets['tau.pore.z']).toBeUndefined();
    // Against the moved target the search twins' terms are the race's against the tomogram, term by term.
    const w = { fraction: 0, area: 1, tau: 1, size: 1, s2: 0, s2Curve: 0 };
    const atSearch = mismatchResiduals(reference, search, w);
    const atRace = mismatchResiduals(raceReal, race, w);
    expect(atSearch.names).toEqual(atRace.names);
    atSearch.residuals.forEach((v, k) => expect(v).toBeCloseTo(atRace.residuals[k]!, 12));
    // S2, lag by lag: the search mean less the race's difference; the tomogram's own lag count.
    const moved = reference.s2.pore!.x!;
    expect(moved).toHaveLength(3);
    [0.45, 0.3 + 0.02, 0.25 - 0].forEach((v, lag) => expect(moved[lag]).toBeCloseTo(v, 12));
  });

  it('re-reads every trial against the moved target, searches on from them and races again; the lowest on fresh seeds over both rounds is kept', async () => {
    const real = (await generateElectrode({ shape: [32, 32, 32], voxelSizeUm: 0.5, d50Um: 3, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 1, zFaces: 'cut', seed: 5 }, ctx())).volume;
    // d50 held at one the 16³ packing reaches on every trial: the domain size alone is searched.
    const fixed = { d50Um: 2.5, span: 0.5, particleAggregation: 0, particleOverlap: 0, cbdReachUm: 1, cbdNeckWeight: 0.5 };
    const opts = { budget: 4, init: 2, seeds: 1, seed: 1, fixed, zFaces: 'cut' as const, shape: [16, 16, 16] as [number, number, number], race: 2, raceShape: [32, 32, 32] as [number, number, number], raceSeeds: 2 };
    const r = await calibrate(real, { ...opts, sizeCorrection: 1, correctionTrials: 2 }, ctx());
    expect(r.sizeCorrection.rounds).toHaveLength(1);
    const round = r.sizeCorrection.rounds[0]!;
    expect(round.trials).toBe(2);
    expect(r.trials).toBe(6);
    // The round's trials are numbered after the starts.
    expect(r.history.slice(4).map((h) => h.start)).toEqual([1, 1]);
    // Its basis is the first race's winner: the lowest fresh score among the first two raced.
    const first = r.race.candidates.slice(0, 2);
    expect(round.basis).toBe(first.reduce((a, b) => (b.score < a.score ? b : a)).trial);
    // What is kept is the lowest fresh score over both races.
    expect(r.race.candidates.find((c) => c.trial === r.race.kept)!.score).toBe(Math.min(...r.race.candidates.map((c) => c.score)));
    expect(round.kept).toBe(r.race.kept);
    // No trial refused: each race took two candidates not raced before, two fresh seeds each.
    expect(r.failedTrials).toBe(0);
    expect(new Set(r.race.candidates.map((c) => c.trial)).size).toBe(4);
    expect(r.evaluations).toBe(6 + 4 * 2);
    // Recomputed: the basis at 16³ on seed 1 and at 32³ on seeds 2 and 3, the tomogram in 16³ boxes and whole.
    const params: GenerateParams = { ...r.config, ...r.history[round.basis]!.params };
    const at = async (shape: [number, number, number], seed: number) => measureDescriptors((await generateElectrode({ ...params, shape, seed }, ctx())).volume, ctx());
    const search = [await at([16, 16, 16], 1)];
    const fresh = [await at([32, 32, 32], 2), await at([32, 32, 32], 3)];
    const boxes = (await measureTomogram(real, [16, 16, 16], ctx())).mean;
    const whole = await measureDescriptors(real, ctx());
    const { reference, offsets } = sizeCorrectedReference(boxes, search, whole, fresh);
    expect(Object.keys(round.offsets).sort()).toEqual(Object.keys(offsets).sort());
    for (const [name, v] of Object.entries(offsets)) expect(round.offsets[name], name).toBeCloseTo(v, 10);
    // The history is scored against the moved target: the basis scores there what it scores on its fresh seeds.
    const res = mismatchResiduals(reference, search, DEFAULT_WEIGHTS);
    expect(r.history[round.basis]!.score).toBeCloseTo(calibrationObjective('worst', res.perTolerance)(res.residuals), 10);
    await expect(calibrate(real, { ...opts, raceShape: [16, 16, 16], sizeCorrection: 1 }, ctx())).rejects.toThrow(/sizeCorrection: got 1, expected a race \(race >= 1\) at a shape other than the search's .*the race shape 16×16×16 is the search's/);
    await expect(calibrate(real, { ...opts, race: 0, sizeCorrection: 1 }, ctx())).rejects.toThrow(/sizeCorrection: got 1, .*race is 0/);
  }, 180_000);
});

describe('calibrate with search ranges of its own', () => {
  it('searches the given ranges instead of the defaults and refuses ranges it cannot search', async () => {
    const real = (await generateElectrode({ shape: [24, 24, 24], voxelSizeUm: 0.5, d50Um: 3, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 1, seed: 5 }, ctx())).volume;
    const fixed = { span: 0.5, cbdDomainUm: 1, cbdReachUm: 1, cbdNeckWeight: 0.5 };
    const opts = { budget: 4, init: 3, seeds: 1, seed: 1, fixed };
    // Beyond the default overlap range (0–0.25), up to the generator's own limit.
    const r = await calibrate(real, { ...opts, ranges: { particleOverlap: [0.3, 0.5], particleAggregation: [0.2, 0.4] } }, ctx());
    const range = (name: string): [number, number] => r.parameters.find((p) => p.name === name)!.range;
    expect(range('particleOverlap')).toEqual([0.3, 0.5]);
    expect(range('particleAggregation')).toEqual([0.2, 0.4]);
    for (const h of r.history) {
      expect(h.params.particleOverlap).toBeGreaterThanOrEqual(0.3);
      expect(h.params.particleOverlap).toBeLessThanOrEqual(0.5);
      expect(h.params.particleAggregation).toBeGreaterThanOrEqual(0.2);
      expect(h.params.particleAggregation).toBeLessThanOrEqual(0.4);
    }
    const refused = (ranges: Record<string, [number, number]>, more: object = {}) => calibrate(real, { ...opts, ...more, ranges }, ctx());
    await expect(refused({ particleOverlap: [0, 0.6] })).rejects.toThrow(/--range: got "particleOverlap=0:0.6", expected ends the generator accepts.*particleOverlap/);
    await expect(refused({ particleOverlap: [0.4, 0.2] })).rejects.toThrow(/--range: got "particleOverlap=0.4:0.2", expected finite lo < hi/);
    await expect(refused({ cbdFibres: [0, 1] })).rejects.toThrow(/--range.*held.*cbdFibres is held at 0/);
    await expect(refused({ span: [0.2, 1] })).rejects.toThrow(/span is held at 0.5/);
    await expect(refused({ cbdDomainUm: [0, 2] }, { fixed: { span: 0.5 } })).rejects.toThrow(/lo > 0 \(cbdDomainUm is searched on a log scale\)/);
  }, 120_000);
});

describe('calibrate with dispersion', () => {
  // A flocculated electrode (dispersion −0.6): its pores are coarser than a random packing's at the
  // same fractions and particle sizes (generate.test.ts), which is what the search has to read.
  const hidden: GenerateParams = { shape: [48, 48, 48], voxelSizeUm: 0.5, d50Um: 4, span: 0.5, porosity: 0.45, cbdFraction: 0.12, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 1.5, cbdNeckWeight: 0.5, particleAggregation: 0, particleOverlap: 0.15, particleDispersion: -0.6, seed: 77 };
  const fixed = Object.fromEntries(CALIBRATED_PARAMETERS.filter((n) => n !== 'particleDispersion' && typeof hidden[n] === 'number').map((n) => [n, hidden[n] as number]));

  it('finds how flocculated an electrode is, the other parameters known', async () => {
    const real = (await generateElectrode(hidden, ctx())).volume;
    const r = await calibrate(real, { budget: 8, init: 4, seeds: 2, seed: 1, fixed, free: ['particleDispersion'] }, ctx());
    const p = r.parameters.find((q) => q.name === 'particleDispersion')!;
    expect(p.range).toEqual([-1, 1]);
    // Measured: −0.51, plausible −0.76 to −0.13, mismatch 0.0008 (seeds 1 and 2 against the hidden 77;
    // worst descriptors pore D90 −8 %, particle D90 −6 %, the rest within 5 %).
    expect(Math.abs(p.value - -0.6)).toBeLessThan(0.3);
    // The hidden value is plausible, and a random packing (0) is not: the descriptors tell flocs apart.
    expect(p.plausible[0]).toBeLessThanOrEqual(-0.6);
    expect(p.plausible[1]).toBeGreaterThanOrEqual(-0.6);
    expect(p.plausible[1]).toBeLessThan(0);
  }, 300_000);
});

describe('calibrate with calendering', () => {
  // A calendered electrode: 20 % off 60 voxels of thickness leaves 48; the fractions the generator
  // is given are those before calendering (AM + CBD 0.55 of 60 voxels → 0.69 of 48).
  const hidden: GenerateParams = { shape: [48, 48, 60], voxelSizeUm: 0.5, d50Um: 4, span: 0.5, porosity: 0.45, cbdFraction: 0.12, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 1.5, cbdNeckWeight: 0.5, particleAggregation: 0, particleOverlap: 0, calenderingPercent: 20, seed: 99 };
  // Every calibrated parameter the hidden electrode sets, held at its value, but one.
  const fixedBut = (free: CalibratedParameter): Partial<Record<CalibratedParameter, number>> =>
    Object.fromEntries(CALIBRATED_PARAMETERS.filter((n) => n !== free && typeof hidden[n] === 'number').map((n) => [n, hidden[n] as number]));
  let real: Awaited<ReturnType<typeof generateElectrode>>['volume'];
  beforeAll(async () => {
    real = (await generateElectrode(hidden, ctx())).volume;
  });

  it('starts each calendered trial from the thickness and fractions that calender to the tomogram\'s', async () => {
    expect(real.shape).toEqual([48, 48, 48]);
    const r = await calibrate(real, { budget: 3, init: 2, seeds: 1, seed: 1, fixed: fixedBut('cbdNeckWeight') }, ctx());
    expect(r.config.calenderingPercent).toBe(20);
    // 60 voxels is the least thickness that 20 % calendering takes to 48.
    expect(r.config.shape).toEqual([48, 48, 60]);
    // Known answer: calendering keeps the CBD volume, so its fraction before = after × 48/60; the
    // AM's as well, raised by what flattened particles merge away (a few % at 20 %).
    const after = (name: string): number => r.descriptors.find((d) => d.name === `fraction.${name}`)!.real;
    expect(r.config.cbdFraction).toBeCloseTo(0.8 * after('cbd'), 3);
    const amBefore = 1 - r.config.porosity! - r.config.cbdFraction!;
    expect(amBefore).toBeGreaterThan(0.8 * after('am'));
    expect(amBefore).toBeLessThan((0.8 * after('am')) / 0.95);
    // The twins end at the tomogram's fractions (without the pilot's correction the pore read +2.8 % at 20 %).
    for (const d of r.descriptors.filter((q) => q.name.startsWith('fraction.'))) expect(Math.abs(d.relative), d.name).toBeLessThan(0.005);
  }, 120_000);

  it('finds the calendering of an electrode from its anisotropy, the other parameters known', async () => {
    const r = await calibrate(real, { budget: 8, init: 4, seeds: 2, seed: 1, fixed: fixedBut('calenderingPercent'), free: ['calenderingPercent'] }, ctx());
    const p = r.parameters.find((q) => q.name === 'calenderingPercent')!;
    expect(p.range).toEqual([0, 30]);
    // The thickness before calendering is whole voxels, so the calendering realised on the grid is
    // 1 − 48/nz0: 20 % at 60, 21.3 % at 61, 22.6 % at 62. Measured: 22.8 % asked, 62 voxels (seeds
    // 1 and 2 against the hidden electrode's 99; at 32³ the seed scatter left it flat from 20 to 30).
    expect(Math.abs(p.value - 20)).toBeLessThan(4);
    const [, , nz0] = r.config.shape!;
    expect(Math.abs(100 * (1 - 48 / nz0) - 20)).toBeLessThan(4);
  }, 300_000);

  it('turns a tomogram whose thickness runs along x so that the twins are compared along their own thickness', async () => {
    // The same electrode stored with its thickness along x: two cyclic turns about x put z on x.
    const stored = thicknessToZ(thicknessToZ(real, 'x'), 'x');
    expect(stored.shape).toEqual([48, 48, 48]);
    expect(Array.from(stored.labels)).not.toEqual(Array.from(real.labels));
    const opts = { budget: 3, init: 2, seeds: 1, seed: 1, fixed: fixedBut('cbdNeckWeight') };
    const asStored = await calibrate(stored, { ...opts, thicknessAxis: 'x' }, ctx());
    const original = await calibrate(real, opts, ctx());
    expect(asStored.thicknessAxis).toBe('x');
    expect(asStored.history).toEqual(original.history);
    expect(asStored.descriptors).toEqual(original.descriptors);
    // Read along the wrong axis, the calendered electrode's τ and S2 per axis trade places.
    const wrong = await calibrate(stored, opts, ctx());
    const tau = (r: CalibrationReport, a: string): number => r.descriptors.find((d) => d.name === `tau.pore.${a}`)!.real;
    expect(tau(wrong, 'x')).toBeCloseTo(tau(original, 'z'), 10);
    expect(tau(original, 'z')).toBeGreaterThan(1.05 * tau(original, 'x'));
  }, 300_000);
});
