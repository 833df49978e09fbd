"""Size and power of rnnmem.verify.long_memory_test across short-memory spectra (issue 5).

Usage::

    python benchmarks/calibration_size.py                  # n = 2^16, 100 series per case
    python benchmarks/calibration_size.py --n 16384 --aic   # also the AIC-selected order
    python benchmarks/calibration_size.py --reps 10         # a smoke run

For every case the script simulates ``reps`` independent series of length n from one fixed
seed (exact Gaussian ARFIMA paths by Davies-Harte; network outputs by ``rnnmem.simulate.run``
with i.i.d. N(0, 1) inputs, as ``memory_class`` simulates them), runs ``long_memory_test``
with its defaults (ARFIMA(p, d, 0) Whittle, AR order p = floor(n^(1/3)), Qu guard)
and prints the share of each verdict with its binomial standard error sqrt(p (1 - p) / reps).

Columns: P(long), P(anti-persistent), P(short), P(inconclusive); with ``--aic`` also P(long)
and sd(d) / mean(se) when the AR order is chosen by AIC instead of fixed at floor(n^(1/3))
(the order-selection effect); the mean AR order; the mean estimate of d; and
sd(d) / mean(se), the ratio of the estimate's Monte Carlo spread to the reported standard
error (1 when the standard error is right).

Targets: size cases, P(long) <= alpha = 0.05 (up to 2 standard errors); power cases,
P(long) (P(anti-persistent) for d < 0) >= 0.95. "range" cases document where the size is
not controlled: short-memory poles beyond the sieve's identification limit
1 - 2 pi / sqrt(n) (0.975 at n = 2^16), and a level shift (the Qu guard's job).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from rnnmem.networks import GRU, LSTM, RNN, LinearChain
from rnnmem.simulate import arfima, run
from rnnmem.verify import long_memory_test
from rnnmem.verify._mc_zoo import mlstmf_cell
from rnnmem.verify.memory_report import filter_burn_in

ALPHA = 0.05
VERDICTS = ("long", "anti-persistent", "short", "inconclusive")


def _arfima(**kw):
    return lambda n, reps, rng: arfima(n, n_paths=reps, rng=rng, **kw)


def _network(make, mode="driven", burn_in=2000):
    def simulate(n, reps, rng):
        path = run(make(), n, mode=mode, n_chains=reps, burn_in=burn_in, rng=rng)
        return path.outputs[:, :, 0]
    return simulate


def _cell(d, K):
    def simulate(n, reps, rng):
        net = mlstmf_cell(d, K, 3)
        path = run(net, n, mode="driven", n_chains=reps, burn_in=filter_burn_in(net),
                   record_states=True, rng=rng)
        return path.states[:, :, net.hidden_size]
    return simulate


def _shifted(n, reps, rng):
    out = rng.standard_normal((reps, n))
    for row in out:
        row[rng.integers(n // 4, 3 * n // 4):] += 1.5
    return out


def _lstm_forget_bias(shift):
    net = LSTM.random(1, 8, rng=2)
    biases = [b.copy() for b in net.bias_ih]
    biases[0][8:16] += shift
    return LSTM(weight_ih=net.weight_ih, weight_hh=net.weight_hh, bias_ih=biases,
                bias_hh=net.bias_hh, head_weight=net.head_weight, head_bias=net.head_bias)


CHAIN = [[0.5, 0.4], [0.1, 0.8]]  # eigenvalues 0.9 and 0.4

# (name, kind, simulator, counted verdict)
CASES = [
    ("white noise", "size", _arfima(d=0.0), "long"),
    ("AR(1) phi = 0.5", "size", _arfima(d=0.0, ar=[1, -0.5]), "long"),
    ("AR(1) phi = 0.9", "size", _arfima(d=0.0, ar=[1, -0.9]), "long"),
    ("AR(2) roots 0.9, 0.5", "size", _arfima(d=0.0, ar=[1, -1.4, 0.45]), "long"),
    ("ARMA(1,1) phi = 0.5, theta = 0.5", "size", _arfima(d=0.0, ar=[1, -0.5], ma=[1, 0.5]),
     "long"),
    ("ARMA(1,1) phi = 0.9, theta = -0.5", "size", _arfima(d=0.0, ar=[1, -0.9], ma=[1, -0.5]),
     "long"),
    ("chain [[.5,.4],[.1,.8]] autonomous", "size",
     _network(lambda: LinearChain(CHAIN), mode="autonomous"), "long"),
    ("chain [[.5,.4],[.1,.8]] driven", "size", _network(lambda: LinearChain(CHAIN)), "long"),
    ("tanh RNN H=8 scale 1 (zoo)", "size", _network(lambda: RNN.random(1, 8, scale=1.0, rng=1)),
     "long"),
    ("tanh RNN H=8 scale 2 (zoo)", "size", _network(lambda: RNN.random(1, 8, scale=2.0, rng=2)),
     "long"),
    ("GRU H=8 (zoo)", "size", _network(lambda: GRU.random(1, 8, rng=0)), "long"),
    ("LSTM H=8 forget bias 0 (zoo)", "size", _network(lambda: _lstm_forget_bias(0.0)), "long"),
    ("AR(1) phi = 0.95", "range", _arfima(d=0.0, ar=[1, -0.95]), "long"),
    ("AR(1) phi = 0.99", "range", _arfima(d=0.0, ar=[1, -0.99]), "long"),
    ("one level shift of 1.5 sd", "range", _shifted, "long"),
    ("ARFIMA(0, 0.3, 0)", "power", _arfima(d=0.3), "long"),
    ("ARFIMA(1, 0.4, 1) phi = 0.5, theta = 0.3", "power",
     _arfima(d=0.4, ar=[1, -0.5], ma=[1, 0.3]), "long"),
    ("MLSTMF cell state d = 0.3, K = 2000", "power", _cell(0.3, 2000), "long"),
    ("ARFIMA(0, -0.3, 0)", "power", _arfima(d=-0.3), "anti-persistent"),
]


def binomial_se(p, reps):
    return math.sqrt(max(p * (1 - p), 1e-12) / reps)


def study(n, reps, seed, aic, only=None):
    rows = []
    for index, (name, kind, simulate, counted) in enumerate(CASES):
        if only and only not in name:
            continue
        # one independent stream per case, so that adding a case leaves the others unchanged
        rng = np.random.default_rng([seed, index])
        tic = time.perf_counter()
        paths = simulate(n, reps, rng)
        tests = [long_memory_test(x, alpha=ALPHA) for x in paths]
        counts = {v: sum(t.verdict == v for t in tests) / reps for v in VERDICTS}
        d = np.array([t.d for t in tests])
        se = np.array([t.se for t in tests])
        if aic:
            selected = [long_memory_test(x, alpha=ALPHA, criterion="aic") for x in paths]
            aic_long = sum(t.verdict == "long" for t in selected) / reps
            d_sel = np.array([t.d for t in selected])
            aic_ratio = float(d_sel.std(ddof=1) / np.mean([t.se for t in selected]))
        else:
            aic_long = aic_ratio = math.nan
        rows.append({
            "name": name, "kind": kind, "counted": counted, "rates": counts,
            "aic_long": aic_long, "aic_ratio": aic_ratio,
            "order": float(np.mean([t.ar_order for t in tests])),
            "d_mean": float(d.mean()), "sd_over_se": float(d.std(ddof=1) / se.mean()),
            "seconds": time.perf_counter() - tic,
        })
        print(format_row(rows[-1], reps), flush=True)
    return rows


def format_row(row, reps):
    r = row["rates"]
    cells = " ".join(f"{r[v]:5.3f}±{binomial_se(r[v], reps):5.3f}" for v in VERDICTS)
    aic = ("   n/a      n/a" if math.isnan(row["aic_long"])
           else f"{row['aic_long']:8.3f} {row['aic_ratio']:8.2f}")
    rate = r[row["counted"]]
    se = binomial_se(rate, reps)
    if row["kind"] == "size":
        ok = "yes" if rate <= ALPHA + 2 * se else "NO"
    elif row["kind"] == "power":
        ok = "yes" if rate >= 0.95 - 2 * se else "NO"
    else:
        ok = "-"
    return (f"{row['name']:<42} {row['kind']:<6} {cells} {aic} {row['order']:5.1f} "
            f"{row['d_mean']:+7.3f} {row['sd_over_se']:5.2f} {ok:>3} ({row['seconds']:.0f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2**16)
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--aic", action="store_true",
                        help="also P(long) and sd/se with the AR order chosen by AIC")
    parser.add_argument("--only", default=None, help="run the cases whose name contains this")
    args = parser.parse_args()
    print(f"long_memory_test, n = {args.n}, {args.reps} series per case, seed {args.seed}, "
          f"alpha = {ALPHA}")
    header = " ".join(f"{v[:12]:>11}" for v in VERDICTS)
    print(f"{'case':<42} {'kind':<6} {header} {'AIC long':>8} {'AIC sd/se':>8} {'mean p':>5} {'mean d':>7} "
          f"{'sd/se':>5}  ok")
    start = time.perf_counter()
    study(args.n, args.reps, args.seed, args.aic, args.only)
    print(f"elapsed {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
