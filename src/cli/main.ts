import { Command, CommanderError } from 'commander';
import { MesolabError, AbortedError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { registerAll } from './commands/index.ts';
import { ensureRuntimeDir } from '../gpu/backend.ts';

ensureRuntimeDir();

const program = new Command();
program
  .name('mesolab')
  .description('Simulation–surrogate workbench for lithium-ion electrode manufacturing')
  .version(VERSION)
  .option('--backend <name>', 'compute backend: auto, webgpu, webgl2, webasm, cpu (default: MESOLAB_BACKEND or auto)')
  .option('--debug', 'print stack traces on errors')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerAll(program);

const debug = process.argv.includes('--debug');
try {
  await program.parseAsync(process.argv);
  // Dawn (webgpu) and worker pools keep handles open; a finished command must not hang.
  process.exit(process.exitCode ?? 0);
} catch (e) {
  process.exit(reportError(e));
}

function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // help and version are "errors" to commander; they exit 0.
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof MesolabError) {
    process.stderr.write(`error: ${e.message}\n`);
    if (debug) process.stderr.write(`${e.stack}\n`);
    return 2;
  }
  if (e instanceof AbortedError) {
    process.stderr.write(`stopped: ${e.message}\n`);
    return 130;
  }
  const err = e as Error;
  process.stderr.write(`error: ${err?.message ?? String(e)}\n`);
  process.stderr.write(debug ? `${err?.stack}\n` : '(run with --debug for the stack trace)\n');
  return 1;
}
