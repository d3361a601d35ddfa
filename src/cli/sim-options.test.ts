import { describe, expect, it } from 'vitest';
import { contactAnglesFromFlag, nonNegativeInteger, parseAngleList, positiveNumber } from './sim-options.ts';
import { formatProgress } from './sim-progress.ts';

describe('simulation command options', () => {
  it('reads contact-angle lists and names the offending entry', () => {
    expect(parseAngleList('am=30, cbd=60,label4=80')).toEqual({ am: 30, cbd: 60, label4: 80 });
    expect(() => parseAngleList('am=200')).toThrow('--contact-angle.am: got 200, expected a number <= 180');
    expect(() => parseAngleList('cbd=-1')).toThrow('--contact-angle.cbd: got -1, expected a number >= 0');
    expect(() => parseAngleList('pvdf=30')).toThrow(/--contact-angle: got "pvdf=30", expected comma-separated label=degrees/);
  });

  it('merges flag angles over the config file field by field', () => {
    expect(contactAnglesFromFlag('am=10', { contactAngle: { am: 30, cbd: 50 } })).toEqual({ am: 10, cbd: 50 });
    expect(contactAnglesFromFlag(undefined, { contactAngle: { am: 30 } })).toBeUndefined();
  });

  it('checks numeric flags', () => {
    expect(positiveNumber('2.5', '--viscosity', 'a positive viscosity in mPa·s')).toBe(2.5);
    expect(() => positiveNumber('0', '--viscosity', 'a positive viscosity in mPa·s')).toThrow('--viscosity: got "0", expected a positive viscosity in mPa·s');
    expect(() => nonNegativeInteger('1.5', '--steps', 'a non-negative integer')).toThrow('--steps: got "1.5"');
  });

  it('formats progress with count, rate and ETA', () => {
    expect(formatProgress({ stage: 'lbm', done: 500, total: 2000, unit: 'steps' }, 10)).toBe('lbm: 500/2000 steps, 50 steps/s, ETA 30 s');
    expect(formatProgress({ stage: 'pack', done: 3, info: { overlap: 0.01234 } }, 2)).toBe('pack: 3, 1.5/s, overlap 0.01234');
  });
});
