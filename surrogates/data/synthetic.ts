import { Rng } from '../../src/random/rng.ts';

/**
 * Smooth test problem with known structure: inputs uniform in [0,1]^d, y = sin(3x₀) + 2(x₁−½)²
 * + x₀x₂ + 0.3·cos(2x₃) + 0.1·Σ_{k≥4} x_k + Gaussian noise. Inputs beyond x₃ matter little, so an
 * ARD kernel must learn long length scales for them.
 */
export function smoothFunction(x: readonly number[]): number {
  const at = (k: number): number => x[k] ?? 0;
  let y = Math.sin(3 * at(0)) + 2 * (at(1) - 0.5) ** 2 + at(0) * at(2) + 0.3 * Math.cos(2 * at(3));
  for (let k = 4; k < x.length; k++) y += 0.1 * x[k]!;
  return y;
}

export interface SyntheticSet {
  x: number[][];
  y: number[][];
}

export function smoothDataset(n: number, d: number, noiseSd: number, seed: number): SyntheticSet {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, () => rng.uniform());
    x.push(row);
    y.push([smoothFunction(row) + noiseSd * rng.normal()]);
  }
  return { x, y };
}

export function toCsv(names: readonly string[], rows: readonly (readonly number[])[]): string {
  return `${names.join(',')}\n${rows.map((r) => r.map((v) => String(v)).join(',')).join('\n')}\n`;
}
