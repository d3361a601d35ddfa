import { Rng } from '../random/rng.ts';
import { ConfigError } from '../errors.ts';
import { JOE_KUO_ROWS } from './joe-kuo.ts';

/** Bits of precision of each coordinate; points are multiples of 2^-32. */
const BITS = 32;
const SCALE = 2 ** -BITS;

/** Most dimensions the embedded Joe–Kuo table supports. */
export const SOBOL_MAX_DIMENSIONS = JOE_KUO_ROWS.length + 1;

/**
 * Direction numbers v_k (k = 0..31) of one dimension, as 32-bit integers (v_k / 2^32 is the
 * fraction). Dimension 0 is van der Corput; the others follow Bratley and Fox's recurrence
 * on the Joe–Kuo primitive polynomials and initial m_i.
 */
export function directionNumbers(dimension: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dimension === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const row = JOE_KUO_ROWS[dimension - 1];
  if (!row) throw new ConfigError('design.dimensions', dimension + 1, `at most ${SOBOL_MAX_DIMENSIONS} dimensions for a Sobol design`);
  const [, s, a, m] = row;
  for (let k = 0; k < Math.min(s, BITS); k++) v[k] = (m[k]! * 2 ** (BITS - 1 - k)) >>> 0;
  for (let k = s; k < BITS; k++) {
    let x = (v[k - s]! ^ (v[k - s]! >>> s)) >>> 0;
    for (let j = 1; j < s; j++) {
      if ((a >>> (s - 1 - j)) & 1) x = (x ^ v[k - j]!) >>> 0;
    }
    v[k] = x;
  }
  return v;
}

/**
 * Linear matrix scramble (Matoušek): multiplies each dimension's generator matrix by a random
 * lower-triangular binary matrix with unit diagonal, which keeps the (t,m,s)-net property. On a
 * direction number stored as bits b_0 (most significant) .. b_31, row i of L mixes bits 0..i.
 */
function scrambleDirections(v: Uint32Array, rng: Rng): Uint32Array {
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    // Row i: unit diagonal at bit i, random bits above (more significant than) i.
    const diag = 2 ** (BITS - 1 - i);
    const upperMask = i === 0 ? 0 : (~(2 ** (BITS - i) - 1)) >>> 0;
    rows[i] = ((rng.nextUint32() & upperMask) | diag) >>> 0;
  }
  const out = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) {
    let y = 0;
    for (let i = 0; i < BITS; i++) {
      const parity = popcount((rows[i]! & v[k]!) >>> 0) & 1;
      if (parity) y = (y | 2 ** (BITS - 1 - i)) >>> 0;
    }
    out[k] = y >>> 0;
  }
  return out;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export interface SobolOptions {
  /** Linear matrix scramble plus a random digital shift (as SciPy's default); false gives the plain Joe–Kuo sequence. */
  scramble: boolean;
  /** Seed of the scramble. */
  seed: number;
  /** Index of the first point (0 = the origin for the unscrambled sequence). */
  skip?: number;
}

/**
 * The first `n` points of a `d`-dimensional Sobol sequence in [0,1)^d, point i built from the
 * bits of i's Gray code, so the unscrambled sequence matches Joe and Kuo's reference generator
 * and SciPy's `qmc.Sobol(scramble=False)` point for point.
 */
export function sobolPoints(n: number, d: number, options: SobolOptions): number[][] {
  if (d > SOBOL_MAX_DIMENSIONS) throw new ConfigError('design.dimensions', d, `at most ${SOBOL_MAX_DIMENSIONS} varied parameters for a Sobol design`);
  const rng = new Rng(options.seed >>> 0);
  const dirs: Uint32Array[] = [];
  const shifts: number[] = [];
  for (let j = 0; j < d; j++) {
    const v = directionNumbers(j);
    dirs.push(options.scramble ? scrambleDirections(v, rng) : v);
    shifts.push(options.scramble ? rng.nextUint32() : 0);
  }
  const skip = options.skip ?? 0;
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    const index = i + skip;
    const p: number[] = [];
    for (let j = 0; j < d; j++) {
      let x = shifts[j]!;
      // Gray-code order, as Joe and Kuo's generator and SciPy emit the sequence.
      let bits = grayCode(index);
      for (let k = 0; bits > 0 && k < BITS; k++, bits = Math.floor(bits / 2)) {
        if (bits % 2) x = (x ^ dirs[j]![k]!) >>> 0;
      }
      p.push((x >>> 0) * SCALE);
    }
    points.push(p);
  }
  return points;
}

/** Gray code of a non-negative integer (beyond 2^31 too, so no bitwise operators on the whole value). */
function grayCode(i: number): number {
  if (i < 2 ** 31) return (i ^ (i >>> 1)) >>> 0;
  const hi = Math.floor(i / 2 ** 31);
  const lo = i % 2 ** 31;
  return (hi ^ (hi >>> 1)) * 2 ** 31 + ((lo ^ (lo >>> 1) ^ ((hi & 1) << 30)) >>> 0);
}
