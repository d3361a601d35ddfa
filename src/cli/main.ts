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
  const system = systemErrorLine(e);
  if (system) {
    process.stderr.write(`error: ${system}\n`);
    if (debug) process.stderr.write(`${(e as Error).stack}\n`);
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

/** Operating-system errors a user causes (a path that exists or does not, a port in use, no space). */
const USER_SYSTEM_ERRORS: Record<string, string> = {
  EEXIST: 'a path that does not exist yet',
  ENOENT: 'an existing path',
  ENOTDIR: 'a folder',
  EISDIR: 'a file, not a folder',
  EACCES: 'a path this user may read and write',
  EPERM: 'a path this user may read and write',
  EROFS: 'a path on a writable file system',
  ENOSPC: 'enough free disk space',
  ENAMETOOLONG: 'a shorter path',
  EADDRINUSE: 'a free port (another program listens on this one)',
};

/**
 * One line for an error the user can fix that no command turned into a MesolabError: a Node
 * system error (EEXIST, ENOENT, EADDRINUSE…) or a DuckDB I/O or permission error. Null for bugs.
 */
function systemErrorLine(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  const { code, path, syscall, port } = e as NodeJS.ErrnoException & { port?: number };
  if (code && USER_SYSTEM_ERRORS[code]) {
    const what = path ?? (port !== undefined ? `port ${port}` : syscall ?? 'the request');
    return `${what}: expected ${USER_SYSTEM_ERRORS[code]} (${code}${syscall ? ` in ${syscall}` : ''})`;
  }
  const first = e.message.split('\n')[0]!;
  if (/^(IO|Permission) Error: /.test(first)) return first.replace(/ See also https:\S+/, '');
  return null;
}
