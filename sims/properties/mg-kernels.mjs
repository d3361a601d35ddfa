// The fine-grid passes of the multigrid-preconditioned CG solver (mg-pcg.ts), each over a range
// [k0, k1) of a list of padded cell indices. Plain JavaScript with no imports so that the worker
// thread (mg-worker.mjs) can load it without a TypeScript loader; the main thread runs the same
// functions, on its own range, concurrently. Ranges of one colour can run in parallel: a cell of
// one colour has neighbours of the other colour only. Types: mg-kernels.d.mts.
//
// The 7-point operator: (A v)_q = Σ g·(v_q − v_nb), stored as face conductances ga/gb/gl between a
// cell and its +1 neighbour along a, b and L (`a` and `plane` are the strides). The reservoir terms
// are faces to the padding planes, where every field is 0 (diffusion-problem.ts).

/** out = A v on list[k0..k1); returns Σ v·out over the range. */
export function applyA(g, v, out, list, k0, k1) {
  const { ga, gb, gl, a, plane } = g;
  let vAv = 0;
  for (let k = k0; k < k1; k++) {
    const q = list[k];
    const vq = v[q];
    const s =
      -ga[q - 1] * (v[q - 1] - vq) -
      ga[q] * (v[q + 1] - vq) -
      gb[q - a] * (v[q - a] - vq) -
      gb[q] * (v[q + a] - vq) -
      gl[q - plane] * (v[q - plane] - vq) -
      gl[q] * (v[q + plane] - vq);
    out[q] = s;
    vAv += vq * s;
  }
  return vAv;
}

/**
 * out = b − A v on list[k0..k1), where b is zero except on the first plane of the padded grid
 * (padded indices [pad, pad + plane)), where it is inlet[q − pad].
 */
export function residualFromInlet(g, v, inlet, pad, out, list, k0, k1) {
  const { ga, gb, gl, a, plane } = g;
  const end = pad + plane;
  for (let k = k0; k < k1; k++) {
    const q = list[k];
    const vq = v[q];
    out[q] =
      (q < end ? inlet[q - pad] : 0) +
      ga[q - 1] * (v[q - 1] - vq) +
      ga[q] * (v[q + 1] - vq) +
      gb[q - a] * (v[q - a] - vq) +
      gb[q] * (v[q + a] - vq) +
      gl[q - plane] * (v[q - plane] - vq) +
      gl[q] * (v[q + plane] - vq);
  }
}

/** Gauss–Seidel on A e = f over list[k0..k1) (one colour). */
export function gsHalf(g, e, f, list, k0, k1) {
  const { ga, gb, gl, signedInvDiag: sd, a, plane } = g;
  for (let k = k0; k < k1; k++) {
    const q = list[k];
    const old = e[q];
    const r =
      f[q] +
      ga[q - 1] * (e[q - 1] - old) +
      ga[q] * (e[q + 1] - old) +
      gb[q - a] * (e[q - a] - old) +
      gb[q] * (e[q + a] - old) +
      gl[q - plane] * (e[q - plane] - old) +
      gl[q] * (e[q + plane] - old);
    e[q] = old + r * Math.abs(sd[q]);
  }
}

/** The first half-sweep from e = 0 (neighbours still 0, so e = f / diag), on list[k0..k1). */
export function jacobiFromZero(g, e, f, list, k0, k1) {
  const sd = g.signedInvDiag;
  for (let k = k0; k < k1; k++) {
    const q = list[k];
    e[q] = f[q] * Math.abs(sd[q]);
  }
}

/** e = 0 on list[k0..k1). */
export function zero(e, list, k0, k1) {
  for (let k = k0; k < k1; k++) e[list[k]] = 0;
}

/**
 * Restriction Pᵀ of the residual f − A e: coarse[parent[k]] += (f − A e) at list[k], for k in
 * [k0, k1), without storing the residual. Two ranges may run in parallel only if their parents
 * differ: split at an even plane along L.
 */
export function residualRestrict(g, e, f, list, parent, coarse, k0, k1) {
  const { ga, gb, gl, a, plane } = g;
  for (let k = k0; k < k1; k++) {
    const c = parent[k];
    if (c < 0) continue;
    const q = list[k];
    const eq = e[q];
    coarse[c] +=
      f[q] +
      ga[q - 1] * (e[q - 1] - eq) +
      ga[q] * (e[q + 1] - eq) +
      gb[q - a] * (e[q - a] - eq) +
      gb[q] * (e[q + a] - eq) +
      gl[q - plane] * (e[q - plane] - eq) +
      gl[q] * (e[q + plane] - eq);
  }
}

/** Prolongation P (injection), scaled: fine[list[k]] += scale·coarse[parent[k]]. */
export function prolong(coarse, list, parent, fine, scale, k0, k1) {
  for (let k = k0; k < k1; k++) {
    const c = parent[k];
    if (c >= 0) fine[list[k]] += scale * coarse[c];
  }
}

/**
 * The CG update of x and r fused with the first half-sweep from z = 0 on one colour: x += α·d,
 * r −= α·ad, then z = r / diag (`jacobi` true, the even cells) or z = 0 (the odd cells). All
 * cell-local, so one pass instead of two.
 */
export function updateXRStartZ(x, r, d, ad, alpha, z, sd, jacobi, list, k0, k1) {
  for (let k = k0; k < k1; k++) {
    const q = list[k];
    x[q] += alpha * d[q];
    const rq = r[q] - alpha * ad[q];
    r[q] = rq;
    z[q] = jacobi ? rq * Math.abs(sd[q]) : 0;
  }
}

/** Σ u·v over list[k0..k1). */
export function dot(u, v, list, k0, k1) {
  let s = 0;
  for (let k = k0; k < k1; k++) {
    const q = list[k];
    s += u[q] * v[q];
  }
  return s;
}

/** d = z + β·d on list[k0..k1). */
export function updateD(d, z, beta, list, k0, k1) {
  for (let k = k0; k < k1; k++) {
    const q = list[k];
    d[q] = z[q] + beta * d[q];
  }
}

/** Operation codes of one V-cycle level's passes (see runOp). */
export const OP = Object.freeze({
  applyAD: 1,
  updateXRPreSmooth: 2,
  preSmooth: 3,
  smoothOdd: 4,
  residualRestrict: 5,
  prolongEven: 6,
  prolongSmoothOdd: 7,
  smoothEvenDot: 8,
  updateD: 9,
  release: 10,
});

/**
 * One pass of a V-cycle level (or of the CG update around it) over the part of the level given by
 * the even-cell range [e0, e1) and the odd-cell range [o0, o1). `L` holds the level's arrays:
 * g (operator), even, odd, parentEven, parentOdd, r (right-hand side), z (correction), cf
 * and ce (next coarser level's right-hand side and correction), and for the finest level x, d, ad.
 * `s` holds the scalars: s[0] = α (CG step), s[1] = β, s[2] = coarse-correction scale, s[4] = 1
 * to return rᵀz from smoothEvenDot. Returns a partial sum where the pass has one, else 0.
 */
export function runOp(op, L, s, e0, e1, o0, o1) {
  const { g, even, odd } = L;
  switch (op) {
    case OP.applyAD:
      return applyA(g, L.d, L.ad, even, e0, e1) + applyA(g, L.d, L.ad, odd, o0, o1);
    case OP.updateXRPreSmooth:
      updateXRStartZ(L.x, L.r, L.d, L.ad, s[0], L.z, g.signedInvDiag, true, even, e0, e1);
      updateXRStartZ(L.x, L.r, L.d, L.ad, s[0], L.z, g.signedInvDiag, false, odd, o0, o1);
      return 0;
    case OP.preSmooth:
      jacobiFromZero(g, L.z, L.r, even, e0, e1);
      zero(L.z, odd, o0, o1);
      return 0;
    case OP.smoothOdd:
      gsHalf(g, L.z, L.r, odd, o0, o1);
      return 0;
    case OP.residualRestrict:
      // The odd half-sweep just zeroed the odd cells' residual (their neighbours are all even).
      residualRestrict(g, L.z, L.r, even, L.parentEven, L.cf, e0, e1);
      return 0;
    case OP.prolongEven:
      prolong(L.ce, even, L.parentEven, L.z, s[2], e0, e1);
      return 0;
    case OP.prolongSmoothOdd:
      prolong(L.ce, odd, L.parentOdd, L.z, s[2], o0, o1);
      gsHalf(g, L.z, L.r, odd, o0, o1);
      return 0;
    case OP.smoothEvenDot:
      gsHalf(g, L.z, L.r, even, e0, e1);
      return s[4] === 1 ? dot(L.r, L.z, even, e0, e1) + dot(L.r, L.z, odd, o0, o1) : 0;
    case OP.updateD:
      updateD(L.d, L.z, s[1], even, e0, e1);
      updateD(L.d, L.z, s[1], odd, o0, o1);
      return 0;
    default:
      throw new Error(`unknown multigrid pass ${op}`);
  }
}
