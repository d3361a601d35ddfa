import { describe, expect, it } from 'vitest';
import { contactAnglesFromFlag, fillCommonFlags } from './sim-options.ts';
import { MesolabError } from '../errors.ts';
import { formatProgress } from './sim-progress.ts';

describe('simulation command options', () => {
  it('merges flag angles over the config file field by field', () => {
    expect(contactAnglesFromFlag('am=10', { contactAngle: { am: 30, cbd: 50 } })).toEqual({ am: 10, cbd: 50 });
    expect(contactAnglesFromFlag(undefined, { contactAngle: { am: 30 } })).toBeUndefined();
  });

  it('turns the flags both filling models share into schema fields, leaving out those not given', () => {
    expect(fillCommonFlags({ contactAngle: 'cbd=70', inlet: 'x-', outlet: 'none', surfaceTension: '0.04' }, { contactAngle: { am: 30 } })).toEqual({ contactAngle: { am: 30, cbd: 70 }, inlet: 'x-', outlet: 'none', surfaceTension: 0.04 });
    expect(fillCommonFlags({ steps: '10' }, {})).toEqual({});
    expect(() => fillCommonFlags({ surfaceTension: '-1' }, {})).toThrow(MesolabError);
    expect(() => fillCommonFlags({ surfaceTension: '-1' }, {})).toThrow(/--surface-tension/);
  });

  it('formats progress with count, rate and ETA', () => {
    expect(formatProgress({ stage: 'lbm', done: 500, total: 2000, unit: 'steps' }, 10)).toBe('lbm: 500/2000 steps, 50 steps/s, ETA 30 s');
    expect(formatProgress({ stage: 'pack', done: 3, info: { overlap: 0.01234 } }, 2)).toBe('pack: 3, 1.5/s, overlap 0.01234');
  });
});
