import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseWith } from './parse.ts';
import { ConfigError } from '../errors.ts';

const Schema = z
  .object({
    porosity: z.number().min(0).max(1).describe('pore volume fraction (1)'),
    shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
    morphology: z.enum(['bridge', 'film']).default('bridge'),
    nested: z.object({ sigma: z.number().positive() }).strict().optional(),
  })
  .strict();

describe('parseWith', () => {
  it('accepts valid input and applies defaults', () => {
    expect(parseWith(Schema, { porosity: 0.4, shape: [8, 8, 8] })).toEqual({ porosity: 0.4, shape: [8, 8, 8], morphology: 'bridge' });
  });

  it('names the field, the value and the expectation for a value out of range', () => {
    const e = (() => {
      try {
        parseWith(Schema, { porosity: 1.4, shape: [8, 8, 8] });
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.field).toBe('porosity');
    expect(e.value).toBe(1.4);
    expect(e.message).toBe('porosity: got 1.4, expected a number <= 1');
  });

  it('rejects unknown fields instead of ignoring them', () => {
    expect(() => parseWith(Schema, { porosity: 0.4, shape: [8, 8, 8], porosty: 0.3 })).toThrow(
      /porosty: got 0.3, expected no such field/,
    );
    expect(() => parseWith(Schema, { porosity: 0.4, shape: [8, 8, 8], nested: { sigma: 1, sigm: 2 } }, 'fill')).toThrow(
      /fill\.nested\.sigm: got 2, expected no such field/,
    );
  });

  it('reports wrong types and enum values with the path', () => {
    expect(() => parseWith(Schema, { porosity: 0.4, shape: [8, -1, 8] })).toThrow(/shape\.1: got -1, expected a number > 0/);
    expect(() => parseWith(Schema, { porosity: 0.4, shape: [8, 8, 8], morphology: 'blob' })).toThrow(
      /morphology: got "blob", expected one of "bridge", "film"/,
    );
    expect(() => parseWith(Schema, { shape: [8, 8, 8] })).toThrow(/porosity: got nothing, expected a value of type number/);
  });
});
