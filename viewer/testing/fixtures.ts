import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Rng } from '../../src/random/rng.ts';
import { LABEL } from '../../src/volume/volume.ts';

export interface SyntheticElectrode {
  shape: [number, number, number];
  voxelSize: number;
  labels: Uint8Array;
  /** Seconds; Infinity for pore the liquid never reaches, and for solids. */
  arrival: Float32Array;
  /** 0 solid, 1 electrolyte, 2 trapped gas. */
  phase: Uint8Array;
  curve: { step: number; t: number; saturation: number }[];
}

/**
 * Random overlapping AM spheres with a CBD film where pore touches AM, and an arrival-time field
 * that grows with the geodesic (through-pore) distance from the separator face z = 0. Pore the
 * breadth-first search cannot reach is trapped. Test data for the viewer, not a physics result.
 */
export function syntheticElectrode(n = 48, seed = 7, voxelSize = 0.5e-6): SyntheticElectrode {
  const rng = new Rng(seed);
  const shape: [number, number, number] = [n, n, n];
  const N = n * n * n;
  const labels = new Uint8Array(N);
  const idx = (x: number, y: number, z: number): number => x + n * (y + n * z);
  const spheres = 110;
  for (let s = 0; s < spheres; s++) {
    const cx = rng.range(0, n);
    const cy = rng.range(0, n);
    const cz = rng.range(0, n);
    const r = rng.range(n / 14, n / 8);
    for (let z = Math.max(0, Math.floor(cz - r)); z <= Math.min(n - 1, Math.ceil(cz + r)); z++)
      for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(n - 1, Math.ceil(cy + r)); y++)
        for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(n - 1, Math.ceil(cx + r)); x++)
          if ((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2 <= r * r) labels[idx(x, y, z)] = LABEL.am;
  }
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const i = idx(x, y, z);
        if (labels[i] !== LABEL.pore) continue;
        const touches = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]].some(([dx, dy, dz]) => {
          const X = x + dx!, Y = y + dy!, Z = z + dz!;
          return X >= 0 && Y >= 0 && Z >= 0 && X < n && Y < n && Z < n && labels[idx(X, Y, Z)] === LABEL.am;
        });
        if (touches && rng.uniform() < 0.35) labels[i] = LABEL.cbd;
      }
  // Breadth-first distance through pore from z = 0; only voxels with a pore path are reached.
  const dist = new Int32Array(N).fill(-1);
  const queue = new Int32Array(N);
  let head = 0;
  let tail = 0;
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const i = idx(x, y, 0);
      if (labels[i] === LABEL.pore) {
        dist[i] = 0;
        queue[tail++] = i;
      }
    }
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % n, y = Math.floor(i / n) % n, z = Math.floor(i / (n * n));
    for (const [dx, dy, dz] of [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]] as const) {
      const X = x + dx, Y = y + dy, Z = z + dz;
      if (X < 0 || Y < 0 || Z < 0 || X >= n || Y >= n || Z >= n) continue;
      const j = idx(X, Y, Z);
      if (labels[j] === LABEL.pore && dist[j] < 0) {
        dist[j] = dist[i]! + 1;
        queue[tail++] = j;
      }
    }
  }
  const dt = 1e-4;
  const arrival = new Float32Array(N);
  const phase = new Uint8Array(N);
  let pores = 0;
  let maxD = 0;
  for (let i = 0; i < N; i++) {
    if (labels[i] !== LABEL.pore) {
      arrival[i] = Infinity;
      continue;
    }
    pores++;
    // Lucas–Washburn-like: distance ∝ √t, so t ∝ distance².
    arrival[i] = dist[i]! >= 0 ? dt * dist[i]! ** 2 : Infinity;
    phase[i] = dist[i]! >= 0 ? 1 : 2;
    maxD = Math.max(maxD, dist[i]!);
  }
  const curve: SyntheticElectrode['curve'] = [];
  const counts = new Float64Array(maxD + 1);
  for (let i = 0; i < N; i++) if (dist[i]! >= 0 && labels[i] === LABEL.pore) counts[dist[i]!]!++;
  let cum = 0;
  for (let d = 0; d <= maxD; d++) {
    cum += counts[d]!;
    curve.push({ step: d, t: dt * d * d, saturation: cum / pores });
  }
  return { shape, voxelSize, labels, arrival, phase, curve };
}

async function writeRaw(file: string, data: Uint8Array | Float32Array, e: SyntheticElectrode): Promise<void> {
  await writeFile(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const dtype = data instanceof Float32Array ? 'float32' : 'uint8';
  await writeFile(file.replace(/\.raw$/, '.json'), JSON.stringify({ shape: e.shape, voxelSize: e.voxelSize, dtype }));
}

/** Writes a fill output directory the way the filling simulations do, in the raw form. */
export async function writeSyntheticFill(dir: string, e: SyntheticElectrode): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeRaw(path.join(dir, 'volume.raw'), e.labels, e);
  await writeRaw(path.join(dir, 'arrival-time.raw'), e.arrival, e);
  await writeRaw(path.join(dir, 'phase.raw'), e.phase, e);
  const trapped = e.phase.reduce((a, p) => a + (p === 2 ? 1 : 0), 0);
  const pores = e.labels.reduce((a, l) => a + (l === 0 ? 1 : 0), 0);
  await writeFile(
    path.join(dir, 'result.json'),
    JSON.stringify({ model: 'synthetic', saturation: e.curve.at(-1)?.saturation ?? 0, trappedFraction: trapped / pores, curve: e.curve }),
  );
}

/**
 * A study folder as the sweep writes it: `study.duckdb` with a `runs` table, run fields written by
 * the store's own writer (`fields/<run_id>/volume.raw`, `qs_fill_pressure.raw`, `qs_phase.raw`),
 * and a surrogate's cross-validation rows in `models/gpr/parity.json`. Returns the run ids.
 */
export async function writeSyntheticStudy(dir: string, runs = 3, n = 24): Promise<string[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const { writeRunFields } = await import('../../src/store/fields.ts');
  await mkdir(dir, { recursive: true });
  const ids: string[] = [];
  const rows: string[] = [];
  const parity: { row: number; fold: number; output: string; actual: number; predicted: number; std: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const id = `r${String(r).padStart(4, '0')}-s${100 + r}`;
    ids.push(id);
    const e = syntheticElectrode(n, 100 + r);
    const porosity = e.labels.reduce((a, l) => a + (l === LABEL.pore ? 1 : 0), 0) / e.labels.length;
    const saturation = e.curve.at(-1)?.saturation ?? 0;
    // Imbibition-like fill pressure: the capillary pressure falls as the front goes deeper.
    const fillPressure = e.arrival.map((t) => (Number.isFinite(t) ? 2e4 / (1 + 100 * t) : t));
    writeRunFields(dir, id, {
      volume: { shape: e.shape, voxelSize: e.voxelSize, data: e.labels, description: 'labels: 0 pore, 1 AM, 2 CBD' },
      qs_fill_pressure: { shape: e.shape, voxelSize: e.voxelSize, data: fillPressure, description: 'fill pressure (Pa)' },
      qs_phase: { shape: e.shape, voxelSize: e.voxelSize, data: e.phase, description: 'phase' },
    });
    rows.push(`('${id}', 'ok', ${porosity}, ${saturation}, ${5 * r}, ${0.4 + 0.01 * r})`);
    parity.push({ row: r, fold: r % 2, output: 'qs_saturation', actual: saturation, predicted: saturation * (1 + 0.02 * (r - 1)), std: 0.01 });
    parity.push({ row: r, fold: r % 2, output: 'porosity', actual: porosity, predicted: porosity + 0.01 * Math.sin(r), std: 0.01 });
  }
  const db = await DuckDBInstance.create(path.join(dir, 'study.duckdb'));
  const conn = await db.connect();
  // Outputs before inputs, as a sweep may well store them: the viewer puts the inputs first.
  await conn.run('CREATE TABLE runs (run_id VARCHAR, status VARCHAR, porosity DOUBLE, qs_saturation DOUBLE, calendering DOUBLE, porosity_target DOUBLE)');
  await conn.run(`INSERT INTO runs VALUES ${rows.join(', ')}`);
  // The store's column roles and units (src/store/db.ts keeps them in a `columns` table).
  await conn.run('CREATE TABLE columns (name VARCHAR PRIMARY KEY, role VARCHAR, unit VARCHAR, type VARCHAR, description VARCHAR)');
  await conn.run(`INSERT INTO columns VALUES ('run_id', 'meta', NULL, 'string', ''), ('status', 'meta', NULL, 'string', ''), ('porosity', 'output', '1', 'number', ''), ('qs_saturation', 'output', '1', 'number', ''), ('calendering', 'input', '%', 'number', ''), ('porosity_target', 'input', '1', 'number', '')`);
  conn.closeSync();
  db.closeSync();
  await mkdir(path.join(dir, 'models', 'gpr'), { recursive: true });
  await writeFile(path.join(dir, 'models', 'gpr', 'parity.json'), JSON.stringify(parity));
  return ids;
}
