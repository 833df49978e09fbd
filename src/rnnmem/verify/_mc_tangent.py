"""Front door of the tangent kernels (:mod:`rnnmem.simulate._tangent_kernels`, and
:mod:`rnnmem.simulate._dynamic_tangent_kernels` for the dynamic-d MRNN and MLSTM).

Private: :mod:`rnnmem.verify.mixing` uses it for the top Lyapunov exponent and
:mod:`rnnmem.verify.definition3` for the expected Jacobians A_k = E[dz_t / dx_{t-k}].
Arguments are validated by the public callers; this module draws every random number with
NumPy, allocates the outputs and calls the kernel.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from rnnmem.simulate import _dynamic_tangent_kernels, _tangent_kernels
from rnnmem.simulate.networks import _kernel_args, _worth_threads

__all__ = ["TangentRun", "tangent_run"]


def _tangent_kernel(network):
    """(kernel module, family, weights): the fixed-d kernels cover every network but the
    dynamic-d MRNN and MLSTM, which have their own module."""
    family, weights = _kernel_args(network)
    if family == "mrnn":
        whx, whh, bh, wmf, wmm, bm, hw, hb, wd, bd, k, dynamic, out = weights
        if dynamic:
            return _dynamic_tangent_kernels, "mrnn", (whx, whh, bh, wmf, wmm, bm, hw, hb, wd,
                                                      bd, k, out)
        return _tangent_kernels, "mrnnf", (whx, whh, bh, wmf, wmm, bm, hw, hb, bd, k, out)
    if family == "mlstm":
        wih, whh, b, hw, hb, wd, bd, k, dynamic, out = weights
        if dynamic:
            return _dynamic_tangent_kernels, "mlstm", (wih, whh, b, hw, hb, wd, bd, k, out)
        return _tangent_kernels, "mlstmf", (wih, whh, b, hw, hb, bd, k, out)
    return _tangent_kernels, family, weights


@dataclasses.dataclass(frozen=True)
class TangentRun:
    """Raw output of a tangent kernel (internal).

    outputs : (C, n_windows * window, O) base path after the burn-in.
    coeffs : (C, n_windows, window, O, I) dz_{s+k}/dx_s per window (input mode) or None.
    logs : (C, n_windows) sums of log growth factors per window (state mode) or None.
    status : (C,) divergence step or -1.
    """

    outputs: np.ndarray
    coeffs: np.ndarray | None
    logs: np.ndarray | None
    status: np.ndarray


def tangent_run(network, *, autonomous, n_chains, n_burn, n_windows, window, input_mode,
                gen, noise_scale=1.0, bound=1e10, drive=None, use_twin=False) -> TangentRun:
    """Run the tangent kernel of ``network`` (see the module docstring of the kernels)."""
    module, family, weights = _tangent_kernel(network)
    source, serial, parallel = module.KERNELS[family]
    n_total = n_burn + n_windows * window
    # Small runs (memory_class's: at most 4 chains) stay on the serial build, which compiles
    # in a fraction of the parallel build's time; the numbers are the same.
    kernel = parallel if _worth_threads(n_chains, n_total) else serial
    if use_twin:
        kernel = module.python_twin(source)
    n_out, n_in, n_state = network.output_size, network.input_size, network.state_size
    if drive is None:
        size = n_out if autonomous else n_in
        drive = noise_scale * gen.standard_normal((n_chains, n_total, size))
    n_tan = n_in if input_mode else 1
    if input_mode:
        tan0 = np.zeros((n_chains, n_tan, n_state + n_out))
    else:
        tan0 = gen.standard_normal((n_chains, 1, n_state + n_out))
        if not autonomous:
            tan0[:, :, n_state:] = 0.0
        if n_state > 0 or autonomous:
            tan0 /= np.sqrt(np.sum(tan0**2, axis=2, keepdims=True))
        # else: a driven network without state (z_t a function of x_t alone, such as
        # LinearChain([[a]])) has nothing to perturb. The tangent stays zero, and the kernels
        # report logs = -inf: the exponent of a chain that forgets at once.
    y0 = np.zeros((n_chains, n_out))
    state0 = np.zeros((n_chains, n_state))
    outputs = np.full((n_chains, n_windows * window, n_out), np.nan)
    if input_mode:
        coeffs = np.zeros((n_chains, n_windows, window, n_out, n_in))
    else:
        coeffs = np.zeros((1, 1, 1, 1, 1))
    logs = np.zeros((n_chains, n_windows))
    status = np.full(n_chains, -1, dtype=np.int64)
    kernel(drive, autonomous, y0, state0, *weights, n_burn, window, input_mode, tan0, bound,
           outputs, coeffs, logs, status)
    return TangentRun(outputs=outputs, coeffs=coeffs if input_mode else None,
                      logs=None if input_mode else logs, status=status)
