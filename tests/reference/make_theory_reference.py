"""Regenerate ``theory_reference.json``: reference values for rnnmem.theory at 50 digits.

Run from this folder: ``python make_theory_reference.py``. Needs only mpmath.

Every value is computed independently of rnnmem's algorithms:
- fractional weights and partial sums from mpmath's Gamma functions (``rf``, ``gammaprod``);
- ARFIMA(0, d, 0) autocovariances from Hosking's Gamma-function closed form;
- ARFIMA(p, d, q) autocovariances by numerical integration of the spectral density,
  gamma(k) = 2 int_0^pi f(lambda) cos(k lambda) d lambda (tanh-sinh quadrature, which handles
  the integrable pole at 0), not by the convolution rnnmem uses.
"""

import json

import mpmath as mp

mp.mp.dps = 50

WEIGHT_ORDERS = ["0.3", "-0.3", "0.45", "0.4999", "-0.49", "1.7", "-2.5", "0", "2", "-1", "3.25", "0.001"]
WEIGHT_INDICES = [0, 1, 2, 3, 10, 31, 32, 33, 100, 1000, 12345, 100000, 1000000, 10000000]
PARTIAL_SUM_ORDERS = ["0.3", "-0.3", "0.45", "1.5", "-1.25", "0"]
PARTIAL_SUM_INDICES = [0, 1, 2, 10, 100, 10000, 1000000]
ACF_ORDERS = ["0.3", "-0.3", "0.45", "0.1", "-0.45", "0.49", "0.0001"]
ACF_LAGS = [1, 2, 10, 100, 1000, 100000]
# (label, d, ar, ma): ar and ma with leading 1, statsmodels' convention.
ARFIMA_MODELS = [
    ("arfima_1_0.3_0", "0.3", ["1", "-0.5"], ["1"]),
    ("zhao2020_series", "0.4", ["1", "-0.7", "0.4"], ["1", "-0.2"]),
    ("arfima_1_-0.3_1", "-0.3", ["1", "0.6"], ["1", "0.5"]),
    ("arfima_0_0.2_2", "0.2", ["1"], ["1", "0.4", "-0.3"]),
    ("arfima_1_0.45_0_near_unit", "0.45", ["1", "-0.9"], ["1"]),
]
ARFIMA_LAGS = [0, 1, 2, 5, 10, 20]


def psi(d, j):
    """psi_j(d) = Gamma(j + d) / (Gamma(d) Gamma(j + 1)) = (d)_j / j!."""
    return mp.rf(d, j) / mp.factorial(j)


def spectral_density(lam, d, ar, ma):
    z = mp.exp(-1j * lam)
    num = abs(mp.polyval(list(reversed(ma)), z)) ** 2
    den = abs(mp.polyval(list(reversed(ar)), z)) ** 2
    return num / den * abs(2 * mp.sin(lam / 2)) ** (-2 * d) / (2 * mp.pi)


def acvf_by_integration(k, d, ar, ma):
    """2 int_0^pi f(lambda) cos(k lambda) d lambda, with the pole at 0 removed analytically.

    f(lambda) = lambda^(-2d) h(lambda) with h smooth; substituting lambda = t^p, p = 1/(1-2d),
    turns lambda^(-2d) d lambda into p dt, so the integrand in t is smooth and the quadrature
    converges to full precision (its error estimate is stored with the value).
    """
    p = 1 / (1 - 2 * d)

    def smooth(lam):
        z = mp.exp(-1j * lam)
        arma = abs(mp.polyval(list(reversed(ma)), z)) ** 2 / abs(mp.polyval(list(reversed(ar)), z)) ** 2
        ratio = (2 * mp.sin(lam / 2) / lam) ** (-2 * d) if lam != 0 else mp.mpf(1)
        return arma * ratio / (2 * mp.pi)

    def integrand(t):
        lam = t**p
        return p * smooth(lam) * mp.cos(k * lam)

    top = mp.pi ** (1 / p)
    points = [top * i / 16 for i in range(17)]
    value, error = mp.quad(integrand, points, error=True, maxdegree=10)
    return 2 * value, 2 * error


def main():
    out = {"dps": mp.mp.dps, "weights": [], "partial_sums": [], "acf": [], "arfima": []}
    for d_text in WEIGHT_ORDERS:
        d = mp.mpf(d_text)
        for j in WEIGHT_INDICES:
            out["weights"].append(
                {"d": float(d), "j": j, "psi": mp.nstr(psi(d, j), 25), "w": mp.nstr(psi(-d, j), 25)}
            )
    for d_text in PARTIAL_SUM_ORDERS:
        d = mp.mpf(d_text)
        for K in PARTIAL_SUM_INDICES:
            closed = mp.rf(1 - d, K) / mp.factorial(K)
            out["partial_sums"].append({"d": float(d), "K": K, "value": mp.nstr(closed, 25)})
    for d_text in ACF_ORDERS:
        d = mp.mpf(d_text)
        gamma0 = mp.gamma(1 - 2 * d) / mp.gamma(1 - d) ** 2
        entry = {"d": float(d), "gamma0": mp.nstr(gamma0, 25), "rho": {}}
        for k in ACF_LAGS:
            rho = mp.gammaprod([k + d, 1 - d], [k - d + 1, d])
            entry["rho"][str(k)] = mp.nstr(rho, 25)
        out["acf"].append(entry)
    for label, d_text, ar, ma in ARFIMA_MODELS:
        d, ar_m, ma_m = mp.mpf(d_text), [mp.mpf(a) for a in ar], [mp.mpf(m) for m in ma]
        values, errors = {}, {}
        for k in ARFIMA_LAGS:
            value, error = acvf_by_integration(k, d, ar_m, ma_m)
            values[str(k)], errors[str(k)] = mp.nstr(value, 20), mp.nstr(error, 3)
        out["arfima"].append(
            {"label": label, "d": float(d), "ar": [float(a) for a in ar_m],
             "ma": [float(m) for m in ma_m], "acvf": values, "quadrature_error": errors}
        )
        print(label, values["0"], values["10"], flush=True)
    with open("theory_reference.json", "w") as handle:
        json.dump(out, handle, indent=1)


if __name__ == "__main__":
    main()
