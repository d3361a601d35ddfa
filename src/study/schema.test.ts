import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseStudy } from './schema.ts';
import { expandRuns, parseShard, inShard, extraRuns, runId } from './runs.ts';
import { studyHash } from './hash.ts';
import { ConfigError } from '../errors.ts';
import type { StageCatalog, StageInfo } from './stage-catalog.ts';
import { META_COLUMNS } from '../store/db.ts';
import { configErrorOf } from '../../test/helpers/config-error.ts';

// A catalog of two fake stages with strict zod schemas, standing in for the real ones.
const make = (name: string, params: z.ZodType, extra: Partial<StageInfo> = {}): StageInfo => ({
  name, description: name, params, needsVolume: false, producesVolume: false, outputs: [{ name: `${name}_out`, type: 'number' }], fields: [], ...extra,
});
const catalog: StageCatalog = new Map([
  ['gen', make('gen', z.object({ porosity: z.number().gt(0).lt(1).default(0.4), nested: z.object({ a: z.number().default(1) }).strict().default({ a: 1 }) }).strict(), { producesVolume: true, fields: ['volume'] })],
  ['fill', make('fill', z.object({ angle: z.number().min(0).max(180).default(30) }).strict(), { needsVolume: true })],
]);

const good = {
  name: 'ok',
  chain: ['gen', 'fill'],
  varied: [
    { name: 'phi', set: ['gen.porosity'], distribution: 'uniform', min: 0.3, max: 0.5, unit: '1' },
    { name: 'theta', set: ['fill.angle'], distribution: 'choice', levels: [10, 40, 70] },
    { name: 'a', set: ['gen.nested.a'], distribution: 'loguniform', min: 1, max: 10 },
  ],
  design: { type: 'lhs' },
  samples: 8,
  seed: 5,
  replicates: 2,
};

function errorOf(input: unknown): ConfigError {
  return configErrorOf(() => parseStudy(input, catalog));
}

describe('study validation', () => {
  it('accepts a good study and derives its design, hash and runs', () => {
    const s = parseStudy(good, catalog);
    expect(s.points).toHaveLength(8);
    expect(s.hash).toMatch(/^[0-9a-f]{16}$/);
    const runs = expandRuns(s);
    expect(runs).toHaveLength(16);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(16);
    expect(runs[3]!.runId).toBe(runId(1, 1, runs[3]!.seed));
    // Seeds depend on design index and replicate only: the same in every invocation.
    expect(expandRuns(parseStudy(good, catalog)).map((r) => r.seed)).toEqual(runs.map((r) => r.seed));
    // Name and description do not change the identity; the seed does.
    expect(parseStudy({ ...good, name: 'other', description: 'x' }, catalog).hash).toBe(s.hash);
    expect(parseStudy({ ...good, seed: 6 }, catalog).hash).not.toBe(s.hash);
    expect(studyHash({ ...s })).toBe(s.hash);
  });

  it('names the field, value and expectation of each mistake', () => {
    expect(errorOf({ ...good, bogus: 1 }).message).toMatch(/^bogus: got 1, expected no such field/);
    expect(errorOf({ ...good, chain: ['gen', 'nope'] }).message).toMatch(/chain\[1\]: got "nope", expected one of "gen", "fill"/);
    expect(errorOf({ ...good, chain: ['fill', 'gen'] }).message).toMatch(/chain\[0\].*after one that makes a volume/);
    expect(errorOf({ ...good, varied: [{ ...good.varied[0], set: ['gen.porosty'] }] }).message).toMatch(/varied\[0\]\.set\[0\]: got "gen.porosty", expected a parameter of stage "gen" \(known: porosity, nested\)/);
    expect(errorOf({ ...good, varied: [{ ...good.varied[0], min: 0.6 }] }).message).toMatch(/varied\[0\]\.max: got 0.5, expected a value greater than min \(0.6\)/);
    expect(errorOf({ ...good, varied: [{ ...good.varied[0], max: 1.5 }] }).message).toMatch(/porosity/);
    expect(errorOf({ ...good, varied: [{ ...good.varied[0], distribution: 'triangular' }] }).message).toMatch(/varied\.0\.distribution|varied\[0\]|distribution/);
    expect(errorOf({ ...good, samples: undefined }).message).toMatch(/samples: got nothing, expected the number of design points/);
    expect(errorOf({ ...good, fixed: { fill: { angel: 3 } } }).message).toMatch(/angel/);
    expect(errorOf({ ...good, varied: [{ ...good.varied[0], name: 'gen_out' }] }).message).toMatch(/gen_out.*not used by an output/);
    expect(errorOf({ ...good, fields: ['pressure'] }).message).toMatch(/fields\[0\]: got "pressure", expected a field of the chain \(volume\)/);
    expect(errorOf({ ...good, design: { type: 'grid' }, samples: 5 }).message).toMatch(/samples: got 5, expected 27 \(the size of the grid\)/);
  });

  it('grids derive their size; shards split runs by design index', () => {
    const s = parseStudy({ ...good, design: { type: 'grid', levels: 2 }, samples: undefined, replicates: 1 }, catalog);
    expect(s.samples).toBe(2 * 3 * 2);
    const runs = expandRuns(s);
    const shards = [0, 1, 2].map((i) => runs.filter((r) => inShard(r, parseShard(`${i}/3`))));
    expect(shards.flat().map((r) => r.runId).sort()).toEqual(runs.map((r) => r.runId).sort());
    expect(shards[1]!.every((r) => r.designIndex % 3 === 1)).toBe(true);
    expect(() => parseShard('3/3')).toThrow(/"i\/N" with 0 <= i < N/);
    expect(() => parseShard('a/b')).toThrow(ConfigError);
  });

  it('extra points get ids from their tag and values, the same every time', () => {
    const a = extraRuns([{ phi: 0.4, theta: 10, a: 2 }], 'al', 1);
    expect(a[0]!.runId).toBe(extraRuns([{ a: 2, theta: 10, phi: 0.4 }], 'al', 1)[0]!.runId);
    expect(a[0]!.runId).not.toBe(extraRuns([{ phi: 0.41, theta: 10, a: 2 }], 'al', 1)[0]!.runId);
    expect(() => extraRuns([], 'bad tag', 1)).toThrow(ConfigError);
  });

  it('keeps the reserved column list equal to the store\'s run columns', async () => {
    const fs = await import('node:fs');
    const text = fs.readFileSync(new URL('./schema.ts', import.meta.url), 'utf8');
    const listed = /RESERVED_COLUMNS = \[([^\]]*)\]/.exec(text)![1]!.split(',').map((s) => s.trim().replace(/'/g, ''));
    expect(listed).toEqual(META_COLUMNS.map((c) => c.name));
  });
});
