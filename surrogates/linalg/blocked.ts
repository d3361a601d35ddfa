/**
 * Register-blocked dense kernels for the GP likelihood, row-major Float64Array, lower factors.
 * Each inner loop produces a 2×2 block of dot products from four streamed rows, so every load
 * feeds one multiply-add instead of half of one; in V8 (no SIMD for plain JS) this is what lifts
 * the n³ parts of the likelihood from ~1 to ~2 multiply-adds per nanosecond. The simple
 * dot-product forms in `./dense.ts` stay the reference these are tested against.
 */

/**
 * In-place lower Cholesky factor of the n×n matrix `a`: reads and writes the lower triangle
 * only, so the strict upper triangle keeps whatever the caller stored there. False if `a` is
 * not (numerically) positive definite.
 */
export function choleskyBlocked(a: Float64Array, n: number): boolean {
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const rj = j * n;
    const rj1 = rj + n;
    let s00 = 0;
    let s10 = 0;
    let s11 = 0;
    for (let k = 0; k < j; k++) {
      const u = a[rj + k]!;
      const v = a[rj1 + k]!;
      s00 += u * u;
      s10 += v * u;
      s11 += v * v;
    }
    const d0 = a[rj + j]! - s00;
    if (!(d0 > 0) || !Number.isFinite(d0)) return false;
    const l00 = Math.sqrt(d0);
    const l10 = (a[rj1 + j]! - s10) / l00;
    const d1 = a[rj1 + j + 1]! - s11 - l10 * l10;
    if (!(d1 > 0) || !Number.isFinite(d1)) return false;
    const l11 = Math.sqrt(d1);
    a[rj + j] = l00;
    a[rj1 + j] = l10;
    a[rj1 + j + 1] = l11;
    const i00 = 1 / l00;
    const i11 = 1 / l11;
    let i = j + 2;
    // Four rows below against the column pair: six loads per eight multiply-adds.
    for (; i + 3 < n; i += 4) {
      const r0 = i * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let k = 0; k < j; k++) {
        const y0 = a[rj + k]!;
        const y1 = a[rj1 + k]!;
        const x0 = a[r0 + k]!;
        const x1 = a[r1 + k]!;
        const x2 = a[r2 + k]!;
        const x3 = a[r3 + k]!;
        a0 += x0 * y0;
        a1 += x1 * y0;
        a2 += x2 * y0;
        a3 += x3 * y0;
        c0 += x0 * y1;
        c1 += x1 * y1;
        c2 += x2 * y1;
        c3 += x3 * y1;
      }
      const u0 = (a[r0 + j]! - a0) * i00;
      const u1 = (a[r1 + j]! - a1) * i00;
      const u2 = (a[r2 + j]! - a2) * i00;
      const u3 = (a[r3 + j]! - a3) * i00;
      a[r0 + j] = u0;
      a[r1 + j] = u1;
      a[r2 + j] = u2;
      a[r3 + j] = u3;
      a[r0 + j + 1] = (a[r0 + j + 1]! - c0 - u0 * l10) * i11;
      a[r1 + j + 1] = (a[r1 + j + 1]! - c1 - u1 * l10) * i11;
      a[r2 + j + 1] = (a[r2 + j + 1]! - c2 - u2 * l10) * i11;
      a[r3 + j + 1] = (a[r3 + j + 1]! - c3 - u3 * l10) * i11;
    }
    for (; i + 1 < n; i += 2) {
      const ri = i * n;
      const ri1 = ri + n;
      let p00 = 0;
      let p01 = 0;
      let p10 = 0;
      let p11 = 0;
      for (let k = 0; k < j; k++) {
        const x0 = a[ri + k]!;
        const x1 = a[ri1 + k]!;
        const y0 = a[rj + k]!;
        const y1 = a[rj1 + k]!;
        p00 += x0 * y0;
        p01 += x0 * y1;
        p10 += x1 * y0;
        p11 += x1 * y1;
      }
      const a0 = (a[ri + j]! - p00) * i00;
      const a1 = (a[ri1 + j]! - p10) * i00;
      a[ri + j] = a0;
      a[ri1 + j] = a1;
      a[ri + j + 1] = (a[ri + j + 1]! - p01 - a0 * l10) * i11;
      a[ri1 + j + 1] = (a[ri1 + j + 1]! - p11 - a1 * l10) * i11;
    }
    if (i < n) {
      const ri = i * n;
      let p0 = 0;
      let p1 = 0;
      for (let k = 0; k < j; k++) {
        const x0 = a[ri + k]!;
        p0 += x0 * a[rj + k]!;
        p1 += x0 * a[rj1 + k]!;
      }
      const a0 = (a[ri + j]! - p0) * i00;
      a[ri + j] = a0;
      a[ri + j + 1] = (a[ri + j + 1]! - p1 - a0 * l10) * i11;
    }
  }
  if (j < n) {
    const rj = j * n;
    let s = 0;
    for (let k = 0; k < j; k++) s += a[rj + k]! * a[rj + k]!;
    const d = a[rj + j]! - s;
    if (!(d > 0) || !Number.isFinite(d)) return false;
    a[rj + j] = Math.sqrt(d);
  }
  return true;
}

/**
 * Writes U = L⁻ᵀ into `t` row-major (row j of t = column j of L⁻¹, so t is upper triangular).
 * `t` must hold zeros below its diagonal on entry (a fresh or previously used buffer qualifies:
 * this function never writes there), because the blocked loops read those zeros instead of
 * branching around them.
 */
export function lowerInverseTransposed(l: Float64Array, n: number, t: Float64Array, invDiag: Float64Array): void {
  for (let i = 0; i < n; i++) invDiag[i] = 1 / l[i * n + i]!;
  let j = 0;
  // Four columns of L⁻¹ at a time against two rows of L (six loads per eight multiply-adds).
  for (; j + 3 < n; j += 4) {
    const t0 = j * n;
    const t1 = t0 + n;
    const t2 = t1 + n;
    const t3 = t2 + n;
    // The 4×4 triangle on the diagonal, by plain forward substitution.
    for (let c = j; c < j + 4; c++) {
      const tc = c * n;
      t[tc + c] = invDiag[c]!;
      for (let i = c + 1; i < j + 4; i++) {
        let s = 0;
        for (let k = c; k < i; k++) s += l[i * n + k]! * t[tc + k]!;
        t[tc + i] = -s * invDiag[i]!;
      }
    }
    let i = j + 4;
    // Rows j+1..j+3 of t hold stored zeros before their diagonal, so all four sums start at k = j.
    for (; i + 1 < n; i += 2) {
      const li = i * n;
      const li1 = li + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let k = j; k < i; k++) {
        const x0 = l[li + k]!;
        const x1 = l[li1 + k]!;
        const y0 = t[t0 + k]!;
        const y1 = t[t1 + k]!;
        const y2 = t[t2 + k]!;
        const y3 = t[t3 + k]!;
        a0 += x0 * y0;
        a1 += x0 * y1;
        a2 += x0 * y2;
        a3 += x0 * y3;
        c0 += x1 * y0;
        c1 += x1 * y1;
        c2 += x1 * y2;
        c3 += x1 * y3;
      }
      const di = invDiag[i]!;
      const di1 = invDiag[i + 1]!;
      const lii = l[li1 + i]!;
      const u0 = -a0 * di;
      const u1 = -a1 * di;
      const u2 = -a2 * di;
      const u3 = -a3 * di;
      t[t0 + i] = u0;
      t[t1 + i] = u1;
      t[t2 + i] = u2;
      t[t3 + i] = u3;
      t[t0 + i + 1] = -(c0 + lii * u0) * di1;
      t[t1 + i + 1] = -(c1 + lii * u1) * di1;
      t[t2 + i + 1] = -(c2 + lii * u2) * di1;
      t[t3 + i + 1] = -(c3 + lii * u3) * di1;
    }
    if (i < n) {
      const li = i * n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = j; k < i; k++) {
        const x = l[li + k]!;
        a0 += x * t[t0 + k]!;
        a1 += x * t[t1 + k]!;
        a2 += x * t[t2 + k]!;
        a3 += x * t[t3 + k]!;
      }
      const di = invDiag[i]!;
      t[t0 + i] = -a0 * di;
      t[t1 + i] = -a1 * di;
      t[t2 + i] = -a2 * di;
      t[t3 + i] = -a3 * di;
    }
  }
  for (; j + 1 < n; j += 2) {
    const tj = j * n;
    const tj1 = tj + n;
    t[tj + j] = invDiag[j]!;
    t[tj1 + j + 1] = invDiag[j + 1]!;
    t[tj + j + 1] = -l[(j + 1) * n + j]! * invDiag[j]! * invDiag[j + 1]!;
    let i = j + 2;
    // Rows i, i+1 of L against rows j, j+1 of t over k ∈ [j, i); t[j+1][j] is a stored zero.
    for (; i + 1 < n; i += 2) {
      const li = i * n;
      const li1 = li + n;
      let p00 = 0;
      let p01 = 0;
      let p10 = 0;
      let p11 = 0;
      for (let k = j; k < i; k++) {
        const x0 = l[li + k]!;
        const x1 = l[li1 + k]!;
        const y0 = t[tj + k]!;
        const y1 = t[tj1 + k]!;
        p00 += x0 * y0;
        p01 += x0 * y1;
        p10 += x1 * y0;
        p11 += x1 * y1;
      }
      const u0 = -p00 * invDiag[i]!;
      const u1 = -p01 * invDiag[i]!;
      t[tj + i] = u0;
      t[tj1 + i] = u1;
      const lii = l[li1 + i]!;
      t[tj + i + 1] = -(p10 + lii * u0) * invDiag[i + 1]!;
      t[tj1 + i + 1] = -(p11 + lii * u1) * invDiag[i + 1]!;
    }
    if (i < n) {
      const li = i * n;
      let p0 = 0;
      let p1 = 0;
      for (let k = j; k < i; k++) {
        const x0 = l[li + k]!;
        p0 += x0 * t[tj + k]!;
        p1 += x0 * t[tj1 + k]!;
      }
      t[tj + i] = -p0 * invDiag[i]!;
      t[tj1 + i] = -p1 * invDiag[i]!;
    }
  }
  if (j < n) t[j * n + j] = invDiag[j]!;
}

/**
 * Lower triangle of K⁻¹ = L⁻ᵀL⁻¹ from U = L⁻ᵀ (as written by lowerInverseTransposed), packed by
 * rows: out[i(i+1)/2 + j] = (K⁻¹)_ij for j ≤ i. Entry (i,j) = Σ_{k≥i} U_ik U_jk, rows contiguous.
 */
export function inverseFromTransposedInverse(t: Float64Array, n: number, out: Float64Array): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ti = i * n;
    const ti1 = ti + n;
    const pi = (i * (i + 1)) / 2;
    const pi1 = pi + i + 1;
    let j = 0;
    // U_{i+1,i} is a stored zero, so both rows start at k = i.
    for (; j + 3 < i; j += 4) {
      const tj = j * n;
      const tj1 = tj + n;
      const tj2 = tj1 + n;
      const tj3 = tj2 + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let k = i; k < n; k++) {
        const x0 = t[ti + k]!;
        const x1 = t[ti1 + k]!;
        const y0 = t[tj + k]!;
        const y1 = t[tj1 + k]!;
        const y2 = t[tj2 + k]!;
        const y3 = t[tj3 + k]!;
        a0 += x0 * y0;
        a1 += x0 * y1;
        a2 += x0 * y2;
        a3 += x0 * y3;
        c0 += x1 * y0;
        c1 += x1 * y1;
        c2 += x1 * y2;
        c3 += x1 * y3;
      }
      out[pi + j] = a0;
      out[pi + j + 1] = a1;
      out[pi + j + 2] = a2;
      out[pi + j + 3] = a3;
      out[pi1 + j] = c0;
      out[pi1 + j + 1] = c1;
      out[pi1 + j + 2] = c2;
      out[pi1 + j + 3] = c3;
    }
    for (; j + 1 < i; j += 2) {
      const tj = j * n;
      const tj1 = tj + n;
      let p00 = 0;
      let p01 = 0;
      let p10 = 0;
      let p11 = 0;
      for (let k = i; k < n; k++) {
        const x0 = t[ti + k]!;
        const x1 = t[ti1 + k]!;
        const y0 = t[tj + k]!;
        const y1 = t[tj1 + k]!;
        p00 += x0 * y0;
        p01 += x0 * y1;
        p10 += x1 * y0;
        p11 += x1 * y1;
      }
      out[pi + j] = p00;
      out[pi + j + 1] = p01;
      out[pi1 + j] = p10;
      out[pi1 + j + 1] = p11;
    }
    if (j < i) {
      const tj = j * n;
      let p0 = 0;
      let p1 = 0;
      for (let k = i; k < n; k++) {
        const y = t[tj + k]!;
        p0 += t[ti + k]! * y;
        p1 += t[ti1 + k]! * y;
      }
      out[pi + j] = p0;
      out[pi1 + j] = p1;
    }
    let d0 = 0;
    let d10 = 0;
    let d11 = 0;
    for (let k = i; k < n; k++) {
      const x0 = t[ti + k]!;
      const x1 = t[ti1 + k]!;
      d0 += x0 * x0;
      d10 += x1 * x0;
      d11 += x1 * x1;
    }
    out[pi + i] = d0;
    out[pi1 + i] = d10;
    out[pi1 + i + 1] = d11;
  }
  if (i < n) {
    const ti = i * n;
    const pi = (i * (i + 1)) / 2;
    for (let j = 0; j <= i; j++) {
      const tj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += t[ti + k]! * t[tj + k]!;
      out[pi + j] = s;
    }
  }
}

/**
 * Solves L v = b for each of the m rows of b (m×n row-major) in place: four right-hand sides at
 * a time against two rows of L (six loads feed eight multiply-adds; measured 1.4× faster than
 * two by two at n=250), then pairs and a single row for the remainder. invDiag[i] = 1/L_ii.
 */
export function solveLowerRows(l: Float64Array, n: number, invDiag: Float64Array, b: Float64Array, m: number): void {
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const v0 = r * n;
    const v1 = v0 + n;
    const v2 = v1 + n;
    const v3 = v2 + n;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const li = i * n;
      const li1 = li + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let k = 0; k < i; k++) {
        const x0 = l[li + k]!;
        const x1 = l[li1 + k]!;
        const y0 = b[v0 + k]!;
        const y1 = b[v1 + k]!;
        const y2 = b[v2 + k]!;
        const y3 = b[v3 + k]!;
        a0 += x0 * y0;
        a1 += x0 * y1;
        a2 += x0 * y2;
        a3 += x0 * y3;
        c0 += x1 * y0;
        c1 += x1 * y1;
        c2 += x1 * y2;
        c3 += x1 * y3;
      }
      const di = invDiag[i]!;
      const di1 = invDiag[i + 1]!;
      const lii = l[li1 + i]!;
      const u0 = (b[v0 + i]! - a0) * di;
      const u1 = (b[v1 + i]! - a1) * di;
      const u2 = (b[v2 + i]! - a2) * di;
      const u3 = (b[v3 + i]! - a3) * di;
      b[v0 + i] = u0;
      b[v1 + i] = u1;
      b[v2 + i] = u2;
      b[v3 + i] = u3;
      b[v0 + i + 1] = (b[v0 + i + 1]! - c0 - lii * u0) * di1;
      b[v1 + i + 1] = (b[v1 + i + 1]! - c1 - lii * u1) * di1;
      b[v2 + i + 1] = (b[v2 + i + 1]! - c2 - lii * u2) * di1;
      b[v3 + i + 1] = (b[v3 + i + 1]! - c3 - lii * u3) * di1;
    }
    if (i < n) {
      const li = i * n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = 0; k < i; k++) {
        const x = l[li + k]!;
        a0 += x * b[v0 + k]!;
        a1 += x * b[v1 + k]!;
        a2 += x * b[v2 + k]!;
        a3 += x * b[v3 + k]!;
      }
      const di = invDiag[i]!;
      b[v0 + i] = (b[v0 + i]! - a0) * di;
      b[v1 + i] = (b[v1 + i]! - a1) * di;
      b[v2 + i] = (b[v2 + i]! - a2) * di;
      b[v3 + i] = (b[v3 + i]! - a3) * di;
    }
  }
  for (; r + 1 < m; r += 2) {
    const va = r * n;
    const vb = va + n;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const li = i * n;
      const li1 = li + n;
      let p00 = 0;
      let p01 = 0;
      let p10 = 0;
      let p11 = 0;
      for (let k = 0; k < i; k++) {
        const x0 = l[li + k]!;
        const x1 = l[li1 + k]!;
        const y0 = b[va + k]!;
        const y1 = b[vb + k]!;
        p00 += x0 * y0;
        p01 += x0 * y1;
        p10 += x1 * y0;
        p11 += x1 * y1;
      }
      const a0 = (b[va + i]! - p00) * invDiag[i]!;
      const b0 = (b[vb + i]! - p01) * invDiag[i]!;
      b[va + i] = a0;
      b[vb + i] = b0;
      const lii = l[li1 + i]!;
      b[va + i + 1] = (b[va + i + 1]! - p10 - lii * a0) * invDiag[i + 1]!;
      b[vb + i + 1] = (b[vb + i + 1]! - p11 - lii * b0) * invDiag[i + 1]!;
    }
    if (i < n) {
      const li = i * n;
      let p0 = 0;
      let p1 = 0;
      for (let k = 0; k < i; k++) {
        const x = l[li + k]!;
        p0 += x * b[va + k]!;
        p1 += x * b[vb + k]!;
      }
      b[va + i] = (b[va + i]! - p0) * invDiag[i]!;
      b[vb + i] = (b[vb + i]! - p1) * invDiag[i]!;
    }
  }
  if (r < m) {
    const va = r * n;
    for (let i = 0; i < n; i++) {
      const li = i * n;
      let s = b[va + i]!;
      for (let k = 0; k < i; k++) s -= l[li + k]! * b[va + k]!;
      b[va + i] = s * invDiag[i]!;
    }
  }
}
