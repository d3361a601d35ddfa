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

function describeExpected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `a value of type ${issue.expected}`;
    case 'too_small':
      return `${issue.origin === 'number' ? 'a number' : 'a size'} ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.origin === 'number' ? 'a number' : 'a size'} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
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
