/**
 * Dense symmetric positive-definite algebra on row-major Float64Arrays. Hand-written rather than
 * ml-matrix because the GP likelihood is evaluated hundreds of times per fit and these loops
 * avoid per-element object access.
 */

/** Σ_k a[ao+k]·b[bo+k] for k < len, four accumulators so V8 can overlap the multiplies. */
export function dotRange(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[ao + k]! * b[bo + k]!;
    s1 += a[ao + k + 1]! * b[bo + k + 1]!;
    s2 += a[ao + k + 2]! * b[bo + k + 2]!;
    s3 += a[ao + k + 3]! * b[bo + k + 3]!;
  }
  for (; k < len; k++) s0 += a[ao + k]! * b[bo + k]!;
  return s0 + s1 + s2 + s3;
}

/**
 * In-place lower Cholesky factor of the n×n matrix `a`. Only the lower triangle is read; the
 * upper triangle is zeroed unless `keepUpper` (callers that stored something there). Returns
 * false if not positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number, keepUpper = false): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    const d = a[rj + j]! - dotRange(a, rj, a, rj, j);
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      a[ri + j] = (a[ri + j]! - dotRange(a, ri, a, rj, j)) / ljj;
    }
    if (!keepUpper) for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
  return true;
}

/** Solves L x = b (L lower, row-major) in place of b. */
export function solveLower(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    b[i] = (b[i]! - dotRange(l, ri, b, 0, i)) / l[ri + i]!;
  }
  return b;
}

/** Solves Lᵀ x = b (L lower, row-major) in place of b. */
export function solveUpperT(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  return b;
}

/** Solves (L Lᵀ) x = b for x (a fresh array). */
export function cholSolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  solveLower(l, n, x);
  solveUpperT(l, n, x);
  return x;
}

/** (L Lᵀ)⁻¹ as a full symmetric row-major matrix. */
export function cholInverse(l: Float64Array, n: number): Float64Array {
  // t holds L⁻¹ transposed (row j = column j of L⁻¹) so both inner loops run over contiguous memory.
  const t = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const tj = j * n;
    t[tj + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      const li = i * n;
      t[tj + i] = -dotRange(l, li + j, t, tj + j, i - j) / l[li + i]!;
    }
  }
  // K⁻¹ = L⁻ᵀ L⁻¹: entry (i,j) = Σ_k≥max(i,j) (L⁻¹)_ki (L⁻¹)_kj.
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ti = i * n;
    for (let j = 0; j <= i; j++) {
      const tj = j * n;
      const s = dotRange(t, ti + i, t, tj + i, n - i);
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}

/** Solves the small dense system A x = b by Gaussian elimination with partial pivoting; null if singular. */
export function solveDense(a: ArrayLike<number>, n: number, b: ArrayLike<number>): Float64Array | null {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    const piv = m[p * n + c]!;
    if (Math.abs(piv) < 1e-300) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = m[c * n + k]!;
        m[c * n + k] = m[p * n + k]!;
        m[p * n + k] = t;
      }
      const t = x[c]!;
      x[c] = x[p]!;
      x[p] = t;
    }
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / piv;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k] = m[r * n + k]! - f * m[c * n + k]!;
      x[r] = x[r]! - f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * x[k]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}
