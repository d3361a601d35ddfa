import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { writeVolume } from '../../volume/io.ts';
import { runHash, stageFolder, type OutputIdentity } from '../../output-files.ts';
import { readVolumeWithFlags } from '../sim-options.ts';
import * as quasiStatic from './fill-quasi-static.ts';
import * as lbm from './fill-lbm.ts';

/**
 * `mesolab fill <volume> --model quasi-static|lbm`: one command, two filling models. Each model's
 * module declares its own options and handler; this file only dispatches.
 */
export interface FillModelCommand {
  /** [flags, description] pairs that this model adds to `mesolab fill`. */
  options: ReadonlyArray<readonly [string, string]>;
  /** Runs the model; with `output`, writes its files into `output.dir` (a staged folder) and names `output.shown` in its summary. */
  run(volumePath: string, opts: Record<string, unknown>, globals: { backend?: string; debug?: boolean }, output?: FillOutput): Promise<void>;
}

/** Where a fill writes: a temporary folder renamed onto `-o` once every file is in it. */
export interface FillOutput {
  dir: string;
  /** The folder the user named, for messages. */
  shown: string;
}

const MODELS: Record<string, FillModelCommand> = { 'quasi-static': quasiStatic, lbm };

export function register(program: Command): void {
  const cmd = program
    .command('fill')
    .description('electrolyte filling: quasi-static pore morphology or dynamic lattice-Boltzmann')
    .argument('<volume>', 'labelled volume (.tif, .raw/.json, .vti)')
    .requiredOption('--model <name>', `filling model: ${Object.keys(MODELS).join(' | ')}`)
    .option('--config <file>', 'JSON or YAML parameters for the model')
    .option('-o, --out <dir>', 'directory for fields and curves')
    .option('--json', 'print JSON')
    .option('--force', 'replace an output folder of another fill run');
  const seen = new Set(['--model', '--config', '--out', '--json', '--force']);
  for (const model of Object.values(MODELS)) {
    for (const [flags, description] of model.options) {
      const long = flags.split(/[ ,]+/).find((f) => f.startsWith('--'));
      if (!long || seen.has(long)) continue;
      seen.add(long);
      cmd.option(flags, description);
    }
  }
  cmd.action(async (volumePath: string, opts: Record<string, unknown>, c: Command) => {
    const model = MODELS[String(opts.model)];
    if (!model) throw new ConfigError('--model', opts.model, `one of ${Object.keys(MODELS).join(', ')}`);
    if (opts.out === undefined) return model.run(volumePath, opts, c.optsWithGlobals());
    const shown = String(opts.out);
    // Refused before the run (a file, a foreign folder, another run's output without --force);
    // written into a temporary folder renamed onto -o only when complete, so a killed fill leaves
    // the old folder, never a mix of two runs or a half-written one.
    const staged = await stageFolder(shown, await fillIdentity(String(opts.model), volumePath, opts), { force: Boolean(opts.force), field: '--out' });
    try {
      await model.run(volumePath, opts, c.optsWithGlobals(), { dir: staged.path, shown });
      await writeInputLabels(volumePath, opts, staged.path);
      await staged.commit();
    } catch (e) {
      await staged.discard();
      throw e;
    }
  });
}

/** A fill output's kind and run: the model, the input file (path, size, time) and every option. */
async function fillIdentity(model: string, volumePath: string, opts: Record<string, unknown>): Promise<OutputIdentity> {
  const st = await stat(volumePath).catch(() => null);
  const { out: _o, force: _f, json: _j, ...params } = opts;
  return { kind: `fill-${model}`, run: runHash({ volume: resolve(volumePath), size: st?.size ?? null, mtimeMs: st?.mtimeMs ?? null, params }) };
}

/**
 * Copies the input structure into the output folder as `labels.raw` + `labels.json`, so the
 * fields there can be shown over active material and binder (the viewer prefers this file). The
 * model has already read the volume with the same options, so a bad path or flag failed there.
 */
async function writeInputLabels(volumePath: string, opts: Record<string, unknown>, out: string): Promise<void> {
  const volume = await readVolumeWithFlags(volumePath, opts);
  await writeVolume(join(out, 'labels.raw'), volume);
}
