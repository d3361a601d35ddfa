import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Identity of a study: a hash of everything that decides its results and columns (chain,
 * parameters, design, samples, seed, replicates, kept outputs and fields), not of its name,
 * description or time limit. Shards of one study share it; merge refuses differing ones.
 */
export function studyHash(study: { chain: unknown; fixed: unknown; varied: unknown; design: unknown; samples: number; seed: number; replicates: number; outputs?: unknown; fields?: unknown; stageLimits?: unknown; optionalStages?: unknown }): string {
  const { chain, fixed, varied, design, samples, seed, replicates, outputs, fields, stageLimits, optionalStages } = study;
  return sha256Hex(canonicalJson({ chain, fixed, varied, design, samples, seed, replicates, outputs, fields, stageLimits, optionalStages })).slice(0, 16);
}
