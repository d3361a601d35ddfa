import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { parseWith } from '../../config/validate.ts';
import { getCompute } from '../../gpu/backend.ts';
import { Rng } from '../../random/rng.ts';
import { readField, readVolume } from '../../volume/io.ts';
import type { Volume } from '../../volume/volume.ts';
import { readConfigObject, readVolumeWithFlags } from '../sim-options.ts';
import { cRatesOption } from '../option-values.ts';
import { simulationProgress } from '../sim-progress.ts';
import { formatTable, printJson } from '../output.ts';
import { writeCellOutput } from '../cell-output.ts';
import { cellModel, StructureCellSchema, type CellRunResult } from '../../../sims/cell/index.ts';
import { phaseFromArrival } from '../../../sims/filling/lbm/arrival-phase.ts';

interface CellOptions {
  cRates?: string;
  volume?: string;
  config?: string;
  out?: string;
  json?: boolean;
  voxelSize?: string;
  labels?: string;
}

/**
 * The electrode and, for a filling's output folder, the phase of each voxel. A quasi-static fill
 * leaves phase.tif (0 solid, 1 electrolyte, 2 trapped, 3 unreached); a lattice-Boltzmann fill
 * leaves arrival-time.tif (NaN solid, Infinity never reached: gas).
 */
async function readInputs(path: string, opts: CellOptions): Promise<{ volume: Volume; phase?: Uint8Array; source: string }> {
  if (!(existsSync(path) && statSync(path).isDirectory())) return { volume: await readVolumeWithFlags(path, opts as Record<string, unknown>), source: path };
  if (opts.volume === undefined) throw new ConfigError('--volume', undefined, `the electrode volume the filling in ${path} was run on`);
  const volume = await readVolumeWithFlags(opts.volume, opts as Record<string, unknown>);
  let phase: Uint8Array;
  if (existsSync(join(path, 'phase.tif'))) {
    phase = (await readVolume(join(path, 'phase.tif'))).labels;
  } else if (existsSync(join(path, 'arrival-time.tif'))) {
    phase = phaseFromArrival((await readField(join(path, 'arrival-time.tif'))).data);
  } else throw new ConfigError('fill-output', path, 'a folder holding phase.tif (fill --model quasi-static) or arrival-time.tif (fill --model lbm)');
  if (phase.length !== volume.labels.length) throw new ConfigError('--volume', opts.volume, `a volume of the filling's shape (${phase.length} voxels, got ${volume.labels.length})`);
  return { volume, phase, source: `${opts.volume} wetted by ${path}` };
}

function describe(source: string, r: CellRunResult, out: string | undefined): string {
  const s = r.structure;
  const p = r.performance;
  const cm2 = r.params.area * 1e4;
  const lines: string[] = [];
  lines.push(`${source}: half cell Li | separator | electrode (${(s.thickness * 1e6).toFixed(1)} µm)`);
  lines.push(
    formatTable(
      [
        ['electrolyte fraction ε', s.electrolyteFraction],
        ['saturation (wetted pore share)', s.saturation],
        ['active fraction ε_s', s.activeFraction],
        ['wetted active area (1/µm)', s.activeArea * 1e-6],
        ['wetted share of AM–pore area', s.wettedAreaFraction],
        ['particle radius (µm)', s.particleRadius * 1e6],
        ['ionic tortuosity τ (z)', s.ionicTortuosity],
        ['τ_EIS', s.tauEis],
        ['solid tortuosity', s.solidTortuosity],
        ['effective electronic conductivity (S/m)', s.conductivity],
        ['window capacity (mAh/cm²)', (p.windowCapacity * 1000) / cm2],
        ['DC resistance, 10 s at 1C (Ω cm²)', p.areaSpecificResistance * 1e4],
      ],
      ['structure → cell', 'value'],
    ),
  );
  lines.push('');
  lines.push(
    formatTable(
      p.curves.map((c) => [c.cRate, (c.dischargeCapacity * 1000) / cm2, (c.energy * 1000) / cm2, (c.meanPower * 1000) / cm2, c.termination]),
      ['C-rate', 'capacity (mAh/cm²)', 'energy (mWh/cm²)', 'mean power (mW/cm²)', 'ended by'],
    ),
  );
  if (out) lines.push(`wrote ${out}/: result.json, discharge.json (curves, SI units), discharge-<rate>C.csv and labels.raw (mesolab view ${out})`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('cell')
    .description('half-cell P2D discharges of an electrode volume (optionally wetted by a filling): capacity, energy, Ragone points, DC resistance')
    .argument('<volume|fill-output>', 'labelled electrode volume, or the folder `mesolab fill -o` wrote (then give --volume)')
    .option('--c-rates <list>', 'discharge rates, comma-separated (default 0.1,1,2)')
    .option('--volume <file>', 'the electrode volume a fill-output folder was computed on')
    .option('--config <file>', 'JSON or YAML with cell parameters (material, separator, electrolyte, cut-offs, mesh)')
    .option('--voxel-size <µm>', 'voxel edge in µm, for volume files that state none')
    .option('--labels <map>', 'grey value → phase for the volume file, e.g. 0:pore,128:cbd,255:am')
    .option('-o, --out <dir>', 'write result.json, discharge.json (the curves in SI units, for `mesolab view`), one CSV per rate and the structure into this new folder')
    .option('--json', 'print JSON')
    .action(async (path: string, opts: CellOptions, cmd: Command) => {
      const { backend } = cmd.optsWithGlobals<{ backend?: string }>();
      const config = await readConfigObject(opts.config, 'cell parameters');
      if (opts.cRates !== undefined) config.cRates = cRatesOption(opts.cRates);
      const params = parseWith(StructureCellSchema, config);
      // Checked before the run so a long computation is never lost to a name clash.
      if (opts.out !== undefined && existsSync(opts.out)) throw new ConfigError('--out', opts.out, 'a folder that does not exist yet (results are never written over)');
      const { volume, phase, source } = await readInputs(path, opts);
      const compute = await getCompute(backend);
      const result = await cellModel.run(params, { volume, ...(phase ? { phase } : {}) }, { rng: new Rng(0), compute, onProgress: simulationProgress({ quiet: Boolean(opts.json) }) });
      if (opts.out !== undefined) await writeCellOutput(opts.out, result, volume, phase);
      if (opts.json) return printJson({ structure: result.structure, performance: { ...result.performance } });
      process.stdout.write(`${describe(source, result, opts.out)}\n`);
    });
}
