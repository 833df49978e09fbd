"""Recurrent arithmetic circuits (RACs) and their Start-End matricisation.

A RAC of depth L, width R on M one-hot templates (Levine et al. 2017; THEORY.md §6):

    h^{t,l} = (W^{H,l} h^{t-1,l}) * (W^{I,l} h^{t,l-1}),   h^{t,0} = x^t,   y = W^O h^{T,L},

with ``*`` the entrywise product and the initial states chosen so that W^{H,l} h^{0,l} is the
all-ones vector. The circuit is evaluated on all M^T one-hot sequences, either exactly in the
field of integers modulo the Mersenne prime p = 2^31 - 1 or in float64. The values are
returned already matricised: rows are indexed by the start (x^1, ..., x^{T/2}), columns by
the end (x^{T/2+1}, ..., x^T), the first input of each half being the most significant digit,
so ``matrix.reshape((M,) * T)[d_1, ..., d_T] = y(e_{d_1}, ..., e_{d_T})``.

References
----------
Levine, Sharir, Ziv, Shashua (2017), "On the Long-Term Memory of Deep Recurrent Networks",
arXiv:1710.09431 (RACs and the grid tensor); THEORY.md §6.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np

from rnnmem._numba import jit
from rnnmem._results import Result
from rnnmem._rng import as_generator
from rnnmem._validation import as_bool, as_integer, as_real

__all__ = [
    "MERSENNE_PRIME",
    "RecurrentArithmeticCircuit",
    "start_end_matrix",
    "start_end_memory",
]

#: The prime 2^31 - 1 of the exact arithmetic. Residues are below 2^31, so a product of two
#: residues is below 2^62 and a residue plus such a product still fits in an int64.
MERSENNE_PRIME = 2**31 - 1

_P = MERSENNE_PRIME


def _fold_py(x):
    """x - floor(x / 2^31) p: congruent to x mod p (2^31 = 1), below 2^32 for 0 <= x < 2^62.

    Lets a dot product accumulate R folded products (each below 2^32) and reduce once.
    Written with // so that the float64 instantiation of the kernel also compiles.
    """
    return x - (x // 2147483648) * _P


_fold = jit(_fold_py)


def _expand_level_py(parents, level_size, hidden, input_first, input_deep, exact, initial,
                     recur, below, children):
    """One time step of the RAC for every node of a tree level: children[node * M + d] is the
    state after reading template d from state parents[node].

    With ``initial`` the hidden contribution W^H h^0 is the all-ones vector (the non-zero
    initial state). W^H h is computed once per parent and shared by its M children.
    """
    depth = hidden.shape[0]
    width = hidden.shape[1]
    n_templates = input_first.shape[1]
    zero = recur[0, 0] - recur[0, 0]
    for node in range(level_size):
        for l in range(depth):
            for i in range(width):
                if initial:
                    recur[l, i] = zero + 1
                else:
                    acc = zero
                    for j in range(width):
                        if exact:
                            acc += _fold(hidden[l, i, j] * parents[node, l, j])
                        else:
                            acc += hidden[l, i, j] * parents[node, l, j]
                    recur[l, i] = acc % _P if exact else acc
        for d in range(n_templates):
            child = node * n_templates + d
            for i in range(width):
                if exact:
                    children[child, 0, i] = (recur[0, i] * input_first[i, d]) % _P
                else:
                    children[child, 0, i] = recur[0, i] * input_first[i, d]
            for l in range(1, depth):
                for i in range(width):
                    acc = zero
                    for j in range(width):
                        if exact:
                            acc += _fold(input_deep[l - 1, i, j] * children[child, l - 1, j])
                        else:
                            acc += input_deep[l - 1, i, j] * children[child, l - 1, j]
                    below[i] = acc % _P if exact else acc
                for i in range(width):
                    if exact:
                        children[child, l, i] = (recur[l, i] * below[i]) % _P
                    else:
                        children[child, l, i] = recur[l, i] * below[i]


_expand_level = jit(_expand_level_py)


def _rac_matrix_py(hidden, input_first, input_deep, output, half, exact, out):
    """Fill ``out`` (M^half x M^half) with the RAC output on every one-hot sequence.

    Kernel: arrays and scalars only, no validation. With ``exact`` every product and sum is
    reduced modulo 2^31 - 1 (inputs must be residues in [0, p); dot products of R terms fold
    each product below 2^32 and reduce once, so R < 2^31); otherwise plain float64.
    The start half is run once for all M^half starts; the end half is run for each start
    as a breadth-first tree over the end sequences, so that W^H h is computed once per node.
    """
    depth = hidden.shape[0]
    width = hidden.shape[1]
    n_templates = input_first.shape[1]
    n_half = out.shape[0]
    zero = output[0] - output[0]  # a zero of the weights' dtype
    recur = np.zeros((depth, width), dtype=out.dtype)
    below = np.zeros(width, dtype=out.dtype)
    # start states of every start sequence, built level by level
    starts = np.zeros((n_half, depth, width), dtype=out.dtype)
    level = np.zeros((n_half, depth, width), dtype=out.dtype)
    level_size = 1
    for t in range(half):
        _expand_level(starts, level_size, hidden, input_first, input_deep, exact, t == 0,
                      recur, below, level)
        level_size *= n_templates
        starts[:level_size] = level[:level_size]
    # end half, one start at a time
    tree = np.empty((n_half, depth, width), dtype=out.dtype)
    nxt = np.empty((n_half, depth, width), dtype=out.dtype)
    for s in range(n_half):
        tree[0] = starts[s]
        level_size = 1
        for t in range(half):
            _expand_level(tree, level_size, hidden, input_first, input_deep, exact, False,
                          recur, below, nxt)
            level_size *= n_templates
            tree[:level_size] = nxt[:level_size]
        for e in range(n_half):
            acc = zero
            for i in range(width):
                if exact:
                    acc += _fold(output[i] * tree[e, depth - 1, i])
                else:
                    acc += output[i] * tree[e, depth - 1, i]
            out[s, e] = acc % _P if exact else acc


_rac_matrix = jit(_rac_matrix_py)


def _weights(value, name, shape, exact):
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind not in ("iu" if exact else "biuf"):
        kind = "integers" if exact else "real numbers"
        raise TypeError(f"`{name}` must be an array of {kind}; got dtype {arr.dtype}.")
    if arr.shape != shape:
        raise ValueError(f"`{name}` must have shape {shape}; got shape {arr.shape}.")
    if exact:
        arr = np.mod(arr.astype(np.int64), MERSENNE_PRIME)
    else:
        arr = arr.astype(np.float64)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"`{name}` must contain only finite values.")
    arr = np.ascontiguousarray(arr)
    arr.setflags(write=False)
    return arr


@dataclasses.dataclass(frozen=True, eq=False)
class RecurrentArithmeticCircuit(Result):
    """Weights of a recurrent arithmetic circuit (RAC), exact or float64.

    Parameters
    ----------
    hidden : array_like, shape (L, R, R)
        W^{H,l}, the hidden-to-hidden matrices of the L layers.
    input_first : array_like, shape (R, M)
        W^{I,1}, acting on the one-hot input x^t (so column d is the template e_d's image).
    input_deep : array_like, shape (L - 1, R, R)
        W^{I,l} for l = 2..L, acting on the layer below.
    output : array_like, shape (R,)
        W^O (one output).
    exact : bool, keyword-only, default True
        Integer weights taken modulo p = 2^31 - 1 (stored as residues in [0, p)), or real
        float64 weights.

    Notes
    -----
    h^{t,l} = (W^{H,l} h^{t-1,l}) * (W^{I,l} h^{t,l-1}), h^{t,0} = x^t, y = W^O h^{T,L}, with
    W^{H,l} h^{0,l} = (1, ..., 1) (a non-zero initial state is required, else y = 0).

    References
    ----------
    Levine et al. (2017), arXiv:1710.09431 (shallow and deep RACs); THEORY.md §6.

    Examples
    --------
    >>> rac = RecurrentArithmeticCircuit.random(2, 3, 2, rng=0)
    >>> rac.depth, rac.n_templates, rac.width, rac.exact
    (2, 3, 2, True)
    """

    hidden: np.ndarray
    input_first: np.ndarray
    input_deep: np.ndarray
    output: np.ndarray
    _: dataclasses.KW_ONLY
    exact: bool = True

    _title = "Recurrent arithmetic circuit"

    def __post_init__(self):
        exact = as_bool(self.exact, "exact")
        hidden = np.asarray(self.hidden)
        if hidden.ndim != 3 or hidden.shape[1] != hidden.shape[2] or hidden.shape[0] < 1:
            raise ValueError(
                f"`hidden` must have shape (L, R, R) with L >= 1; got shape {hidden.shape}."
            )
        depth, width = hidden.shape[0], hidden.shape[1]
        if width < 1:
            raise ValueError(f"`hidden` must have shape (L, R, R) with R >= 1; got shape {hidden.shape}.")
        first = np.asarray(self.input_first)
        if first.ndim != 2 or first.shape[0] != width or first.shape[1] < 1:
            raise ValueError(
                f"`input_first` must have shape (R, M) = ({width}, M) with M >= 1; "
                f"got shape {first.shape}."
            )
        object.__setattr__(self, "exact", exact)
        object.__setattr__(self, "hidden", _weights(hidden, "hidden", hidden.shape, exact))
        object.__setattr__(self, "input_first", _weights(first, "input_first", first.shape, exact))
        object.__setattr__(
            self, "input_deep",
            _weights(self.input_deep, "input_deep", (depth - 1, width, width), exact),
        )
        object.__setattr__(self, "output", _weights(self.output, "output", (width,), exact))

    @property
    def depth(self) -> int:
        """L, the number of layers."""
        return self.hidden.shape[0]

    @property
    def width(self) -> int:
        """R, the number of hidden channels per layer."""
        return self.hidden.shape[1]

    @property
    def n_templates(self) -> int:
        """M, the number of one-hot input templates."""
        return self.input_first.shape[1]

    @classmethod
    def random(cls, depth, M, R, *, rng=None, exact=True, identity_hidden=False):
        """Generic weights: uniform residues mod p (exact) or standard normal (float64).

        Parameters
        ----------
        depth, M, R : int
            Layers L >= 1, templates M >= 1, width R >= 1.
        rng : None, int or numpy.random.Generator
            Source of the weights.
        exact : bool, default True
            Residues modulo 2^31 - 1 drawn uniformly (a polynomial identity of degree D in
            the weights then fails with probability at most D / p, Schwartz-Zippel), or
            standard normal float64 weights.
        identity_hidden : bool, default False
            Degenerate circuit with W^{H,l} = I in every layer.

        Returns
        -------
        RecurrentArithmeticCircuit
        """
        depth = as_integer(depth, "depth", minimum=1)
        M = as_integer(M, "M", minimum=1)
        R = as_integer(R, "R", minimum=1)
        exact = as_bool(exact, "exact")
        identity_hidden = as_bool(identity_hidden, "identity_hidden")
        gen = as_generator(rng)

        def draw(shape):
            if exact:
                return gen.integers(0, MERSENNE_PRIME, size=shape, dtype=np.int64)
            return gen.standard_normal(shape)

        hidden = draw((depth, R, R))
        first = draw((R, M))
        deep = draw((depth - 1, R, R))
        output = draw((R,))
        if identity_hidden:
            hidden = np.broadcast_to(np.eye(R, dtype=hidden.dtype), (depth, R, R)).copy()
        return cls(hidden, first, deep, output, exact=exact)


def start_end_memory(M, T, R, depth) -> int:
    """Bytes needed to evaluate a RAC on all M^T sequences and take the rank of its matrix.

    Parameters
    ----------
    M, T, R, depth : int
        Templates, sequence length (even), width, layers.

    Returns
    -------
    int
        8 M^T bytes for the matrix (the exact rank works in place), 4 * 8 * min(M^T, 2^22)
        for the work arrays of the blocked elimination, and 4 * 8 * M^{T/2} L R for the start
        states and the end tree.

    Examples
    --------
    >>> start_end_memory(2, 12, 2, 3)
    176128
    """
    half = T // 2
    n_half = M**half
    total = n_half * n_half
    return 8 * total + 32 * min(total, 2**22) + 32 * n_half * depth * R


def _available_memory() -> int:
    """MemAvailable of /proc/meminfo (Linux), else free pages, else 8 GiB."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    try:  # pragma: no cover - not Linux
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX systems
        return 2**33


def _check_memory(M, T, R, depth, max_bytes):
    need = start_end_memory(M, T, R, depth)
    if max_bytes is None:
        limit = _available_memory()
        source = "the memory available now"
    else:
        limit = int(as_real(max_bytes, "max_bytes", low=0, low_inclusive=False))
        source = "`max_bytes`"
    if need > limit:
        raise MemoryError(
            f"the M^T = {M}^{T} sequences need {need / 2**30:.3g} GiB ({need} bytes) to "
            f"evaluate and take the rank of, more than {source} ({limit / 2**30:.3g} GiB); "
            "use a smaller `T` or `M`."
        )


def _check_sizes(T, M, R, depth):
    """Validate the sizes of a Start-End rank computation; return them as ints."""
    T = as_integer(T, "T", minimum=2)
    if T % 2:
        raise ValueError(
            f"`T` must be even (the Start-End split cuts the sequence in two halves); got T={T}."
        )
    M = as_integer(M, "M", minimum=1)
    R = as_integer(R, "R", minimum=1)
    depth = as_integer(depth, "depth", minimum=1)
    return T, M, R, depth


def start_end_matrix(rac, T, *, max_bytes=None) -> np.ndarray:
    """The Start-End matricisation of a RAC's outputs on all M^T one-hot sequences.

    Parameters
    ----------
    rac : RecurrentArithmeticCircuit
        The circuit (exact or float64).
    T : int
        Sequence length, even, >= 2.
    max_bytes : float, optional
        Refuse sizes that need more memory than this (default: the memory available now).

    Returns
    -------
    numpy.ndarray, shape (M^{T/2}, M^{T/2})
        int64 residues mod 2^31 - 1 for an exact circuit, float64 otherwise. Row index: the
        start x^1..x^{T/2} in base M (x^1 most significant); column index: the end.

    Raises
    ------
    MemoryError
        If the M^T sequences need more memory than allowed (the message gives the amount).

    Notes
    -----
    A_{(d_1..d_{T/2}), (d_{T/2+1}..d_T)} = y(e_{d_1}, ..., e_{d_T}); its rank is the Start-End
    separation rank of the circuit's coefficient tensor (Levine et al. 2017; THEORY.md §6).

    Examples
    --------
    >>> import numpy as np
    >>> rac = RecurrentArithmeticCircuit(np.ones((1, 1, 1), int), [[1, 2]], np.zeros((0, 1, 1), int), [1])
    >>> start_end_matrix(rac, 2)
    array([[1, 2],
           [2, 4]])
    """
    if not isinstance(rac, RecurrentArithmeticCircuit):
        raise TypeError(
            f"`rac` must be a RecurrentArithmeticCircuit; got {type(rac).__name__}."
        )
    T, M, R, depth = _check_sizes(T, rac.n_templates, rac.width, rac.depth)
    _check_memory(M, T, R, depth, max_bytes)
    n_half = M ** (T // 2)
    out = np.empty((n_half, n_half), dtype=np.int64 if rac.exact else np.float64)
    _rac_matrix(rac.hidden, rac.input_first, rac.input_deep, rac.output, T // 2, rac.exact, out)
    return out
