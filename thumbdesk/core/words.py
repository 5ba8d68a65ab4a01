"""Counts in words for what the window, the CLI and the report say: "1 face", "3 faces".

One home for the plural rule, so no message reads "face(s)" or "1 candidates".
"""

from __future__ import annotations


def count_of(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (every noun we count takes an "s")."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def count_candidates(n: int) -> str:
    """A count of candidates in words: "1 candidate", "3 candidates"."""
    return count_of(n, "candidate")


def exist_or_exists(n: int) -> str:
    """The verb for ``n`` things that already exist: "exists" for one, else "exist"."""
    return "exists" if n == 1 else "exist"
