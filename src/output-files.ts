import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from './errors.ts';

/**
 * Outputs are written whole: to a temporary name beside the target, renamed onto it only once
 * complete, so a killed command leaves either the old output or the new one, never half of one
 * under the final name. An existing output is replaced only when it is the same kind of output of
 * the same run (rerunning the same command), or with `--force`; a folder mesolab did not write
 * is never replaced.
 */

/** The file a mesolab output folder carries to say what wrote it. */
export const OUTPUT_MARKER = '.mesolab-output.json';

/** What wrote an output folder: its kind (`fill-lbm`, `model`…) and a hash of the run's inputs. */
export interface OutputIdentity {
  kind: string;
  run: string;
}

export interface ReplaceOptions {
  /** Replace an existing output of another kind or run. */
  force?: boolean;
  /** The option that named the target, for messages (`--output`, `-o`). */
  field?: string;
  /** Files by which a folder written before outputs carried a marker is known as this kind (another run). */
  recognise?: readonly string[];
}

/** A short stable hash of whatever identifies a run (command, inputs, parameters). */
export function runHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

let counter = 0;

/** A hidden temporary name beside `target` in the same folder (so rename is atomic), keeping its extension. */
export function temporarySibling(target: string, keepExtension = true): string {
  const dir = path.dirname(target);
  const ext = keepExtension ? path.extname(target) : '';
  const stem = path.basename(target, ext);
  return path.join(dir, `.${stem}.tmp-${process.pid}-${randomBytes(3).toString('hex')}${counter++}${ext}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporaries of `target` left by killed processes (their pid no longer runs). */
export function removeStaleTemporaries(target: string): void {
  const dir = path.dirname(target);
  const ext = path.extname(target);
  const prefixes = [`.${path.basename(target)}.tmp-`, `.${path.basename(target, ext)}.tmp-`];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const prefix = prefixes.find((p) => n.startsWith(p));
    if (!prefix) continue;
    const pid = Number(/^(\d+)-/.exec(n.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) rmSync(path.join(dir, n), { recursive: true, force: true });
  }
}

/**
 * Refuses, before any work starts, a file target that exists (unless `force`) or is a folder.
 * `sameKind` may accept an existing file as a replaceable output of the same kind.
 */
export async function assertFileReplaceable(target: string, opts: ReplaceOptions & { sameKind?: (file: string) => Promise<boolean> } = {}): Promise<void> {
  const field = opts.field ?? '--output';
  const st = await stat(target).catch(() => null);
  if (!st) {
    const parent = await stat(path.dirname(path.resolve(target))).catch(() => null);
    if (!parent?.isDirectory()) throw new ConfigError(field, target, 'a file in an existing folder', `${path.dirname(target)} is not a folder`);
    return;
  }
  if (!st.isFile()) throw new ConfigError(field, target, 'a file name', 'a folder of that name exists');
  if (opts.force) return;
  if (opts.sameKind && (await opts.sameKind(target))) return;
  throw new ConfigError(field, target, 'a new file', 'a file of that name exists; pass --force to replace it');
}

/**
 * Writes a file whole: `write` gets a temporary path beside `target` (same extension) and fills
 * it; the temporary is then renamed onto `target` (and each of `companions(tmp)` onto
 * `companions(target)`, e.g. the `.json` header of a `.raw` volume). On failure the temporaries
 * are removed and `target` is left as it was.
 *
 * @example await writeWhole('nmc.tif', (tmp) => writeTiff(tmp, grid));
 */
export async function writeWhole(target: string, write: (tmp: string) => Promise<void>, companions: (file: string) => string[] = () => []): Promise<void> {
  removeStaleTemporaries(target);
  const tmp = temporarySibling(target);
  const pairs: [string, string][] = [[tmp, target], ...companions(tmp).map((c, i): [string, string] => [c, companions(target)[i]!])];
  try {
    await write(tmp);
    for (const [from, to] of pairs) await rename(from, to);
  } catch (e) {
    for (const [from] of pairs) await rm(from, { force: true });
    throw e;
  }
}

/** `writeWhole` for bytes or text already in memory. */
export function writeFileWhole(target: string, data: string | Uint8Array): Promise<void> {
  return writeWhole(target, (tmp) => writeFile(tmp, data));
}

async function readIdentity(dir: string): Promise<OutputIdentity | null> {
  try {
    const o = JSON.parse(await readFile(path.join(dir, OUTPUT_MARKER), 'utf8')) as Partial<OutputIdentity>;
    return typeof o.kind === 'string' && typeof o.run === 'string' ? { kind: o.kind, run: o.run } : null;
  } catch {
    return null;
  }
}

/**
 * Checks that `dir` may receive an output of `identity`: it does not exist, is empty, or holds
 * a mesolab output of the same kind and run (or of any kind or run with `force`). A file of that
 * name, or a folder of files mesolab did not write, is refused even with `force`.
 */
export async function assertFolderReplaceable(dir: string, identity: OutputIdentity, opts: ReplaceOptions = {}): Promise<void> {
  const field = opts.field ?? '--output';
  const st = await stat(dir).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) throw new ConfigError(field, dir, 'a folder name', 'a file of that name exists');
  const entries = await readdir(dir);
  if (entries.length === 0) return;
  const existing = (await readIdentity(dir)) ?? (opts.recognise?.some((f) => entries.includes(f)) ? { kind: identity.kind, run: '' } : null);
  if (!existing) throw new ConfigError(field, dir, 'a new or empty folder, or an output folder mesolab wrote', 'it holds other files; choose another folder');
  if (existing.kind === identity.kind && existing.run === identity.run) return;
  if (opts.force) return;
  const what = existing.kind === identity.kind ? `a ${existing.kind} output of another run` : `a ${existing.kind} output, not ${identity.kind}`;
  throw new ConfigError(field, dir, `a new folder or a ${identity.kind} output of this same run`, `it holds ${what}; pass --force to replace it`);
}

/** A folder being written under a temporary name; `commit` puts it in place whole. */
export interface StagedFolder {
  /** Where to write now. */
  readonly path: string;
  /** Writes the identity marker, then swaps the folder onto its final name (replacing the old one). */
  commit(): Promise<void>;
  /** Removes the temporary folder (after a failure). */
  discard(): Promise<void>;
}

/**
 * Starts writing an output folder: checks the target (assertFolderReplaceable), then creates a
 * hidden temporary folder beside it. Until `commit`, the final name keeps its old content (or
 * does not exist), so a process killed mid-write leaves nothing a later command would take for
 * an output; temporaries of dead processes are removed on the next write.
 *
 * @example
 * const out = await stageFolder('fill-qs', { kind: 'fill-quasi-static', run: runHash(params) }, { force });
 * try { await writeOutputs(out.path); await out.commit(); } catch (e) { await out.discard(); throw e; }
 */
export async function stageFolder(dir: string, identity: OutputIdentity, opts: ReplaceOptions = {}): Promise<StagedFolder> {
  const final = path.resolve(dir);
  await assertFolderReplaceable(final, identity, opts);
  await mkdir(path.dirname(final), { recursive: true });
  removeStaleTemporaries(final);
  const tmp = temporarySibling(final, false);
  await mkdir(tmp);
  return {
    path: tmp,
    async commit() {
      await writeFile(path.join(tmp, OUTPUT_MARKER), `${JSON.stringify({ ...identity, written: new Date().toISOString() }, null, 2)}\n`);
      // Checked again: another process may have written there meanwhile.
      await assertFolderReplaceable(final, identity, opts);
      let old: string | null = null;
      if (existsSync(final)) {
        old = temporarySibling(final, false).replace('.tmp-', '.old-');
        await rename(final, old);
      }
      await rename(tmp, final);
      if (old) await rm(old, { recursive: true, force: true });
    },
    async discard() {
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `write` into a staged folder and commits it; on any error (or abort) the temporary is
 * removed and the old folder left as it was.
 */
export async function writeFolderWhole<T>(dir: string, identity: OutputIdentity, opts: ReplaceOptions, write: (tmp: string) => Promise<T>): Promise<T> {
  const staged = await stageFolder(dir, identity, opts);
  try {
    const r = await write(staged.path);
    await staged.commit();
    return r;
  } catch (e) {
    await staged.discard();
    throw e;
  }
}
