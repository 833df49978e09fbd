"""Sample paths: exact ARFIMA generators and Markov-chain simulators of recurrent networks.

:func:`arfima`
    Exact Gaussian ARFIMA(p, d, q) paths (Davies-Harte, Hosking) or the truncated MA filter.
:func:`run`
    A network (:mod:`rnnmem.networks`) run as a Markov chain, autonomous (ZH20 eq. 7) or driven.
:func:`couple`
    Two copies of a chain from different states under the same noise (synchronous coupling).
"""

from .arfima_paths import NegativeEmbeddingError, TruncationBiasWarning, arfima
from .networks import Coupling, DivergenceError, Trajectory, couple, run

__all__ = [
    "arfima",
    "TruncationBiasWarning",
    "NegativeEmbeddingError",
    "run",
    "couple",
    "Trajectory",
    "Coupling",
    "DivergenceError",
]
