"""Reference forecasters for the ZH20 series: the exact ARFIMA predictor and a fitted AR(1).

NumPy only (no torch), so ``rnnmem reproduce`` can print them beside the networks.
"""

from __future__ import annotations

import numpy as np

from rnnmem._validation import as_real_array

__all__ = ["ARFIMA_MODEL", "one_step_predictions", "oracle_rmse", "ar1_rmse"]

# The generating model of the ZH20 ARFIMA series (THEORY.md §4), in rnnmem's polynomial
# convention (leading 1): (1 - 0.7B + 0.4B^2)(1 - B)^0.4 Y_t = (1 - 0.2B) eps_t, var eps = 1.
ARFIMA_MODEL = {"d": 0.4, "ar": (1.0, -0.7, 0.4), "ma": (1.0, -0.2), "sigma2": 1.0}


def one_step_predictions(x, acvf) -> np.ndarray:
    """Best linear one-step predictions of a zero-mean stationary series from its whole past.

    Parameters
    ----------
    x : array_like, shape (n,)
        The observed series x_0, ..., x_{n-1}.
    acvf : array_like, shape (>= n,)
        Its autocovariances gamma(0), gamma(1), ... (positive definite).

    Returns
    -------
    numpy.ndarray, shape (n,)
        ``pred[t]`` = E[x_t | x_0..x_{t-1}] for a Gaussian series (``pred[0]`` = 0):
        phi_{t,1} x_{t-1} + ... + phi_{t,t} x_0.

    Notes
    -----
    Durbin-Levinson recursion (Brockwell and Davis 1991, Proposition 5.2.1), keeping the
    whole coefficient vector phi_t at each t: O(n^2) time, O(n) memory. The predictor uses
    the finite observed past, which is what a forecaster of the series can know.
    """
    x = as_real_array(x, "x", ndim=1, min_size=1)
    acvf = as_real_array(acvf, "acvf", ndim=1, min_size=x.size)
    n = x.size
    pred = np.zeros(n)
    phi = np.zeros(0)  # phi_{t,1..t}
    v = acvf[0]
    for t in range(1, n):
        # Reflection coefficient phi_{t,t} from gamma(1..t) and phi_{t-1}.
        k = (acvf[t] - phi @ acvf[t - 1:0:-1]) / v if t > 1 else acvf[1] / acvf[0]
        phi = np.concatenate([phi - k * phi[::-1], [k]])
        v *= 1.0 - k * k
        pred[t] = phi @ x[t - 1::-1]
    return pred


def oracle_rmse(values, split) -> float:
    """Test RMSE of the exact one-step predictor of the ZH20 ARFIMA model.

    Parameters
    ----------
    values : array_like, shape (n,)
        The ARFIMA series (``rnnmem.datasets.load("arfima").values``).
    split : (int, int, int)
        Training, validation and test pair counts (the test part is the last ``split[2]``
        targets).

    Returns
    -------
    float
        sqrt(mean((x_t - E[x_t | x_0..x_{t-1}])^2)) over the test targets; about 1.016 for
        the ZH20 series (the innovation sd is 1).
    """
    from rnnmem.theory import arfima_acvf

    values = as_real_array(values, "values", ndim=1, min_size=4)
    acvf = arfima_acvf(values.size, **ARFIMA_MODEL)
    pred = one_step_predictions(values, acvf)
    test = slice(values.size - split[2], values.size)
    return float(np.sqrt(np.mean((values[test] - pred[test]) ** 2)))


def ar1_rmse(values, split) -> float:
    """Test RMSE of an AR(1) with intercept fitted by least squares on the training pairs.

    x_{t+1} = a + b x_t is fitted on the ``split[0]`` training pairs and forecasts every test
    target from the value before it.
    """
    values = as_real_array(values, "values", ndim=1, min_size=4)
    n_train = split[0]
    inputs, targets = values[:n_train], values[1:n_train + 1]
    b = np.cov(inputs, targets, bias=True)[0, 1] / np.var(inputs)
    a = targets.mean() - b * inputs.mean()
    test_inputs = values[values.size - 1 - split[2]: values.size - 1]
    test_targets = values[values.size - split[2]:]
    return float(np.sqrt(np.mean((a + b * test_inputs - test_targets) ** 2)))
