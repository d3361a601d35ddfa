import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { readVolume, writeVolume } from '../../volume/io.ts';
import * as quasiStatic from './fill-quasi-static.ts';
import * as lbm from './fill-lbm.ts';

/**
 * `mesolab fill <volume> --model quasi-static|lbm`: one command, two filling models. Each model's
 * module declares its own options and handler; this file only dispatches.
 */
export interface FillModelCommand {
  /** [flags, description] pairs that this model adds to `mesolab fill`. */
  options: ReadonlyArray<readonly [string, string]>;
  run(volumePath: string, opts: Record<string, unknown>, globals: { backend?: string; debug?: boolean }): Promise<void>;
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
    .option('--json', 'print JSON');
  const seen = new Set(['--model', '--config', '--out', '--json']);
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
    await model.run(volumePath, opts, c.optsWithGlobals());
    if (opts.out !== undefined) await writeInputLabels(volumePath, opts, String(opts.out));
  });
}

/**
 * Copies the input structure into the output folder as `labels.raw` + `labels.json`, so the
 * fields there can be shown over active material and binder (the viewer prefers this file). The
 * model has already read the volume with the same options, so a bad path or flag failed there.
 */
async function writeInputLabels(volumePath: string, opts: Record<string, unknown>, out: string): Promise<void> {
  const volume = await readVolume(volumePath, {
    ...(opts.voxelSize !== undefined ? { voxelSize: Number(opts.voxelSize) * 1e-6 } : {}),
    ...(opts.labels !== undefined ? { labels: String(opts.labels) } : {}),
  });
  await writeVolume(join(out, 'labels.raw'), volume);
}
