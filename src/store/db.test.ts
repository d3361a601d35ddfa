import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { StudyStore } from './db.ts';
import { readStudyTable } from './table.ts';
import { readRunField, writeRunFields } from './fields.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('study store', () => {
  it('recovers committed runs from the write-ahead log after SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesolab-wal-'));
    try {
      const child = spawnSync(process.execPath, [join(ROOT, 'bin/run-ts.js'), join(ROOT, 'src/store/fixtures/kill-after-commit.ts'), dir, '7'], { encoding: 'utf8' });
      expect(child.signal).toBe('SIGKILL');
      // The rows live only in the WAL until a checkpoint, which the killed process never ran.
      expect(existsSync(join(dir, 'study.duckdb.wal'))).toBe(true);
      const table = await readStudyTable(dir);
      expect(table.study).toEqual({ name: 'wal', hash: 'wal0' });
      expect(table.rows.map((r) => [r.run_id, r.value, r.label, r.flag])).toEqual(Array.from({ length: 7 }, (_, i) => [`r${i}`, i * 0.5, `v${i}`, i % 2 === 0]));
      expect(table.columns.find((c) => c.name === 'value')).toEqual({ name: 'value', role: 'output', unit: 'Pa', type: 'number' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a value of the wrong type and leaves no partial row; replaces a run by id; keeps Infinity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesolab-db-'));
    try {
      const store = await StudyStore.open(dir, { create: true });
      const columns = [{ name: 'tau', role: 'output' as const, type: 'number' as const }];
      await store.writeRun({ values: { run_id: 'a', status: 'failed', tau: null }, columns });
      await expect(store.writeRun({ values: { run_id: 'b', status: 'ok', tau: 'high' }, columns })).rejects.toThrow(/output tau: got "high", expected a number/);
      await store.writeRun({ values: { run_id: 'a', status: 'ok', tau: Infinity }, columns });
      const { rows } = await store.query('SELECT run_id, status, tau FROM runs');
      expect(rows).toEqual([{ run_id: 'a', status: 'ok', tau: Infinity }]);
      store.close();
      await expect(StudyStore.open(join(dir, 'missing'))).rejects.toThrow(/a folder holding study\.duckdb/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes fields whole under fields/<run id> and reads them back bit for bit, also with src/volume/io.ts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesolab-fields-'));
    try {
      const data = Float32Array.from({ length: 24 }, (_, i) => i / 3);
      const labels = Uint8Array.from({ length: 24 }, (_, i) => i % 3);
      const files = writeRunFields(dir, 'run1', { p: { shape: [2, 3, 4], voxelSize: 1e-6, data }, v: { shape: [2, 3, 4], voxelSize: 1e-6, data: labels } });
      expect(files).toEqual({ p: 'fields/run1/p.raw', v: 'fields/run1/v.raw' });
      expect(readRunField(dir, files.p!).data).toEqual(data);
      expect(readRunField(dir, files.v!).data).toEqual(labels);
      // The files are mesolab raw volumes and fields: the volume reader opens them too.
      const { readField, readVolume } = await import('../volume/io.ts');
      expect((await readField(join(dir, files.p!))).data).toEqual(data);
      const v = await readVolume(join(dir, files.v!));
      expect(v.labels).toEqual(labels);
      expect(v.shape).toEqual([2, 3, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
