import type { Manifest, RunView } from '../shared/protocol.ts';

export interface Grid {
  shape: [number, number, number];
  voxelSize: number;
}

async function ok(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).trim()}`);
  return res;
}

const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

export async function fetchManifest(): Promise<Manifest> {
  return (await ok(await fetch('./api/manifest'), 'manifest')).json() as Promise<Manifest>;
}

export async function fetchRun(runId: string): Promise<RunView> {
  return (await ok(await fetch(`./api/run/${encodeURIComponent(runId)}`), `run ${runId}`)).json() as Promise<RunView>;
}

function gridOf(res: Response): Grid {
  const s = (res.headers.get('x-shape') ?? '').split(',').map(Number);
  return { shape: [s[0]!, s[1]!, s[2]!], voxelSize: Number(res.headers.get('x-voxel-size')) };
}

export async function fetchLabels(path: string): Promise<{ grid: Grid; labels: Uint8Array }> {
  const res = await ok(await fetch(`./api/labels/${encodePath(path)}`), path);
  return { grid: gridOf(res), labels: new Uint8Array(await res.arrayBuffer()) };
}

export async function fetchField(path: string): Promise<{ grid: Grid; data: Float32Array }> {
  const res = await ok(await fetch(`./api/field/${encodePath(path)}`), path);
  return { grid: gridOf(res), data: new Float32Array(await res.arrayBuffer()) };
}

/** A file under the served directory, as it is (the LBM snapshot stack). */
export async function fetchFile(path: string): Promise<Uint8Array> {
  const res = await ok(await fetch(`./files/${encodePath(path)}`), path);
  return new Uint8Array(await res.arrayBuffer());
}
