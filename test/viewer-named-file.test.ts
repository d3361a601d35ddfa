import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewerServer, type ViewerServer } from '../viewer/server/server.ts';
import { readRuns } from '../viewer/server/study.ts';
import { withoutAbsolutePaths } from '../viewer/server/safe-path.ts';
import { writeSyntheticStudy } from '../viewer/testing/fixtures.ts';
import { writeVolume } from '../src/volume/io.ts';
import { ROOT } from './helpers/cli.ts';

/**
 * Issue 15, items 1 and 5 (and 8 for the viewer): `mesolab view some/dir/scan.tif` serves that
 * file and its own sidecars only, never hidden files; error bodies name no absolute path; the
 * study database is read from a copy, so a process writing it is never locked out (nor is the
 * viewer); --labels and --voxel-size reach the named volume.
 */

function get(port: number, target: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method: 'GET', headers: { host: `127.0.0.1:${port}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

let base: string;
let some: string;
let dist: string;
const servers: ViewerServer[] = [];
const labels = new Uint8Array(4 * 4 * 2).map((_, i) => (i % 3 === 0 ? 1 : 0));

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'mesolab-view-named-'));
  some = path.join(base, 'some', 'dir');
  dist = path.join(base, 'dist');
  await mkdir(path.join(some, '.ssh'), { recursive: true });
  await writeFile(path.join(some, '.ssh', 'id_rsa'), 'PRIVATE KEY');
  await writeFile(path.join(some, '.env'), 'TOKEN=1');
  await writeFile(path.join(some, 'notes.txt'), 'private notes');
  await writeVolume(path.join(some, 'scan.tif'), { shape: [4, 4, 2], voxelSize: 1e-6, labels });
  await writeVolume(path.join(some, 'other.tif'), { shape: [4, 4, 2], voxelSize: 1e-6, labels });
  await writeVolume(path.join(some, 'grey.raw'), { shape: [4, 4, 2], voxelSize: 1e-6, labels });
  await writeFile(path.join(some, 'broken.tif'), 'not a tiff at all');
  await mkdir(dist);
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>app</title>');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(base, { recursive: true, force: true });
});

async function serve(opts: Partial<Parameters<typeof startViewerServer>[0]>): Promise<ViewerServer> {
  const s = await startViewerServer({ root: some, distDir: dist, port: 0, ...opts });
  servers.push(s);
  return s;
}

describe('item 1: a named volume is served alone', () => {
  it('serves scan.tif and nothing else of its folder, hidden files least of all', async () => {
    const s = await serve({ entry: 'scan.tif' });
    expect((await get(s.port, '/files/scan.tif')).status).toBe(200);
    expect((await get(s.port, '/api/labels/scan.tif')).status).toBe(200);
    for (const target of ['/files/other.tif', '/files/notes.txt', '/api/labels/other.tif', '/api/field/other.tif', '/api/run/x']) {
      const r = await get(s.port, target);
      expect(r.status, target).toBe(404);
      expect(r.body, target).not.toMatch(/private|PRIVATE/);
    }
    for (const target of ['/files/.ssh/id_rsa', '/files/.env', '/api/labels/.ssh/id_rsa']) {
      const r = await get(s.port, target);
      expect(r.status, target).toBe(403);
      expect(r.body, target).not.toMatch(/PRIVATE|TOKEN/);
    }
  });

  it('serves a .raw volume with its own .json header, and no hidden file even when a folder is viewed', async () => {
    const raw = await serve({ entry: 'grey.raw' });
    expect((await get(raw.port, '/files/grey.raw')).status).toBe(200);
    expect((await get(raw.port, '/files/grey.json')).status).toBe(200);
    expect((await get(raw.port, '/files/scan.tif')).status).toBe(404);
    const folder = await serve({});
    expect((await get(folder.port, '/files/notes.txt')).status).toBe(200);
    expect((await get(folder.port, '/files/.ssh/id_rsa')).status).toBe(403);
    expect((await get(folder.port, '/files/.env')).status).toBe(403);
  });
});

describe('item 5: error bodies carry no absolute paths', () => {
  it('a broken volume answers with its name, not where it lives', async () => {
    const s = await serve({});
    const r = await get(s.port, '/api/labels/broken.tif');
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body).toMatch(/broken\.tif/);
    expect(r.body).not.toContain(base);
    expect(r.body).not.toMatch(/(^|[\s"'(])\/(tmp|home|work|Users|var)\//);
  });

  it('withoutAbsolutePaths keeps names relative to the served folder and trims other paths to their last part', () => {
    expect(withoutAbsolutePaths('no such file "/srv/data/run/x.tif" (/srv/data/run)', ['/srv/data'])).toBe('no such file "run/x.tif" (run)');
    expect(withoutAbsolutePaths('cannot open /home/ann/secret/thing.raw: bad', ['/srv/data'])).toBe('cannot open thing.raw: bad');
  });
});

describe('item 5: the viewer never locks the study database', () => {
  let writer: ChildProcess | undefined;
  afterAll(() => {
    writer?.kill('SIGKILL');
  });

  it('lists the runs while another process holds study.duckdb open for writing', async () => {
    const studyDir = path.join(base, 'study');
    const ids = await writeSyntheticStudy(studyDir, 3, 8);
    const db = path.join(studyDir, 'study.duckdb');
    // A stand-in for a sweep: holds the database read-write (DuckDB's exclusive lock) until killed.
    writer = spawn(
      process.execPath,
      ['-e', `const {DuckDBInstance}=require('@duckdb/node-api'); DuckDBInstance.create(${JSON.stringify(db)}).then(async (i)=>{const c=await i.connect(); await c.run("INSERT INTO runs (run_id, status, porosity, qs_saturation) VALUES ('late', 'ok', 0.5, 0.9)"); process.stdout.write('holding\\n'); setInterval(()=>{},1000)})`],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((res, rej) => {
      writer!.stdout!.on('data', (d: Buffer) => d.toString().includes('holding') && res());
      writer!.on('exit', (c) => rej(new Error(`writer exited (${c})`)));
    });
    const table = await readRuns(db);
    // The copy includes the write-ahead log, so the writer's committed row is there too.
    expect(table.rows.map((r) => r[0]).sort()).toEqual([...ids, 'late'].sort());
  });
});

describe('item 8: view --labels and --voxel-size reach the named volume', () => {
  it('maps grey values and overrides the voxel size in the manifest and the labels', async () => {
    const grey = new Uint8Array(4 * 4 * 2).map((_, i) => (i % 2 === 0 ? 0 : 200));
    await writeVolume(path.join(some, 'seg.tif'), { shape: [4, 4, 2], voxelSize: 1e-6, labels: grey });
    const s = await serve({ entry: 'seg.tif', read: { labels: '0:pore,200:am', voxelSize: 3e-6 } });
    const manifest = JSON.parse((await get(s.port, '/api/manifest')).body) as { volume: { voxelSize: number } };
    expect(manifest.volume.voxelSize).toBeCloseTo(3e-6, 15);
    const r = await get(s.port, '/api/labels/seg.tif');
    expect(r.status).toBe(200);
    expect(r.headers['x-voxel-size']).toBe(String(3e-6));
    const got = Buffer.from(r.body, 'latin1');
    expect([...got]).toEqual([...grey].map((v) => (v === 200 ? 1 : 0)));
  });
});
