"""Sample paths: exact ARFIMA generators and Markov-chain simulators of recurrent networks."""

from .arfima_paths import NegativeEmbeddingError, TruncationBiasWarning, arfima

__all__ = ["arfima", "TruncationBiasWarning", "NegativeEmbeddingError"]
