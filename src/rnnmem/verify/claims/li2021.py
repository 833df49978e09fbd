"""Claims module (being written)."""
