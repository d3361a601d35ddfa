export interface OutputMetrics {
  rmse: number;
  mae: number;
  r2: number;
}

/** RMSE, MAE and R² (1 − SSres/SStot about the mean of `actual`). */
export function regressionMetrics(actual: readonly number[], predicted: readonly number[]): OutputMetrics {
  const n = actual.length;
  let mean = 0;
  for (const v of actual) mean += v;
  mean /= n;
  let ss = 0;
  let st = 0;
  let ae = 0;
  for (let i = 0; i < n; i++) {
    const e = actual[i]! - predicted[i]!;
    ss += e * e;
    ae += Math.abs(e);
    st += (actual[i]! - mean) ** 2;
  }
  return { rmse: Math.sqrt(ss / n), mae: ae / n, r2: st > 0 ? 1 - ss / st : NaN };
}
