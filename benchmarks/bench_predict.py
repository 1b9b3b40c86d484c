"""Fit time of each purchase model on the CDNOW sample (2,357 customers) and
master (23,570), beside the same likelihood fitted naively (per customer, no
gradient, Nelder-Mead then BFGS, as cvwork did before), in the same run.

    .venv/bin/python benchmarks/bench_predict.py [--repeat K] [--skip-naive]

Prints the median of K runs (default 5) in seconds and the log-likelihood
each reached (the two must agree).  Not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

from cvwork import load_sample
from cvwork import predict as pr


def naive_bgnbd_ll(p, x, tx, t):
    r, alpha, a, b = p
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + t)
    dead = np.where(x > 0, betaln(a + 1, b + np.maximum(x, 1) - 1) - betaln(a, b) - (r + x) * np.log(alpha + tx), -np.inf)
    return common + np.logaddexp(alive, dead)


def naive_mbgnbd_ll(p, x, tx, t):
    r, alpha, a, b = p
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + x + 1) - betaln(a, b) - (r + x) * np.log(alpha + t)
    dead = betaln(a + 1, b + x) - betaln(a, b) - (r + x) * np.log(alpha + tx)
    return common + np.logaddexp(alive, dead)


def naive_pareto_ll(p, x, tx, t):
    r, alpha, s, beta = p
    m, b1 = (alpha, s + 1) if alpha >= beta else (beta, r + x)
    d, rsx = abs(alpha - beta), r + s + x
    a0 = hyp2f1(rsx, b1, rsx + 1, d / (m + tx)) / (m + tx) ** rsx - hyp2f1(rsx, b1, rsx + 1, d / (m + t)) / (m + t) ** rsx
    inner = 1 / ((alpha + t) ** (r + x) * (beta + t) ** s) + s / rsx * a0
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta) + np.log(inner)


NAIVE = {"BG/NBD": (naive_bgnbd_ll, [0.5, 5.0, 0.5, 2.0]), "MBG/NBD": (naive_mbgnbd_ll, [0.5, 5.0, 0.5, 2.0]),
         "Pareto/NBD": (naive_pareto_ll, [0.5, 10.0, 0.5, 10.0])}


def naive_fit(name, x, tx, t):
    ll, start = NAIVE[name]

    def neg(z):
        with np.errstate(all="ignore"):
            v = -ll(np.exp(z), x, tx, t).sum()
        return v if np.isfinite(v) else 1e300

    res = minimize(neg, np.log(start), method="Nelder-Mead",
                   options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 20_000, "maxfev": 40_000})
    res = minimize(neg, res.x, method="BFGS")
    return -res.fun


def median_time(func, repeat):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    print(f"{'data':8} {'model':11} {'customers':>9} {'cvwork s':>9} {'LL':>12} {'naive s':>9} {'naive LL':>12}")
    for data, end, holdout in (("sample", "1997-09-30", "1998-06-30"), ("master", "1997-09-30", "1998-06-30")):
        s = pr.rfm_summary(load_sample(f"cdnow_{data}"), end, holdout)
        x, tx, t = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        pr.fit_bgnbd(x, tx, t)                                   # warm-up: imports
        for name, fit in pr.MODELS.items():
            secs, model = median_time(lambda: fit(x, tx, t), args.repeat)
            line = f"{data:8} {name:11} {len(s):9,d} {secs:9.3f} {model.fit.log_likelihood:12.2f}"
            if not args.skip_naive:
                nsecs, nll = median_time(lambda: naive_fit(name, x, tx, t), args.repeat)
                line += f" {nsecs:9.3f} {nll:12.2f}"
            print(line, flush=True)
        keep = s["monetary"].to_numpy() > 0                     # drop repeat buyers whose net spend is not positive
        gsecs, gg = median_time(lambda: pr.fit_gamma_gamma(x[keep], s["monetary"].to_numpy()[keep]), args.repeat)
        print(f"{data:8} {'Gamma-Gamma':11} {int((x[keep] > 0).sum()):9,d} {gsecs:9.3f} {gg.fit.log_likelihood:12.2f}")


if __name__ == "__main__":
    main()
