#!/usr/bin/env node
// Builds the library's type declarations into dist/types (package.json "types"; run by
// `npm pack`/`npm publish` through the prepack script). tsc emits a .d.ts for every module
// api/index.ts reaches; their relative imports keep the sources' ".ts" extensions, which a
// consumer's tsc refuses in a dependency, so they are rewritten to ".js" (resolved to the .d.ts
// beside them). Hand-written .d.mts files that describe plain .mjs modules are copied alongside.
// Written into a temporary folder and renamed, so a failed build never leaves half a dist/types.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'types');
const tmp = join(root, 'dist', `types.${process.pid}.tmp`);

function walk(dir, visit) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, visit);
    else visit(p);
  }
}

rmSync(tmp, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.types.json'), '--outDir', tmp], { stdio: 'inherit', cwd: root });
let files = 0;
walk(tmp, (p) => {
  if (!p.endsWith('.d.ts')) return;
  const text = readFileSync(p, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
  writeFileSync(p, text);
  files++;
  // A declaration that imports a plain .mjs module needs its hand-written .d.mts beside it.
  for (const m of text.matchAll(/['"](\.{1,2}\/[^'"]+)\.mjs['"]/g)) {
    const rel = relative(tmp, dirname(p));
    const src = join(root, rel, `${m[1]}.d.mts`);
    if (!existsSync(src)) throw new Error(`${relative(tmp, p)} imports ${m[1]}.mjs, which has no ${m[1]}.d.mts beside it`);
    const dest = join(tmp, rel, `${m[1]}.d.mts`);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(src, dest);
  }
});
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
process.stderr.write(`dist/types: ${files} declaration files\n`);
