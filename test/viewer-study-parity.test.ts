import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describe as describeDataset } from '../viewer/server/datasets.ts';
import { writeSyntheticStudy } from '../viewer/testing/fixtures.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mesolab-viewer-parity-'));
  await writeSyntheticStudy(dir, 3, 12);
  // Give one output a unit, as a study of fill times (s) would have.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(path.join(dir, 'study.duckdb'));
  const conn = await db.connect();
  await conn.run("UPDATE columns SET unit = '%' WHERE name = 'porosity'");
  conn.closeSync();
  db.closeSync();
  // `npm start` (mesolab study) writes its models under surrogates/<kind>/, not models/<kind>/.
  await mkdir(path.join(dir, 'surrogates'), { recursive: true });
  await rename(path.join(dir, 'models', 'gpr'), path.join(dir, 'surrogates', 'gpr'));
  await rm(path.join(dir, 'models'), { recursive: true });
  // A run's fields folder must never be searched, however it is named inside.
  await writeFile(path.join(dir, 'fields', 'parity.json'), '[{"row":0,"output":"bogus","actual":1,"predicted":1}]');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('study parity plots are found where `npm start` writes them', () => {
  it('reads surrogates/gpr/parity.json with the model folder and the per-point std for error bars', async () => {
    const m = await describeDataset(dir);
    expect(m.kind).toBe('study');
    const parity = m.study!.parity;
    expect(parity.map((p) => p.output).sort()).toEqual(['porosity', 'qs_saturation']);
    for (const p of parity) {
      expect(p.model).toBe('surrogates/gpr');
      expect(p.simulated).toHaveLength(3);
      expect(p.std).toEqual([0.01, 0.01, 0.01]);
    }
  });

  it('puts the run id first, then the inputs, then the outputs, then bookkeeping, with roles and units', async () => {
    const m = await describeDataset(dir);
    const t = m.study!.table;
    expect(t.columns).toEqual(['run_id', 'calendering', 'porosity_target', 'porosity', 'qs_saturation', 'status']);
    expect(t.roles!.calendering).toBe('input');
    expect(t.units!.calendering).toBe('%');
    // Rows are reordered with the columns: calendering is 5 × the run index.
    expect(t.rows.map((r) => r[1])).toEqual([0, 5, 10]);
    expect(t.rows.map((r) => r[5])).toEqual(['ok', 'ok', 'ok']);
    // Parity axes get the unit from the columns table; a dimensionless output (unit "1") none.
    expect(Object.fromEntries(m.study!.parity.map((p) => [p.output, p.unit]))).toEqual({ qs_saturation: '', porosity: '%' });
  });
});
