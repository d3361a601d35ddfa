import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseStudy } from './schema.ts';
import { ConfigError } from '../errors.ts';
import type { StageCatalog, StageInfo } from './stage-catalog.ts';
import { configErrorOf } from '../../test/helpers/config-error.ts';

// Fake stages standing in for generate, fill-qs and fill-lbm (the real ones need volumes to run).
const make = (name: string, params: z.ZodType, outputs: string[], extra: Partial<StageInfo> = {}): StageInfo => ({
  name, description: name, params, needsVolume: true, producesVolume: false, outputs: outputs.map((o) => ({ name: o, type: 'number' as const })), fields: [], ...extra,
});
const angle = z.object({ angle: z.number().min(0).max(180).default(30), steps: z.number().default(10) }).strict();
const catalog: StageCatalog = new Map([
  ['gen', make('gen', z.object({ porosity: z.number().gt(0).lt(1).default(0.4) }).strict(), [], { needsVolume: false, producesVolume: true })],
  ['fill-qs', make('fill-qs', angle, ['qs_saturation'])],
  ['fill-lbm', make('fill-lbm', angle, ['lbm_saturation', 'lbm_t50'])],
]);

const study = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'mf',
  chain: ['gen', 'fill-qs', 'fill-lbm'],
  varied: [
    { name: 'phi', set: ['gen.porosity'], distribution: 'uniform', min: 0.3, max: 0.5 },
    { name: 'theta', set: ['fill-qs.angle', 'fill-lbm.angle'], distribution: 'uniform', min: 10, max: 80 },
  ],
  samples: 6,
  stageLimits: { 'fill-lbm': 2 },
  fidelity: { low: 'fill-qs', high: 'fill-lbm', pairs: { lbm_saturation: 'qs_saturation' } },
  ...over,
});

function refusal(input: Record<string, unknown>): ConfigError {
  return configErrorOf(() => parseStudy(input, catalog));
}

describe('study fidelity declaration', () => {
  it('accepts a quasi-static low and LBM high fidelity that share their inputs, without changing the study hash', () => {
    const s = parseStudy(study(), catalog);
    expect(s.fidelity).toEqual({ low: 'fill-qs', high: 'fill-lbm', pairs: { lbm_saturation: 'qs_saturation' } });
    const { fidelity: _f, ...plain } = study();
    expect(parseStudy(plain, catalog).hash).toBe(s.hash);
  });

  it('refuses fidelity levels that do not share inputs, naming the varied parameter', () => {
    const e = refusal(study({ varied: [{ name: 'theta', set: ['fill-lbm.angle'], distribution: 'uniform', min: 10, max: 80 }] }));
    expect(e.message).toMatch(/varied\[0\]\.set/);
    expect(e.message).toMatch(/fill-qs\.<parameter>/);
    const e2 = refusal(study({ varied: [{ name: 'theta', set: ['fill-qs.angle'], distribution: 'uniform', min: 10, max: 80 }] }));
    expect(e2.message).toMatch(/varied\[0\]\.set.*fill-lbm\.<parameter>/);
  });

  it('refuses an LBM stage without a low-fidelity partner, naming fidelity.low', () => {
    expect(refusal(study({ fidelity: { high: 'fill-lbm' } })).message).toMatch(/fidelity\.low.*low-fidelity partner stage for "fill-lbm"/);
    expect(refusal(study({ fidelity: { high: 'fill-qs', low: 'gen' } })).message).toMatch(/fidelity\.high.*"fill-qs".*"fill-lbm"/);
    expect(refusal(study({ fidelity: { high: 'fill-lbm', low: 'fill-lbm' } })).message).toMatch(/fidelity\.low/);
    expect(refusal(study({ chain: ['gen', 'fill-lbm'], stageLimits: {}, varied: [], fidelity: { high: 'fill-lbm', low: 'fill-qs' } })).message).toMatch(/fidelity\.low.*"fill-qs".*a stage in the chain/);
  });

  it('refuses pairs that are not outputs of their stages, naming the pair', () => {
    expect(refusal(study({ fidelity: { low: 'fill-qs', high: 'fill-lbm', pairs: { lbm_saturation: 'qs_t50' } } })).message).toMatch(/fidelity\.pairs\.lbm_saturation.*qs_t50/);
    expect(refusal(study({ fidelity: { low: 'fill-qs', high: 'fill-lbm', pairs: { qs_saturation: 'qs_saturation' } } })).message).toMatch(/fidelity\.pairs\.qs_saturation/);
  });
});
