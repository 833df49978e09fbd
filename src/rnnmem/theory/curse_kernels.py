"""Memory kernels of linear RNNs, their operator norm and the white-noise loss (LH21, §5).

A linear RNN h' = W h + U x, y = c^T h (W Hurwitz) realises the linear functional

    y(t) = int_0^inf rho_hat(s) x(t - s) ds,   rho_hat(s) = c^T exp(W s) U,

a sum of at most m exponential modes; in discrete time h_{n+1} = W h_n + U x_n,
y_n = c^T h_{n+1} = sum_{k>=0} rho_hat_k x_{n-k} with rho_hat_k = c^T W^k U (spectral radius
of W below 1). On inputs bounded by 1 the operator norm of the functional is the L1 norm of
its kernel; on white noise of variance sigma^2 the mean squared output difference of two
functionals is sigma^2 times the L2 distance of their kernels.

References
----------
Li, Han, E, Li (2021), "On the Curse of Memory in Recurrent Neural Networks: Approximation
and Optimization Analysis", ICLR, arXiv:2009.07799: the continuous-time linear RNN, the
representation H_t(x) = int_0^inf x_{t-s} rho(s) ds and the loss on white-noise inputs;
THEORY.md §5.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
from scipy import linalg

from rnnmem._results import Result
from rnnmem._validation import as_choice, as_real, as_real_array

__all__ = ["LinearRNN", "white_noise_loss"]

_TIMES = ("continuous", "discrete")


def _vector(value, name, size):
    arr = as_real_array(value, name, ndim=1)
    if arr.shape != (size,):
        raise ValueError(f"`{name}` must have shape ({size},); got shape {arr.shape}.")
    arr = arr.copy()
    arr.setflags(write=False)
    return arr


def _gauss_panels(edges, order=16):
    """Composite Gauss-Legendre nodes and weights on the panels between ``edges``."""
    x, w = np.polynomial.legendre.leggauss(order)
    a, b = edges[:-1], edges[1:]
    half = (b - a) / 2
    nodes = (half[:, None] * (x + 1) + a[:, None]).ravel()
    weights = (half[:, None] * w).ravel()
    return nodes, weights


@dataclasses.dataclass(frozen=True, eq=False)
class LinearRNN(Result):
    """A single-input single-output linear RNN and its memory kernel.

    Parameters
    ----------
    W : array_like, shape (m, m)
        Recurrent matrix: Hurwitz (every eigenvalue with negative real part) in continuous
        time, spectral radius below 1 in discrete time.
    U : array_like, shape (m,)
        Input weights.
    c : array_like, shape (m,)
        Readout.
    time : {"continuous", "discrete"}, keyword-only
        The time model.

    Notes
    -----
    Continuous time: rho_hat(t) = c^T e^{W t} U, y(t) = int_0^inf rho_hat(s) x(t - s) ds.
    Discrete time: rho_hat_k = c^T W^k U, y_n = sum_{k=0}^{n} rho_hat_k x_{n-k}.

    References
    ----------
    Li et al. (2021), arXiv:2009.07799 (the linear RNN hypothesis space); THEORY.md §5.

    Examples
    --------
    >>> rnn = LinearRNN([[-1.0]], [2.0], [1.0])
    >>> float(rnn.kernel([0.0, 1.0])[1])  # 2 e^{-1}
    0.7357588823428847
    >>> round(rnn.operator_norm(), 12)
    2.0
    """

    W: np.ndarray
    U: np.ndarray
    c: np.ndarray
    _: dataclasses.KW_ONLY
    time: str = "continuous"

    _title = "Linear RNN"

    def __post_init__(self):
        time = as_choice(self.time, "time", _TIMES)
        W = as_real_array(self.W, "W", ndim=2)
        m = W.shape[0]
        if W.shape != (m, m) or m < 1:
            raise ValueError(f"`W` must be a non-empty square matrix; got shape {W.shape}.")
        eig = np.linalg.eigvals(W)
        if time == "continuous":
            top = float(np.max(eig.real))
            if top >= 0:
                raise ValueError(
                    "`W` must be Hurwitz (every eigenvalue with negative real part) for the "
                    f"memory kernel c^T exp(Wt) U to decay; got max Re(eig(W))={top!r}."
                )
        else:
            top = float(np.max(np.abs(eig)))
            if top >= 1:
                raise ValueError(
                    "`W` must have spectral radius below 1 for the kernel c^T W^k U to decay; "
                    f"got spectral radius {top!r}."
                )
        W = W.copy()
        W.setflags(write=False)
        object.__setattr__(self, "time", time)
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "U", _vector(self.U, "U", m))
        object.__setattr__(self, "c", _vector(self.c, "c", m))

    @property
    def width(self) -> int:
        """m, the hidden size."""
        return self.W.shape[0]

    @property
    def decay_rate(self) -> float:
        """-max Re(eig W) (continuous) or -log(spectral radius) (discrete): the kernel's rate."""
        eig = np.linalg.eigvals(self.W)
        if self.time == "continuous":
            return float(-np.max(eig.real))
        return float(-np.log(np.max(np.abs(eig))))

    def kernel(self, t) -> np.ndarray:
        """rho_hat at times ``t`` (continuous: reals >= 0; discrete: integer lags >= 0)."""
        if self.time == "discrete":
            lags = np.asarray(t)
            if lags.dtype.kind not in "iu":
                raise TypeError(f"`t` must be integer lags in discrete time; got dtype {lags.dtype}.")
            if lags.size and lags.min() < 0:
                raise ValueError(f"`t` must be >= 0; got min(t)={int(lags.min())}.")
            flat = lags.ravel()
            out = np.empty(flat.size)
            if flat.size:
                top = int(flat.max())
                values = np.empty(top + 1)
                state = self.U.copy()
                for k in range(top + 1):
                    values[k] = self.c @ state
                    state = self.W @ state
                out = values[flat]
            return out.reshape(lags.shape)
        times = as_real_array(t, "t")
        if times.size and times.min() < 0:
            raise ValueError(f"`t` must be >= 0; got min(t)={float(times.min())!r}.")
        flat = times.ravel()
        out = np.zeros(flat.size)
        # beyond this horizon the kernel is below 1e-300 of its scale: exactly 0 in float64
        inside = flat <= self._horizon(tol=1e-300)
        modes = self._modes
        if modes is not None:
            rates, residues = modes
            out[inside] = np.real(np.exp(np.outer(flat[inside], rates)) @ residues)
        else:
            exps = linalg.expm(self.W[None, :, :] * flat[inside, None, None])
            out[inside] = np.einsum("i,kij,j->k", self.c, exps, self.U)
        return out.reshape(times.shape)

    @functools.cached_property
    def _modes(self):
        """(eigenvalues, residues) with rho_hat(t) = sum_k r_k e^{lambda_k t}, or None.

        Used when W is diagonalisable with an eigenvector matrix of condition number below
        1e6 (rounding then stays below about 1e-10 relative); otherwise the kernel is taken
        from the matrix exponential.
        """
        rates, vectors = np.linalg.eig(self.W)
        if not np.all(np.isfinite(vectors)) or np.linalg.cond(vectors) > 1e6:
            return None
        residues = (self.c @ vectors) * np.linalg.solve(vectors, self.U.astype(complex))
        return rates, residues

    def _kernel_integral(self, a, b) -> np.ndarray:
        """int_a^b rho_hat(s) ds = c^T W^{-1} (e^{W b} - e^{W a}) U, elementwise."""
        modes = self._modes
        if modes is not None:
            rates, residues = modes
            diff = np.exp(np.outer(b, rates)) - np.exp(np.outer(a, rates))
            return np.real(diff @ (residues / rates))
        ea = linalg.expm(self.W[None] * a[:, None, None]) @ self.U
        eb = linalg.expm(self.W[None] * b[:, None, None]) @ self.U
        return (eb - ea) @ np.linalg.solve(self.W.T, self.c)

    def output(self, x, *, dt=1.0) -> np.ndarray:
        """The functional applied to an input that starts at time 0 (zero before).

        Parameters
        ----------
        x : array_like, shape (n,)
            Continuous time: x_n is the input's value on [n dt, (n+1) dt) (zero-order hold).
            Discrete time: the input sequence.
        dt : float, keyword-only, default 1.0
            Sampling step (continuous time only).

        Returns
        -------
        numpy.ndarray, shape (n,)
            Continuous: y((n+1) dt) = sum_k x_{n-k} int_{k dt}^{(k+1) dt} rho_hat(s) ds, exact
            for a piecewise-constant input. Discrete: y_n = sum_{k<=n} rho_hat_k x_{n-k}.
        """
        values = as_real_array(x, "x", ndim=1, min_size=1)
        n = values.size
        if self.time == "discrete":
            weights = self.kernel(np.arange(n))
        else:
            step = as_real(dt, "dt", low=0.0, low_inclusive=False)
            edges = step * np.arange(n + 1)
            weights = self._kernel_integral(edges[:-1], edges[1:])
        size = 1 << int(np.ceil(np.log2(2 * n)))
        spectrum = np.fft.rfft(weights, size) * np.fft.rfft(values, size)
        return np.fft.irfft(spectrum, size)[:n]

    def _horizon(self, tol=1e-17) -> float:
        """A time beyond which the kernel's magnitude is below ``tol`` times its scale."""
        rate = self.decay_rate
        scale = float(np.linalg.norm(self.c) * np.linalg.norm(self.U)) + 1.0
        # e^{W t} can grow transiently by the eigenvector condition number; add its log
        _, vectors = np.linalg.eig(self.W)
        growth = np.log(max(np.linalg.cond(vectors), 1.0)) if np.all(np.isfinite(vectors)) else 0.0
        return (np.log(scale / tol) + growth + 2 * np.log(self.width + 1)) / rate

    def operator_norm(self) -> float:
        """Operator norm on inputs bounded by 1: the L1 norm of the kernel.

        Notes
        -----
        sup_{|x| <= 1} |y(t)| = int_0^inf |rho_hat(s)| ds (continuous) or
        sum_k |rho_hat_k| (discrete), attained by x(t - s) = sign(rho_hat(s)). Computed by
        composite Gauss-Legendre quadrature on panels shorter than a quarter of the fastest
        oscillation or decay time, up to where the kernel is below 1e-17 of its scale.
        """
        horizon = self._horizon()
        if self.time == "discrete":
            lags = np.arange(int(np.ceil(horizon)) + 1)
            return float(np.sum(np.abs(self.kernel(lags))))
        nodes, weights = self._l1_nodes(horizon)
        return float(weights @ np.abs(self.kernel(nodes)))

    def _l1_nodes(self, horizon, max_panels=200_000):
        """Gauss-Legendre panels resolving every mode: a quarter of 1/|lambda_max| while the
        fastest modes live, then a quarter of the period or decay time of the slow ones."""
        eig = np.linalg.eigvals(self.W)
        fastest = float(np.max(np.abs(eig)))
        early_end = min(horizon, 40.0 / fastest)
        early = np.linspace(0.0, early_end, 161)
        # after 40/|lambda_max| only modes with |Re lambda| < |lambda_max|/... remain; resolve
        # the oscillation (|Im lambda|) and the decay (|Re lambda|) of every mode still alive
        alive = np.abs(eig.real) * early_end < 40.0
        scale = float(np.max(np.abs(eig[alive]))) if np.any(alive) else self.decay_rate
        n_late = int(np.ceil(4.0 * (horizon - early_end) * scale))
        if n_late > max_panels:
            raise ValueError(
                f"the kernel oscillates {scale * (horizon - early_end) / (2 * np.pi):.3g} times "
                "before it decays; its L1 norm would need more than "
                f"{max_panels} quadrature panels. `W` is too lightly damped for this method."
            )
        late = np.linspace(early_end, horizon, max(n_late, 1) + 1)
        edges = np.concatenate([early, late[1:]]) if horizon > early_end else early
        return _gauss_panels(edges)

    def l2_norm_squared(self) -> float:
        """int_0^inf rho_hat^2 = c^T P c (continuous: W P + P W^T + U U^T = 0) or
        sum_k rho_hat_k^2 = c^T P c (discrete: P = W P W^T + U U^T)."""
        q = np.outer(self.U, self.U)
        if self.time == "continuous":
            gram = linalg.solve_continuous_lyapunov(self.W, -q)
        else:
            gram = linalg.solve_discrete_lyapunov(self.W, q)
        return float(self.c @ gram @ self.c)

    def summary(self) -> str:
        return "\n".join([
            f"Linear RNN ({self.time} time), width {self.width}",
            f"  decay rate of the kernel: {self.decay_rate:.6g}",
            f"  operator norm (L1 of the kernel): {self.operator_norm():.6g}",
        ])


def white_noise_loss(target, model, *, sigma=1.0) -> float:
    """Mean squared output difference of two functionals on white noise of variance sigma^2.

    Parameters
    ----------
    target : TargetKernel, callable or array_like
        Continuous time: a :class:`~rnnmem.theory.curse_targets.TargetKernel` or a vectorised
        callable rho(t) (it is evaluated at quadrature nodes up to t = 2.5e30, so it must
        return finite values there). Discrete time: the coefficients rho_0, ..., rho_{K-1}
        (zero beyond).
    model : LinearRNN
        The approximating linear RNN.
    sigma : float, keyword-only, default 1.0
        Standard deviation of the white noise.

    Returns
    -------
    float
        sigma^2 int_0^inf (rho - rho_hat)^2 dt (continuous) or
        sigma^2 sum_k (rho_k - rho_hat_k)^2 (discrete).

    Notes
    -----
    The model's own term int rho_hat^2 is exact (Lyapunov equation); the cross term and the
    target's term use composite Gauss-Legendre quadrature (continuous) or finite sums
    (discrete, the model's tail beyond K by c^T W^K P (W^T)^K c).

    References
    ----------
    Li et al. (2021), arXiv:2009.07799 (the loss on white-noise inputs); THEORY.md §5.

    Examples
    --------
    >>> rnn = LinearRNN([[-1.0]], [1.0], [1.0])
    >>> round(white_noise_loss(lambda t: 2 * np.exp(-t), rnn), 12)  # int e^{-2t} = 1/2
    0.5
    """
    if not isinstance(model, LinearRNN):
        raise TypeError(f"`model` must be a LinearRNN; got {type(model).__name__}.")
    sigma = as_real(sigma, "sigma", low=0.0, low_inclusive=False)
    if model.time == "discrete":
        rho = as_real_array(target, "target", ndim=1, min_size=1)
        K = rho.size
        rho_hat = model.kernel(np.arange(K))
        q = np.outer(model.U, model.U)
        gram = linalg.solve_discrete_lyapunov(model.W, q)
        power = np.linalg.matrix_power(model.W, K)
        tail = float(model.c @ power @ gram @ power.T @ model.c)
        return sigma**2 * (float(np.sum((rho - rho_hat) ** 2)) + tail)
    if not callable(target):
        raise TypeError(
            f"`target` must be a TargetKernel or a callable rho(t) in continuous time; "
            f"got {type(target).__name__}."
        )
    from .curse_targets import _quadrature

    scale = getattr(target, "scale", 10.0)
    fastest = float(np.max(np.abs(np.linalg.eigvals(model.W))))
    nodes, weights = _quadrature(max(scale, 1.0 / model.decay_rate), step=min(0.5, 1.0 / fastest))
    rho = np.asarray(target(nodes), dtype=float)
    cross = float(weights @ (rho * model.kernel(nodes)))
    own = float(weights @ (rho * rho))
    return sigma**2 * (own - 2 * cross + model.l2_norm_squared())
