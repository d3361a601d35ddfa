#!/usr/bin/env python3
"""scikit-learn peer for bench/gpr.ts and for the reference values in surrogates/gpr/gpr.test.ts.

Fits GaussianProcessRegressor with the same kernel as mesolab's GPR (constant * Matern/RBF with
one length scale per input + white noise, bounds 1e-5..1e5), inputs min-max scaled to the unit
cube with the training range and outputs standardized (normalize_y=True), and prints JSON:
optimized log marginal likelihood, test R^2, fit seconds and the fitted hyperparameters.

usage: /usr/bin/python3 bench/gpr_sklearn.py train.csv test.csv [--kernel matern52|matern32|rbf] [--restarts 3] [--seed 0]
The last column of each CSV is the output; the others are inputs.
"""
import argparse
import json
import time

import numpy as np
import sklearn
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern, WhiteKernel


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--kernel", default="matern52", choices=["matern52", "matern32", "rbf"])
    ap.add_argument("--restarts", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    tr = np.loadtxt(a.train, delimiter=",", skiprows=1)
    te = np.loadtxt(a.test, delimiter=",", skiprows=1)
    x, y = tr[:, :-1], tr[:, -1]
    xt, yt = te[:, :-1], te[:, -1]
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    xs, xts = (x - lo) / span, (xt - lo) / span
    d = x.shape[1]
    if a.kernel == "rbf":
        base = RBF(length_scale=np.ones(d), length_scale_bounds=(1e-5, 1e5))
    else:
        base = Matern(length_scale=np.ones(d), length_scale_bounds=(1e-5, 1e5), nu=2.5 if a.kernel == "matern52" else 1.5)
    kernel = ConstantKernel(1.0, (1e-5, 1e5)) * base + WhiteKernel(1.0, (1e-5, 1e5))
    gp = GaussianProcessRegressor(kernel=kernel, n_restarts_optimizer=a.restarts, normalize_y=True, random_state=a.seed)
    t0 = time.perf_counter()
    gp.fit(xs, y)
    fit_s = time.perf_counter() - t0
    pred = gp.predict(xts)
    r2 = 1 - np.sum((yt - pred) ** 2) / np.sum((yt - yt.mean()) ** 2)
    # Prediction throughput with std, as mesolab's predict returns it: a batch of 1000 and one point at a time.
    batch = np.tile(xts, (1000 // len(xts) + 1, 1))[:1000]
    t0 = time.perf_counter()
    gp.predict(batch, return_std=True)
    batch_s = (time.perf_counter() - t0) / 1000
    t0 = time.perf_counter()
    for i in range(200):
        gp.predict(xts[i % len(xts)][None, :], return_std=True)
    single_s = (time.perf_counter() - t0) / 200
    k = gp.kernel_
    print(json.dumps({
        "sklearn": sklearn.__version__,
        "lml": float(gp.log_marginal_likelihood_value_),
        "r2": float(r2),
        "fit_seconds": fit_s,
        "predict_seconds_per_point_batch": batch_s,
        "predict_seconds_single_point": single_s,
        "constant": float(k.k1.k1.constant_value),
        "length_scales": [float(v) for v in np.atleast_1d(k.k1.k2.length_scale)],
        "noise": float(k.k2.noise_level),
    }))


if __name__ == "__main__":
    main()
