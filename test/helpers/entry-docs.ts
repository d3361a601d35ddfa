import { parseAst } from 'vite';

// Checks that the public entry points carry scikit-learn/PoreSpy-style doc comments: what it
// computes, @param for every parameter (with units in the text), @returns, @example. Parsed with
// the TypeScript-aware parser vite ships (oxc), following `export … from` re-exports to the
// declaration, so the doc that counts is the one a reader of the declaration sees.

/** One exported function or public method and what its doc comment lacks. */
export interface DocGap {
  /** Repository path of the declaration. */
  file: string;
  line: number;
  /** `fn` or `Class.method`. */
  name: string;
  missing: string[];
}

/** Reads a repository file (POSIX path relative to the root), undefined when absent. */
export type ReadSource = (path: string) => string | undefined;

type Node = { type: string; start: number; end: number; [k: string]: unknown };

const asNode = (v: unknown): Node | undefined => (v && typeof v === 'object' && typeof (v as Node).type === 'string' ? (v as Node) : undefined);
const nodes = (v: unknown): Node[] => (Array.isArray(v) ? v.map(asNode).filter((n): n is Node => n !== undefined) : []);

function parse(path: string, source: string): Node[] {
  return nodes((parseAst(source, { lang: path.endsWith('.tsx') ? 'tsx' : 'ts' }) as unknown as { body: unknown }).body);
}

/** The /** … *\/ block that ends right before `start` (only whitespace between), or undefined. */
export function docBefore(source: string, start: number): string | undefined {
  const head = source.slice(0, start).trimEnd();
  if (!head.endsWith('*/')) return undefined;
  const open = head.lastIndexOf('/**');
  if (open < 0) return undefined;
  return head.slice(open);
}

function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** Parameter names in order; a destructured parameter is named `#<index>` (any @param covers it by position). */
function paramNames(params: Node[]): string[] {
  return params.map((p, i) => {
    let n: Node | undefined = p;
    if (n.type === 'TSParameterProperty') n = asNode(n.parameter);
    if (n?.type === 'AssignmentPattern') n = asNode(n.left);
    if (n?.type === 'RestElement') n = asNode(n.argument);
    return n?.type === 'Identifier' ? String(n.name) : `#${i}`;
  });
}

/** Whether a return type annotation says nothing is returned (void or Promise<void>). */
function returnsNothing(fn: Node, source: string): boolean {
  const ann = asNode(asNode(fn.returnType)?.typeAnnotation);
  if (!ann) return false;
  const text = source.slice(ann.start, ann.end).replace(/\s+/g, '');
  return text === 'void' || text === 'Promise<void>';
}

/** What a doc comment lacks for a function with these parameters. */
export function docGaps(doc: string | undefined, params: readonly string[], needsReturns: boolean): string[] {
  if (doc === undefined) return ['a doc comment'];
  const text = doc.replace(/^\/\*\*|\*\/$/g, '').replace(/^\s*\*/gm, '');
  const missing: string[] = [];
  const description = text.split(/^\s*@/m)[0]!.trim();
  if (description === '') missing.push('a description');
  const documented = [...text.matchAll(/@param\s+(?:\{[^}]*\}\s*)?\[?([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!);
  params.forEach((p, i) => {
    const ok = p.startsWith('#') ? documented.length > i : documented.includes(p);
    if (!ok) missing.push(`@param ${p.startsWith('#') ? `(parameter ${i + 1})` : p}`);
  });
  if (needsReturns && !/@returns?\b/.test(text)) missing.push('@returns');
  if (!/@example\b/.test(text)) missing.push('@example');
  return missing;
}

interface Found {
  file: string;
  source: string;
  node: Node;
  /** The statement the doc comment sits before (an `export` wraps the declaration). */
  docAt: number;
}

function resolveSpecifier(from: string, spec: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

/** The declaration of `name` as seen from module `file`, following re-exports. */
function findDeclaration(file: string, name: string, read: ReadSource, seen = new Set<string>()): Found | undefined {
  const key = `${file}#${name}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  const source = read(file);
  if (source === undefined) return undefined;
  for (const st of parse(file, source)) {
    const decl = st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration' ? asNode(st.declaration) : st;
    if (decl) {
      const found = declarationNamed(decl, name);
      if (found) return { file, source, node: found, docAt: decl === st ? st.start : st.start };
    }
    if (st.type === 'ExportNamedDeclaration' || st.type === 'ImportDeclaration') {
      const from = asNode(st.source);
      for (const sp of nodes(st.specifiers)) {
        const local = String(asNode(sp.local)?.name ?? '');
        const exported = String(asNode(sp.exported)?.name ?? local);
        const imported = String(asNode(sp.imported)?.name ?? local);
        const visible = st.type === 'ImportDeclaration' ? local : exported;
        if (visible !== name || !from) continue;
        const target = st.type === 'ImportDeclaration' ? imported : local;
        return findDeclaration(resolveSpecifier(file, String(from.value)), target, read, seen);
      }
    }
    if (st.type === 'ExportAllDeclaration' && !st.exported) {
      const from = asNode(st.source);
      const hit = from ? findDeclaration(resolveSpecifier(file, String(from.value)), name, read, seen) : undefined;
      if (hit) return hit;
    }
  }
  return undefined;
}

function declarationNamed(decl: Node, name: string): Node | undefined {
  if ((decl.type === 'FunctionDeclaration' || decl.type === 'TSDeclareFunction' || decl.type === 'ClassDeclaration') && asNode(decl.id)?.name === name) return decl;
  if (decl.type === 'VariableDeclaration') for (const d of nodes(decl.declarations)) if (asNode(d.id)?.name === name) return d;
  return undefined;
}

/** Names a module exports as values (type-only exports left out), with `export *` expanded. */
function exportedValueNames(file: string, read: ReadSource, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = read(file);
  if (source === undefined) return [];
  const out: string[] = [];
  for (const st of parse(file, source)) {
    if (st.type === 'ExportNamedDeclaration') {
      if (st.exportKind === 'type') continue;
      const decl = asNode(st.declaration);
      if (decl?.type === 'FunctionDeclaration' || decl?.type === 'TSDeclareFunction' || decl?.type === 'ClassDeclaration') out.push(String(asNode(decl.id)?.name));
      if (decl?.type === 'VariableDeclaration') for (const d of nodes(decl.declarations)) out.push(String(asNode(d.id)?.name));
      for (const sp of nodes(st.specifiers)) if (sp.exportKind !== 'type') out.push(String(asNode(sp.exported)?.name));
    }
    if (st.type === 'ExportAllDeclaration' && !st.exported && st.exportKind !== 'type') {
      const from = asNode(st.source);
      if (from) out.push(...exportedValueNames(resolveSpecifier(file, String(from.value)), read, seen));
    }
  }
  return [...new Set(out)];
}

function gapsOfFunction(found: Found, name: string, fn: Node, docAt: number, out: DocGap[]): void {
  const missing = docGaps(docBefore(found.source, docAt), paramNames(nodes(fn.params)), !returnsNothing(fn, found.source));
  if (missing.length > 0) out.push({ file: found.file, line: lineOf(found.source, docAt), name, missing });
}

/**
 * The doc-comment gaps of every function and public method an entry module exports (exported
 * classes: each public method, and the constructor's parameters against its own or the class's
 * doc). Constants, schemas and types are not functions and are not checked.
 *
 * @param entry repository path of the entry module, e.g. 'api/index.ts'.
 * @param read reads a repository file.
 * @returns one DocGap per under-documented function (empty when all are documented).
 * @example
 * entryDocGaps('api/index.ts', (p) => readFileSync(p, 'utf8')); // []
 */
export function entryDocGaps(entry: string, read: ReadSource): DocGap[] {
  const out: DocGap[] = [];
  for (const name of exportedValueNames(entry, read)) {
    const found = findDeclaration(entry, name, read);
    if (!found) continue;
    const n = found.node;
    if (n.type === 'FunctionDeclaration' || n.type === 'TSDeclareFunction') {
      // Overloads: the doc sits before the first signature; the implementation names the parameters.
      gapsOfFunction(found, name, n, firstOverloadStart(found, name) ?? found.docAt, out);
    } else if (n.type === 'VariableDeclarator') {
      const init = asNode(n.init);
      if (init && (init.type === 'ArrowFunctionExpression' || init.type === 'FunctionExpression')) gapsOfFunction(found, name, init, statementStart(found, n.start), out);
    } else if (n.type === 'ClassDeclaration') {
      classGaps(found, name, n, out);
    }
  }
  return out;
}

function statementStart(found: Found, at: number): number {
  for (const st of parse(found.file, found.source)) if (st.start <= at && at < st.end) return st.start;
  return at;
}

function firstOverloadStart(found: Found, name: string): number | undefined {
  for (const st of parse(found.file, found.source)) {
    const decl = st.type === 'ExportNamedDeclaration' ? asNode(st.declaration) : st;
    if (decl && (decl.type === 'FunctionDeclaration' || decl.type === 'TSDeclareFunction') && asNode(decl.id)?.name === name) return st.start;
  }
  return undefined;
}

function classGaps(found: Found, className: string, cls: Node, out: DocGap[]): void {
  const classDoc = docBefore(found.source, statementStart(found, cls.start));
  const members = nodes(asNode(cls.body)?.body);
  const seen = new Set<string>();
  for (const m of members) {
    if (m.type !== 'MethodDefinition' && m.type !== 'TSAbstractMethodDefinition') continue;
    const key = asNode(m.key);
    const name = key?.type === 'Identifier' ? String(key.name) : undefined;
    if (!name || m.accessibility === 'private' || m.accessibility === 'protected' || name.startsWith('_') || key?.type === 'PrivateIdentifier') continue;
    if (m.kind === 'get' || m.kind === 'set') continue;
    // Overloads: judge the first signature's doc against the implementation's parameters.
    const impl = [...members].reverse().find((x) => x.type === 'MethodDefinition' && asNode(x.key)?.name === name && asNode(x.value)?.body) ?? m;
    if (seen.has(name)) continue;
    seen.add(name);
    const fn = asNode(impl.value)!;
    const params = paramNames(nodes(fn.params));
    if (m.kind === 'constructor') {
      if (params.length === 0) continue;
      const own = docBefore(found.source, m.start);
      const missing = docGaps(`${own ?? ''}\n${classDoc ?? ''}`.trim() || undefined, params, false).filter((g) => g !== 'a description' || (!own && !classDoc));
      if (missing.length > 0) out.push({ file: found.file, line: lineOf(found.source, m.start), name: `${className} constructor`, missing });
      continue;
    }
    const missing = docGaps(docBefore(found.source, m.start), params, !returnsNothing(fn, found.source));
    if (missing.length > 0) out.push({ file: found.file, line: lineOf(found.source, m.start), name: `${className}.${name}`, missing });
  }
}

/** One line per gap: `file:line name: missing a, b`. */
export function formatDocGaps(gaps: readonly DocGap[]): string {
  return gaps.map((g) => `${g.file}:${g.line} ${g.name}: missing ${g.missing.join(', ')}`).join('\n');
}
