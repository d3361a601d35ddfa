import { Rng } from '../random/rng.ts';
import { ConfigError } from '../errors.ts';
import type { DesignPoint } from '../doe/index.ts';
import { canonicalJson, sha256Hex } from './hash.ts';

/** One simulation to run: a design point, its replicate index and its own seed. */
export interface RunTask {
  runId: string;
  designIndex: number;
  replicate: number;
  /** Seed of this run's random stream (derived from the study seed, design index and replicate). */
  seed: number;
  point: DesignPoint;
  /** Set for points added after the design (active learning, inverse design). */
  tag?: string;
}

/** Seed of one run, independent of the order in which runs execute. */
export function runSeed(studySeed: number, designIndex: number, replicate: number): number {
  return Rng.stream(studySeed, designIndex * 1009 + replicate).nextUint32();
}

/** Deterministic run id, e.g. "d000012-r1-s3735928559": design index, replicate, run seed. */
export function runId(designIndex: number, replicate: number, seed: number): string {
  return `d${String(designIndex).padStart(6, '0')}-r${replicate}-s${seed}`;
}

/** Every run of a study: each design point times each replicate, in design order. */
export function expandRuns(study: { points: readonly DesignPoint[]; replicates: number; seed: number }): RunTask[] {
  const tasks: RunTask[] = [];
  study.points.forEach((point, designIndex) => {
    for (let replicate = 0; replicate < study.replicates; replicate++) {
      const seed = runSeed(study.seed, designIndex, replicate);
      tasks.push({ runId: runId(designIndex, replicate, seed), designIndex, replicate, seed, point });
    }
  });
  return tasks;
}

/**
 * Runs for points added after the design: the id and seed come from a hash of the tag, the point
 * and the replicate, so adding the same point with the same tag again finds the same run.
 * Their design index is -1 (not part of the design).
 */
export function extraRuns(points: readonly DesignPoint[], tag: string, replicates: number): RunTask[] {
  if (!/^[A-Za-z0-9_-]+$/.test(tag)) throw new ConfigError('tag', tag, 'letters, digits, "_" or "-"');
  return points.flatMap((point) =>
    Array.from({ length: replicates }, (_, replicate) => {
      const h = sha256Hex(canonicalJson({ tag, point, replicate }));
      const seed = Number.parseInt(h.slice(0, 8), 16) >>> 0;
      return { runId: `${tag}-${h.slice(0, 12)}-r${replicate}`, designIndex: -1, replicate, seed, point, tag };
    }),
  );
}

/** A shard "i/N": runs whose design index is i modulo N. Extra points shard by their seed. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string, field = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new ConfigError(field, text, '"i/N" with 0 <= i < N, e.g. 0/4');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new ConfigError(field, text, '"i/N" with 0 <= i < N, e.g. 0/4');
  return { index, count };
}

export function inShard(task: RunTask, shard: Shard | undefined): boolean {
  if (!shard) return true;
  const key = task.designIndex >= 0 ? task.designIndex : task.seed;
  return key % shard.count === shard.index;
}
