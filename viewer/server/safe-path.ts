import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** Why a request path was refused; the server answers 403 (or 404 for a missing file) with it. */
export class PathRefusedError extends Error {
  override readonly name = 'PathRefusedError';
  readonly status: number;
  constructor(reason: string, status = 403) {
    super(reason);
    this.status = status;
  }
}

/**
 * Maps the still-encoded path part of a URL (after the route prefix) to a real file inside `root`.
 * Works on the raw request target because Node's http server does not normalise it: every
 * encoding trick is refused before decoding rather than cleaned up, so nothing a client sends can
 * name a different file than it appears to. Symlinks are followed with realpath and the result must
 * still lie under the real root.
 */
export async function resolveInside(root: string, rawRelative: string): Promise<string> {
  const rel = checkRelative(rawRelative);
  const realRoot = await realpath(root);
  const candidate = path.resolve(realRoot, ...rel.split('/'));
  assertContained(realRoot, candidate, 'the path');
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new PathRefusedError(`no such file: ${rel}`, 404);
  }
  assertContained(realRoot, real, 'a symlink target');
  return real;
}

/** Decodes and validates a relative path; throws PathRefusedError on anything that is not plain. */
export function checkRelative(rawRelative: string): string {
  if (rawRelative.includes('\\')) throw new PathRefusedError('backslashes are not allowed in paths');
  if (/%(2f|5c|00)/i.test(rawRelative)) throw new PathRefusedError('encoded slashes, backslashes or NUL are not allowed');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawRelative);
  } catch {
    throw new PathRefusedError('malformed percent-encoding');
  }
  // A second layer of encoding (%252e -> %2e) would turn into traversal in anything that decodes again.
  if (/%[0-9a-f]{2}/i.test(decoded)) throw new PathRefusedError('double-encoded paths are not allowed');
  if (decoded.includes('\0') || decoded.includes('\\')) throw new PathRefusedError('NUL or backslash in path');
  if (decoded.startsWith('/') || /^[a-z]:/i.test(decoded)) throw new PathRefusedError('absolute paths are not allowed');
  if (decoded === '') throw new PathRefusedError('empty path');
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.' || s === '')) throw new PathRefusedError('"..", "." and empty path segments are not allowed');
  // Hidden files and folders (.ssh, .git, .env, mesolab's own temporaries and markers) are never served.
  if (segments.some((s) => s.startsWith('.'))) throw new PathRefusedError('hidden files and folders are not served');
  return decoded;
}

function assertContained(realRoot: string, p: string, what: string): void {
  const r = path.relative(realRoot, p);
  if (r === '' || (!r.startsWith('..') && !path.isAbsolute(r))) return;
  throw new PathRefusedError(`${what} leads outside the served directory`);
}

/**
 * An error message fit for a response body: the served folders become relative names and any
 * other absolute path its last component, so a page never learns where files live on the disk.
 */
export function withoutAbsolutePaths(message: string, roots: readonly string[]): string {
  let out = message;
  for (const r of [...roots].filter((r) => r.length > 1).sort((a, b) => b.length - a.length)) {
    out = out.split(`${r}${path.sep}`).join('').split(r).join('.');
  }
  return out.replace(/(^|[\s"'(=:])((?:[A-Za-z]:)?[\\/][^\s"')]*[\\/])([^\s"'/\\)]*)/g, (_m, pre: string, _dir: string, name: string) => `${pre}${name || '.'}`);
}
