"""Counts in words: the window and the CLI say "1 face" and "3 faces", never "face(s)"."""

from __future__ import annotations

from thumbdesk.core.words import agree, count_candidates, count_of


def test_counts_are_singular_only_for_one() -> None:
    assert count_of(1, "face") == "1 face"
    assert count_of(2, "face") == "2 faces"
    assert count_of(0, "subject") == "0 subjects"
    assert count_candidates(1) == "1 candidate" and count_candidates(12) == "12 candidates"
    assert f"a.jpg already {agree(1, 'exists', 'exist')}" == "a.jpg already exists"
    assert f"a.jpg, b.jpg already {agree(2, 'exists', 'exist')}" == "a.jpg, b.jpg already exist"
