/**
 * Output transforms that keep a surrogate's predictions inside physical bounds: a saturation or a
 * volume fraction is learned as logit(y) so its prediction stays in (0, 1); a time, a tortuosity or
 * any other strictly positive quantity is learned as log(y) so it stays positive. Any model kind is
 * wrapped the same way: it trains on the transformed column and its predictions are mapped back.
 *
 * The predictive distribution is Gaussian in the transformed space, so back in physical units the
 * mean reported is g(m) (the median, g the inverse transform) and the std is the half-width of the
 * mapped 95 % interval divided by 1.96, so `mean ± 1.96·std` spans the same probability as before.
 */
import type { ModelFile, Prediction, Surrogate, Trainer } from './model.ts';

export type OutputTransformKind = 'identity' | 'log' | 'logit';

export interface OutputTransform {
  kind: OutputTransformKind;
  /** Why this transform was chosen, for the report card. */
  reason: string;
  /** logit only: values at 0 or 1 are taken as eps or 1 − eps before the logit (documented in the card). */
  eps?: number;
}

export const OUTPUT_TRANSFORMS_FILE = 'output-transforms.json';

/** logit clipping: a saturation of exactly 0 or 1 (a dry or full electrode) is learned as 1e-3 or 0.999. */
export const LOGIT_EPS = 1e-3;

const FRACTION_NAME = /saturation|fraction|porosity|coverage|share/i;
const POSITIVE_NAME = /(^|_)t\d+($|_)|time|seconds|tortuosity|(^|_)tau($|_)|τ|diffusivity|conductivity|area|diameter|d[159]0/i;

/**
 * The transform for each output, from its name, unit and training values: logit for a saturation
 * or fraction (unit '–', '' or '1', every value in [0, 1]), log for a time (unit 's') or a named
 * positive quantity (tortuosity, diffusivity, …) whose values are all > 0, identity otherwise.
 * A column that breaks the bound its name suggests keeps the identity (its data are not clamped).
 */
export function chooseOutputTransforms(outputs: readonly string[], units: Readonly<Record<string, string>>, y: readonly (readonly number[])[]): Record<string, OutputTransform> {
  const out: Record<string, OutputTransform> = {};
  outputs.forEach((name, j) => {
    const col = y.map((r) => r[j]!);
    const unit = units[name] ?? '';
    const dimensionless = unit === '' || unit === '–' || unit === '-' || unit === '1';
    if (FRACTION_NAME.test(name) && dimensionless && col.every((v) => v >= 0 && v <= 1)) {
      out[name] = { kind: 'logit', eps: LOGIT_EPS, reason: 'a saturation or fraction: predictions stay in [0, 1]' };
    } else if ((unit === 's' || POSITIVE_NAME.test(name)) && col.every((v) => v > 0)) {
      out[name] = { kind: 'log', reason: unit === 's' ? 'a time: predictions stay positive' : 'a positive quantity: predictions stay positive' };
    } else {
      out[name] = { kind: 'identity', reason: col.some((v) => v < 0) ? 'takes negative values' : 'no physical bound known from its name and unit' };
    }
  });
  return out;
}

/** y in physical units → the value the model learns. */
export function forward(t: OutputTransform, y: number): number {
  if (t.kind === 'log') return Math.log(y);
  if (t.kind === 'logit') {
    const e = t.eps ?? LOGIT_EPS;
    const p = Math.min(1 - e, Math.max(e, y));
    return Math.log(p / (1 - p));
  }
  return y;
}

/** The learned value → physical units. */
export function inverse(t: OutputTransform, z: number): number {
  if (t.kind === 'log') return Math.exp(z);
  if (t.kind === 'logit') return 1 / (1 + Math.exp(-z));
  return z;
}

const Z95 = 1.959964;

/** Mean and std in the transformed space → median and 95 %-equivalent std in physical units. */
export function inverseWithStd(t: OutputTransform, m: number, s: number): { mean: number; std: number } {
  if (t.kind === 'identity') return { mean: m, std: s };
  const mean = inverse(t, m);
  const std = (inverse(t, m + Z95 * s) - inverse(t, m - Z95 * s)) / (2 * Z95);
  return { mean, std };
}

const allIdentity = (ts: readonly OutputTransform[]): boolean => ts.every((t) => t.kind === 'identity');

/** A surrogate trained on transformed outputs, answering in physical units. */
class TransformedSurrogate implements Surrogate {
  readonly kind: Surrogate['kind'];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  constructor(
    readonly inner: Surrogate,
    private readonly transforms: readonly OutputTransform[],
  ) {
    this.kind = inner.kind;
    this.inputs = inner.inputs;
    this.outputs = inner.outputs;
  }

  predict(x: readonly (readonly number[])[]): Prediction {
    const p = this.inner.predict(x);
    const mean: number[][] = [];
    const std: number[][] = [];
    p.mean.forEach((row, i) => {
      const pairs = row.map((m, j) => inverseWithStd(this.transforms[j]!, m, p.std[i]![j]!));
      mean.push(pairs.map((q) => q.mean));
      std.push(pairs.map((q) => q.std));
    });
    return { mean, std };
  }

  predictMean(x: readonly (readonly number[])[]): number[][] {
    return this.inner.predictMean(x).map((row) => row.map((m, j) => inverse(this.transforms[j]!, m)));
  }

  describe(): Record<string, unknown> {
    return { ...this.inner.describe(), outputTransforms: Object.fromEntries(this.outputs.map((o, j) => [o, this.transforms[j]!])) };
  }

  async files(): Promise<ModelFile[]> {
    return [...(await this.inner.files()), { path: OUTPUT_TRANSFORMS_FILE, data: JSON.stringify(Object.fromEntries(this.outputs.map((o, j) => [o, this.transforms[j]!]))) }];
  }
}

/** Wraps a fitted model so it answers in physical units; the identity everywhere returns it as it is. */
export function withTransforms(model: Surrogate, transforms: Readonly<Record<string, OutputTransform>>): Surrogate {
  const ts = model.outputs.map((o) => transforms[o] ?? { kind: 'identity' as const, reason: 'not listed' });
  return allIdentity(ts) ? model : new TransformedSurrogate(model, ts);
}

/**
 * A trainer that fits `inner` on the transformed outputs and returns a model answering in physical
 * units, so cross-validation, learning curves, explanation and `predict` all see physical values.
 */
export function transformingTrainer(inner: Trainer, transforms: Readonly<Record<string, OutputTransform>>): Trainer {
  return {
    kind: inner.kind,
    fit: async (x, y, inputs, outputs, seed) => {
      const ts = outputs.map((o) => transforms[o] ?? { kind: 'identity' as const, reason: 'not listed' });
      if (allIdentity(ts)) return inner.fit(x, y, inputs, outputs, seed);
      const z = y.map((row) => row.map((v, j) => forward(ts[j]!, v)));
      return new TransformedSurrogate(await inner.fit(x, z, inputs, outputs, seed), ts);
    },
  };
}
