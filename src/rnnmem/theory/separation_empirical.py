"""Empirical Start-End rank of any float model: singular values of its grid matricisation.

For a model y(x^1, ..., x^T) with real-valued input vectors, fix M template inputs
v_1, ..., v_M, evaluate the model on all M^T sequences (v_{d_1}, ..., v_{d_T}) and arrange the
outputs as the M^{T/2} x M^{T/2} Start-End matrix. Its rank is a lower bound on the
Start-End separation rank of y (Levine et al. 2017; THEORY.md §6: any template set gives a lower
bound). In float arithmetic the rank is numerical: singular values above a stated tolerance.
This works for any callable on NumPy arrays and for torch modules; for exact ranks of
arithmetic circuits use :func:`rnnmem.theory.separation_rank.start_end_rank`.

References
----------
Levine, Sharir, Ziv, Shashua (2017), arXiv:1710.09431 (grid tensors and the Start-End
matricisation); THEORY.md §6.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from rnnmem._results import Result
from rnnmem._validation import as_integer, as_real, as_real_array

from .separation_rac import _check_sizes

__all__ = ["EmpiricalStartEndRank", "empirical_start_end_rank"]


@dataclasses.dataclass(frozen=True)
class EmpiricalStartEndRank(Result):
    """Numerical Start-End rank of a model on M template inputs.

    Attributes
    ----------
    T, M : int
        Sequence length and number of templates.
    rank : int
        Number of singular values above ``tolerance``.
    tolerance : float
        The threshold used.
    singular_values : numpy.ndarray, shape (M^{T/2},)
        Singular values of the Start-End matrix, decreasing.
    matrix : numpy.ndarray, shape (M^{T/2}, M^{T/2})
        The Start-End matrix (rows: start, first input most significant).
    output_dtype : str
        The dtype of the model's outputs (float32 outputs limit the meaningful tolerance).
    """

    T: int
    M: int
    rank: int
    tolerance: float
    singular_values: np.ndarray
    matrix: np.ndarray
    output_dtype: str

    _title = "Empirical Start-End rank"

    def summary(self) -> str:
        shown = np.array2string(self.singular_values[: min(8, self.singular_values.size)],
                                precision=3)
        return "\n".join([
            (f"Empirical Start-End rank, T={self.T}, M={self.M} templates "
             f"({self.output_dtype} outputs)"),
            f"  rank: {self.rank} singular values above tol={self.tolerance:.3g}",
            f"  leading singular values: {shown}",
        ])


def _call(model, batch, output):
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is installed in the test environment
        torch = None
    if torch is not None and isinstance(model, torch.nn.Module):
        dtype = next((p.dtype for p in model.parameters()), torch.float32)
        with torch.no_grad():
            result = model(torch.as_tensor(batch, dtype=dtype))
        if isinstance(result, (tuple, list)):
            result = result[0]
        values = result.detach().cpu().numpy()
    else:
        values = np.asarray(model(batch))
    if values.ndim == 3:  # (batch, time, features): the output after the last input
        values = values[:, -1, :]
    values = values.reshape(batch.shape[0], -1)
    if not 0 <= output < values.shape[1]:
        raise ValueError(
            f"`output` must index the model's {values.shape[1]} output(s); got output={output}."
        )
    return values[:, output]


def empirical_start_end_rank(model, templates, T, *, tol=None, output=0, batch_size=65536,
                             max_sequences=2**22) -> EmpiricalStartEndRank:
    """Numerical rank of the Start-End matricisation of a model's outputs on M templates.

    Parameters
    ----------
    model : callable or torch.nn.Module
        Maps a float array of shape (batch, T, input_size) to outputs of shape (batch,),
        (batch, k) or (batch, T, k) (then the last time step is used); a tuple output (as
        from ``torch.nn.RNN``) contributes its first element. Torch modules get a tensor of
        their parameters' dtype and run under ``torch.no_grad()``.
    templates : array_like, shape (M, input_size)
        The M template inputs (one-hot vectors give the grid tensor of Levine et al.).
    T : int
        Sequence length, even.
    tol : float, optional
        Singular values above ``tol`` count. Default ``s_max * M^{T/2} * eps`` with eps of the
        outputs' dtype (NumPy's ``matrix_rank`` rule).
    output : int, default 0
        Which output coordinate to use.
    batch_size : int, default 65536
        Sequences per model call.
    max_sequences : int, default 2^22
        Refuse M^T above this (the model is called on every sequence).

    Returns
    -------
    EmpiricalStartEndRank

    Notes
    -----
    A_{(d_1..d_{T/2}), (d_{T/2+1}..d_T)} = y(v_{d_1}, ..., v_{d_T}); rank(A) <= the Start-End
    separation rank of y, with equality for one-hot templates of a multilinear model such as
    a RAC. A float rank can be too low when singular values fall below the tolerance (deep
    circuits: see :class:`~rnnmem.theory.separation_rank.FloatRankWarning`).

    Examples
    --------
    >>> import numpy as np
    >>> additive = lambda x: x[:, :, 0].sum(axis=1)  # f(start) + g(end): rank 2
    >>> empirical_start_end_rank(additive, np.eye(2), 4).rank
    2
    """
    if not callable(model):
        raise TypeError(f"`model` must be callable or a torch.nn.Module; got {type(model).__name__}.")
    vectors = as_real_array(templates, "templates", ndim=2, min_size=1)
    M = vectors.shape[0]
    T, M, _, _ = _check_sizes(T, M, 1, 1)
    output = as_integer(output, "output", minimum=0)
    batch_size = as_integer(batch_size, "batch_size", minimum=1)
    max_sequences = as_integer(max_sequences, "max_sequences", minimum=1)
    total = M**T
    if total > max_sequences:
        raise ValueError(
            f"the M^T = {M}^{T} = {total} sequences exceed `max_sequences`={max_sequences} "
            f"(the inputs alone would take {total * T * vectors.shape[1] * 8 / 2**30:.3g} GiB "
            "in float64); use a smaller `T` or `M`, or raise `max_sequences`."
        )
    powers = M ** np.arange(T - 1, -1, -1)
    values = None
    for start in range(0, total, batch_size):
        index = np.arange(start, min(start + batch_size, total))
        digits = (index[:, None] // powers) % M
        outputs = _call(model, vectors[digits], output)
        if values is None:
            values = np.empty(total, dtype=np.result_type(outputs.dtype, np.float32))
        values[index] = outputs
    if not np.all(np.isfinite(values)):
        raise ValueError("the model returned NaN or inf on some template sequence.")
    n_half = M ** (T // 2)
    matrix = values.astype(np.float64).reshape(n_half, n_half)
    singular = np.linalg.svd(matrix, compute_uv=False)
    if tol is None:
        tolerance = float(singular[0]) * n_half * float(np.finfo(values.dtype).eps)
    else:
        tolerance = as_real(tol, "tol", low=0.0)
    rank = int(np.count_nonzero(singular > tolerance))
    return EmpiricalStartEndRank(T, M, rank, tolerance, singular, matrix, str(values.dtype))
