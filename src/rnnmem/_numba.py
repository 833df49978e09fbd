"""The one place that sets Numba options for the whole package.

Every kernel is written once as plain Python (``_foo_py``) and compiled here with
``_foo = jit(_foo_py)``; tests compare the two.

Choices, and why:

- ``cache=True``: compiled kernels are written next to the sources, so only the first
  call on a machine pays the compilation.
- ``fastmath=False``: reassociation and flush-to-zero would change results with the
  compiler version and break the bit-for-bit equality of parallel and serial runs.
- ``nogil=True``: kernels hold no Python objects, so threads may overlap with NumPy.
- ``parallel`` is opt-in (``jit(f, parallel=True)``) and reserved for ``prange`` over
  independent chains or replications. A parallel build is compiled from a renamed copy of the
  function (suffix ``_parallel``): Numba names its on-disk cache after the function's
  qualified name and line, not its flags, so compiling one function both serially and in
  parallel would otherwise share one cache entry and silently load the serial machine code
  for the parallel dispatcher.
"""

from __future__ import annotations

import types

import numba

NUMBA_OPTIONS = {"cache": True, "fastmath": False, "nogil": True}

# Smallest run (chains x steps) given to a parallel build by default. Below it one thread
# finishes in tens of milliseconds, and the parallel build's first compilation costs far more
# (measured, LSTM(1, 64), empty cache: 10.1 s for the blocked parallel kernel against 2.6 s
# for the serial one; the tangent kernels alike), so small runs such as the couplings and
# tangents of memory_class use the serial build. Results are identical either way.
PARALLEL_MIN_WORK = 1 << 20

__all__ = ["NUMBA_OPTIONS", "PARALLEL_MIN_WORK", "jit", "prange"]

prange = numba.prange


def jit(function, *, parallel: bool = False):
    """Compile ``function`` with the package's Numba options.

    Parameters
    ----------
    function : callable
        A plain-Python kernel written for Numba's nopython mode.
    parallel : bool, default False
        Enable ``prange`` parallelism. Use only for loops over independent chains.

    Returns
    -------
    numba.core.registry.CPUDispatcher
        The lazily compiled kernel.
    """
    if parallel:
        clone = types.FunctionType(
            function.__code__,
            function.__globals__,
            function.__name__ + "_parallel",
            function.__defaults__,
            function.__closure__,
        )
        clone.__qualname__ = function.__qualname__ + "_parallel"
        clone.__doc__ = function.__doc__
        function = clone
    return numba.njit(parallel=parallel, **NUMBA_OPTIONS)(function)
