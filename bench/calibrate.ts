import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import { readVolume } from '../src/volume/io.ts';
import type { Volume } from '../src/volume/volume.ts';
import { centredCrop } from '../src/volume/crop.ts';
import { thicknessToZ } from '../src/volume/orient.ts';
import { AXES, type Axis } from '../src/voxel/components.ts';
import { generateElectrode, type GenerateParams } from '../sims/mesostructure/index.ts';
import { calibrate, CALIBRATION_OPTIMISERS, compareDescriptors, relativeStandardError, type CalibratedParameter, type CalibrationOptimiser, type CalibrationReport, type DescriptorReport } from '../src/cli/calibration/calibrate.ts';
import { checkCalibration } from '../src/cli/calibration/check.ts';
import { CALIBRATION_OBJECTIVES, DEFAULT_WEIGHTS, mismatch, toleranceCall, type CalibrationObjective } from '../src/cli/calibration/mismatch.ts';
import { measureDescriptors, type StructureDescriptors } from '../sims/properties/descriptors.ts';
import type { SimContext } from '../src/simulation.ts';
import { integerOption } from '../src/cli/option-values.ts';
import { ConfigError } from '../src/errors.ts';
import { runStandalone } from './lib.ts';
import type { BenchRun, Figure } from './lib.ts';

/**
 * Calibration wall time and the number of generate + properties evaluations it takes, and how
 * close the calibrated electrodes come, descriptor by descriptor:
 *  1. self-calibration: a mesolab electrode made with parameters the calibration is not told;
 *  2. the TauFactor 2 NMC electrode (docs/notebooks/electrode.tiff of tldr-group/taufactor,
 *     grey 0 pore / 85 NMC / 170 CBD, 0.390625 µm voxels), a centred crop; put the file at
 *     bench/data/electrode.tiff or point MESOLAB_TAUFACTOR_TIFF at it. Without it that part is
 *     skipped, and says so. Its twins are generated with cut z faces (`--z-faces cut`), as a crop is.
 * `--quick`: 48³ self-calibration (36 trials, span given), a 64³ TauFactor crop with 12 trials;
 * full: 96³ self-calibration (3 starts × 72 trials); the whole TauFactor electrode with 128³ twins
 * measured against the eight 128³ boxes that cover it, 56 trials of 4 seeds (MESOLAB_TAUFACTOR_CROP: a centred
 * piece of the tomogram instead of the whole; MESOLAB_TAUFACTOR_SYNTHETIC: the twins' box, measured
 * by its centred crop where larger than the piece; MESOLAB_CALIBRATE_BUDGET: the trials).
 * `--part self` or `--part taufactor` runs one of the two. MESOLAB_TAUFACTOR_FULL=1 then compares
 * the calibrated config, generated at the tomogram's full size (256³, MESOLAB_TAUFACTOR_FULL_SEEDS
 * seeds from 1, default 8: one 256³ twin scatters ±4 % in τ solid z), with the whole tomogram;
 * MESOLAB_TAUFACTOR_CONFIG='{…}' (the printed `config` line of an earlier run) skips the search.
 * The tomogram is turned so that its x, the axis it reads compressed along, is the twins' z (their
 * thickness and calendering axis); MESOLAB_TAUFACTOR_AXIS=z keeps it as stored. MESOLAB_TAUFACTOR_RACE_FULL=1
 * races the search's four candidates at the piece's full size on its fresh seeds
 * (CalibrationOptions.raceShape; 4 × 4 twins of 256³ for the whole tomogram, about 40 min),
 * MESOLAB_TAUFACTOR_RACE_SEEDS of them per candidate (CalibrationOptions.raceSeeds; default the
 * search's seeds, 4: seeds 5–8). With MESOLAB_TAUFACTOR_FULL=1 too, the full-size check then skips
 * the race's seeds, so that it is on twins neither the search nor the race has seen.
 * MESOLAB_TAUFACTOR_SIZE_CORRECTION=n (with MESOLAB_TAUFACTOR_RACE_FULL=1) adds n size-correction
 * rounds of half the budget each (CalibrationOptions.sizeCorrection) and frees cbdStrands, the
 * share the 128³ search cannot see without them (bench/README.md, "Size correction").
 * MESOLAB_SELF_HIDDEN='{"d50Um":6,…}' changes the self-calibration's hidden parameters (its span is the one given),
 * MESOLAB_SELF_SIZE its box (voxels a side), MESOLAB_SELF_BUDGET its trials, MESOLAB_SELF_SEEDS its replicate seeds (2),
 * MESOLAB_SELF_INIT its initial Sobol points (10), MESOLAB_SELF_STARTS its optimiser starts (full 3, quick 1).
 * MESOLAB_CALIBRATE_OPTIMISER=sum runs both parts with one GP on the mismatch instead of one per
 * descriptor (CalibrationOptions.optimiser), for the side-by-side; MESOLAB_TAUFACTOR_SEEDS the
 * TauFactor search's replicate seeds (4). MESOLAB_CALIBRATE_OBJECTIVE=mismatch minimises the mismatch alone
 * instead of adding the worst descriptor's term (CalibrationOptions.objective).
 * Each descriptor table is printed to stderr as it completes.
 */

/** A centred sub-box of `n`³ voxels. */
export function cropCentre(v: Volume, n: number): Volume {
  return centredCrop(v, [n, n, n]);
}

function descriptorRows(rows: readonly DescriptorReport[]): string[] {
  const lines = ['| descriptor | real | synthetic ± seed spread | difference |', '| --- | --- | --- | --- |'];
  for (const d of rows) {
    const k = d.unit === 'm' ? 1e6 : d.unit === '1/m' ? 1e-3 : 1;
    const u = d.unit === 'm' ? ' µm' : d.unit === '1/m' ? ' /mm' : '';
    lines.push(`| ${d.name}${u} | ${(d.real * k).toPrecision(4)} | ${(d.synthetic * k).toPrecision(4)} ± ${(d.spread * k).toPrecision(2)} | ${(100 * d.relative).toFixed(1)} % |`);
  }
  return lines;
}

function table(title: string, r: CalibrationReport): string {
  const lines = [`\n${title}: ${r.trials} trials, ${r.evaluations} evaluations, ${r.wallSeconds.toFixed(0)} s, optimiser ${r.optimiser}, objective ${r.objective}, mismatch ${r.mismatch.toPrecision(3)}, score ${r.score.toPrecision(3)}`, `config ${JSON.stringify(r.config)}`];
  if (r.starts.length > 1) lines.push(...r.starts.map((s, k) => `start ${k} (optimiser seed ${s.optimiserSeed}): mismatch ${s.mismatch.toPrecision(3)}, score ${s.score.toPrecision(3)}${k === r.keptStart ? ', kept' : ''}, config ${JSON.stringify(s.config)}`));
  if (r.race.candidates.length > 0) lines.push(`race on fresh seeds ${r.race.freshSeeds.join(', ')}: ${r.race.candidates.map((c) => `trial ${c.trial + 1} score ${c.searchScore.toPrecision(3)} searched, ${c.freshScore.toPrecision(3)} fresh, ${c.score.toPrecision(3)} both${c.trial === r.race.kept ? ' (kept)' : ''}`).join('; ')}`);
  for (const [k, c] of r.sizeCorrection.rounds.entries()) lines.push(`size correction ${k + 1}: basis trial ${c.basis + 1}, ${c.trials} trials, kept trial ${c.kept + 1}; offsets ${Object.entries(c.offsets).map(([n, v]) => `${n} ${(100 * v).toFixed(1)} %`).join(', ')}`);
  lines.push(...descriptorRows(r.descriptors));
  for (const p of r.parameters) lines.push(`${p.name}: ${p.value} (searched ${p.range.join('–')}, plausible ${p.plausible.join('–')}, length scale ${p.lengthScale.toPrecision(3)}, identifiable ${p.identifiable})`);
  return lines.join('\n');
}

function figures(label: string, r: CalibrationReport): Figure[] {
  return [
    { name: `calibrate ${label}: wall time`, unit: 's', median: r.wallSeconds, note: `${r.trials} trials (${r.starts.length} start${r.starts.length > 1 ? 's' : ''}${r.sizeCorrection.rounds.length > 0 ? `, ${r.sizeCorrection.rounds.length} size-correction round${r.sizeCorrection.rounds.length > 1 ? 's' : ''}` : ''}) × ${r.seeds.length} seeds, ${r.race.candidates.length} raced on ${r.race.freshSeeds.length} fresh` },
    { name: `calibrate ${label}: generate + properties evaluations`, unit: '', median: r.evaluations, note: `${r.failedTrials} trials refused by the generator` },
    ...closeness(`calibrate ${label}`, r.descriptors),
  ];
}

/**
 * How many descriptors are within 5 and 10 %, and τ within 5 % (the contract of issue 20), with
 * the 5 % calls the seeds' scatter leaves open (toleranceCall's marginal) named in the note.
 */
function closeness(label: string, rows: readonly DescriptorReport[]): Figure[] {
  const rel = rows.filter((d) => Number.isFinite(d.relative)).map((d) => Math.abs(d.relative));
  const tau = rows.filter((d) => d.name.startsWith('tau.')).map((d) => Math.abs(d.relative));
  const marginal = rows.filter((d) => toleranceCall(d.name, d.relative, relativeStandardError(d), 0.05).marginal).map((d) => d.name);
  return [
    { name: `${label}: descriptors within 5 %`, unit: `of ${rel.length}`, median: rel.filter((e) => e <= 0.05).length, note: `within 10 %: ${rel.filter((e) => e <= 0.1).length}; worst ${(100 * Math.max(...rel)).toFixed(1)} %; marginal at 5 % (5 % within 2 standard errors of the seeds' mean): ${marginal.length > 0 ? marginal.join(', ') : 'none'}` },
    { name: `${label}: τ within 5 %`, unit: `of ${tau.length}`, median: tau.filter((e) => e <= 0.05).length },
  ];
}

/**
 * A config's electrodes on seeds the search never saw, against the hidden electrode: the honest
 * check of a calibration (its own seeds can be fitted past the truth), and, for the hidden
 * parameters themselves, the floor that one realisation's scatter sets.
 */
async function onFreshSeeds(real: Volume, measured: StructureDescriptors, config: GenerateParams, ctx: SimContext): Promise<{ rows: DescriptorReport[]; mismatch: number }> {
  const reps = [];
  for (const seed of FRESH_SEEDS) {
    const g = await generateElectrode({ ...config, shape: [real.shape[0], real.shape[1], real.shape[2]], seed }, { ...ctx, rng: new Rng(seed) });
    reps.push(await measureDescriptors(g.volume, ctx));
  }
  return { rows: compareDescriptors(measured, reps), mismatch: mismatch(measured, reps, DEFAULT_WEIGHTS) };
}

/** Generator fields from a JSON object in an environment variable ({} when unset); checked by the generator. */
function jsonEnv(name: string): GenerateParams {
  const text = process.env[name];
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(name, text, 'a JSON object of generator fields, e.g. {"d50Um":6}');
  return v as GenerateParams;
}

/** Far from the calibration's replicate seeds (1, 2, … of `calibrate`). */
const FRESH_SEEDS = [1001, 1002];

export const run: BenchRun = async ({ quick }) => {
  const compute = await createCompute({ backend: 'cpu' });
  const ctx = { rng: new Rng(1), compute, threads: 1 };
  const out: Figure[] = [];
  try {
    const part = process.argv.includes('--part') ? process.argv[process.argv.indexOf('--part') + 1] : undefined;
    // Full: a box 9.6 particle diameters wide, where one realisation's scatter stays under the
    // contract's 5 % (at 64³ the hidden parameters themselves miss it), and 72 trials (36 fell short
    // at 96³); README, "Self-calibration at 96³". Quick: the tests' size.
    const n = integerOption(process.env.MESOLAB_SELF_SIZE ?? (quick ? 48 : 96), 'MESOLAB_SELF_SIZE', 16);
    const selfBudget = integerOption(process.env.MESOLAB_SELF_BUDGET ?? (quick ? 36 : 72), 'MESOLAB_SELF_BUDGET', 3);
    const selfSeeds = integerOption(process.env.MESOLAB_SELF_SEEDS ?? 2, 'MESOLAB_SELF_SEEDS', 1);
    const selfInit = integerOption(process.env.MESOLAB_SELF_INIT ?? 10, 'MESOLAB_SELF_INIT', 2);
    // Full: three optimiser starts, the lowest mismatch kept: one start settled in the wrong binder
    // basin in 3 of 9 runs, and C needed its third (README, "Several optimiser starts").
    const selfStarts = integerOption(process.env.MESOLAB_SELF_STARTS ?? (quick ? 1 : 3), 'MESOLAB_SELF_STARTS', 1);
    const optimiser = (process.env.MESOLAB_CALIBRATE_OPTIMISER ?? 'residuals') as CalibrationOptimiser;
    if (!CALIBRATION_OPTIMISERS.includes(optimiser)) throw new ConfigError('MESOLAB_CALIBRATE_OPTIMISER', optimiser, CALIBRATION_OPTIMISERS.join(' or '));
    const objective = (process.env.MESOLAB_CALIBRATE_OBJECTIVE ?? 'worst') as CalibrationObjective;
    if (!CALIBRATION_OBJECTIVES.includes(objective)) throw new ConfigError('MESOLAB_CALIBRATE_OBJECTIVE', objective, CALIBRATION_OBJECTIVES.join(' or '));
    // MESOLAB_SELF_HIDDEN='{…}' replaces some of the hidden parameters (any generator field but the shape).
    const hidden: GenerateParams = {
      voxelSizeUm: 0.5, d50Um: 5, span: 0.5, porosity: 0.45, cbdFraction: 0.15, cbdMorphology: 'web', cbdDomainUm: 1, cbdReachUm: 2.5, cbdNeckWeight: 0.6, particleAggregation: 0.5, particleOverlap: 0.1, seed: 99,
      ...jsonEnv('MESOLAB_SELF_HIDDEN'),
      shape: [n, n, n],
    };
    if (part !== 'taufactor') {
      const real = (await generateElectrode(hidden, ctx)).volume;
      // The PSD span held at its datasheet value, as in the contract test (src/cli/calibration/calibrate.test.ts).
      const self = await calibrate(real, { budget: selfBudget, init: selfInit, seeds: selfSeeds, starts: selfStarts, seed: 1, fixed: { span: hidden.span ?? 1 }, optimiser, objective }, ctx);
      process.stderr.write(`${table(`self-calibration ${n}³ (hidden ${JSON.stringify(hidden)})`, self)}\n`);
      out.push(...figures(`self ${n}³`, self));
      const measured = await measureDescriptors(real, ctx);
      for (const [who, config] of [['calibrated', self.config], ['hidden parameters', hidden]] as const) {
        const fresh = await onFreshSeeds(real, measured, config, ctx);
        process.stderr.write(`\n${who} on fresh seeds ${FRESH_SEEDS.join(', ')}: mismatch ${fresh.mismatch.toPrecision(3)}\n${descriptorRows(fresh.rows).join('\n')}\n`);
        out.push({ name: `calibrate self ${n}³, ${who} on fresh seeds: mismatch`, unit: '', median: fresh.mismatch }, ...closeness(`calibrate self ${n}³, ${who} on fresh seeds`, fresh.rows));
      }
    }

    const path = process.env.MESOLAB_TAUFACTOR_TIFF ?? join(import.meta.dirname, 'data', 'electrode.tiff');
    if (part === 'self') {
      // only the self-calibration asked for
    } else if (!existsSync(path)) {
      const why = `TauFactor electrode not found at ${path}: get docs/notebooks/electrode.tiff from github.com/tldr-group/taufactor into bench/data/ or set MESOLAB_TAUFACTOR_TIFF`;
      process.stderr.write(`skipped: ${why}\n`);
      out.push({ name: 'calibrate TauFactor electrode', unit: '', median: NaN, note: `skipped: ${why}` });
    } else {
      // MESOLAB_TAUFACTOR_AXIS: the tomogram's axis through the thickness; its x reads as the
      // compressed one (bench/README.md, "Calendered twins"), so x, with the calendering searched.
      const thicknessAxis = (process.env.MESOLAB_TAUFACTOR_AXIS ?? 'x') as Axis;
      if (!AXES.includes(thicknessAxis)) throw new ConfigError('MESOLAB_TAUFACTOR_AXIS', thicknessAxis, AXES.join(', '));
      const full = thicknessToZ(await readVolume(path, { labels: '0:pore,85:am,170:cbd', voxelSize: 0.390625e-6 }), thicknessAxis);
      // The piece of the tomogram searched against (default the whole) and the twins' box (default
      // 128³, measured against the boxes of that size covering the piece: twin and tomogram read
      // in boxes of one size; larger than the piece, measured by its centred crop of the piece's size).
      const c = quick ? 64 : integerOption(process.env.MESOLAB_TAUFACTOR_CROP ?? full.shape[0], 'MESOLAB_TAUFACTOR_CROP', 16);
      const box = quick ? c : integerOption(process.env.MESOLAB_TAUFACTOR_SYNTHETIC ?? 128, 'MESOLAB_TAUFACTOR_SYNTHETIC', 16);
      const real = cropCentre(full, c);
      const budget = Number(process.env.MESOLAB_CALIBRATE_BUDGET ?? (quick ? 12 : 56));
      // Four seeds: one 128³ realisation of these particles scatters ± 9 % in particle D50, and a
      // two-seed search fitted its two realisations (bench/README.md, "The search against the
      // whole tomogram in its own 128³ boxes").
      const tfSeeds = integerOption(process.env.MESOLAB_TAUFACTOR_SEEDS ?? (quick ? 2 : 4), 'MESOLAB_TAUFACTOR_SEEDS', 1);
      // A config from an earlier run (the `config` line it printed) skips the search.
      let config = process.env.MESOLAB_TAUFACTOR_CONFIG ? jsonEnv('MESOLAB_TAUFACTOR_CONFIG') : undefined;
      const raceFull = process.env.MESOLAB_TAUFACTOR_RACE_FULL === '1';
      const raceSeeds = integerOption(process.env.MESOLAB_TAUFACTOR_RACE_SEEDS ?? tfSeeds, 'MESOLAB_TAUFACTOR_RACE_SEEDS', 1);
      const sizeCorrection = integerOption(process.env.MESOLAB_TAUFACTOR_SIZE_CORRECTION ?? 0, 'MESOLAB_TAUFACTOR_SIZE_CORRECTION', 0);
      if (sizeCorrection > 0 && !raceFull) throw new ConfigError('MESOLAB_TAUFACTOR_SIZE_CORRECTION', sizeCorrection, 'MESOLAB_TAUFACTOR_RACE_FULL=1 beside it (the correction is toward the full-size race)');
      const free: CalibratedParameter[] = ['particleCompactness', 'cbdFibres', 'calenderingPercent', ...(sizeCorrection > 0 ? (['cbdStrands'] as const) : [])];
      // Full-size seeds this run's race has generated: not a check of what it kept.
      let seenAtFullSize: number[] = [];
      if (!config) {
        // Cut faces: the tomogram is from inside the electrode, as dense at its faces as inside.
        // Every parameter the generator has for the shape of its agglomerates, binder and
        // calendering is searched, the overlap up to 0.5 (the default range stops at 0.25).
        const tf = await calibrate(
          real,
          { budget, seeds: tfSeeds, seed: 1, zFaces: 'cut', thicknessAxis: 'z', shape: [box, box, box], free, ranges: { particleOverlap: [0, 0.5] }, optimiser, objective, raceSeeds, ...(raceFull ? { raceShape: [c, c, c] as [number, number, number] } : {}), ...(sizeCorrection > 0 ? { sizeCorrection } : {}) },
          ctx,
        );
        const what = box < c ? `${tf.tomogramBoxes.count} boxes of ${box}³ covering` : box > c ? `${box}³ twins measured by their centred ${c}³ crop against` : `${box}³ twins against`;
        process.stderr.write(`${table(`TauFactor electrode, ${what} its centred ${c}³`, tf)}\n`);
        out.push(...figures(`TauFactor ${c}³, twins ${box}³`, tf));
        config = tf.config;
        if (raceFull && c === full.shape[0]) seenAtFullSize = tf.race.freshSeeds;
      }
      if (process.env.MESOLAB_TAUFACTOR_FULL === '1') {
        const fullSeeds = integerOption(process.env.MESOLAB_TAUFACTOR_FULL_SEEDS ?? 8, 'MESOLAB_TAUFACTOR_FULL_SEEDS', 1);
        const seeds: number[] = [];
        for (let s = 1; seeds.length < fullSeeds; s++) if (!seenAtFullSize.includes(s)) seeds.push(s);
        // The issue's contract is on the electrode, not on the crop the search ran on: the config at the
        // tomogram's full size against the whole of it (calibrate --check).
        const f = await checkCalibration(full, config, { seedList: seeds }, ctx);
        process.stderr.write(`\nat the tomogram's full size ${full.shape.join('×')}, seeds ${seeds.join(', ')} (${f.wallSeconds.toFixed(0)} s), config ${JSON.stringify(config)}\n${descriptorRows(f.descriptors).join('\n')}\n`);
        out.push(...closeness(`TauFactor calibrated config at ${full.shape.join('×')}`, f.descriptors));
      }
    }
  } finally {
    compute.destroy();
  }
  return out;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
