import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImport, formatViolations, importsOf, layeringViolations, layerOf, MAY_IMPORT, type Layer } from './layering.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCANNED = ['src', 'sims', 'workers', 'surrogates', 'api', 'viewer', 'scripts', 'test', 'bench'];
// Build outputs and installed packages are not the project's own imports.
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', '.vite']);

function sourceFiles(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|cts|mjs)$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) {
        out.set(relative(ROOT, path).split(sep).join('/'), readFileSync(path, 'utf8'));
      }
    }
  };
  for (const top of SCANNED) walk(join(ROOT, top));
  return out;
}

/** Violations of one fixture file. */
const check = (file: string, source: string): string => formatViolations(layeringViolations(new Map([[file, source]])));

describe('layering: the README rules hold for every import in the repository', () => {
  it('no file imports a layer its own may not import (static, type-only, dynamic, require and new URL(…, import.meta.url))', () => {
    const files = sourceFiles();
    let imports = 0;
    for (const source of files.values()) imports += importsOf(source).length;
    // The scan really read the repository (about 370 files, 1,950 imports when this was written).
    expect(files.size).toBeGreaterThan(300);
    expect(imports).toBeGreaterThan(1500);
    expect(formatViolations(layeringViolations(files))).toBe('');
  });

  it("the README's table of layers is the table the test checks", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('### Layers: who may import whom');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start));
    const rows = section
      .split('\n')
      .filter((l) => /^\| `?[a-z][a-z-]*`? \|/.test(l) && !l.startsWith('| layer'))
      .map((l) => l.split('|').map((c) => c.trim().replace(/`/g, '')));
    const table = Object.fromEntries(rows.map((c) => [c[1]!, c[3]!.split(',').map((s) => s.trim()).sort()]));
    const rules = Object.fromEntries(Object.entries(MAY_IMPORT).map(([k, v]) => [k, [...v].sort()]));
    expect(table).toEqual(rules);
  });
});

describe('layering: the checker catches a bad import, however it is written (fixtures)', () => {
  it('surrogates importing workers: static, dynamic and through a file URL, each listed with file, line and import', () => {
    const source = [
      "import { runPoints } from '../../workers/run-points.ts';",
      "const pool = await import('../../workers/pool.ts');",
      "const TRAIN = fileURLToPath(new URL('../../workers/sweep.ts', import.meta.url));",
      "import { activeLearn } from './learn.ts';",
    ].join('\n');
    expect(check('surrogates/active/bad.ts', source)).toBe(
      [
        "surrogates/active/bad.ts:1: '../../workers/run-points.ts': surrogates may not import workers (workers/run-points.ts)",
        "surrogates/active/bad.ts:2: '../../workers/pool.ts': surrogates may not import workers (workers/pool.ts)",
        "surrogates/active/bad.ts:3: '../../workers/sweep.ts': surrogates may not import workers (workers/sweep.ts)",
      ].join('\n'),
    );
  });

  it('the core loading surrogates at run time through a URL (what src/study/train.ts did) is refused', () => {
    const source = "const TRAIN_MODULE = fileURLToPath(new URL('../../surrogates/train.ts', import.meta.url));\nconst mod = await import(pathToFileURL(TRAIN_MODULE).href);";
    expect(check('src/study/train.ts', source)).toBe("src/study/train.ts:1: '../../surrogates/train.ts': core may not import surrogates (surrogates/train.ts)");
    // The same workflow in the composition root is allowed.
    expect(check('src/cli/workflows/train-study.ts', "import { trainSurrogates } from '../../../surrogates/train.ts';")).toBe('');
  });

  it('the browser app may not import the Node-only backend (even for a type) nor node: modules; its tests may', () => {
    const bad = "import type { Compute } from '../../../src/gpu/backend.ts';\nimport { readFile } from 'node:fs/promises';\nimport { Rng } from '../../../src/random/rng.ts';";
    expect(check('viewer/app/live/bad.ts', bad)).toBe(
      [
        "viewer/app/live/bad.ts:1: '../../../src/gpu/backend.ts': the browser app may not import the Node-only src/gpu/backend.ts (the compute contract is in src/gpu/compute.ts)",
        "viewer/app/live/bad.ts:2: 'node:fs/promises': the browser app may not import the Node module node:fs/promises",
      ].join('\n'),
    );
    expect(check('viewer/app/live/bad.test.ts', bad)).toBe('');
    expect(check('viewer/app/live/good.ts', "import type { Compute } from '../../../src/gpu/compute.ts';")).toBe('');
  });

  it('core importing upward, sims importing workers, workers importing surrogates are refused; tests may also use src/cli and test helpers', () => {
    expect(check('src/volume/io.ts', "export { x } from '../cli/output.ts';")).toMatch(/core may not import cli/);
    expect(check('sims/properties/x.ts', "import { pool } from '../../workers/pool.ts';")).toMatch(/sims may not import workers/);
    expect(check('workers/x.ts', "import { GaussianProcess } from '../surrogates/gpr/model.ts';")).toMatch(/workers may not import surrogates/);
    expect(check('sims/properties/x.test.ts', "import { formatProgress } from '../../src/cli/sim-progress.ts';\nimport { h } from '../../test/helpers/vulkan.ts';")).toBe('');
    expect(check('sims/properties/x.test.ts', "import { pool } from '../../workers/pool.ts';")).toMatch(/sims may not import workers/);
  });

  it('imports named inside comments, strings and template literals are not imports', () => {
    const source = [
      "// import { runPoints } from '../../workers/run-points.ts';",
      "/* const m = await import('../../workers/pool.ts'); */",
      "const s = \"from '../../workers/pool.ts'\";",
      "const t = `import('../../workers/pool.ts') ${JSON.stringify({ a: '}' })} from '../../workers/x.ts'`;",
      'const re = /from "..\\/..\\/workers\\/pool.ts"/;',
      "export type { Row } from '../data/table.ts';",
    ].join('\n');
    expect(importsOf(source)).toEqual([{ specifier: '../data/table.ts', kind: 'static', line: 6 }]);
    expect(check('surrogates/active/x.ts', source)).toBe('');
  });

  it('finds every form: side-effect, export-from, type-only, dynamic, require and URL', () => {
    const source = "import './a.ts';\nexport * from './b.ts';\nimport type { C } from './c.ts';\nawait import('./d.ts');\nrequire('./e.cjs');\nnew Worker(new URL('./f.mjs', import.meta.url));";
    expect(importsOf(source).map((r) => `${r.kind} ${r.specifier}`)).toEqual(['static ./a.ts', 'static ./b.ts', 'static ./c.ts', 'dynamic ./d.ts', 'require ./e.cjs', 'url ./f.mjs']);
  });

  it('assigns folders to layers', () => {
    const cases: [string, Layer | undefined][] = [
      ['src/cli/commands/sweep.ts', 'cli'],
      ['src/cli/workflows/learn-study.ts', 'cli'],
      ['src/study/schema.ts', 'core'],
      ['src/gpu/compute.ts', 'core'],
      ['viewer/app/main.ts', 'viewer-app'],
      ['viewer/server/server.ts', 'viewer-server'],
      ['viewer/testing/browser.ts', 'tools'],
      ['scripts/build-wasm.mjs', 'build'],
      ['package.json', undefined],
    ];
    for (const [path, layer] of cases) expect(layerOf(path)).toBe(layer);
    expect(checkImport('src/x.ts', { specifier: '../../outside.ts', kind: 'static', line: 1 })?.reason).toBe('../../outside.ts leaves the repository');
  });
});
