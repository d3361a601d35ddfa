import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleState, WORKER_BUNDLE } from '../scripts/build-worker.mjs';

/** How a pool worker loads its code: the prebuilt bundle, or the TypeScript sources through tsx. */
export type WorkerLoad = 'bundle' | 'tsx';

const TSX_ENTRY = new URL('./worker-entry.mjs', import.meta.url);
const BUILD_SCRIPT = new URL('../scripts/build-worker.mjs', import.meta.url);
let resolved: { url: URL; load: WorkerLoad } | undefined;

/**
 * The module pool workers start from. The bundle (scripts/build-worker.mjs: one ES module, about
 * 0.2 s to start against 0.4–0.7 s through tsx) when it is fresh; when a source changed since it
 * was built, it is rebuilt first (a child process, about 0.3 s, once per process). Where it cannot
 * be built (a read-only install, esbuild missing) workers load the TypeScript through tsx: slower
 * to start, same results; a one-line notice on stderr says why.
 *
 * @param load  'tsx' forces the TypeScript worker (tests compare the two)
 * @returns the entry's URL and which it is
 * @example new Worker(workerEntry().url)
 */
export function workerEntry(load?: WorkerLoad): { url: URL; load: WorkerLoad } {
  if (load === 'tsx') return { url: TSX_ENTRY, load };
  if (resolved) return resolved;
  let state = bundleState();
  if (!state.fresh) {
    const why = state.why;
    try {
      execFileSync(process.execPath, [fileURLToPath(BUILD_SCRIPT)], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
      state = bundleState();
    } catch (e) {
      const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
      state = { fresh: false, why: `${why}; rebuilding failed: ${stderr || (e instanceof Error ? e.message : String(e))}` };
    }
  }
  if (state.fresh) resolved = { url: pathToFileURL(WORKER_BUNDLE), load: 'bundle' };
  else {
    process.stderr.write(`mesolab: pool workers load TypeScript through tsx (slower start): worker bundle ${state.why}\n`);
    resolved = { url: TSX_ENTRY, load: 'tsx' };
  }
  return resolved;
}
