"""Start-End separation rank of recurrent arithmetic circuits: exact ranks and the bounds.

The Start-End separation rank of y(x^1, ..., x^T) is the least K with
y = sum_{nu <= K} g_nu(x^1..x^{T/2}) g'_nu(x^{T/2+1}..x^T). For a RAC on M one-hot templates
it equals the rank of the M^{T/2} x M^{T/2} Start-End matricisation of its grid tensor
(:func:`rnnmem.theory.separation_rac.start_end_matrix`). Ranks are computed exactly by
Gaussian elimination modulo p = 2^31 - 1; float64 (SVD with a tolerance) is offered for
comparison and is wrong at depth 3 (:class:`FloatRankWarning`).

References
----------
Levine, Sharir, Ziv, Shashua (2017), "On the Long-Term Memory of Deep Recurrent Networks",
arXiv:1710.09431: the Start-End separation rank, the shallow-RAC result and Theorem 1 (depth 2);
THEORY.md §6 (the lower bound there is marked reconstructed).
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np

from rnnmem import RnnmemWarning
from rnnmem._numba import jit
from rnnmem._results import Result
from rnnmem._validation import as_bool, as_integer, as_real

from .separation_rac import (
    MERSENNE_PRIME,
    RecurrentArithmeticCircuit,
    _check_sizes,
    start_end_matrix,
)

__all__ = [
    "FloatRankWarning",
    "SeparationBounds",
    "StartEndRank",
    "circuit_rank",
    "multiset_coefficient",
    "rank_mod_p",
    "separation_rank_bounds",
    "start_end_rank",
]

_P = MERSENNE_PRIME


class FloatRankWarning(RnnmemWarning):
    """A float64 rank of a deep RAC (depth >= 3, or below a proven lower bound) is wrong.

    The grid tensor of a deep circuit spans many orders of magnitude, so singular values
    that are exactly non-zero fall below any float64 tolerance and the numerical rank comes
    out too low. Use ``exact=True``; silence with
    ``warnings.filterwarnings("ignore", category=FloatRankWarning)``.
    """


def _pow_mod(base, exponent):
    result = 1
    base = base % _P
    while exponent > 0:
        if exponent & 1:
            result = (result * base) % _P
        base = (base * base) % _P
        exponent >>= 1
    return result


_pow_mod_jit = jit(_pow_mod)


def _rank_mod_p_py(a):
    """Rank of ``a`` (int64 residues in [0, p), p = 2^31 - 1), destroying ``a``.

    Row-by-row elimination with column swaps: a zero row is swapped to the bottom and
    dropped, so a matrix of rank r costs O(r n m) and a full-rank square one n^3 / 3
    multiply-adds. Every product of two residues is below 2^62 and is reduced at once.
    """
    n_rows, n_cols = a.shape
    active = n_rows
    rank = 0
    while rank < active and rank < n_cols:
        k = rank
        pivot_col = -1
        for j in range(rank, n_cols):
            if a[k, j] != 0:
                pivot_col = j
                break
        if pivot_col < 0:
            active -= 1
            if k != active:
                for j in range(n_cols):
                    tmp = a[k, j]
                    a[k, j] = a[active, j]
                    a[active, j] = tmp
            continue
        if pivot_col != rank:
            for i in range(k, active):
                tmp = a[i, pivot_col]
                a[i, pivot_col] = a[i, rank]
                a[i, rank] = tmp
        inverse = _pow_mod_jit(a[k, rank], _P - 2)
        for i in range(k + 1, active):
            f = a[i, rank]
            if f != 0:
                g = ((_P - f) * inverse) % _P
                for j in range(rank + 1, n_cols):
                    a[i, j] = (a[i, j] + g * a[k, j]) % _P
                a[i, rank] = 0
        rank += 1
    return rank


_rank_mod_p = jit(_rank_mod_p_py)


def _panel_py(a, row0, col0, col1, pivot_cols):
    """Eliminate columns col0..col1-1 of rows row0.. of ``a`` in place (LU, row pivoting).

    Kernel of the blocked rank. Only the panel columns are updated; full rows are swapped so
    that the pivot rows end up at row0, row0 + 1, ...; each eliminated entry is replaced by
    its multiplier f (row_i -= f row_pivot), as in an in-place LU factorisation. Writes the
    pivot columns into ``pivot_cols`` and returns their number k.
    """
    n_rows, n_cols = a.shape
    k = 0
    for c in range(col0, col1):
        row = row0 + k
        if row >= n_rows:
            break
        pivot = -1
        for i in range(row, n_rows):
            if a[i, c] != 0:
                pivot = i
                break
        if pivot < 0:
            continue
        if pivot != row:
            for j in range(n_cols):
                tmp = a[row, j]
                a[row, j] = a[pivot, j]
                a[pivot, j] = tmp
        inverse = _pow_mod_jit(a[row, c], _P - 2)
        for i in range(row + 1, n_rows):
            if a[i, c] != 0:
                f = (a[i, c] * inverse) % _P
                g = _P - f
                for j in range(c + 1, col1):
                    a[i, j] = (a[i, j] + g * a[row, j]) % _P
                a[i, c] = f
        pivot_cols[k] = c
        k += 1
    return k


_panel = jit(_panel_py)


def _unit_lower_inverse_py(lower, out):
    """Inverse modulo p of the unit lower-triangular matrix whose strict part is ``lower``."""
    k = lower.shape[0]
    for i in range(k):
        for j in range(k):
            out[i, j] = 0
        out[i, i] = 1
    for i in range(k):
        for j in range(i):
            acc = 0
            for t in range(j, i):
                acc = (acc + lower[i, t] * out[t, j]) % _P
            out[i, j] = (_P - acc) % _P
    return out


_unit_lower_inverse = jit(_unit_lower_inverse_py)

_LOW16 = np.int64(0xFFFF)


def _reduce_py(x):
    """x mod p for 0 <= x < 2^62, using 2^31 = 1 (mod p)."""
    x = (x & _P) + (x >> 31)
    x = (x & _P) + (x >> 31)
    return x - _P if x >= _P else x


_reduce = jit(_reduce_py)


def _combine_py(low, high, middle, base, sign, out):
    """out = (base + sign * (2^32 high + 2^16 middle + low)) mod p, entrywise.

    ``low``, ``high`` and ``middle`` hold exact integers below 2^53 (float64); ``sign`` is
    +1 or -1; ``base`` holds residues (all zero for a plain product).
    """
    rows, cols = out.shape
    for i in range(rows):
        for j in range(cols):
            lo = _reduce(np.int64(low[i, j]))
            hi = _reduce(np.int64(high[i, j]))
            mid = _reduce(np.int64(middle[i, j]) - np.int64(low[i, j]) - np.int64(high[i, j]))
            value = _reduce(2 * hi + (mid << 16) + lo)
            if sign < 0:
                value = _P - value
            out[i, j] = _reduce(base[i, j] + value)


_combine = jit(_combine_py)


def _matmul_mod(x, y, *, base=None, sign=1):
    """(base + sign * x @ y) modulo p for residue matrices, exactly, via float64 BLAS.

    Each residue is split into 16-bit halves, x = 2^16 x1 + x0, so that the three Karatsuba
    products x0 y0, x1 y1 and (x0 + x1)(y0 + y1) have integer entries below 2^34 * k <= 2^53
    (k <= 2^19 inner terms): float64 represents them exactly. Then 2^32 = 2 (mod p).
    """
    x0 = (x & _LOW16).astype(np.float64)
    x1 = (x >> 16).astype(np.float64)
    y0 = (y & _LOW16).astype(np.float64)
    y1 = (y >> 16).astype(np.float64)
    low = x0 @ y0
    high = x1 @ y1
    middle = (x0 + x1) @ (y0 + y1)
    out = np.empty(low.shape, dtype=np.int64)
    if base is None:
        base = np.zeros(low.shape, dtype=np.int64)
    _combine(low, high, middle, base, sign, out)
    return out


#: Entries of one chunk of the trailing update (4 float64/int64 work arrays of this size).
_CHUNK = 2**22


def _rank_blocked(a, block=128):
    """Rank of the residue matrix ``a`` (destroyed): blocked LU over Z/pZ.

    Panels of ``block`` columns are factorised by :func:`_panel_py`; the trailing matrix is
    updated with A22 <- A22 - L21 (L11^{-1} A12), the two products taken by
    :func:`_matmul_mod` (float64 BLAS on 16-bit halves, exact).
    """
    n_rows, n_cols = a.shape
    row = 0
    pivot_cols = np.empty(block, dtype=np.int64)
    for col0 in range(0, n_cols, block):
        if row >= n_rows:
            break
        col1 = min(col0 + block, n_cols)
        k = int(_panel(a, row, col0, col1, pivot_cols))
        if k and col1 < n_cols and row + k < n_rows:
            cols = pivot_cols[:k]
            lower = a[row:row + k][:, cols]
            inverse = _unit_lower_inverse(lower, np.empty((k, k), dtype=np.int64))
            upper = _matmul_mod(inverse, a[row:row + k, col1:])
            # the trailing update in row chunks bounds the float64 workspace (_CHUNK entries)
            step = max(1, _CHUNK // (n_cols - col1))
            for r0 in range(row + k, n_rows, step):
                r1 = min(r0 + step, n_rows)
                below = a[r0:r1][:, cols]
                a[r0:r1, col1:] = _matmul_mod(below, upper, base=a[r0:r1, col1:], sign=-1)
        row += k
    return row


def _rank(work) -> int:
    """Rank of a C-contiguous int64 residue matrix (destroyed); blocked when large."""
    if min(work.shape) <= 256:
        return int(_rank_mod_p(work))
    return int(_rank_blocked(work))


def rank_mod_p(matrix) -> int:
    """Exact rank of an integer matrix over the field of integers modulo p = 2^31 - 1.

    Parameters
    ----------
    matrix : array_like of int, shape (n, m)
        Any integers; they are reduced modulo p first (negative values included).

    Returns
    -------
    int
        The rank over Z/pZ. For an integer matrix it is at most the rank over the rationals,
        with equality unless p divides every maximal non-zero minor.

    Notes
    -----
    Gaussian elimination over Z/pZ; pivots are inverted by Fermat's little theorem,
    a^{-1} = a^{p-2} mod p. No rounding anywhere.

    Examples
    --------
    >>> rank_mod_p([[1, 2], [2, 4]])
    1
    >>> rank_mod_p([[2**31 - 1, 0], [0, 5]])
    1
    """
    arr = np.asarray(matrix)
    if arr.dtype == object or arr.dtype.kind not in "iu":
        raise TypeError(f"`matrix` must be an array of integers; got dtype {arr.dtype}.")
    if arr.ndim != 2:
        raise ValueError(f"`matrix` must be a 2-D array; got an array of shape {arr.shape}.")
    work = np.ascontiguousarray(np.mod(arr.astype(np.int64), _P))
    return _rank(work)


def multiset_coefficient(n, k) -> int:
    """Number of multisets of size k from n kinds, C(n + k - 1, k).

    Examples
    --------
    >>> multiset_coefficient(2, 6)
    7
    """
    n = as_integer(n, "n", minimum=0)
    k = as_integer(k, "k", minimum=0)
    return math.comb(n + k - 1, k) if n > 0 else int(k == 0)


@dataclasses.dataclass(frozen=True)
class SeparationBounds(Result):
    """Proven bounds on the generic Start-End separation rank of a RAC.

    Attributes
    ----------
    depth, T, M, R : int
        Layers, sequence length, templates, width.
    lower : int
        Proven lower bound for generic weights (1 when none is proven: depth >= 3).
    upper : int
        Proven upper bound (M^{T/2} when nothing better is proven: depth >= 3).
    source : str
        Where each bound comes from.
    """

    depth: int
    T: int
    M: int
    R: int
    lower: int
    upper: int
    source: str

    _title = "Start-End separation rank bounds"


def separation_rank_bounds(depth, T, M, R) -> SeparationBounds:
    """The theory bounds on the Start-End separation rank of a generic RAC.

    Parameters
    ----------
    depth : int
        Layers L >= 1.
    T : int
        Sequence length, even.
    M, R : int
        Templates and width, >= 1.

    Returns
    -------
    SeparationBounds

    Notes
    -----
    With K = T/2:

    - L = 1: rank = min(R, M^K) for generic weights (lower = upper).
    - L = 2: C(min(M, R) + K - 1, K) <= rank <= min(M^K, R M^{K-1}, R C(R + K - 1, K)).
      The upper bound counts the monomials of the state at T/2 that the end can see: linear
      in the layer-2 state (R) times homogeneous of degree K in the layer-1 state.
    - L >= 3: nothing better than 1 <= rank <= M^K is proven here; that depth does not lower
      the rank is checked numerically by the tests, not assumed.

    References
    ----------
    Levine et al. (2017), arXiv:1710.09431, Theorem 1 (depth 2) and the shallow-RAC result;
    THEORY.md §6.

    Examples
    --------
    >>> b = separation_rank_bounds(2, 12, 2, 2)
    >>> b.lower, b.upper
    (7, 14)
    """
    T, M, R, depth = _check_sizes(T, M, R, depth)
    K = T // 2
    full = M**K
    if depth == 1:
        value = min(R, full)
        return SeparationBounds(depth, T, M, R, value, value, "shallow RAC: min(R, M^{T/2})")
    if depth == 2:
        lower = math.comb(min(M, R) + K - 1, K)
        upper = min(full, R * M ** (K - 1), R * math.comb(R + K - 1, K))
        return SeparationBounds(
            depth, T, M, R, lower, upper,
            "depth 2: C(min(M,R)+T/2-1, T/2) <= rank <= "
            "min(M^{T/2}, R M^{T/2-1}, R C(R+T/2-1, T/2))",
        )
    return SeparationBounds(
        depth, T, M, R, 1, full, "depth >= 3: only the trivial bounds 1 <= rank <= M^{T/2}"
    )


@dataclasses.dataclass(frozen=True)
class StartEndRank(Result):
    """Start-End separation rank of one RAC.

    Attributes
    ----------
    depth, T, M, R : int
        Layers, sequence length, templates, width.
    rank : int
        The rank of the Start-End matricisation (exact over Z/pZ, or numerical).
    exact : bool
        True for Gaussian elimination modulo 2^31 - 1, False for float64 SVD.
    tolerance : float
        Singular values above it count (0.0 for an exact rank: every non-zero pivot counts).
    singular_values : numpy.ndarray
        Float64 singular values in decreasing order (empty for an exact rank).
    bounds : SeparationBounds
        The theory bounds for (depth, T, M, R).
    method : str
        How the rank was computed.
    """

    depth: int
    T: int
    M: int
    R: int
    rank: int
    exact: bool
    tolerance: float
    singular_values: np.ndarray
    bounds: SeparationBounds
    method: str

    _title = "Start-End separation rank"

    @property
    def within_bounds(self) -> bool:
        """Whether lower <= rank <= upper."""
        return self.bounds.lower <= self.rank <= self.bounds.upper

    def summary(self) -> str:
        kind = "exact (mod 2^31 - 1)" if self.exact else f"float64, tol={self.tolerance:.3g}"
        return "\n".join([
            f"Start-End separation rank, depth {self.depth}, T={self.T}, M={self.M}, R={self.R}",
            f"  rank   : {self.rank}  [{kind}]",
            f"  bounds : {self.bounds.lower} <= rank <= {self.bounds.upper} ({self.bounds.source})",
            f"  within bounds: {self.within_bounds}",
            f"  method : {self.method}",
        ])


def circuit_rank(rac, T, *, tol=None, max_bytes=None) -> StartEndRank:
    """Start-End separation rank of a given RAC (exact if its weights are residues).

    Parameters
    ----------
    rac : RecurrentArithmeticCircuit
        Exact (residues mod p) or float64 weights.
    T : int
        Sequence length, even.
    tol : float, optional
        Float circuits only: singular values above ``tol`` count. Default
        ``s_max * M^{T/2} * eps`` (NumPy's ``matrix_rank`` rule).
    max_bytes : float, optional
        Memory limit (default: the memory available now).

    Returns
    -------
    StartEndRank

    Warns
    -----
    FloatRankWarning
        For a float circuit of depth >= 3, or whose float rank is below the proven lower
        bound. It happens at depth 2 too, depending on the weights: M = R = 2, T = 12 gives
        float ranks 14, 4, 3, 3, 10, 13 for ``rng`` = 0..5 against the exact 14.

    Examples
    --------
    >>> rac = RecurrentArithmeticCircuit.random(1, 2, 3, rng=1)
    >>> circuit_rank(rac, 6).rank
    3
    """
    matrix = start_end_matrix(rac, T, max_bytes=max_bytes)
    T = int(T)
    bounds = separation_rank_bounds(rac.depth, T, rac.n_templates, rac.width)
    if rac.exact:
        if tol is not None:
            raise ValueError(
                f"`tol` applies to float circuits only; got tol={tol!r} with an exact circuit."
            )
        rank = _rank(matrix)
        return StartEndRank(
            rac.depth, T, rac.n_templates, rac.width, rank, True, 0.0, np.empty(0), bounds,
            "Gaussian elimination over Z/pZ, p = 2^31 - 1, of the Start-End matricisation",
        )
    singular = np.linalg.svd(matrix, compute_uv=False)
    if tol is None:
        tolerance = float(singular[0]) * matrix.shape[0] * np.finfo(np.float64).eps
    else:
        tolerance = as_real(tol, "tol", low=0.0)
    rank = int(np.count_nonzero(singular > tolerance))
    if rac.depth >= 3 or rank < bounds.lower:
        reason = (f"below the proven lower bound {bounds.lower}" if rank < bounds.lower
                  else f"unreliable at depth {rac.depth}")
        warnings.warn(
            f"the float64 Start-End rank of a depth-{rac.depth} RAC ({rank}) is {reason}: "
            "deep circuits have singular values below any float64 tolerance, so the rank "
            "comes out too low. Use exact=True (modular arithmetic).",
            FloatRankWarning,
            stacklevel=2,
        )
    return StartEndRank(
        rac.depth, T, rac.n_templates, rac.width, rank, False, tolerance, singular, bounds,
        "float64 SVD of the Start-End matricisation; singular values above tol count",
    )


def start_end_rank(
    depth, T, M, R, *, rng=None, exact=True, identity_hidden=False, tol=None, max_bytes=None
) -> StartEndRank:
    """Start-End separation rank of a RAC with generic weights.

    Parameters
    ----------
    depth : int
        Layers L >= 1.
    T : int
        Sequence length, even, >= 2.
    M, R : int
        Number of one-hot templates and hidden width, >= 1.
    rng : None, int or numpy.random.Generator
        Source of the generic weights (uniform residues mod p, or standard normal floats).
    exact : bool, default True
        Exact rank over Z/pZ (p = 2^31 - 1), or float64 SVD rank.
    identity_hidden : bool, default False
        Degenerate weights W^{H,l} = I.
    tol : float, optional
        Tolerance of the float rank (see :func:`circuit_rank`).
    max_bytes : float, optional
        Memory limit (default: the memory available now).

    Returns
    -------
    StartEndRank

    Raises
    ------
    ValueError
        For odd T or sizes below 1.
    MemoryError
        When the M^T sequences would not fit in memory (the message gives the amount).

    Notes
    -----
    The weights are random only to be generic: with residues drawn uniformly from Z/pZ a
    rank below the generic one needs a polynomial of degree D in the weights to vanish,
    which happens with probability at most D / p (Schwartz-Zippel). The rank is then exact.

    References
    ----------
    Levine et al. (2017), arXiv:1710.09431, Theorem 1; THEORY.md §6.

    Examples
    --------
    >>> [start_end_rank(2, T, 2, 2, rng=0).rank for T in (4, 6, 8, 10, 12)]
    [4, 8, 10, 12, 14]
    """
    T, M, R, depth = _check_sizes(T, M, R, depth)
    exact = as_bool(exact, "exact")
    rac = RecurrentArithmeticCircuit.random(
        depth, M, R, rng=rng, exact=exact, identity_hidden=identity_hidden
    )
    return circuit_rank(rac, T, tol=tol, max_bytes=max_bytes)
