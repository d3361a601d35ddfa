import type { z } from 'zod';
import { ConfigError } from '../errors.ts';

// Browser-safe (no Node imports): the viewer's workers validate with it too.
/**
 * Validates `input` against a zod schema and turns the first problem into a ConfigError that
 * names the field path, the value given and what was expected. Schemas should be `.strict()` so
 * unknown fields are errors.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw issueToError(issue, input, prefix);
}

function issueToError(issue: z.core.$ZodIssue, input: unknown, prefix: string): ConfigError {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const field = joinPath(prefix, [...path, keys[0] ?? '?']);
    return new ConfigError(field, valueAt(input, [...path, keys[0] ?? '']), 'no such field (unknown fields are not ignored)', keys.length > 1 ? `also unknown: ${keys.slice(1).join(', ')}` : undefined);
  }
  const field = joinPath(prefix, path) || '(config)';
  const value = valueAt(input, path);
  return new ConfigError(field, value, describeExpected(issue));
}

/**
 * What was expected, as a phrase that completes "got X, expected …" in plain words (zod's own
 * messages, "Invalid discriminator value. Expected 'grid' | …" or "Too small: expected number to
 * be >0", read badly there).
 */
export function describeExpected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return typeWords(String(issue.expected));
    case 'too_small':
      return boundWords(issue.origin, issue.inclusive ? '>=' : '>', issue.inclusive ? 'at least' : 'more than', issue.minimum);
    case 'too_big':
      return boundWords(issue.origin, issue.inclusive ? '<=' : '<', issue.inclusive ? 'at most' : 'fewer than', issue.maximum);
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
      return `a string in ${issue.format} format`;
    case 'invalid_union': {
      const raw = issue as unknown as { options?: unknown[]; discriminator?: string; errors?: z.core.$ZodIssue[][] };
      if (Array.isArray(raw.options) && raw.options.length > 0) return `one of ${raw.options.map((v) => JSON.stringify(v)).join(', ')}`;
      const branches = (raw.errors ?? []).map((b) => (b[0] ? describeExpected(b[0]) : '')).filter((t, i, a) => t !== '' && a.indexOf(t) === i);
      return branches.length > 0 ? `${branches.slice(0, -1).join(', ')}${branches.length > 1 ? ' or ' : ''}${branches[branches.length - 1]}` : 'a value of one of the accepted forms';
    }
    case 'invalid_key':
      return 'a valid key';
    case 'invalid_element':
      return 'valid elements';
    default: {
      // Custom refinements carry their own message; make it read as a phrase.
      const m = issue.message.replace(/^Invalid input:?\s*/i, '').replace(/^expected\s+/i, '');
      return m === '' ? 'a valid value' : m.charAt(0).toLowerCase() + m.slice(1);
    }
  }
}

function typeWords(t: string): string {
  if (t === 'int') return 'an integer';
  if (t === 'object' || t === 'record') return 'an object of fields';
  if (t === 'array' || t === 'tuple') return 'a list';
  return `a value of type ${t}`;
}

/** Numbers keep the compact "a number >= 0"; strings and lists count characters and items. */
function boundWords(origin: string, symbol: string, words: string, bound: unknown): string {
  const n = String(bound);
  switch (origin) {
    case 'number':
    case 'int':
    case 'bigint':
      return `a number ${symbol} ${n}`;
    case 'string':
      return `a string of ${words} ${n} character${n === '1' ? '' : 's'}`;
    case 'array':
    case 'set':
      return `a list of ${words} ${n} item${n === '1' ? '' : 's'}`;
    default:
      return `a size ${symbol} ${n}`;
  }
}

function joinPath(prefix: string, path: readonly (string | number)[]): string {
  return [prefix, ...path.map(String)].filter((s) => s !== '').join('.');
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(key)];
  }
  return cur;
}
