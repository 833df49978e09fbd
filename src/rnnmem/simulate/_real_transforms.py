"""DCT-I and DST-I by even/odd splitting into half-length transforms.

The circulant embedding of Davies and Harte has size N = 2m and a real symmetric first row,
so its eigenvalues are a DCT-I of length m + 1, and a real path drawn from it is a DCT-I plus
a DST-I of the same length. scipy (pocketfft) computes both through a real FFT of length 2m,
which at m = 10^6 is about four times slower than two transforms of half that length (the
16 MB working set no longer fits in cache). Splitting the *output* index by parity turns a
DCT-I of length L + 1 (L even, M = L / 2) into

    y_{2k}   = DCT-I  of (x_i + x_{L-i}),  i = 0..M      (length M + 1)
    y_{2k+1} = DCT-III of (x_i - x_{L-i}),  i = 0..M-1    (length M)

and a DST-I of length L - 1 (input b_1..b_{L-1}, output s_j = 2 sum_i b_i sin(pi i j / L) for
j = 1..L-1, which scipy stores at index j - 1) into

    s_{2k}   = DST-I  of (b_i - b_{L-i}),  i = 1..M-1    (the even j = 2k, k = 1..M-1)
    s_{2k+1} = DST-III of (b_i + b_{L-i}),  i = 1..M      (the odd j = 2k + 1, k = 0..M-1)

(pair the terms i and L - i: cos(pi i k / M) and sin(pi (2k+1) i / L) are even about
i = M, cos(pi (2k+1) i / L) and sin(pi i k / M) odd). The DCT-III/DST-III halves are single
real FFTs of length M in pocketfft; the DCT-I/DST-I halves are split again until the length
is odd or small. Every step is an exact rearrangement of the same sums, so the rounding is
that of the FFTs (tests compare with scipy's direct transforms). Conventions are scipy's
unnormalised ones (``norm=None``), along the last axis.
"""

from __future__ import annotations

import numpy as np
from scipy import fft

__all__ = ["dct1", "dst1"]

# Below this length scipy's direct transform is as fast as the split (measured: the split
# pays off from a few thousand points on). The split itself needs L >= 4 (M >= 2).
_DIRECT_BELOW = 1024
assert _DIRECT_BELOW >= 4


def dct1(x: np.ndarray) -> np.ndarray:
    """scipy.fft.dct(x, type=1) along the last axis, of length L + 1 >= 2."""
    length = x.shape[-1] - 1
    if length % 2 or length < _DIRECT_BELOW:
        return fft.dct(x, type=1, axis=-1)
    half = length // 2
    head, tail = x[..., : half + 1], x[..., length : half - 1 : -1]  # x_0..x_M, x_L..x_M
    out = np.empty(x.shape, dtype=np.result_type(x, float))
    out[..., 0::2] = dct1(head + tail)
    out[..., 1::2] = fft.dct(head[..., :half] - tail[..., :half], type=3, axis=-1)
    return out


def dst1(b: np.ndarray) -> np.ndarray:
    """scipy.fft.dst(b, type=1) along the last axis, of length L - 1 >= 1."""
    length = b.shape[-1] + 1
    if length % 2 or length < _DIRECT_BELOW:
        return fft.dst(b, type=1, axis=-1)
    half = length // 2
    # b[..., i - 1] holds b_i; pair b_i with b_{L-i} for i = 1..M.
    low = b[..., :half]  # b_1..b_M
    high = b[..., length - 2 : half - 2 : -1]  # b_{L-1}..b_M
    out = np.empty(b.shape, dtype=np.result_type(b, float))
    out[..., 1::2] = dst1(low[..., : half - 1] - high[..., : half - 1])
    out[..., 0::2] = fft.dst(low + high, type=3, axis=-1)
    return out
