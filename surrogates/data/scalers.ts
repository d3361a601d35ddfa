/** Maps each input column onto [0, 1] using the training range; a constant column maps to 0. */
export interface UnitCubeScaler {
  min: number[];
  max: number[];
}

export function fitUnitCube(x: readonly (readonly number[])[]): UnitCubeScaler {
  const d = x[0]?.length ?? 0;
  const min = new Array<number>(d).fill(Infinity);
  const max = new Array<number>(d).fill(-Infinity);
  for (const row of x) {
    for (let k = 0; k < d; k++) {
      if (row[k]! < min[k]!) min[k] = row[k]!;
      if (row[k]! > max[k]!) max[k] = row[k]!;
    }
  }
  return { min, max };
}

export function applyUnitCube(s: UnitCubeScaler, x: readonly (readonly number[])[]): Float64Array {
  const d = s.min.length;
  const out = new Float64Array(x.length * d);
  x.forEach((row, i) => {
    for (let k = 0; k < d; k++) {
      const span = s.max[k]! - s.min[k]!;
      out[i * d + k] = span > 0 ? (row[k]! - s.min[k]!) / span : 0;
    }
  });
  return out;
}

/** Standardization of one output: (y − mean)/std, with std 1 for a constant column. */
export interface StandardScaler {
  mean: number;
  std: number;
}

export function fitStandard(y: readonly number[]): StandardScaler {
  const n = y.length;
  let m = 0;
  for (const v of y) m += v;
  m /= n;
  let v2 = 0;
  for (const v of y) v2 += (v - m) ** 2;
  const std = Math.sqrt(v2 / n);
  return { mean: m, std: std > 0 ? std : 1 };
}
