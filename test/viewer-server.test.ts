import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describe as describeDataset, describeRun, extractCurve } from '../viewer/server/datasets.ts';
import { checkRelative, PathRefusedError } from '../viewer/server/safe-path.ts';
import { startViewerServer } from '../viewer/server/server.ts';
import type { ViewerServer } from '../viewer/server/server.ts';
import { syntheticElectrode, writeSyntheticFill, writeSyntheticStudy } from '../viewer/testing/fixtures.ts';
import { loadLabels } from '../viewer/server/volume-source.ts';
import { portOption } from '../src/cli/option-values.ts';
import type { Manifest } from '../viewer/shared/protocol.ts';

/** GET with the request target sent exactly as written (no client-side normalisation). */
function rawGet(port: number, target: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method: 'GET', headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

let base: string;
let root: string;
let dist: string;
let server: ViewerServer;
const electrode = syntheticElectrode(16, 3);

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-server-'));
  root = path.join(base, 'served');
  dist = path.join(base, 'dist');
  await writeSyntheticFill(root, electrode);
  await writeFile(path.join(root, 'note.txt'), 'inside');
  await mkdir(path.join(root, 'sub'));
  await writeFile(path.join(root, 'sub', 'deep.txt'), 'deep');
  await writeFile(path.join(base, 'secret.txt'), 'SECRET');
  await mkdir(dist);
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>app</title>');
  await symlink(path.join(base, 'secret.txt'), path.join(root, 'escape.txt'));
  await symlink(base, path.join(root, 'escape-dir'));
  await symlink(path.join(root, 'sub', 'deep.txt'), path.join(root, 'inner-link.txt'));
  server = await startViewerServer({ root, distDir: dist, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await rm(base, { recursive: true, force: true });
});

describe('viewer server: serving', () => {
  it('listens on 127.0.0.1 only and serves the app and files inside the root', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await rawGet(server.port, '/')).body.toString()).toContain('<title>app</title>');
    const note = await rawGet(server.port, '/files/note.txt');
    expect(note.status).toBe(200);
    expect(note.body.toString()).toBe('inside');
    expect((await rawGet(server.port, '/files/sub/deep.txt')).body.toString()).toBe('deep');
    // A symlink that stays inside the root is fine.
    expect((await rawGet(server.port, '/files/inner-link.txt')).body.toString()).toBe('deep');
  });

  it('describes a fill directory and sends labels and fields as exact binary', async () => {
    const m = JSON.parse((await rawGet(server.port, '/api/manifest')).body.toString()) as Manifest;
    expect(m.kind).toBe('fill');
    expect(m.fill?.volume).toEqual({ path: 'volume.raw', shape: [16, 16, 16], voxelSize: 0.5e-6 });
    expect(m.fill?.front).toEqual({ path: 'arrival-time.raw', name: 'arrival time', unit: 's', order: 'ascending' });
    expect(m.fill?.phase).toEqual({ path: 'phase.raw' });
    expect(m.fill?.curve?.x.length).toBe(electrode.curve.length);
    const labels = await rawGet(server.port, '/api/labels/volume.raw');
    expect(labels.headers['x-shape']).toBe('16,16,16');
    expect(new Uint8Array(labels.body)).toEqual(electrode.labels);
    const field = await rawGet(server.port, '/api/field/arrival-time.raw');
    const values = new Float32Array(field.body.buffer.slice(field.body.byteOffset, field.body.byteOffset + field.body.byteLength));
    expect(values).toEqual(electrode.arrival);
  });
});

describe('viewer server: path traversal is refused', () => {
  const refused: [string, string][] = [
    ['plain ../', '/files/../secret.txt'],
    ['nested ../', '/files/sub/../../secret.txt'],
    ['encoded dots %2e%2e', '/files/%2e%2e/secret.txt'],
    ['encoded dots, upper case', '/files/%2E%2E/secret.txt'],
    ['half-encoded .%2e', '/files/.%2e/secret.txt'],
    ['encoded slash %2f', '/files/..%2fsecret.txt'],
    ['encoded slash, upper case', '/files/..%2Fsecret.txt'],
    ['double encoding %252e', '/files/%252e%252e/secret.txt'],
    ['double-encoded slash %252f', '/files/..%252fsecret.txt'],
    ['backslash', '/files/..\\secret.txt'],
    ['encoded backslash %5c', '/files/..%5csecret.txt'],
    ['absolute path', '/files//etc/passwd'],
    ['encoded absolute path', '/files/%2fetc%2fpasswd'],
    ['windows drive', '/files/C:/Windows/win.ini'],
    ['NUL byte', '/files/note.txt%00.png'],
    ['symlinked file leading out', '/files/escape.txt'],
    ['symlinked directory leading out', '/files/escape-dir/secret.txt'],
    ['traversal in the labels API', '/api/labels/../served/volume.raw'],
    ['traversal in the field API', '/api/field/%2e%2e/served/arrival-time.raw'],
    ['traversal out of the app directory', '/../secret.txt'],
    ['encoded traversal out of the app directory', '/%2e%2e/secret.txt'],
    ['traversal in a run id', '/api/run/..%2f..%2fsecret'],
  ];
  for (const [name, target] of refused) {
    it(`${name}: ${target}`, async () => {
      const r = await rawGet(server.port, target);
      expect(r.status).toBe(403);
      expect(r.body.toString()).not.toContain('SECRET');
    });
  }

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await rawGet(server.port, '/files/note.txt', 'evil.example:80');
    expect(r.status).toBe(403);
  });

  it('answers 404, not 403, for a plain missing file inside the root', async () => {
    expect((await rawGet(server.port, '/files/missing.txt')).status).toBe(404);
  });

  it('checkRelative keeps plain names and refuses the rest', () => {
    expect(checkRelative('a/b%20c.raw')).toBe('a/b c.raw');
    for (const bad of ['', '.', 'a//b', 'a/./b', '%', '%zz']) expect(() => checkRelative(bad)).toThrow(PathRefusedError);
  });
});

describe('fill result curves', () => {
  it('reads the lbm curve and the quasi-static Pc curve', () => {
    expect(extractCurve({ curve: [{ step: 0, t: 0, saturation: 0 }, { step: 5, t: 0.5, saturation: 0.4 }] })).toEqual({
      xLabel: 'time (s)',
      yLabel: 'saturation (–)',
      x: [0, 0.5],
      y: [0, 0.4],
    });
    expect(extractCurve({ pcCurve: { pc: [100, 200], saturation: [0.1, 0.9] } })?.xLabel).toBe('capillary pressure (Pa)');
    expect(extractCurve({ pcCurve: [{ pressure: 1e3, saturation: 0.2 }] })?.x).toEqual([1e3]);
    expect(extractCurve({ saturation: 0.5 })).toBeUndefined();
  });
});

describe('study folders', () => {
  it('lists runs from study.duckdb, finds parity rows and opens a run written by the store', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-study-'));
    try {
      const ids = await writeSyntheticStudy(dir, 3, 12);
      const m = await describeDataset(dir);
      expect(m.kind).toBe('study');
      // Run id, inputs, outputs, bookkeeping: the study's columns table gives the roles.
      expect(m.study?.table.columns).toEqual(['run_id', 'calendering', 'porosity_target', 'porosity', 'qs_saturation', 'status']);
      expect(m.study?.table.rows.map((r) => r[0])).toEqual(ids);
      expect(m.study?.table.idColumn).toBe('run_id');
      expect(m.study?.runsWithFields).toEqual(ids);
      // The trainer's rows, one per (run, output), come back grouped by output.
      expect(m.study?.parity.map((p) => p.output)).toEqual(['qs_saturation', 'porosity']);
      // Same values through DuckDB (SQL text literals may move the last binary digit).
      const close = (a: number[] | undefined, b: unknown[] | undefined): void => {
        expect(a).toHaveLength(b?.length ?? -1);
        a!.forEach((v, i) => expect(v).toBeCloseTo(Number(b![i]), 12));
      };
      close(m.study?.parity[0]?.simulated, m.study?.table.rows.map((r) => r[4]));
      close(m.study?.parity[1]?.simulated, m.study?.table.rows.map((r) => r[3]));
      expect(m.study?.parity[1]?.predicted).toHaveLength(3);
      const run = await describeRun(dir, ids[1]!);
      expect(run.fill?.volume.path).toBe(`fields/${ids[1]}/volume.raw`);
      expect(run.fill?.front).toEqual({ path: `fields/${ids[1]}/qs_fill_pressure.raw`, name: 'fill pressure', unit: 'Pa', order: 'descending' });
      expect(run.fill?.phase?.path).toBe(`fields/${ids[1]}/qs_phase.raw`);
      // The store's headers (with description and a worded order) read back exactly.
      const labels = await loadLabels(path.join(dir, 'fields', ids[1]!, 'volume.raw'));
      expect(labels.data).toEqual(syntheticElectrode(12, 101).labels);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mesolab view options', () => {
  it('accepts ports 0–65535 and names the option when refusing others', () => {
    expect(portOption('0')).toBe(0);
    expect(portOption('8080')).toBe(8080);
    for (const bad of ['65536', '-1', '80.5', 'abc', '']) expect(() => portOption(bad)).toThrow(/--port/);
  });
});
