/**
 * A banded matrix with LU factorisation by Gaussian elimination with partial pivoting (the
 * scheme of LAPACK's dgbtrf/dgbtrs: row interchanges inside the band, L kept unpermuted). Row i
 * stores columns i−kl … i+kl+ku: the extra kl columns hold the fill that pivoting creates.
 */
export class BandMatrix {
  readonly n: number;
  readonly kl: number;
  readonly ku: number;
  readonly width: number;
  readonly data: Float64Array;
  private readonly pivots: Int32Array;

  constructor(n: number, kl: number, ku: number) {
    this.n = n;
    this.kl = kl;
    this.ku = ku;
    this.width = 2 * kl + ku + 1;
    this.data = new Float64Array(n * this.width);
    this.pivots = new Int32Array(n);
  }

  clear(): void {
    this.data.fill(0);
  }

  /** Position of (row, col) in `data`; the caller keeps col within row−kl … row+ku. */
  at(row: number, col: number): number {
    return row * this.width + (col - row + this.kl);
  }

  /**
   * Factorises in place. Returns false when a pivot is zero (singular to working precision);
   * the matrix is then unusable until refilled.
   */
  factor(): boolean {
    const { n, kl, ku, width, data } = this;
    const span = kl + ku;
    for (let k = 0; k < n; k++) {
      const last = Math.min(n - 1, k + kl);
      let p = k;
      let best = Math.abs(data[k * width + kl]!);
      for (let r = k + 1; r <= last; r++) {
        const v = Math.abs(data[r * width + (k - r + kl)]!);
        if (v > best) {
          best = v;
          p = r;
        }
      }
      this.pivots[k] = p;
      if (best === 0 || !Number.isFinite(best)) return false;
      const cEnd = Math.min(n - 1, k + span);
      if (p !== k) {
        for (let c = k; c <= cEnd; c++) {
          const a = k * width + (c - k + kl);
          const b = p * width + (c - p + kl);
          const t = data[a]!;
          data[a] = data[b]!;
          data[b] = t;
        }
      }
      const pivot = data[k * width + kl]!;
      for (let r = k + 1; r <= last; r++) {
        const rk = r * width + (k - r + kl);
        const l = data[rk]! / pivot;
        data[rk] = l;
        if (l === 0) continue;
        const rowOff = r * width - r + kl;
        const kOff = k * width - k + kl;
        for (let c = k + 1; c <= cEnd; c++) data[rowOff + c]! -= l * data[kOff + c]!;
      }
    }
    return true;
  }

  /** Solves A x = b with the factors, overwriting b with x. */
  solve(b: Float64Array): void {
    const { n, kl, ku, width, data } = this;
    const span = kl + ku;
    for (let k = 0; k < n; k++) {
      const p = this.pivots[k]!;
      if (p !== k) {
        const t = b[k]!;
        b[k] = b[p]!;
        b[p] = t;
      }
      const bk = b[k]!;
      if (bk === 0) continue;
      const last = Math.min(n - 1, k + kl);
      for (let r = k + 1; r <= last; r++) b[r]! -= data[r * width + (k - r + kl)]! * bk;
    }
    for (let k = n - 1; k >= 0; k--) {
      let s = b[k]!;
      const cEnd = Math.min(n - 1, k + span);
      const off = k * width - k + kl;
      for (let c = k + 1; c <= cEnd; c++) s -= data[off + c]! * b[c]!;
      b[k] = s / data[off + k]!;
    }
  }
}
