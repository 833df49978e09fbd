"""Base class for result objects: frozen dataclasses with ``summary()`` and a readable ``str``."""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["Result"]


def _format_value(value) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 4:
            return np.array2string(value, precision=6)
        return f"array{value.shape}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


class Result:
    """Mixin for frozen dataclass results.

    Subclasses are ``@dataclasses.dataclass(frozen=True)`` classes. The default ``summary``
    lists every field; subclasses override ``_title`` or ``summary`` for a tailored text.
    """

    _title = "Result"

    def summary(self) -> str:
        """Readable multi-line text describing the result."""
        lines = [self._title, "-" * len(self._title)]
        for field in dataclasses.fields(self):
            lines.append(f"{field.name:>16}: {_format_value(getattr(self, field.name))}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()
