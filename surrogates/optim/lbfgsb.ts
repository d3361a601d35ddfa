/**
 * Projected L-BFGS for box-constrained minimization: the two-loop L-BFGS direction on the
 * variables that are free (not held at a bound by a gradient pointing out of the box), a
 * projected Armijo backtracking line search, and scipy's L-BFGS-B stopping rules (projected
 * gradient ∞-norm below pgtol, or relative decrease below factr·ε).
 */
export interface Objective {
  (x: Float64Array): { value: number; gradient: Float64Array };
}

export interface BoxMinimizeOptions {
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** History pairs kept (scipy default 10). */
  memory?: number;
  maxIterations?: number;
  pgtol?: number;
  /** Relative-decrease tolerance as a multiple of machine epsilon (scipy default 1e7). */
  factr?: number;
  /**
   * The objective's value alone, when that is cheaper than value and gradient: line-search
   * trials then call it first and the full objective only at the point they accept (which may
   * reuse work from the value call at the same x). Must return exactly objective(x).value.
   */
  value?: (x: Float64Array) => number;
}

export interface BoxMinimizeResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: 'pgtol' | 'factr' | 'max-iterations' | 'line-search' | 'non-finite-start';
}

export function minimizeBox(objective: Objective, x0: ArrayLike<number>, opts: BoxMinimizeOptions): BoxMinimizeResult {
  const n = x0.length;
  const m = opts.memory ?? 10;
  const maxIt = opts.maxIterations ?? 1000;
  const pgtol = opts.pgtol ?? 1e-5;
  const ftol = (opts.factr ?? 1e7) * 2.220446049250313e-16;
  const lo = Float64Array.from(opts.lower);
  const hi = Float64Array.from(opts.upper);
  const project = (v: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) v[i] = Math.min(hi[i]!, Math.max(lo[i]!, v[i]!));
    return v;
  };

  let x = project(Float64Array.from(x0));
  let { value: f, gradient: g } = objective(x);
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, value: f, gradient: g, iterations: 0, evaluations, converged: false, reason: 'non-finite-start' };
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const atBound = new Uint8Array(n);

  for (let it = 0; it < maxIt; it++) {
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      const heldLow = x[i]! <= lo[i]! && g[i]! > 0;
      const heldHigh = x[i]! >= hi[i]! && g[i]! < 0;
      atBound[i] = heldLow || heldHigh ? 1 : 0;
      if (!atBound[i]) pgMax = Math.max(pgMax, Math.abs(g[i]!));
    }
    if (pgMax < pgtol) return { x, value: f, gradient: g, iterations: it, evaluations, converged: true, reason: 'pgtol' };

    let dir = twoLoop(g, sHist, yHist, atBound);
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      sHist.length = 0;
      yHist.length = 0;
      dir = new Float64Array(n);
      for (let i = 0; i < n; i++) dir[i] = atBound[i] ? 0 : -g[i]!;
      slope = dot(g, dir);
    }
    let t = sHist.length === 0 ? Math.min(1, 1 / Math.max(1e-12, Math.sqrt(-slope))) : 1;
    let accepted = false;
    let xNew = x;
    let fNew = f;
    let gNew = g;
    for (let ls = 0; ls < 50; ls++) {
      const cand = new Float64Array(n);
      for (let i = 0; i < n; i++) cand[i] = x[i]! + t * dir[i]!;
      project(cand);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i]! * (cand[i]! - x[i]!);
      evaluations++;
      const trial = opts.value ? opts.value(cand) : undefined;
      if (trial !== undefined && !(Number.isFinite(trial) && trial <= f + 1e-4 * decrease)) {
        t *= 0.5;
        continue;
      }
      const r = objective(cand);
      if (Number.isFinite(r.value) && r.value <= f + 1e-4 * decrease) {
        xNew = cand;
        fNew = r.value;
        gNew = r.gradient;
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) return { x, value: f, gradient: g, iterations: it, evaluations, converged: false, reason: 'line-search' };

    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      yv[i] = gNew[i]! - g[i]!;
    }
    if (dot(s, yv) > 1e-10 * Math.max(1, dot(yv, yv))) {
      sHist.push(s);
      yHist.push(yv);
      if (sHist.length > m) {
        sHist.shift();
        yHist.shift();
      }
    }
    const rel = (f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
    x = xNew;
    f = fNew;
    g = gNew;
    if (rel <= ftol) return { x, value: f, gradient: g, iterations: it + 1, evaluations, converged: true, reason: 'factr' };
  }
  return { x, value: f, gradient: g, iterations: maxIt, evaluations, converged: false, reason: 'max-iterations' };
}

/** −H·g from the stored pairs, restricted to the free variables. */
function twoLoop(g: Float64Array, sHist: Float64Array[], yHist: Float64Array[], fixed: Uint8Array): Float64Array {
  const n = g.length;
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = fixed[i] ? 0 : g[i]!;
  const k = sHist.length;
  const alphas = new Float64Array(k);
  const rhos = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    const s = sHist[j]!;
    const y = yHist[j]!;
    const sy = freeDot(s, y, fixed);
    rhos[j] = sy > 0 ? 1 / sy : 0;
    const a = rhos[j]! * freeDot(s, q, fixed);
    alphas[j] = a;
    for (let i = 0; i < n; i++) if (!fixed[i]) q[i] = q[i]! - a * y[i]!;
  }
  if (k > 0) {
    const s = sHist[k - 1]!;
    const y = yHist[k - 1]!;
    const yy = freeDot(y, y, fixed);
    const gamma = yy > 0 ? freeDot(s, y, fixed) / yy : 1;
    for (let i = 0; i < n; i++) q[i] = q[i]! * (gamma > 0 ? gamma : 1);
  }
  for (let j = 0; j < k; j++) {
    const b = rhos[j]! * freeDot(yHist[j]!, q, fixed);
    for (let i = 0; i < n; i++) if (!fixed[i]) q[i] = q[i]! + (alphas[j]! - b) * sHist[j]![i]!;
  }
  for (let i = 0; i < n; i++) q[i] = fixed[i] ? 0 : -q[i]!;
  return q;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function freeDot(a: Float64Array, b: Float64Array, fixed: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (!fixed[i]) s += a[i]! * b[i]!;
  return s;
}
