// Browser-safe, no dependencies: the layering rules of the README ("Layers: who may import whom")
// as data, and a small scanner that finds every module a TypeScript file names. Checked over the
// whole repository by src/layering.test.ts.

/** The layers of the repository, by top-level folder (see `layerOf`). */
export type Layer = 'core' | 'cli' | 'sims' | 'workers' | 'surrogates' | 'api' | 'viewer-app' | 'viewer-shared' | 'viewer-server' | 'build' | 'tools';

/**
 * Which layers each layer may import (its own included). `tools` (tests under test/, bench/,
 * viewer/testing/) may import everything and is imported by nothing but tests.
 */
export const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  /** src/ without src/cli: volume I/O, RNG, config, designs, store, study schema, compute contract. */
  core: ['core'],
  /** src/cli: the composition root, the one place that joins simulations, sweeps and learning. */
  cli: ['cli', 'core', 'sims', 'workers', 'surrogates', 'viewer-server', 'viewer-shared', 'build'],
  /** sims/: physics; the wasm kernel's build script is the one tool it may call. */
  sims: ['sims', 'core', 'build'],
  /** workers/: the sweep pool and the stage adapters around the simulations; the pool worker's bundler is the one tool it may call. */
  workers: ['workers', 'sims', 'core', 'build'],
  /** surrogates/: pure ML; it is handed a `simulate` callback where it must run simulations. */
  surrogates: ['surrogates', 'core'],
  /** api/: the typed library surface over simulations and the Gaussian process. */
  api: ['api', 'sims', 'surrogates', 'core'],
  /** viewer/app: the browser app; browser-safe modules only (see NODE_ONLY). */
  'viewer-app': ['viewer-app', 'viewer-shared', 'sims', 'core'],
  /** viewer/shared: the protocol between the viewer's server and app. */
  'viewer-shared': ['viewer-shared', 'core'],
  /** viewer/server and viewer/build: the Node side of the viewer. */
  'viewer-server': ['viewer-server', 'viewer-shared', 'core', 'build'],
  /** scripts/: build tooling (the wasm kernel, the type declarations). */
  build: ['build'],
  tools: ['core', 'cli', 'sims', 'workers', 'surrogates', 'api', 'viewer-app', 'viewer-shared', 'viewer-server', 'build', 'tools'],
};

/**
 * Modules that need Node (file system, Dawn, worker threads): the browser app may not import them,
 * nor any `node:` builtin. The compute contract (`Compute`, backend names) lives apart from them in
 * the browser-safe src/gpu/compute.ts.
 */
export const NODE_ONLY: readonly string[] = ['src/gpu/backend.ts', 'src/gpu/vulkan.ts', 'src/gpu/webgpu-device.ts'];

/**
 * The layer of a repository path (POSIX separators, relative to the root), or undefined for files
 * outside every layer (package.json, bin/, configuration at the root).
 *
 * @example layerOf('src/cli/commands/sweep.ts') // 'cli'
 */
export function layerOf(path: string): Layer | undefined {
  const [top, second] = path.split('/');
  switch (top) {
    case 'src':
      return second === 'cli' ? 'cli' : 'core';
    case 'sims':
    case 'workers':
    case 'surrogates':
    case 'api':
      return top;
    case 'viewer':
      if (second === 'app') return 'viewer-app';
      if (second === 'shared') return 'viewer-shared';
      if (second === 'server' || second === 'build') return 'viewer-server';
      if (second === 'testing') return 'tools';
      return undefined;
    case 'scripts':
      return 'build';
    case 'test':
    case 'bench':
      return 'tools';
    default:
      return undefined;
  }
}

/** One module a file names: the specifier as written and how it is named. */
export interface ImportRef {
  specifier: string;
  kind: 'static' | 'dynamic' | 'url' | 'require';
  /** 1-based line of the specifier. */
  line: number;
}

type Token = { t: 'id' | 'str' | 'punct'; v: string; line: number };

/**
 * Every module a TypeScript or JavaScript source names: `import … from`, `export … from`,
 * `import 'x'`, `import type …`, dynamic `import('x')`, `require('x')` and
 * `new URL('x', import.meta.url)` (how a module is loaded at run time through a file URL).
 * Comments, string contents and template literals are skipped, so a specifier inside them is not
 * taken for an import. Only literal specifiers are found (a computed one cannot be checked).
 *
 * @param source file text
 * @returns the imports in source order
 * @example
 *   importsOf("const m = await import('../workers/pool.ts');") // [{ specifier: '../workers/pool.ts', kind: 'dynamic', line: 1 }]
 */
export function importsOf(source: string): ImportRef[] {
  const tokens = tokenize(source);
  const out: ImportRef[] = [];
  const at = (k: number): Token | undefined => tokens[k];
  const is = (k: number, t: Token['t'], v?: string): boolean => {
    const tok = at(k);
    return tok !== undefined && tok.t === t && (v === undefined || tok.v === v);
  };
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (tok.t !== 'id' || is(k - 1, 'punct', '.')) continue;
    if (tok.v === 'from' && is(k + 1, 'str')) out.push({ specifier: at(k + 1)!.v, kind: 'static', line: at(k + 1)!.line });
    else if (tok.v === 'import' && is(k + 1, 'str')) out.push({ specifier: at(k + 1)!.v, kind: 'static', line: at(k + 1)!.line });
    else if (tok.v === 'import' && is(k + 1, 'punct', '(') && is(k + 2, 'str')) out.push({ specifier: at(k + 2)!.v, kind: 'dynamic', line: at(k + 2)!.line });
    else if (tok.v === 'require' && is(k + 1, 'punct', '(') && is(k + 2, 'str')) out.push({ specifier: at(k + 2)!.v, kind: 'require', line: at(k + 2)!.line });
    else if (tok.v === 'new' && is(k + 1, 'id', 'URL') && is(k + 2, 'punct', '(') && is(k + 3, 'str') && is(k + 4, 'punct', ',') && is(k + 5, 'id', 'import') && is(k + 6, 'punct', '.') && is(k + 7, 'id', 'meta')) {
      out.push({ specifier: at(k + 3)!.v, kind: 'url', line: at(k + 3)!.line });
    }
  }
  return out;
}

/** Identifiers, string literals and punctuation; comments, template literals and regexes dropped. */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  // A '/' starts a regex unless it follows something that ends an operand.
  const regexMayFollow = (): boolean => {
    const last = tokens[tokens.length - 1];
    if (!last) return true;
    if (last.t === 'str') return false;
    if (last.t === 'id') return ['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await'].includes(last.v);
    return ![')', ']', '}'].includes(last.v);
  };
  const skipTemplate = (): void => {
    // From after the opening backtick to after the closing one; ${…} nests by braces and may hold strings.
    while (i < n) {
      const c = src[i]!;
      if (c === '\\') i += 2;
      else if (c === '`') {
        i++;
        return;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        let depth = 1;
        while (i < n && depth > 0) {
          const d = src[i]!;
          if (d === '\n') line++;
          if (d === '{') depth++;
          else if (d === '}') depth--;
          else if (d === '`') {
            i++;
            skipTemplate();
            continue;
          } else if (d === '"' || d === "'") {
            readString(d);
            continue;
          }
          i++;
        }
      } else {
        if (c === '\n') line++;
        i++;
      }
    }
  };
  const readString = (quote: string): string => {
    let s = '';
    i++;
    while (i < n && src[i] !== quote) {
      if (src[i] === '\\') {
        s += src[i + 1] ?? '';
        i += 2;
      } else {
        if (src[i] === '\n') line++;
        s += src[i];
        i++;
      }
    }
    i++;
    return s;
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let j = i; j < stop; j++) if (src[j] === '\n') line++;
      i = stop;
    } else if (c === '"' || c === "'") {
      const startLine = line;
      tokens.push({ t: 'str', v: readString(c), line: startLine });
    } else if (c === '`') {
      i++;
      skipTemplate();
      tokens.push({ t: 'punct', v: '`', line });
    } else if (c === '/' && regexMayFollow()) {
      i++;
      let inClass = false;
      while (i < n && src[i] !== '\n') {
        const d = src[i]!;
        if (d === '\\') i += 2;
        else {
          if (d === '[') inClass = true;
          else if (d === ']') inClass = false;
          else if (d === '/' && !inClass) break;
          i++;
        }
      }
      i++;
      while (i < n && /[a-z]/i.test(src[i]!)) i++;
      tokens.push({ t: 'punct', v: 're', line });
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(src[j]!)) j++;
      tokens.push({ t: 'id', v: src.slice(i, j), line });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(src[j]!)) j++;
      tokens.push({ t: 'id', v: src.slice(i, j), line });
      i = j;
    } else {
      tokens.push({ t: 'punct', v: c, line });
      i++;
    }
  }
  return tokens;
}

/** A crossing of the rules: which file, which import, and why it is refused. */
export interface Violation {
  file: string;
  line: number;
  specifier: string;
  reason: string;
}

/**
 * The rule an import from `file` to `specifier` breaks, if any. Relative specifiers are resolved
 * against the file; package imports are free except `node:` builtins in the browser app.
 *
 * @param file importing file, relative to the repository root (POSIX separators)
 * @param ref the import as `importsOf` found it
 * @returns the violation, or undefined when the import is allowed
 * @example
 *   checkImport('surrogates/active/x.ts', { specifier: '../../workers/run-points.ts', kind: 'static', line: 3 })
 *   // { file: 'surrogates/active/x.ts', line: 3, specifier: '../../workers/run-points.ts', reason: 'surrogates may not import workers (workers/run-points.ts)' }
 */
export function checkImport(file: string, ref: ImportRef): Violation | undefined {
  const from = layerOf(file);
  if (from === undefined) return undefined;
  const isTest = /\.test\.[cm]?[jt]s$/.test(file);
  const browser = from === 'viewer-app' && !isTest;
  const violation = (reason: string): Violation => ({ file, line: ref.line, specifier: ref.specifier, reason });
  if (!ref.specifier.startsWith('.')) {
    if (browser && (ref.specifier.startsWith('node:') || NODE_BUILTINS.has(ref.specifier.split('/')[0]!))) return violation(`the browser app may not import the Node module ${ref.specifier}`);
    return undefined;
  }
  const target = resolveRelative(file, ref.specifier);
  if (target === undefined) return violation(`${ref.specifier} leaves the repository`);
  const to = layerOf(target);
  if (to === undefined) return undefined;
  if (browser && NODE_ONLY.includes(target)) return violation(`the browser app may not import the Node-only ${target} (the compute contract is in src/gpu/compute.ts)`);
  // A test may also use the test helpers (tools) and the composition root (to check how its
  // results are run or shown), beside what its own layer may import.
  if (isTest && (to === 'tools' || to === 'cli')) return undefined;
  if (!MAY_IMPORT[from].includes(to)) return violation(`${from} may not import ${to} (${target})`);
  return undefined;
}

/**
 * Every violation in a set of files.
 *
 * @param files repository-relative path → source text
 * @returns violations in file order, import order
 */
export function layeringViolations(files: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, source] of files) {
    for (const ref of importsOf(source)) {
      const v = checkImport(file, ref);
      if (v) out.push(v);
    }
  }
  return out;
}

/** `file:line: 'specifier': reason`, one violation per line. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line}: '${v.specifier}': ${v.reason}`).join('\n');
}

function resolveRelative(file: string, specifier: string): string | undefined {
  const parts = file.split('/').slice(0, -1);
  for (const seg of specifier.split('/')) {
    if (seg === '.' || seg === '') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'url', 'child_process', 'worker_threads', 'module', 'crypto', 'stream', 'util', 'events', 'http', 'net', 'zlib', 'process', 'buffer', 'readline', 'perf_hooks', 'v8', 'vm', 'assert', 'tty']);
