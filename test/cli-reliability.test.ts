import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, runCli, type CliRun } from './helpers/cli.ts';
import { StudyStore } from '../src/store/db.ts';
import { writeVolume } from '../src/volume/io.ts';
import { OUTPUT_MARKER } from '../src/output-files.ts';
import { cylinderBundle } from '../src/voxel/test-geometries.ts';

/**
 * Issue 15, items 1–8 as a user meets them: nothing a command writes replaces something else
 * silently or half-way, the study database survives every command that only reads it, and every
 * mistake ends with one line and exit status 2.
 */

const mesolab = (...args: string[]): Promise<CliRun> => runCli(args);

/** One line on stderr, no stack, exit status 2. */
function userError(r: CliRun, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
}

let dir: string;
let study: string;
let tubes: string;

/** A study folder written by the store itself (no sweep): 3 runs with one field folder. */
async function writeStudy(target: string): Promise<void> {
  const store = await StudyStore.open(target, { create: true });
  await store.claimStudy({ name: 'rel', hash: 'rel0', definition: '{}', version: 'test' });
  for (let i = 0; i < 3; i++) {
    await store.writeRun({
      values: { run_id: `r${i}`, status: 'ok', design_index: i, replicate: 0, replicated: false, seed: i, porosity: 0.3 + 0.1 * i },
      columns: [{ name: 'porosity', role: 'input', type: 'number' }],
    });
  }
  store.close();
  await mkdir(join(target, 'fields', 'r0'), { recursive: true });
  await writeFile(join(target, 'fields', 'r0', 'volume.raw'), new Uint8Array(8));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolab-reliability-'));
  study = join(dir, 'EX');
  await writeStudy(study);
  tubes = join(dir, 'tubes.tif');
  await writeVolume(tubes, cylinderBundle([12, 9, 5], 2e-6, [{ cx: 5, cy: 4, radius: 3 }]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('item 2: the study database is never written by export or query', () => {
  it('export -o onto study.duckdb is refused, even with --force, and the study still answers', async () => {
    const before = await readFile(join(study, 'study.duckdb'));
    userError(await mesolab('export', study, '--format', 'csv', '-o', join(study, 'study.duckdb')), /--output: .*study\.duckdb.*expected a file other than the study's own database \(study\.duckdb\)/);
    userError(await mesolab('export', study, '--format', 'csv', '-o', join(study, 'study.duckdb'), '--force'), /own database/);
    expect((await readFile(join(study, 'study.duckdb'))).equals(before)).toBe(true);
    const q = await mesolab('query', study, 'SELECT count(*) AS n FROM runs', '--json');
    expect(q.code, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout)).toEqual([{ n: 3 }]);
  });

  it('query refuses DELETE, DROP TABLE and COPY … TO with one line, and changes nothing', async () => {
    userError(await mesolab('query', study, 'DELETE FROM runs'), /^error: sql: got "DELETE FROM runs", expected a query that only reads the study \(SELECT …\); query opens it read-only \(a DELETE statement is not run\)$/);
    userError(await mesolab('query', study, 'DROP TABLE runs'), /query opens it read-only \(a DROP statement is not run\)$/);
    const copyTo = join(dir, 'leak.csv');
    userError(await mesolab('query', study, `COPY runs TO '${copyTo}'`), /only reads the study.*\(a COPY statement is not run\)$/);
    userError(await mesolab('query', study, `SELECT 1; ATTACH '${join(dir, 'other.duckdb')}' AS o`), /\(an ATTACH statement is not run\)$/);
    expect(existsSync(copyTo)).toBe(false);
    const q = await mesolab('query', study, 'SELECT count(*) AS n FROM runs', '--json');
    expect(JSON.parse(q.stdout)).toEqual([{ n: 3 }]);
  });
});

describe('item 3: outputs are written whole and never replace something else silently', () => {
  it('generate -o refuses an existing file (before generating) unless --force, and leaves no temporary', async () => {
    const out = join(dir, 'gen');
    await mkdir(out);
    const file = join(out, 'nmc.tif');
    await writeFile(file, 'MY DATA');
    const args = ['generate', '--shape', '24,24,16', '--d50', '5', '-o', file];
    userError(await mesolab(...args), /--output: got ".*nmc\.tif", expected a new file \(a file of that name exists; pass --force to replace it\)/);
    expect(await readFile(file, 'utf8')).toBe('MY DATA');
    const forced = await mesolab(...args, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect((await readFile(file)).subarray(0, 2).toString('latin1')).toMatch(/II|MM/);
    expect(readdirSync(out)).toEqual(['nmc.tif']);
  });

  it('volume convert refuses to replace an existing output unless --force', async () => {
    const out = join(dir, 'conv.vti');
    await writeFile(out, 'keep');
    userError(await mesolab('volume', 'convert', tubes, out), /<out>: got ".*conv\.vti", expected a new file/);
    expect(await readFile(out, 'utf8')).toBe('keep');
    const r = await mesolab('volume', 'convert', tubes, out, '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(/<VTKFile/);
  });

  it('export replaces its own earlier export but not another file, unless --force', async () => {
    const r1 = await mesolab('export', study, '--format', 'csv');
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = await mesolab('export', study, '--format', 'csv');
    expect(r2.code, r2.stderr).toBe(0);
    expect((await readFile(join(study, 'runs.csv'), 'utf8')).split('\n')[0]).toMatch(/^run_id,status,/);
    const notes = join(dir, 'notes.csv');
    await writeFile(notes, 'my,own\n1,2\n');
    userError(await mesolab('export', study, '--format', 'csv', '-o', notes), /--output: got ".*notes\.csv", expected a new file/);
    expect(await readFile(notes, 'utf8')).toBe('my,own\n1,2\n');
    expect((await mesolab('export', study, '--format', 'csv', '-o', notes, '--force')).code).toBe(0);
    expect((await readFile(notes, 'utf8')).split('\n')).toHaveLength(5);
  });

  it('fill -o: the same run is replaced whole, another run is refused without --force, never mixed', async () => {
    const out = join(dir, 'fill-out');
    const qs = ['fill', tubes, '--model', 'quasi-static', '-o', out];
    const first = await mesolab(...qs);
    expect(first.code, first.stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual([OUTPUT_MARKER, 'fill-pressure.tif', 'fill-pressure.vti', 'labels.json', 'labels.raw', 'pc-curve.csv', 'phase.tif', 'phase.vti', 'result.json'].sort());
    await writeFile(join(out, 'stray.txt'), 'from elsewhere');
    // Rerunning the same command replaces the folder whole (the stray file goes with the old one).
    expect((await mesolab(...qs)).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(files);
    const other = [...qs, '--contact-angle', 'am=60'];
    userError(await mesolab(...other), /--out: got ".*fill-out", expected a new folder or a fill-quasi-static output of this same run \(it holds a fill-quasi-static output of another run; pass --force to replace it\)/);
    const before = await readFile(join(out, 'result.json'), 'utf8');
    expect(JSON.parse(before).contactAngle ?? JSON.parse(before)).toBeDefined();
    const forced = await mesolab(...other, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(files);
    expect(await readFile(join(out, 'result.json'), 'utf8')).not.toBe(before);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('a fill killed mid-run leaves the old output folder whole; its temporary is swept by the next fill', async () => {
    const out = join(dir, 'killed-fill');
    const qs = ['fill', tubes, '--model', 'quasi-static', '-o', out];
    expect((await mesolab(...qs)).code).toBe(0);
    const before = await readFile(join(out, 'result.json'), 'utf8');
    const child = spawn(process.execPath, [BIN, 'fill', tubes, '--model', 'lbm', '--steps', '100000', '-o', out, '--force'], { cwd: ROOT, stdio: 'ignore' });
    const temporaries = (): string[] => readdirSync(dir).filter((f) => f.startsWith('.killed-fill.tmp-'));
    // The staged folder exists from before the run starts until its rename; kill inside that window.
    const t0 = Date.now();
    while (temporaries().length === 0 && child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(temporaries()).toHaveLength(1);
    expect(await readFile(join(out, 'result.json'), 'utf8')).toBe(before);
    expect(readdirSync(out)).not.toContain('arrival-time.tif');
    expect(JSON.parse(await readFile(join(out, OUTPUT_MARKER), 'utf8'))).toMatchObject({ kind: 'fill-quasi-static' });
    expect((await mesolab(...qs)).code).toBe(0);
    expect(temporaries()).toEqual([]);
  });

  it('fill -o into a folder of other files is refused even with --force; into a file, one line', async () => {
    const mine = join(dir, 'mine');
    await mkdir(mine);
    await writeFile(join(mine, 'thesis.tex'), 'precious');
    userError(await mesolab('fill', tubes, '--model', 'quasi-static', '-o', mine, '--force'), /--out: got ".*mine", expected a new or empty folder, or an output folder mesolab wrote \(it holds other files; choose another folder\)/);
    expect(readdirSync(mine)).toEqual(['thesis.tex']);
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    userError(await mesolab('fill', tubes, '--model', 'quasi-static', '-o', file), /--out: got ".*a-file", expected a folder name \(a file of that name exists\)/);
  });

  it('train -o into an existing model folder leaves no stale files; another training needs --force; predict -o refuses to replace', async () => {
    const csv = join(dir, 'train.csv');
    const rows = Array.from({ length: 12 }, (_, i) => `${i / 11},${(i * 7) % 12 / 11},${Math.sin(i) + (i / 11) * 2}`);
    await writeFile(csv, `a,b,y\n${rows.join('\n')}\n`);
    const models = join(dir, 'models');
    const base = ['train', csv, '--inputs', 'a,b', '--outputs', 'y', '--cv', '3', '--no-learning-curve', '--no-explain', '-o', models];
    const both = await mesolab(...base, '--model', 'gpr,linear', '--restarts', '0');
    expect(both.code, both.stderr).toBe(0);
    expect(readdirSync(models).sort()).toEqual([OUTPUT_MARKER, 'comparison.md', 'gpr', 'linear', 'summary.json'].sort());
    userError(await mesolab(...base, '--model', 'linear'), /--output: got ".*models", expected a new folder or a model output of this same run \(it holds a model output of another run; pass --force to replace it\)/);
    expect(existsSync(join(models, 'summary.json'))).toBe(true);
    const one = await mesolab(...base, '--model', 'linear', '--force');
    expect(one.code, one.stderr).toBe(0);
    const left = readdirSync(models);
    expect(left).not.toContain('summary.json');
    expect(left).not.toContain('gpr');
    expect(left).toContain('surrogate.json');

    const points = join(dir, 'points.csv');
    await writeFile(points, 'a,b\n0.5,0.5\n');
    const preds = join(dir, 'preds.csv');
    expect((await mesolab('predict', models, points, '-o', preds)).code).toBe(0);
    const firstPreds = await readFile(preds, 'utf8');
    expect(firstPreds.split('\n')[0]).toMatch(/^a,b,y,y_std/);
    userError(await mesolab('predict', models, points, '-o', preds), /--output: got ".*preds\.csv", expected a new file/);
    expect((await mesolab('predict', models, points, '-o', preds, '--force')).code).toBe(0);
  }, 120_000);
});

describe('item 4: a damaged database is called damaged, with what can be recovered', () => {
  it('truncated and random-byte databases: one line naming the damage, the intact fields and the way back', async () => {
    for (const [name, damage] of [
      ['truncated', async (db: string): Promise<void> => truncate(db, 5000)],
      ['random', async (db: string): Promise<void> => writeFile(db, Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919 + 13) % 251)))],
    ] as const) {
      const copy = join(dir, `damaged-${name}`);
      await writeStudy(copy);
      await damage(join(copy, 'study.duckdb'));
      for (const args of [['query', copy, 'SELECT * FROM runs'], ['export', copy, '--format', 'csv']]) {
        userError(
          await mesolab(...args),
          /study\.duckdb: got ".*study\.duckdb", expected an intact study database \(it is damaged \(.+\); the fields of 1 run\(s\) under fields\/ are intact; move study\.duckdb aside and rerun the same `mesolab sweep`/,
        );
      }
    }
  });
});

describe('item 6: an impossible volume is refused before anything is allocated', () => {
  it('generate --shape 100000,100000,100000 exits 2 at once', async () => {
    const t0 = performance.now();
    const r = await mesolab('generate', '--shape', '100000,100000,100000');
    userError(r, /shape: got \[100000,100000,100000\], expected a generated electrode volume that fits in memory \(at most .*\) \(100000×100000×100000 voxels need /);
    // Not a timing assertion on speed: a run that allocated would take minutes and die of V8's heap.
    expect(performance.now() - t0).toBeLessThan(60_000);
  });
});

describe('item 7: every user error is one line with exit status 2', () => {
  it('sweep -o <existing file> and fill -o <file> name the option instead of EEXIST', async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, 'x');
    const r = await mesolab('sweep', join(ROOT, 'examples/study-small.json'), '-o', file);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/EEXIST|\n\s+at /);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^error: study folder: got ".*plain-file", expected a folder \(a file of that name exists\)$/);
  });

  it('an export into a folder that does not exist: one line, not a raw DuckDB IO Error', async () => {
    const r = await mesolab('export', study, '-o', join(dir, 'no-such-folder', 'runs.parquet'));
    userError(r, /--output: got ".*runs\.parquet", expected a file in an existing folder/);
    expect(r.stderr).not.toMatch(/IO Error/);
  });

  it('view --port in use: exit 2, one line naming --port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      userError(await mesolab('view', tubes, '--port', String(port)), new RegExp(`--port: got "${port}", expected a free port \\(another program listens on it; --port 0 picks a free one\\)`));
    } finally {
      blocker.close();
    }
  });

  it('validation messages read as phrases: a discriminated union names its choices', async () => {
    const bad = join(dir, 'bad-design.json');
    const small = JSON.parse(await readFile(join(ROOT, 'examples/study-small.json'), 'utf8')) as { design: { type: string } };
    small.design.type = 'hypercube';
    await writeFile(bad, JSON.stringify(small));
    const r = await mesolab('sweep', bad, '-o', join(dir, 'bad-out'));
    userError(r, /design\.type: got "hypercube", expected one of "/);
    expect(r.stderr).not.toMatch(/Invalid discriminator|Too small|Invalid input/);
  });

  it('a raw header with a bad value says what was expected in words', async () => {
    const raw = join(dir, 'bad.raw');
    await writeFile(raw, new Uint8Array(8));
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ format: 'mesolab-raw', version: 1, shape: [2, 2, 0], voxelSize: 1e-6, dtype: 'uint8', byteOrder: 'little', order: 'x-fastest', kind: 'labels' }));
    const r = await mesolab('volume', 'info', raw);
    userError(r, /bad\.json: shape\.2/);
    expect(r.stderr).not.toMatch(/Too small|Invalid input/);
  });

  it('CSV errors name the header columns, even when the header looks like data', async () => {
    // Column names that read as numbers (temperatures in °C): DuckDB's guess took them for a data row.
    const csv = join(dir, 'temperatures.csv');
    await writeFile(csv, '25,50,75\n0.1,0.2,0.3\n0.4,0.5,0.7\n0.2,0.9,0.1\n');
    const r = await mesolab('train', csv, '--inputs', '25,nope', '--outputs', '75', '-o', join(dir, 'text-model'));
    userError(r, /--inputs: got "nope", expected a column of .*temperatures\.csv: 25, 50, 75$/);
    expect(r.stderr).not.toMatch(/column0/);
  });
});

describe('item 8: every command that reads a volume takes --voxel-size and --labels', () => {
  it('properties and view list both options, and properties applies them', async () => {
    for (const cmd of ['properties', 'view', 'fill', 'volume info', 'volume convert']) {
      const r = await mesolab(...cmd.split(' '), '--help');
      expect(r.stdout, cmd).toMatch(/--voxel-size <µm>/);
      expect(r.stdout, cmd).toMatch(/--labels <map>/);
    }
    // A grey image (0 pore, 255 am): --labels maps it, --voxel-size (µm) overrides the header's 1 µm.
    const grey = join(dir, 'grey.raw');
    const labels = new Uint8Array(8 * 8 * 8);
    for (let i = 0; i < labels.length; i++) labels[i] = i % 8 < 4 ? 0 : 255;
    await writeFile(grey, labels);
    await writeFile(join(dir, 'grey.json'), JSON.stringify({ format: 'mesolab-raw', version: 1, shape: [8, 8, 8], voxelSize: 1e-6, dtype: 'uint8', byteOrder: 'little', order: 'x-fastest', kind: 'labels' }));
    const r = await mesolab('properties', grey, '--axes', 'z', '--no-sizes', '--json', '--labels', '0:pore,255:am', '--voxel-size', '2');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { fractions: Record<string, number>; voxelSize: number };
    expect(j.fractions.pore).toBeCloseTo(0.5, 12);
    expect(j.fractions.am).toBeCloseTo(0.5, 12);
    expect(j.voxelSize * (j.voxelSize < 1e-3 ? 1e6 : 1)).toBeCloseTo(2, 9);
  });
});
