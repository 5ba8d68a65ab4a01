"""Counts in words for what the window, the CLI and the warnings say: "1 face", "3 faces".

One home for the plural rule, so no message reads "face(s)" or "1 candidates".
"""

from __future__ import annotations


def count_of(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (every noun we count takes an "s")."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def count_candidates(n: int) -> str:
    """A count of candidates in words: "1 candidate", "3 candidates"."""
    return count_of(n, "candidate")


def agree(n: int, one: str, many: str) -> str:
    """The words that go with ``n`` things: ``one`` for one ("exists"), else ``many``."""
    return one if n == 1 else many
