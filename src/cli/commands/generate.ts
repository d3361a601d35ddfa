import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { readConfigFile } from '../../config/parse.ts';
import { getCompute } from '../../gpu/backend.ts';
import { Rng } from '../../random/rng.ts';
import { formatOf, writeVolume } from '../../volume/io.ts';
import { rawHeaderPath } from '../../volume/raw.ts';
import { assertFileReplaceable, writeFileWhole } from '../../output-files.ts';
import { formatTable, outputRows, printJson } from '../output.ts';
import { simulationProgress } from '../sim-progress.ts';
import { numberOption, shapeOption } from '../option-values.ts';
import { generateElectrode, resolveParams } from '../../../sims/mesostructure/index.ts';
import type { GenerateParams, GenerateSummary } from '../../../sims/mesostructure/index.ts';
import { MESOSTRUCTURE_OUTPUTS } from '../../../sims/mesostructure/outputs.ts';

interface GenerateOptions {
  config?: string;
  seed?: string;
  output?: string;
  particles?: string;
  json?: boolean;
  shape?: string;
  voxelSize?: string;
  d50?: string;
  span?: string;
  d10?: string;
  d90?: string;
  psdBasis?: string;
  bimodalShare?: string;
  bimodalD50?: string;
  bimodalSpan?: string;
  porosity?: string;
  amFraction?: string;
  cbd?: string;
  cbdMorphology?: string;
  cbdPorosity?: string;
  cbdDomain?: string;
  cbdReach?: string;
  cbdNeckWeight?: string;
  cbdFibres?: string;
  cbdStrands?: string;
  aggregation?: string;
  compactness?: string;
  dispersion?: string;
  overlap?: string;
  calendering?: string;
  zFaces?: string;
  amDensity?: string;
  force?: boolean;
}

/** Volumes at least this large report progress on stderr. */
const PROGRESS_VOXELS = 96 ** 3;

/** Config file values, overridden by whatever was given on the command line. */
export function mergeOptions(config: Record<string, unknown>, o: GenerateOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  const set = (key: string, value: unknown): void => {
    out[key] = value;
  };
  if (o.shape !== undefined) set('shape', shapeOption(o.shape));
  if (o.voxelSize !== undefined) set('voxelSizeUm', numberOption(o.voxelSize, '--voxel-size'));
  if (o.d50 !== undefined) set('d50Um', numberOption(o.d50, '--d50'));
  if (o.span !== undefined) {
    set('span', numberOption(o.span, '--span'));
    delete out.d10Um;
    delete out.d90Um;
  }
  if (o.d10 !== undefined) set('d10Um', numberOption(o.d10, '--d10'));
  if (o.d90 !== undefined) set('d90Um', numberOption(o.d90, '--d90'));
  if ((o.d10 !== undefined || o.d90 !== undefined) && o.span === undefined) delete out.span;
  if (o.psdBasis !== undefined) set('psdBasis', o.psdBasis);
  if (o.bimodalShare !== undefined || o.bimodalD50 !== undefined || o.bimodalSpan !== undefined) {
    const b: Record<string, unknown> = { ...((config.bimodal as Record<string, unknown> | undefined) ?? {}) };
    if (o.bimodalShare !== undefined) b.volumeShare = numberOption(o.bimodalShare, '--bimodal-share');
    if (o.bimodalD50 !== undefined) b.d50Um = numberOption(o.bimodalD50, '--bimodal-d50');
    if (o.bimodalSpan !== undefined) b.span = numberOption(o.bimodalSpan, '--bimodal-span');
    set('bimodal', b);
  }
  // porosity and amFraction are alternatives: the one typed on the command line wins.
  if (o.porosity !== undefined) {
    set('porosity', numberOption(o.porosity, '--porosity'));
    delete out.amFraction;
  }
  if (o.amFraction !== undefined) {
    set('amFraction', numberOption(o.amFraction, '--am-fraction'));
    if (o.porosity === undefined) delete out.porosity;
  }
  if (o.cbd !== undefined) set('cbdFraction', numberOption(o.cbd, '--cbd'));
  if (o.cbdMorphology !== undefined) set('cbdMorphology', o.cbdMorphology);
  if (o.cbdPorosity !== undefined) set('cbdPorosity', numberOption(o.cbdPorosity, '--cbd-porosity'));
  if (o.cbdDomain !== undefined) set('cbdDomainUm', numberOption(o.cbdDomain, '--cbd-domain'));
  if (o.cbdReach !== undefined) set('cbdReachUm', numberOption(o.cbdReach, '--cbd-reach'));
  if (o.cbdNeckWeight !== undefined) set('cbdNeckWeight', numberOption(o.cbdNeckWeight, '--cbd-neck-weight'));
  if (o.cbdFibres !== undefined) set('cbdFibres', numberOption(o.cbdFibres, '--cbd-fibres'));
  if (o.cbdStrands !== undefined) set('cbdStrands', numberOption(o.cbdStrands, '--cbd-strands'));
  if (o.aggregation !== undefined) set('particleAggregation', numberOption(o.aggregation, '--aggregation'));
  if (o.compactness !== undefined) set('particleCompactness', numberOption(o.compactness, '--compactness'));
  if (o.dispersion !== undefined) set('particleDispersion', numberOption(o.dispersion, '--dispersion'));
  if (o.overlap !== undefined) set('particleOverlap', numberOption(o.overlap, '--overlap'));
  if (o.calendering !== undefined) set('calenderingPercent', numberOption(o.calendering, '--calendering'));
  if (o.zFaces !== undefined) set('zFaces', o.zFaces);
  if (o.amDensity !== undefined) set('amDensityGcm3', numberOption(o.amDensity, '--am-density'));
  if (o.seed !== undefined) set('seed', numberOption(o.seed, '--seed'));
  return out;
}

function summaryTable(s: GenerateSummary): string {
  const rows: [string, string | number][] = [
    ['shape (voxels)', s.shape.join('×')],
    ['voxel size (µm)', s.voxelSizeUm],
    // The model's declared outputs, as the generate stage stores them.
    ...outputRows(MESOSTRUCTURE_OUTPUTS, { summary: s }),
    ['seed', s.seed],
    ['backend', s.backend],
    ['time (ms): packing / voxels / CBD', `${s.timings.packingMs.toFixed(0)} / ${s.timings.voxelizationMs.toFixed(0)} / ${s.timings.cbdMs.toFixed(0)}`],
  ];
  return formatTable(rows, ['quantity', 'value']);
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('generate a 3D electrode (AM particles, CBD, pore) from process parameters; command-line values override the config file')
    .option('--config <file>', 'JSON or YAML file of generator parameters')
    .option('--seed <n>', 'random seed (integer, default 1)')
    .option('-o, --output <file>', 'write the volume (.tif, .tiff, .raw + .json header, .vti)')
    .option('--particles <file.json>', 'also write the particle list (centres and semi-axes, µm; z from the lower face, below 0 or above the thickness for particles centred beyond cut faces) as JSON')
    .option('--json', 'print the summary as JSON')
    .option('--force', 'replace existing output files')
    .option('--shape <nx,ny,nz>', 'domain in voxels before calendering (default 64,64,64)')
    .option('--voxel-size <µm>', 'voxel edge length (µm, default 1)')
    .option('--d50 <µm>', 'median particle diameter (µm, default 10)')
    .option('--span <x>', 'PSD span (D90−D10)/D50 (default 1)')
    .option('--d10 <µm>', 'D10 diameter (µm), with --d90 instead of --span')
    .option('--d90 <µm>', 'D90 diameter (µm), with --d10 instead of --span')
    .option('--psd-basis <basis>', 'volume (laser diffraction, default) or number weighted diameters')
    .option('--bimodal-share <x>', 'AM volume share of a second population (0–1)')
    .option('--bimodal-d50 <µm>', 'median diameter of the second population (µm)')
    .option('--bimodal-span <x>', 'span of the second population')
    .option('--porosity <x>', 'target pore fraction before calendering (0–1, default 0.40)')
    .option('--am-fraction <x>', 'target AM fraction before calendering (0–1), instead of --porosity')
    .option('--aggregation <x>', 'share of the particles settled against another (0–1, default 0: a random packing; agglomerates from gentle mixing)')
    .option('--compactness <x>', 'share of the aggregating particles that settle where they touch the most others (0–1, default 0: chains; 1: compact agglomerates)')
    .option('--dispersion <x>', 'how the other particles spread (−1–1, default 0: random addition): a share |x| placed where the packing around is emptiest (x > 0, well dispersed, even) or fullest (x < 0, flocculated, flocs and voids)')
    .option('--overlap <x>', 'how far neighbouring particles merge, fraction of the radius (0–0.5, default 0; pressed or sintered secondary particles)')
    .option('--cbd <x>', 'CBD volume fraction of the uncalendered volume (0–1, default 0.12)')
    .option('--cbd-morphology <m>', 'bridge (at necks, default), film (coating) or web (necks spreading into the pores as fine domains)')
    .option('--cbd-domain <µm>', 'web: CBD domain size (µm; finer with more intensive mixing; default 2 voxels)')
    .option('--cbd-reach <µm>', 'web: how far CBD spreads from the necks into the pores (µm; 0 = bridge; default d50/2)')
    .option('--cbd-neck-weight <x>', 'web: 1 binder at the particle contacts (default), 0 a coating of the particles')
    .option('--cbd-fibres <x>', 'web: 0 binder in separate domains (default), 1 a lace of strands spanning the pores')
    .option('--cbd-strands <x>', 'web: share of the binder laid first as strands across the gaps between neighbouring particles, 0–1 (default 0)')
    .option('--cbd-porosity <x>', 'internal porosity of the CBD (0–1, default 0.5)')
    .option('--calendering <%>', 'thickness reduction (%, default 0)')
    .option('--z-faces <f>', "bounded (particle centres inside the z faces, AM-poor layers at them; default) or cut (packed across them: a box from inside a thicker electrode, as a tomogram crop)")
    .option('--am-density <g/cm³>', 'AM density (g/cm³, default 4.7 for NMC)')
    .action(async (opts: GenerateOptions, cmd: Command) => {
      const { backend } = cmd.optsWithGlobals<{ backend?: string }>();
      let config: Record<string, unknown> = {};
      if (opts.config !== undefined) {
        const raw = await readConfigFile(opts.config);
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('--config', opts.config, 'a file holding one object of generator parameters');
        config = raw as Record<string, unknown>;
      }
      const params = mergeOptions(config, opts) as GenerateParams;
      // Validate before starting a backend: impossible requests fail at once.
      const resolved = resolveParams(params);
      // Refused now, not after minutes of packing: a bad name or a file that would be replaced.
      const force = opts.force ?? false;
      if (opts.output !== undefined) {
        const format = formatOf(opts.output, '--output');
        await assertFileReplaceable(opts.output, { force, field: '--output' });
        if (format === 'raw') await assertFileReplaceable(rawHeaderPath(opts.output), { force, field: '--output' });
      }
      if (opts.particles !== undefined) await assertFileReplaceable(opts.particles, { force, field: '--particles' });
      const compute = await getCompute(backend);
      const voxels = resolved.shape[0] * resolved.shape[1] * resolved.shape[2];
      const result = await generateElectrode(params, {
        rng: new Rng(resolved.seed ?? 1),
        compute,
        onProgress: voxels >= PROGRESS_VOXELS ? simulationProgress() : undefined,
      });
      if (opts.output !== undefined) await writeVolume(opts.output, result.volume);
      if (opts.particles !== undefined) {
        const um = (m: number): number => m * 1e6;
        const list = result.particles.map((p) => ({ xUm: um(p.x), yUm: um(p.y), zUm: um(p.z), rUm: um(p.r), rxyUm: um(p.rxy), rzUm: um(p.rz), population: p.population }));
        await writeFileWhole(opts.particles, `${JSON.stringify(list)}\n`);
      }
      if (opts.json) printJson(result.summary);
      else {
        process.stdout.write(`${summaryTable(result.summary)}\n`);
        if (opts.output !== undefined) process.stdout.write(`wrote ${opts.output}\n`);
      }
    });
}
