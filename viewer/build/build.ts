import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export const VIEWER_DIR = path.resolve(import.meta.dirname, '..');
export const DIST_DIR = path.join(VIEWER_DIR, 'dist');
const STAMP = '.source-hash';
/** Everything that goes into the bundle; a change to any of it means a rebuild. */
const SOURCE_DIRS = ['app', 'shared', 'build'];
/**
 * Project sources outside viewer/ that the bundle includes (the live LBM worker's solver and what
 * it imports; the cell stage's column naming the rate-capability plot reads), relative to the
 * repository root; an edit to any of them must rebuild the viewer too.
 */
const PROJECT_SOURCES = ['sims/filling/lbm', 'src/errors.ts', 'src/volume/volume.ts', 'src/gpu/kernel-info.ts', 'src/config/validate.ts', 'src/study/cell-columns.ts'];

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (!e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

/** Hash of the app sources and of the versions of the packages bundled into it. */
export async function sourceHash(): Promise<string> {
  const h = createHash('sha256');
  for (const d of SOURCE_DIRS) {
    for (const f of await listFiles(path.join(VIEWER_DIR, d))) {
      h.update(path.relative(VIEWER_DIR, f));
      h.update(await readFile(f));
    }
  }
  const repo = path.join(VIEWER_DIR, '..');
  for (const p of PROJECT_SOURCES) {
    const full = path.join(repo, p);
    const files = p.endsWith('.ts') ? [full] : await listFiles(full);
    for (const f of files) {
      h.update(path.relative(repo, f));
      h.update(await readFile(f));
    }
  }
  for (const pkg of ['three', 'comlink', 'gpu.js', 'vite']) {
    const json = JSON.parse(await readFile(path.join(VIEWER_DIR, '..', 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string };
    h.update(`${pkg}@${json.version}`);
  }
  return h.digest('hex');
}

export async function isBuildCurrent(): Promise<boolean> {
  try {
    return (await readFile(path.join(DIST_DIR, STAMP), 'utf8')).trim() === (await sourceHash());
  } catch {
    return false;
  }
}

/** Builds the app into viewer/dist with Vite's JS API (no global tool). */
export async function buildViewer(): Promise<void> {
  const { build } = await import('vite');
  const hash = await sourceHash();
  await build({
    configFile: false,
    root: path.join(VIEWER_DIR, 'app'),
    base: './',
    logLevel: 'warn',
    build: { outDir: DIST_DIR, emptyOutDir: true, chunkSizeWarningLimit: 1500, reportCompressedSize: false, minify: false },
    worker: { format: 'es' },
  });
  await mkdir(DIST_DIR, { recursive: true });
  await writeFile(path.join(DIST_DIR, STAMP), `${hash}\n`);
}

/** Builds on first use or when the sources changed since the last build; says so through `log`. */
export async function ensureViewerBuilt(log: (line: string) => void = () => {}): Promise<string> {
  if (!(await isBuildCurrent())) {
    log('building the viewer into viewer/dist (first use or sources changed)...');
    const t0 = performance.now();
    await buildViewer();
    log(`viewer built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return DIST_DIR;
}
