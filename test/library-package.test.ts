import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';
import { computeProperties, generateElectrode, GaussianProcess } from '../api/index.ts';

/** Why this suite cannot run here ('' when it can): it needs the npm client. */
function npmMissing(): string {
  const r = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? '' : `skipped: no npm client on PATH (${r.error?.message ?? r.stderr.trim()})`;
}
const missing = npmMissing();

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
let dir: string;
let project: string;

/**
 * A lockfile that installs the packed tarball and links each of its dependencies to the copy in
 * the repository's node_modules, so that `npm ci --offline` installs mesolab exactly as a user's
 * project would, without the network or a warm npm cache.
 */
function consumerLock(tarball: string): string {
  const nodeModules = realpathSync(join(ROOT, 'node_modules'));
  const spec = `file:${relative(project, tarball)}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { mesolab: spec } },
    'node_modules/mesolab': { version: pkg.version, resolved: spec, integrity, dependencies: pkg.dependencies },
  };
  for (const dep of Object.keys(pkg.dependencies)) {
    const target = relative(project, join(nodeModules, dep));
    packages[`node_modules/${dep}`] = { resolved: target, link: true };
    packages[target] = { version: (JSON.parse(readFileSync(join(nodeModules, dep, 'package.json'), 'utf8')) as { version: string }).version };
  }
  return JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 1);
}

const USE_MJS = `import { generateElectrode, computeProperties, GaussianProcess } from 'mesolab';
const { volume } = await generateElectrode({ shape: [20, 20, 20], voxelSizeUm: 0.5, d50Um: 3, porosity: 0.45, seed: 2 }, { backend: 'cpu' });
const r = await computeProperties(volume, { axes: ['z'], phases: ['pore'], sizes: false }, { backend: 'cpu' });
const gp = new GaussianProcess({ restarts: 0, seed: 1 }).fit([[0], [0.5], [1]], [0, 0.25, 1]);
process.stdout.write(JSON.stringify({ shape: volume.shape, voxelSize: volume.voxelSize, pore: r.fractions.pore, tau: r.tortuosity.pore.z.tau, gp: gp.predict([[0.25]], { returnStd: true }) }));
`;

const USE_TS = `import { generateElectrode, computeProperties, fillQuasiStatic, fillLbm, GaussianProcess, type PropertiesResult, type Volume } from 'mesolab';
const { volume }: { volume: Volume } = await generateElectrode({ shape: [20, 20, 20], d50Um: 3 });
const r: PropertiesResult = await computeProperties(volume, { axes: ['z'] });
const tau: number | undefined = r.tortuosity.pore?.z?.tau;
const gp = new GaussianProcess({ kernel: 'rbf' }).fit([[0], [1]], [0, 1]);
const m: number[] = gp.predict([[0.5]]);
const s: { mean: number[]; std: number[] } = gp.predict([[0.5]], { returnStd: true });
const qs = await fillQuasiStatic(volume, { contactAngle: { am: 25 } });
const saturation: number = qs.saturation;
const lbm = await fillLbm(volume, { steps: 10 });
const t90: number | null = lbm.t90;
void tau; void m; void s; void saturation; void t90;
// @ts-expect-error shape is a tuple of three voxel counts, not a string
await generateElectrode({ shape: '20,20,20' });
// @ts-expect-error the kernels are rbf, matern32 and matern52
new GaussianProcess({ kernel: 'linear' });
// @ts-expect-error predict returns numbers, not strings
const wrong: string[] = gp.predict([[0.5]]);
void wrong;
`;

beforeAll(() => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'mesolab-pack-'));
  project = join(dir, 'consumer');
  // npm pack runs prepare (the wasm kernel) and prepack (dist/types), as a publish would.
  execFileSync('npm', ['pack', '--pack-destination', dir], { cwd: ROOT, stdio: 'pipe' });
  const tarball = join(dir, `${pkg.name}-${pkg.version}.tgz`);
  execFileSync('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { mesolab: `file:${relative(project, tarball)}` } }));
  writeFileSync(join(project, 'package-lock.json'), consumerLock(tarball));
  execFileSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, stdio: 'pipe' });
}, 240_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(Boolean(missing))(`mesolab as a library, installed from its npm pack tarball${missing ? ` [${missing}]` : ''}`, () => {
  it('plain JavaScript (.mjs) imports it and gets the same numbers as the sources', async () => {
    writeFileSync(join(project, 'use.mjs'), USE_MJS);
    const r = spawnSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { shape: number[]; voxelSize: number; pore: number; tau: number; gp: { mean: number[]; std: number[] } };
    expect(got.shape).toEqual([20, 20, 20]);
    expect(got.voxelSize).toBeCloseTo(0.5e-6, 15);
    expect(Math.abs(got.pore - 0.45)).toBeLessThan(0.02);
    // The same calls on the repository's sources, in this process: identical to the last bit.
    const { volume } = await generateElectrode({ shape: [20, 20, 20], voxelSizeUm: 0.5, d50Um: 3, porosity: 0.45, seed: 2 }, { backend: 'cpu' });
    const here = await computeProperties(volume, { axes: ['z'], phases: ['pore'], sizes: false }, { backend: 'cpu' });
    expect(got.pore).toBe(here.fractions.pore);
    expect(got.tau).toBe(here.tortuosity.pore!.z!.tau);
    expect(got.tau).toBeGreaterThan(1);
    const gp = new GaussianProcess({ restarts: 0, seed: 1 }).fit([[0], [0.5], [1]], [0, 0.25, 1]);
    expect(got.gp).toEqual(gp.predict([[0.25]], { returnStd: true }));
  });

  it('TypeScript type-checks against the shipped declarations (strict, nodenext, skipLibCheck off), and they reject wrong calls', () => {
    writeFileSync(join(project, 'use.ts'), USE_TS);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(realpathSync(join(ROOT, 'node_modules')), '@types')] },
        files: ['use.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    // Each @ts-expect-error above must meet a real error: with `any` types tsc would report it unused.
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    const exported = readFileSync(join(project, 'node_modules', 'mesolab', 'dist', 'types', 'api', 'index.d.ts'), 'utf8');
    for (const name of ['generateElectrode', 'computeProperties', 'fillQuasiStatic', 'fillLbm']) expect(exported).toMatch(new RegExp(`export declare function ${name}\\(`));
    expect(exported).not.toMatch(/from '\.[^']*\.ts'/);
  });
});
