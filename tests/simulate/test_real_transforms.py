"""Half-length DCT-I and DST-I against scipy's direct transforms and a plain cosine sum."""

import numpy as np
import pytest
from scipy import fft

from rnnmem.simulate._real_transforms import dct1, dst1

LENGTHS = [1, 2, 3, 1023, 1024, 2048, 3000, 4096 * 3, 2**17, 10**6]


@pytest.mark.parametrize("length", LENGTHS)
def test_dct1_equals_scipy(length):
    x = np.random.default_rng(length).standard_normal((2, length + 1))
    expected = fft.dct(x, type=1, axis=-1)
    got = dct1(x)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14 * np.abs(expected).max())


@pytest.mark.parametrize("length", [n for n in LENGTHS if n >= 2])
def test_dst1_equals_scipy(length):
    b = np.random.default_rng(length).standard_normal((2, length - 1))
    expected = fft.dst(b, type=1, axis=-1)
    got = dst1(b)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14 * np.abs(expected).max())


def test_split_transforms_equal_the_defining_sums():
    # A length that splits three times before the direct base case (2048 -> 1024 -> 512).
    length = 2048
    rng = np.random.default_rng(0)
    x, b = rng.standard_normal(length + 1), rng.standard_normal(length - 1)
    k = np.arange(length + 1)
    i = np.arange(1, length)
    # Reduce the integer phase k*j modulo 2L first: cos(pi * 4e6 / L) would lose digits.
    cosines = np.cos(np.pi * (np.outer(k, k) % (2 * length)) / length)
    weights = np.full(length + 1, 2.0)
    weights[[0, -1]] = 1.0
    np.testing.assert_allclose(dct1(x), cosines @ (weights * x), rtol=0, atol=1e-12)
    sines = np.sin(np.pi * (np.outer(i, i) % (2 * length)) / length)
    np.testing.assert_allclose(dst1(b), 2 * sines @ b, rtol=0, atol=1e-12)
