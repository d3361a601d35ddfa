import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../errors.ts';
import { parseWith } from '../config/parse.ts';
import { DesignSchema, VariedParamSchema, generateDesign, gridSize, validateVariedParams, type DesignPoint } from '../doe/index.ts';
import type { StageCatalog } from './stage-catalog.ts';
import { studyHash } from './hash.ts';
import { paramsForStage } from './stage-params.ts';

/** Column names of the runs table that inputs may not take (see src/store/db.ts META_COLUMNS). */
const RESERVED_COLUMNS = ['run_id', 'status', 'design_index', 'replicate', 'replicated', 'seed', 'tag', 'error', 'error_type', 'finished_at', 'run_seconds', 'stage_seconds', 'backend', 'mesolab_version', 'field_files', 'stage_errors'];

export const StudySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a name of letters, digits, ".", "_" or "-"').describe('study name (also the default output folder name)'),
    description: z.string().optional(),
    chain: z.array(z.string()).min(1).describe('stages run in order for every sample, e.g. ["generate", "properties", "fill-qs"]'),
    fixed: z.record(z.string(), z.record(z.string(), z.unknown())).default({}).describe('parameters of each stage that every sample shares, by stage name'),
    varied: z.array(VariedParamSchema).default([]).describe('parameters the design varies'),
    design: DesignSchema.default({ type: 'lhs' }),
    samples: z.number().int().min(1).max(1_000_000).optional().describe('design points (not counting replicates); a grid derives it'),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    replicates: z.number().int().min(1).max(1000).default(1).describe('runs per design point with different random seeds'),
    outputs: z.array(z.string()).optional().describe('output columns to keep (default: all)'),
    fields: z.array(z.string()).default([]).describe('large arrays kept as files under fields/<run_id>/ (e.g. "volume")'),
    stageLimits: z.record(z.string(), z.number().int().min(0)).default({}).describe('run a stage only for design indices below N, e.g. {"fill-lbm": 3}: a few expensive runs; its outputs are null elsewhere'),
    optionalStages: z.array(z.string()).default([]).describe('stages whose failure leaves the run ok: their outputs stay null and the message goes to stage_errors (e.g. a few exploratory lattice-Boltzmann runs)'),
    timeLimitSeconds: z.number().positive().optional().describe('per-run wall-clock limit in seconds (s)'),
    fidelity: z
      .object({
        high: z.string().describe('the expensive stage, e.g. "fill-lbm"'),
        low: z.string().optional().describe('the cheap stage that approximates it, e.g. "fill-qs"'),
        pairs: z.record(z.string(), z.string()).default({}).describe('high-fidelity output → its low-fidelity counterpart, e.g. {"lbm_saturation": "qs_saturation"}'),
      })
      .strict()
      .optional()
      .describe('which stage is the low and which the high fidelity, for multi-fidelity surrogates (mesolab train --low-fidelity)'),
  })
  .strict();

export type StudyInput = z.input<typeof StudySchema>;
type ParsedStudy = z.output<typeof StudySchema>;

/** A validated study: the parsed file plus its design and identity. */
export interface Study extends ParsedStudy {
  samples: number;
  /** Hash of everything that decides the results; shards of one study share it. */
  hash: string;
  /** Path of the study file, if it came from one. */
  file?: string;
  /** Design points, one per design index. */
  points: DesignPoint[];
}

/**
 * Validates a study against the schema and the stage catalog: known stages in a workable order,
 * varied parameters that exist in their stage's schema, and stage parameters that the stage
 * accepts for the first design point. Errors name the field, the value and what was expected.
 */
export function parseStudy(input: unknown, catalog: StageCatalog, file?: string): Study {
  const parsed = parseWith(StudySchema, input);
  validateVariedParams(parsed.varied);
  let hasVolume = false;
  parsed.chain.forEach((name, i) => {
    const stage = catalog.get(name);
    if (!stage) throw new ConfigError(`chain[${i}]`, name, `one of ${[...catalog.keys()].map((k) => JSON.stringify(k)).join(', ')}`);
    if (stage.needsVolume && !hasVolume) throw new ConfigError(`chain[${i}]`, name, 'a stage after one that makes a volume (put "generate" first)');
    if (stage.producesVolume) hasVolume = true;
  });
  if (new Set(parsed.chain).size !== parsed.chain.length) throw new ConfigError('chain', parsed.chain, 'each stage at most once');
  for (const stageName of Object.keys(parsed.stageLimits)) {
    if (!parsed.chain.includes(stageName)) throw new ConfigError(`stageLimits.${stageName}`, parsed.stageLimits[stageName], `a limit for a stage in the chain (${parsed.chain.join(', ')})`);
    if (catalog.get(stageName)!.producesVolume) throw new ConfigError(`stageLimits.${stageName}`, parsed.stageLimits[stageName], 'no limit on a stage that later stages need');
  }
  parsed.optionalStages.forEach((stageName, i) => {
    if (!parsed.chain.includes(stageName)) throw new ConfigError(`optionalStages[${i}]`, stageName, `a stage in the chain (${parsed.chain.join(', ')})`);
    if (catalog.get(stageName)!.producesVolume) throw new ConfigError(`optionalStages[${i}]`, stageName, 'a stage that later stages do not need');
  });
  for (const stageName of Object.keys(parsed.fixed)) {
    if (!parsed.chain.includes(stageName)) throw new ConfigError(`fixed.${stageName}`, parsed.fixed[stageName], `parameters of a stage in the chain (${parsed.chain.join(', ')})`);
  }
  parsed.varied.forEach((p, i) => {
    const targets = p.set ?? (p.name.includes('.') ? [p.name] : undefined);
    if (!targets) throw new ConfigError(`varied[${i}].set`, undefined, `the stage parameters "${p.name}" sets, e.g. ["${parsed.chain[0]}.${p.name}"]`);
    targets.forEach((t, k) => {
      const [stageName, ...path] = t.split('.');
      if (!parsed.chain.includes(stageName!)) throw new ConfigError(`varied[${i}].set[${k}]`, t, `a parameter of a stage in the chain (${parsed.chain.join(', ')})`);
      const known = schemaHasPath(catalog.get(stageName!)!.params, path);
      if (!known) throw new ConfigError(`varied[${i}].set[${k}]`, t, `a parameter of stage "${stageName}" (known: ${schemaKeys(catalog.get(stageName!)!.params).join(', ')})`);
    });
  });
  if (parsed.fidelity) validateFidelity(parsed, catalog);
  let samples: number;
  if (parsed.design.type === 'grid') {
    samples = gridSize(parsed.varied, parsed.design);
    if (parsed.samples !== undefined && parsed.samples !== samples) throw new ConfigError('samples', parsed.samples, `${samples} (the size of the grid) or nothing`);
  } else {
    if (parsed.samples === undefined) throw new ConfigError('samples', undefined, `the number of design points for a ${parsed.design.type} design`);
    samples = parsed.samples;
  }
  const outputNames = new Set(parsed.chain.flatMap((s) => catalog.get(s)!.outputs.map((o) => o.name)));
  parsed.varied.forEach((p, i) => {
    if (outputNames.has(p.name) || RESERVED_COLUMNS.includes(p.name)) {
      throw new ConfigError(`varied[${i}].name`, p.name, 'a column name not used by an output or a run column', `taken: ${[...RESERVED_COLUMNS, ...outputNames].join(', ')}`);
    }
  });
  parsed.outputs?.forEach((o, i) => {
    if (!outputNames.has(o)) throw new ConfigError(`outputs[${i}]`, o, `an output of the chain (${[...outputNames].join(', ')})`);
  });
  const fieldNames = new Set(parsed.chain.flatMap((s) => catalog.get(s)!.fields));
  parsed.fields.forEach((f, i) => {
    if (!fieldNames.has(f)) throw new ConfigError(`fields[${i}]`, f, fieldNames.size ? `a field of the chain (${[...fieldNames].join(', ')})` : 'nothing: this chain keeps no fields');
  });
  const { points } = generateDesign(parsed.varied, parsed.design, samples, parsed.seed);
  // Check the stages accept their parameters for the first design point and for every varied
  // parameter at the ends of its range (each level of a choice), before any worker starts.
  const first = points[0] ?? {};
  const probes: { point: DesignPoint; what: string }[] = [{ point: first, what: 'design point 0' }];
  for (const p of parsed.varied) {
    const ends = p.distribution === 'choice' ? p.levels : p.distribution === 'normal' ? [] : [p.min, p.max];
    for (const v of ends) probes.push({ point: { ...first, [p.name]: v }, what: `varied ${p.name} = ${String(v)}` });
  }
  for (const { point, what } of probes) {
    for (const stageName of parsed.chain) {
      parseWith(catalog.get(stageName)!.params, paramsForStage(parsed, stageName, point), `stage ${stageName} (${what})`);
    }
  }
  const study: Study = { ...parsed, samples, points, hash: studyHash({ ...parsed, samples }) };
  if (file) study.file = file;
  return study;
}

/** The stages a varied parameter writes to. */
function variedStages(p: ParsedStudy['varied'][number]): string[] {
  return (p.set ?? [p.name]).map((t) => t.split('.')[0]!);
}

/**
 * Multi-fidelity declaration: both stages in the chain, the lattice-Boltzmann stage (when the chain
 * has one) as the high fidelity with a low-fidelity partner, and the same inputs at both levels (a
 * varied parameter that sets one fidelity's stage sets the other's too), so that f_high = ρ·f_low + δ
 * compares the two at the same points. Refused before any run starts.
 */
function validateFidelity(parsed: ParsedStudy, catalog: StageCatalog): void {
  const f = parsed.fidelity!;
  const inChain = `a stage in the chain (${parsed.chain.join(', ')})`;
  if (!parsed.chain.includes(f.high)) throw new ConfigError('fidelity.high', f.high, inChain);
  if (parsed.chain.includes('fill-lbm') && f.high !== 'fill-lbm') throw new ConfigError('fidelity.high', f.high, '"fill-lbm": the lattice-Boltzmann stage of this chain is the high fidelity');
  if (f.low === undefined) throw new ConfigError('fidelity.low', undefined, `a low-fidelity partner stage for "${f.high}" (e.g. "fill-qs")`);
  if (!parsed.chain.includes(f.low)) throw new ConfigError('fidelity.low', f.low, inChain);
  if (f.low === f.high) throw new ConfigError('fidelity.low', f.low, `a stage other than the high fidelity "${f.high}"`);
  parsed.varied.forEach((p, i) => {
    const stages = variedStages(p);
    const setsLow = stages.includes(f.low!);
    const setsHigh = stages.includes(f.high);
    if (setsLow !== setsHigh) {
      const missing = setsLow ? f.high : f.low!;
      throw new ConfigError(`varied[${i}].set`, p.set ?? p.name, `parameters of both fidelity stages "${f.low}" and "${f.high}" or of neither (add "${missing}.<parameter>"): the two fidelities must share their inputs`);
    }
  });
  const highOut = new Set(catalog.get(f.high)!.outputs.map((o) => o.name));
  const lowOut = new Set(catalog.get(f.low)!.outputs.map((o) => o.name));
  for (const [h, l] of Object.entries(f.pairs)) {
    if (!highOut.has(h)) throw new ConfigError(`fidelity.pairs.${h}`, h, `an output of the high-fidelity stage "${f.high}" (${[...highOut].join(', ')})`);
    if (!lowOut.has(l)) throw new ConfigError(`fidelity.pairs.${h}`, l, `an output of the low-fidelity stage "${f.low}" (${[...lowOut].join(', ')})`);
  }
}

/** Reads a JSON or YAML study file and validates it. */
export function readStudyFile(path: string, catalog: StageCatalog): Study {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('study', path, 'a readable JSON or YAML study file', (e as NodeJS.ErrnoException).code);
  }
  const ext = extname(path).toLowerCase();
  let input: unknown;
  try {
    input = ext === '.yaml' || ext === '.yml' ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError('study', path, ext === '.yaml' || ext === '.yml' ? 'valid YAML' : 'valid JSON', (e as Error).message);
  }
  return parseStudy(input, catalog, path);
}

/** Unwraps optional/default/nullable wrappers to reach an object schema's shape. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: unknown = schema;
  for (let i = 0; i < 10 && s; i++) {
    const def = (s as { _zod?: { def?: { type?: string; innerType?: unknown; shape?: Record<string, z.ZodType>; in?: unknown; left?: unknown } } })._zod?.def;
    if (!def) return undefined;
    if (def.type === 'object' && def.shape) return def.shape;
    s = def.innerType ?? def.in ?? def.left;
  }
  return undefined;
}

function schemaKeys(schema: z.ZodType): string[] {
  return Object.keys(objectShape(schema) ?? {});
}

function schemaHasPath(schema: z.ZodType, path: readonly string[]): boolean {
  let cur: z.ZodType | undefined = schema;
  for (const key of path) {
    const shape: Record<string, z.ZodType> | undefined = cur ? objectShape(cur) : undefined;
    // A schema whose shape we cannot see (a record, a union) is left to the parse of the first point.
    if (!shape) return cur !== undefined;
    cur = shape[key];
    if (!cur) return false;
  }
  return true;
}
