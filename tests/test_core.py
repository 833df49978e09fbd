"""Package plumbing: lazy imports, rng handling, validation messages, Numba settings."""

import subprocess
import sys

import numpy as np
import pytest

from rnnmem import _numba, _validation
from rnnmem._rng import as_generator


def test_import_is_light():
    code = ("import sys, rnnmem; heavy = {'torch', 'sympy', 'matplotlib', 'numba'} & "
            "set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_as_generator():
    assert isinstance(as_generator(None), np.random.Generator)
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert as_generator(5).random() == np.random.default_rng(5).random()
    assert as_generator(np.int64(5)).random() == np.random.default_rng(5).random()
    with pytest.raises(TypeError, match=r"`rng` must be None, an int seed or a numpy.random.Generator; got RandomState"):
        as_generator(np.random.RandomState(1))
    with pytest.raises(TypeError, match=r"got bool"):
        as_generator(True)
    with pytest.raises(TypeError, match=r"got float"):
        as_generator(1.0)
    with pytest.raises(ValueError, match=r"non-negative integer seed; got rng=-1"):
        as_generator(-1)


def test_validation_messages():
    with pytest.raises(ValueError, match=r"^`d` must lie in \(-0.5, 0.5\) for a stationary process; got d=0.62\.$"):
        _validation.as_real(0.62, "d", low=-0.5, high=0.5, low_inclusive=False,
                            high_inclusive=False, why="for a stationary process")
    assert _validation.as_real(np.float32(0.5), "x") == 0.5
    assert _validation.as_real(np.array(0.25), "x") == 0.25
    with pytest.raises(TypeError, match=r"`x` must be a real number; got bool"):
        _validation.as_real(True, "x")
    with pytest.raises(ValueError, match=r"`k` must lie in \[1, 3\]; got k=4"):
        _validation.as_integer(4, "k", minimum=1, maximum=3)
    with pytest.raises(ValueError, match=r"`k` must be <= 3"):
        _validation.as_integer(4, "k", maximum=3)
    with pytest.raises(ValueError, match=r"at least 3 values along its last axis"):
        _validation.as_real_array([1.0, 2.0], "x", min_size=3)
    with pytest.raises(ValueError, match=r"`x` must be a 1-D or 2-D array; got an array of shape \(\)"):
        _validation.as_real_array(1.0, "x", ndim=(1, 2))
    with pytest.raises(TypeError, match=r"dtype complex128"):
        _validation.as_real_array([1j], "x")
    with pytest.raises(TypeError, match=r"`x` must be an array of real numbers; got NoneType"):
        _validation.as_real_array(None, "x")
    with pytest.raises(TypeError, match=r"`flag` must be True or False"):
        _validation.as_bool(1, "flag")
    assert _validation.as_bool(np.True_, "flag") is True


def test_numba_settings_are_central():
    from rnnmem.theory._levinson import _durbin_levinson
    from rnnmem.theory._pochhammer import _fill

    assert _numba.NUMBA_OPTIONS == {"cache": True, "fastmath": False, "nogil": True}
    for kernel in (_durbin_levinson, _fill):
        assert type(kernel._cache).__name__ == "FunctionCache"  # cache=True (NullCache otherwise)
        assert kernel.targetoptions.get("fastmath", False) is False
    assert _fill.targetoptions["parallel"] is True
