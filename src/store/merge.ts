import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { StudyStore, type StudyInfo } from './db.ts';
import { FIELDS_DIR } from './fields.ts';

export interface MergeResult {
  name: string;
  hash: string;
  added: number;
  duplicates: number;
  total: number;
}

/**
 * Unites study folders (shards of one study) into `target`. Every source must hold the same
 * study (same hash) as the others and as the target if it exists. A run id is stored once: a
 * finished run wins over a failed one, otherwise the first seen is kept. Field files are copied
 * before their row is written, as in a sweep.
 */
export async function mergeStudies(sources: readonly string[], target: string): Promise<MergeResult> {
  if (sources.length === 0) throw new ConfigError('dirs', sources, 'at least one study folder');
  const infos: { dir: string; info: StudyInfo }[] = [];
  for (const dir of sources) {
    const store = await StudyStore.open(dir);
    try {
      const info = await store.readStudyInfo();
      if (!info) throw new ConfigError('dirs', dir, 'a study folder written by mesolab sweep');
      infos.push({ dir, info });
    } finally {
      store.close();
    }
  }
  const first = infos[0]!.info;
  for (const { dir, info } of infos) {
    if (info.hash !== first.hash) {
      throw new ConfigError('dirs', dir, `a shard of study "${first.name}" (hash ${first.hash}) like ${infos[0]!.dir}`, `it holds study "${info.name}" with hash ${info.hash}`);
    }
  }
  const out = await StudyStore.open(target, { create: true });
  let added = 0;
  let duplicates = 0;
  try {
    await out.claimStudy(first);
    const statuses = await out.runStatuses();
    for (const { dir } of infos) {
      if (dir === target) continue;
      const src = await StudyStore.open(dir);
      try {
        const columns = await src.readColumns();
        const { rows } = await src.query('SELECT * FROM runs ORDER BY design_index, replicate, run_id');
        for (const row of rows) {
          const id = String(row.run_id);
          const existing = statuses.get(id);
          if (existing === 'ok' || (existing !== undefined && row.status !== 'ok')) {
            duplicates++;
            continue;
          }
          const from = join(dir, FIELDS_DIR, id);
          if (existsSync(from)) {
            const to = join(target, FIELDS_DIR, id);
            rmSync(to, { recursive: true, force: true });
            cpSync(from, to, { recursive: true });
          }
          const values = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null));
          await out.writeRun({ values, columns });
          if (existing === undefined) added++;
          else duplicates++;
          statuses.set(id, String(row.status));
        }
      } finally {
        src.close();
      }
    }
    return { name: first.name, hash: first.hash, added, duplicates, total: statuses.size };
  } finally {
    out.close();
  }
}
