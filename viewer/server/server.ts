import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, describeRun } from './datasets.ts';
import { realpathSync } from 'node:fs';
import { checkRelative, PathRefusedError, resolveInside, withoutAbsolutePaths } from './safe-path.ts';
import { loadField, loadLabels, type ReadOverrides } from './volume-source.ts';

export interface ViewerServerOptions {
  /** The only directory whose files are served. */
  root: string;
  /**
   * A volume file inside root the user named: then only it and its own sidecars (the `.json`
   * header of a `.raw` file) are served, never the rest of its folder.
   */
  entry?: string;
  /** Voxel size and grey-value phases for the named volume (`--voxel-size`, `--labels`). */
  read?: ReadOverrides;
  /** The built app (viewer/dist). */
  distDir: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface ViewerServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** Starts the viewer's HTTP server on 127.0.0.1 only; nothing else on the network can reach it. */
export async function startViewerServer(opts: ViewerServerOptions): Promise<ViewerServer> {
  const roots = [opts.root, opts.distDir, ...[opts.root, opts.distDir].map((r) => realpathOr(r))].map((r) => path.resolve(r));
  const server = http.createServer((req, res) => {
    handle(opts, req, res).catch((e: unknown) => {
      const status = e instanceof PathRefusedError ? e.status : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${withoutAbsolutePaths((e as Error).message ?? String(e), roots)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(opts: ViewerServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  // A page on another site that rebinds its DNS name to 127.0.0.1 arrives with a foreign Host.
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (host !== '127.0.0.1' && host !== 'localhost') throw new PathRefusedError(`host ${host} is not loopback`);
  const target = req.url ?? '/';
  const rawPath = target.split('?')[0]!;
  const route = (prefix: string): string | null => (rawPath.startsWith(prefix) ? rawPath.slice(prefix.length) : null);

  let rest: string | null;
  if (rawPath === '/api/manifest') return sendJson(res, await describe(opts.root, opts.entry, opts.read));
  const inRoot = (raw: string): Promise<string> => resolveInside(opts.root, entryOnly(opts.entry, raw));
  if ((rest = route('/api/run/')) !== null) {
    if (opts.entry) throw new PathRefusedError('only the named volume is served', 404);
    const id = checkRelative(rest);
    if (id.includes('/')) throw new PathRefusedError('a run id is one path segment');
    return sendJson(res, await describeRun(opts.root, id));
  }
  if ((rest = route('/api/labels/')) !== null) {
    const v = await loadLabels(await inRoot(rest), opts.entry ? opts.read : {});
    return sendBinary(res, v.data, v.shape, v.voxelSize);
  }
  if ((rest = route('/api/field/')) !== null) {
    const f = await loadField(await inRoot(rest), opts.entry ? opts.read : {});
    return sendBinary(res, new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength), f.shape, f.voxelSize);
  }
  if ((rest = route('/files/')) !== null) return sendFile(res, await inRoot(rest));
  if (rawPath.startsWith('/api/')) throw new PathRefusedError(`no such API route: ${rawPath}`, 404);
  const app = rawPath === '/' ? 'index.html' : rawPath.slice(1);
  return sendFile(res, await resolveInside(opts.distDir, app));
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * With a named volume, the one path it may serve: the volume and its own sidecars (`x.json`
 * beside `x.raw`); anything else in its folder answers 404 as if it were not there.
 */
function entryOnly(entry: string | undefined, rawRelative: string): string {
  if (!entry) return rawRelative;
  const rel = checkRelative(rawRelative);
  const ext = path.extname(entry);
  const sidecars = ext.toLowerCase() === '.raw' ? [`${entry.slice(0, -ext.length)}.json`] : [];
  if (rel !== entry && !sidecars.includes(rel)) throw new PathRefusedError(`no such file: ${rel}`, 404);
  return rawRelative;
}

function sendJson(res: http.ServerResponse, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(text);
}

function sendBinary(res: http.ServerResponse, bytes: Uint8Array, shape: readonly number[], voxelSize: number): void {
  res
    .writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.byteLength),
      'x-shape': shape.join(','),
      'x-voxel-size': String(voxelSize),
      'cache-control': 'no-store',
    })
    .end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

async function sendFile(res: http.ServerResponse, file: string): Promise<void> {
  const st = await stat(file);
  if (!st.isFile()) throw new PathRefusedError('not a file', 404);
  res.writeHead(200, {
    'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(st.size),
  });
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).on('end', resolve).pipe(res);
  });
}
