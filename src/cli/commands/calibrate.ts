import type { Command } from 'commander';
import { ConfigError, MesolabError } from '../../errors.ts';
import { getCompute } from '../../gpu/backend.ts';
import { Rng } from '../../random/rng.ts';
import { assertFileReplaceable, writeFileWhole } from '../../output-files.ts';
import { readConfigObject, readVolumeWithFlags, VOLUME_READ_OPTIONS } from '../sim-options.ts';
import { simulationProgress } from '../sim-progress.ts';
import { formatTable, printJson } from '../output.ts';
import { assertFreeNotFixed, assertRangesOpen, heldParameters, calibrate, CALIBRATED_PARAMETERS, CALIBRATION_OPTIMISERS, OPT_IN_PARAMETERS, relativeStandardError, type CalibratedParameter, type CalibrationOptimiser, type CalibrationReport, type DescriptorReport } from '../calibration/calibrate.ts';
import { CALIBRATION_OBJECTIVES, descriptorTolerance, MARGINAL_STANDARD_ERRORS, parseWeights, toleranceCall, type CalibrationObjective } from '../calibration/mismatch.ts';
import { checkCalibration, type CheckReport } from '../calibration/check.ts';
import { GenerateParamsSchema, Z_FACES, type GenerateParams, type ZFaces } from '../../../sims/mesostructure/index.ts';
import { parseWith } from '../../config/validate.ts';
import { integerOption, keyValueItems, listOption, numberOption, shapeOption } from '../option-values.ts';
import { AXES, type Axis } from '../../voxel/components.ts';

interface CalibrateOptions {
  output?: string;
  report?: string;
  shape?: string;
  budget?: string;
  seeds?: string;
  seed?: string;
  starts?: string;
  weights?: string;
  fix?: string;
  free?: string;
  zFaces?: string;
  range?: string;
  thicknessAxis?: string;
  optimiser?: string;
  objective?: string;
  race?: string;
  raceShape?: string;
  raceSeeds?: string;
  sizeCorrection?: string;
  correctionTrials?: string;
  check?: string;
  json?: boolean;
  force?: boolean;
  voxelSize?: string;
  labels?: string;
}

/** `--shape`: three voxel counts of at least 8 each (smaller boxes hold no particle worth the name). */
function calibrationShape(value: string, field = '--shape'): [number, number, number] {
  const shape = shapeOption(value, field);
  for (const n of shape) integerOption(n, field, 8, 'three voxel counts nx,ny,nz, each an integer >= 8 (e.g. 64,64,64)');
  return shape;
}

/** `--z-faces`: how the synthetic twins treat their z faces (GenerateParams.zFaces). */
function zFacesOption(value: string): ZFaces {
  if (!(Z_FACES as readonly string[]).includes(value)) throw new ConfigError('--z-faces', value, Z_FACES.join(' or '));
  return value as ZFaces;
}

/** `--objective`: worst or mismatch. */
function objectiveOption(value: string): CalibrationObjective {
  if (!(CALIBRATION_OBJECTIVES as readonly string[]).includes(value)) throw new ConfigError('--objective', value, CALIBRATION_OBJECTIVES.join(' or '));
  return value as CalibrationObjective;
}

/** `--optimiser`: residuals or sum. */
function optimiserOption(value: string): CalibrationOptimiser {
  if (!(CALIBRATION_OPTIMISERS as readonly string[]).includes(value)) throw new ConfigError('--optimiser', value, CALIBRATION_OPTIMISERS.join(' or '));
  return value as CalibrationOptimiser;
}

/** `--thickness-axis`: the tomogram's axis through the electrode. */
function thicknessAxisOption(value: string): Axis {
  if (!(AXES as readonly string[]).includes(value)) throw new ConfigError('--thickness-axis', value, `one of ${AXES.join(', ')}: the tomogram's axis through the electrode's thickness`);
  return value as Axis;
}

/** "name=value,…" over the calibrated parameters, each value read by `read`; any item it cannot read is refused whole, naming `field`. */
function parameterItems<T>(text: string, field: string, expected: string, read: (raw: string) => T): Partial<Record<CalibratedParameter, T>> {
  const out: Partial<Record<CalibratedParameter, T>> = {};
  for (const [name, raw] of keyValueItems(text, field, expected, /^\w+$/)) {
    const cannot = new ConfigError(field, text, expected, `cannot read "${name}=${raw}"`);
    if (!(CALIBRATED_PARAMETERS as readonly string[]).includes(name)) throw cannot;
    try {
      out[name as CalibratedParameter] = read(raw);
    } catch {
      throw cannot;
    }
  }
  return out;
}

/** "span=0.5,cbdNeckWeight=1" → parameters held fixed. */
export function parseFixed(text: string): Partial<Record<CalibratedParameter, number>> {
  const expected = `comma-separated name=value with names ${CALIBRATED_PARAMETERS.join(', ')} (e.g. span=0.5)`;
  return parameterItems(text, '--fix', expected, (raw) => numberOption(raw, '--fix'));
}

/** "particleOverlap=0:0.5,d50Um=5:9" → search ranges replacing the defaults. */
export function parseRanges(text: string): Partial<Record<CalibratedParameter, [number, number]>> {
  const expected = `comma-separated name=lo:hi with names ${CALIBRATED_PARAMETERS.join(', ')} (e.g. particleOverlap=0:0.5)`;
  return parameterItems(text, '--range', expected, (raw): [number, number] => {
    const ends = raw.split(':');
    if (ends.length !== 2) throw new Error('two ends');
    return [numberOption(ends[0]!, '--range'), numberOption(ends[1]!, '--range')];
  });
}

/** "cbdFibres" → the held parameters to search as well. */
export function parseFree(text: string): CalibratedParameter[] {
  const names = listOption(text);
  const allowed = Object.keys(OPT_IN_PARAMETERS);
  const expected = `a comma-separated list of ${allowed.join(', ')}`;
  if (names.length === 0) throw new ConfigError('--free', text, expected);
  for (const n of names) if (!allowed.includes(n)) throw new ConfigError('--free', text, expected, `"${n}" is not held by default`);
  return names as CalibratedParameter[];
}

/** SI value → the unit users read (µm for lengths, 1/µm for areas). */
function shown(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'm') return (value * 1e6).toPrecision(4);
  if (unit === '1/m') return (value * 1e-6).toPrecision(4);
  return value.toPrecision(4);
}

const SHOWN_UNIT: Record<string, string> = { m: 'µm', '1/m': '1/µm', '1': '' };

/** One table row of a descriptor: real (± its boxes' spread where measured in boxes), synthetic ± seed spread, the difference ± its standard error, marked beyond its tolerance or marginal. */
function descriptorRow(inBoxes: boolean): (d: DescriptorReport) => string[] {
  return (d) => {
    const t = `${100 * descriptorTolerance(d.name)} %`;
    const call = toleranceCall(d.name, d.relative, relativeStandardError(d));
    const mark = call.within ? (call.marginal ? ` (within ${t} by less than ${MARGINAL_STANDARD_ERRORS} SE)` : '') : call.marginal ? ` (beyond ${t} by less than ${MARGINAL_STANDARD_ERRORS} SE)` : ` (beyond ${t})`;
    const se = relativeStandardError(d) > 0 ? ` ± ${(100 * relativeStandardError(d)).toFixed(1)}` : '';
    return [
      `${d.name}${SHOWN_UNIT[d.unit] ? ` (${SHOWN_UNIT[d.unit]})` : ''}`,
      inBoxes ? `${shown(d.real, d.unit)} ± ${shown(d.realSpread, d.unit)}` : shown(d.real, d.unit),
      `${shown(d.synthetic, d.unit)} ± ${shown(d.spread, d.unit)}`,
      Number.isFinite(d.relative) ? `${(100 * d.relative).toFixed(1)}${se} %${mark}` : '-',
    ];
  };
}

/**
 * The line under a descriptor table: how many are within their tolerance, and which of those calls
 * another set of seeds may turn (toleranceCall's marginal).
 *
 * @param rows compareDescriptors' rows
 * @returns e.g. "within tolerance: 21 of 21; marginal, another set of seeds may land on the other side
 *   (the tolerance within 2 standard errors of the mean): tau.solid.y +4.9 ± 0.7 % (within)"
 * @example toleranceSummary(report.race.descriptors)
 */
export function toleranceSummary(rows: readonly DescriptorReport[]): string {
  const calls = rows.map((d) => ({ d, call: toleranceCall(d.name, d.relative, relativeStandardError(d)) }));
  const within = calls.filter((c) => c.call.within).length;
  const marginal = calls.filter((c) => c.call.marginal).map(({ d, call }) => `${d.name} ${d.relative >= 0 ? '+' : ''}${(100 * d.relative).toFixed(1)} ± ${(100 * relativeStandardError(d)).toFixed(1)} % (${call.within ? 'within' : 'beyond'})`);
  return `within tolerance: ${within} of ${rows.length}; ${marginal.length > 0 ? `marginal, another set of seeds may land on the other side (the tolerance within ${MARGINAL_STANDARD_ERRORS} standard errors of the mean): ${marginal.join(', ')}` : `none marginal (every mean ${MARGINAL_STANDARD_ERRORS} standard errors or more from its tolerance)`}`;
}

export function calibrationTable(path: string, r: CalibrationReport): string {
  const out: string[] = [];
  if (r.thicknessAxis !== 'z') out.push(`axes are the generator's: z through the thickness is the tomogram's ${r.thicknessAxis}`);
  out.push(`${path}: ${r.trials} trials, ${r.evaluations} generate + properties evaluations (seeds ${r.seeds.join(', ')}), ${r.failedTrials} refused, ${r.wallSeconds.toFixed(0)} s, optimiser ${r.optimiser}, objective ${r.objective}; mismatch ${r.mismatch.toPrecision(3)}${r.objective === 'mismatch' ? '' : `, score ${r.score.toPrecision(3)}`}`);
  if (r.race.candidates.length > 0) {
    const score = (v: number): string => (Number.isFinite(v) ? v.toPrecision(3) : 'refused');
    out.push(
      `race on fresh seeds ${r.race.freshSeeds.join(', ')} (${r.objective === 'mismatch' ? 'mismatch' : 'score'} on the search seeds / fresh seeds / both): ${r.race.candidates
        .map((c) => `trial ${c.trial + 1} ${score(c.searchScore)} / ${score(c.freshScore)} / ${score(c.score)}${c.trial === r.race.kept ? ' (kept)' : ''}`)
        .join(', ')}`,
    );
  }
  for (const [k, c] of r.sizeCorrection.rounds.entries()) {
    const moved = Object.entries(c.offsets).filter(([name]) => !name.startsWith('fraction.')).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 4);
    out.push(`size correction ${k + 1}: target moved by trial ${c.basis + 1}'s error at the search shape less at the race's (largest: ${moved.map(([name, v]) => `${name} ${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)} %`).join(', ')}), ${c.trials} more trials, kept trial ${c.kept + 1}`);
  }
  if (r.starts.length > 1) out.push(`${r.starts.length} optimiser starts, mismatch ${r.starts.map((s, k) => `${s.mismatch.toPrecision(3)}${r.objective === 'mismatch' ? '' : ` (score ${s.score.toPrecision(3)})`}${k === r.keptStart ? ' (kept)' : ''}`).join(', ')}`);
  const boxes = r.tomogramBoxes;
  const inBoxes = boxes.count > 1;
  out.push('', `descriptors (synthetic: mean ± standard deviation across the seeds${r.race.pooled ? ', search and fresh' : ''}${inBoxes ? `; real: mean ± standard deviation across ${boxes.count} boxes of ${boxes.shape.join('×')} covering the tomogram` : ''}; difference ± its standard error over the seeds; beyond: over the tolerance, 10 %, τ 5 %; by less than ${MARGINAL_STANDARD_ERRORS} SE: marginal)`);
  out.push(
    formatTable(
      r.descriptors.map(descriptorRow(inBoxes)),
      ['descriptor', 'real', 'synthetic', 'difference'],
    ),
  );
  out.push(toleranceSummary(r.descriptors));
  if (r.race.descriptors.length > 0) {
    // The check no seed of the search has seen.
    out.push('', `the kept trial on the fresh seeds ${r.race.freshSeeds.join(', ')} alone, twins of ${r.race.shape.join('×')}`);
    out.push(formatTable(r.race.descriptors.map(descriptorRow(r.race.descriptors.some((d) => d.realSpread > 0))), ['descriptor', 'real', 'synthetic', 'difference']));
    out.push(toleranceSummary(r.race.descriptors));
  }
  out.push('', 'parameters (identifiable: plausible values span under half the range and the GP length scale is below 1)');
  out.push(
    formatTable(
      r.parameters.map((p) => [`${p.name}${p.unit !== '1' ? ` (${p.unit})` : ''}`, p.value, `${p.range[0]}–${p.range[1]}${p.scale === 'log' ? ' (log)' : ''}`, `${p.plausible[0]}–${p.plausible[1]}`, p.lengthScale.toPrecision(3), p.identifiable ? 'yes' : 'no']),
      ['parameter', 'value', 'searched', 'plausible', 'length scale', 'identifiable'],
    ),
  );
  // The tables above are of the seeds that chose the config; the next ones have not seen it.
  const unseen = Math.max(...r.seeds, ...r.race.freshSeeds) + 1;
  out.push('', `seeds this calibration has not used start at ${unseen}: check the config there with --check <config.json> --seed ${unseen} --seeds <n> (--shape as the race's)`);
  return out.join('\n');
}

/**
 * `mesolab calibrate --check`'s table: a config's twins on the given seeds against the tomogram.
 *
 * @param path the tomogram's path; @param configPath the checked config's.
 * @param r checkCalibration's report.
 * @returns the header line, the descriptor table and its tolerance summary.
 */
export function checkTable(path: string, configPath: string, r: CheckReport): string {
  const out: string[] = [];
  if (r.thicknessAxis !== 'z') out.push(`axes are the generator's: z through the thickness is the tomogram's ${r.thicknessAxis}`);
  out.push(`${path} against twins of ${configPath}, ${r.shape.join('×')}, on seeds ${r.seeds.join(', ')}: ${r.evaluations} generate + properties evaluations, ${r.wallSeconds.toFixed(0)} s; mismatch ${r.mismatch.toPrecision(3)}`);
  const inBoxes = r.tomogramBoxes.count > 1;
  out.push('', `descriptors (synthetic: mean ± standard deviation across the seeds${inBoxes ? `; real: mean ± standard deviation across ${r.tomogramBoxes.count} boxes of ${r.tomogramBoxes.shape.join('×')} covering the tomogram` : ''}; difference ± its standard error over the seeds; beyond: over the tolerance, 10 %, τ 5 %; by less than ${MARGINAL_STANDARD_ERRORS} SE: marginal)`);
  out.push(formatTable(r.descriptors.map(descriptorRow(inBoxes)), ['descriptor', 'real', 'synthetic', 'difference']));
  out.push(toleranceSummary(r.descriptors));
  return out.join('\n');
}

/** Options that steer a search, refused with --check, which searches nothing. */
const SEARCH_OPTIONS = ['output', 'budget', 'starts', 'fix', 'free', 'range', 'optimiser', 'objective', 'race', 'raceShape', 'raceSeeds', 'sizeCorrection', 'correctionTrials'] as const;
/** raceShape → --race-shape: commander's camel-case name back to the flag. */
const flagOf = (name: string): string => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** `--check`'s file as generator parameters, refused in one line naming --check. */
async function checkedConfig(path: string): Promise<GenerateParams> {
  const what = 'generator parameters (mesolab calibrate -o, generate --config)';
  const raw = await readConfigObject(path, what, '--check');
  try {
    parseWith(GenerateParamsSchema, raw);
  } catch (e) {
    if (e instanceof MesolabError) throw new ConfigError('--check', path, `a file holding one object of ${what}`, e.message);
    throw e;
  }
  return raw as GenerateParams;
}

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('find generator parameters whose electrodes reproduce a segmented tomogram (fractions, interface areas, τ, sizes, two-point correlation) by Bayesian optimisation')
    .argument('<tomogram>', 'segmented volume with pore, AM and CBD (.tif/.tiff, .raw with .json header, .vti)')
    .option('-o, --output <config.json>', 'write the calibrated generator parameters (for mesolab generate --config, or fixed.generate of a study)')
    .option('--report <file.json>', 'write the whole report (descriptors, parameters, every trial) as JSON')
    .option('--shape <nx,ny,nz>', 'synthetic volume in voxels (default: the tomogram shape; smaller is faster, and the tomogram is then measured in boxes of this shape covering it, their mean compared; larger is measured by its centred crop of the tomogram shape, cut by its faces as the tomogram is)')
    .option('--budget <n>', 'trial parameter sets per start, initial design included (default 24)')
    .option('--seeds <n>', 'replicate seeds per trial (default 2)')
    .option('--seed <n>', 'optimiser seed and first replicate seed (default 1)')
    .option('--starts <n>', 'independent optimiser starts of --budget trials each, on the same replicate seeds; the lowest mismatch is kept (default 1; one start can settle in the wrong basin: a 5 % calibration at 96³ took 3, see README)')
    .option('--fix <list>', `parameters known beforehand, held instead of searched: ${CALIBRATED_PARAMETERS.join(', ')} (e.g. span=0.5 from a datasheet)`)
    .option('--free <list>', `parameters held by default to search as well: ${Object.entries(OPT_IN_PARAMETERS).map(([k, v]) => `${k} (held at ${v})`).join(', ')}`)
    .option('--range <list>', `search ranges replacing the defaults, name=lo:hi in the generator's units (e.g. particleOverlap=0:0.5; the default stops overlap at 0.25), each end a value the generator accepts`)
    .option('--z-faces <f>', "the synthetic twins' z faces: bounded (the generator's default: particle centres inside them, AM-poor layers at them) or cut (packed across them, as a tomogram cropped from inside an electrode is; bench/README.md, \"Faces\")")
    .option('--thickness-axis <axis>', "the tomogram's axis through the electrode's thickness, x, y or z (default z); the tomogram is turned so that it is the twins' z, the axis they are calendered along (--free calenderingPercent)")
    .option('--weights <list>', 'mismatch weights by group: fraction, area, tau, size, s2, s2Curve (default all 1), e.g. tau=2,s2Curve=0.5')
    .option('--objective <o>', 'worst (default: the mismatch plus the square of the worst descriptor\'s error in units of its tolerance, 10 %, τ 5 %) or mismatch (the weighted mean of squares alone)')
    .option('--optimiser <o>', 'residuals (default: one GP per descriptor\'s signed error, trials picked by the expected improvement of the sum of squares) or sum (one GP on the mismatch itself, as before 2026-12-05)')
    .option('--race <n>', 'candidates generated again on fresh seeds (--race-seeds) after the search (each start\'s pick and the trials of lowest score); the lowest objective over search and fresh seeds together is kept (default 4; 0: keep the search\'s pick, scored on its own seeds, which flatter it)')
    .option('--race-shape <nx,ny,nz>', 'the twins\' shape in the race (default --shape): the tomogram\'s own shape, say, races the candidates at full size against the whole tomogram, on the fresh seeds alone (for boxes that scatter between seeds more than the tolerance)')
    .option('--race-seeds <n>', 'fresh seeds per raced candidate (default --seeds): more where the candidates differ by less than the scatter of --seeds twins')
    .option('--size-correction <n>', 'rounds after the race (default 0; needs --race-shape other than --shape): move the search\'s target by what the race\'s winner misses at the race shape beyond what it misses at the search shape, search --correction-trials more from every trial so far, race again; the lowest on fresh seeds is kept (a τ can change with the twin\'s size where the tomogram\'s does not)')
    .option('--correction-trials <n>', 'trials per size-correction round (default half of --budget)')
    .option('--check <config.json>', 'search nothing: generate this config (calibrate -o, or any generate --config file) on --seeds seeds from --seed at --shape, with the tomogram\'s fractions, and compare each descriptor with the tomogram\'s; pick seeds the calibration did not use (its table is of the seeds that chose it)')
    .option('--json', 'print the report as JSON')
    .option('--force', 'replace existing output files')
    .option(...VOLUME_READ_OPTIONS[0]!)
    .option(...VOLUME_READ_OPTIONS[1]!)
    .action(async (path: string, opts: CalibrateOptions, cmd: Command) => {
      const { backend } = cmd.optsWithGlobals<{ backend?: string }>();
      // Every option is checked before the tomogram is read or a trial runs.
      const budget = opts.budget !== undefined ? integerOption(opts.budget, '--budget', 3) : undefined;
      const seeds = opts.seeds !== undefined ? integerOption(opts.seeds, '--seeds', 1) : undefined;
      const seed = opts.seed !== undefined ? integerOption(opts.seed, '--seed', 0) : undefined;
      const starts = opts.starts !== undefined ? integerOption(opts.starts, '--starts', 1) : undefined;
      const shape = opts.shape !== undefined ? calibrationShape(opts.shape) : undefined;
      const weights = parseWeights(opts.weights);
      const fixed = opts.fix !== undefined ? parseFixed(opts.fix) : undefined;
      const free = opts.free !== undefined ? parseFree(opts.free) : undefined;
      const zFaces = opts.zFaces !== undefined ? zFacesOption(opts.zFaces) : undefined;
      const ranges = opts.range !== undefined ? parseRanges(opts.range) : undefined;
      const thicknessAxis = opts.thicknessAxis !== undefined ? thicknessAxisOption(opts.thicknessAxis) : undefined;
      const optimiser = opts.optimiser !== undefined ? optimiserOption(opts.optimiser) : undefined;
      const objective = opts.objective !== undefined ? objectiveOption(opts.objective) : undefined;
      const race = opts.race !== undefined ? integerOption(opts.race, '--race', 0) : undefined;
      const raceShape = opts.raceShape !== undefined ? calibrationShape(opts.raceShape, '--race-shape') : undefined;
      const raceSeeds = opts.raceSeeds !== undefined ? integerOption(opts.raceSeeds, '--race-seeds', 1) : undefined;
      const sizeCorrection = opts.sizeCorrection !== undefined ? integerOption(opts.sizeCorrection, '--size-correction', 0) : undefined;
      const correctionTrials = opts.correctionTrials !== undefined ? integerOption(opts.correctionTrials, '--correction-trials', 1) : undefined;
      if ((sizeCorrection ?? 0) > 0) {
        const why = 'a race at another shape to correct toward: --race-shape, --race 1 or more, --optimiser residuals';
        if (raceShape === undefined) throw new ConfigError('--size-correction', opts.sizeCorrection, why, 'no --race-shape');
        if (race === 0) throw new ConfigError('--size-correction', opts.sizeCorrection, why, '--race is 0');
        if (optimiser === 'sum') throw new ConfigError('--size-correction', opts.sizeCorrection, why, '--optimiser is sum');
        if (shape !== undefined && raceShape.every((n, k) => n === shape[k])) throw new ConfigError('--size-correction', opts.sizeCorrection, why, `--race-shape is --shape, ${shape.join(',')}`);
      }
      assertFreeNotFixed(free, fixed);
      assertRangesOpen(ranges, heldParameters(fixed, free));
      const force = opts.force ?? false;
      if (opts.output !== undefined) await assertFileReplaceable(opts.output, { force, field: '--output' });
      if (opts.report !== undefined) await assertFileReplaceable(opts.report, { force, field: '--report' });
      if (opts.check !== undefined) {
        const search = SEARCH_OPTIONS.find((k) => opts[k] !== undefined);
        if (search !== undefined) throw new ConfigError(flagOf(search), opts[search], `no search option with --check, which generates the given config and searches nothing`);
        const config = await checkedConfig(opts.check);
        const volume = await readVolumeWithFlags(path, opts as Record<string, unknown>);
        const compute = await getCompute(backend);
        const r = await checkCalibration(
          volume,
          config,
          { ...(shape ? { shape } : {}), ...(seeds !== undefined ? { seeds } : {}), ...(seed !== undefined ? { seed } : {}), ...(thicknessAxis ? { thicknessAxis } : {}), ...(zFaces ? { zFaces } : {}), weights },
          { rng: new Rng(seed ?? 1), compute, onProgress: simulationProgress({ quiet: Boolean(opts.json) }) },
        );
        if (opts.report !== undefined) await writeFileWhole(opts.report, `${JSON.stringify(r, null, 2)}\n`);
        if (opts.json) return printJson(r);
        process.stdout.write(`${checkTable(path, opts.check, r)}\n`);
        return;
      }
      const volume = await readVolumeWithFlags(path, opts as Record<string, unknown>);
      const compute = await getCompute(backend);
      const report = await calibrate(
        volume,
        { ...(shape ? { shape } : {}), ...(budget !== undefined ? { budget } : {}), ...(seeds !== undefined ? { seeds } : {}), ...(seed !== undefined ? { seed } : {}), ...(starts !== undefined ? { starts } : {}), ...(fixed ? { fixed } : {}), ...(free ? { free } : {}), ...(zFaces ? { zFaces } : {}), ...(ranges ? { ranges } : {}), ...(thicknessAxis ? { thicknessAxis } : {}), ...(optimiser ? { optimiser } : {}), ...(objective ? { objective } : {}), ...(race !== undefined ? { race } : {}), ...(raceShape ? { raceShape } : {}), ...(raceSeeds !== undefined ? { raceSeeds } : {}), ...(sizeCorrection !== undefined ? { sizeCorrection } : {}), ...(correctionTrials !== undefined ? { correctionTrials } : {}), weights },
        { rng: new Rng(seed ?? 1), compute, onProgress: simulationProgress({ quiet: Boolean(opts.json) }) },
        path,
      );
      if (opts.output !== undefined) await writeFileWhole(opts.output, `${JSON.stringify(report.config, null, 2)}\n`);
      if (opts.report !== undefined) await writeFileWhole(opts.report, `${JSON.stringify(report, null, 2)}\n`);
      if (opts.json) return printJson(report);
      process.stdout.write(`${calibrationTable(path, report)}\n`);
      if (opts.output !== undefined) process.stdout.write(`wrote ${opts.output}\n`);
    });
}
