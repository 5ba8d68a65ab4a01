"""Topic lists: bundled presets, user files that replace or extend, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from thumbdesk.core.errors import TopicsError
from thumbdesk.core.topics import (
    AUDIENCES,
    default_topics,
    load_topics,
    parse_topics,
    preset_topics,
    save_topics,
)
from thumbdesk.core.types import Topic

PUBLISHED = {
    "girl": 29211,
    "baby": 15873,
    "boy": 10480,
    "car": 8783,
    "dog": 7230,
    "gym": 7001,
    "family": 6154,
    "smoke": 4873,
    "beach": 2388,
    "cake": 2225,
    "guitar": 2122,
    "football": 2013,
    "child": 1982,
    "chocolate": 1790,
    "bike": 1678,
    "bag": 1524,
}


def test_general_has_111_topics_with_the_published_figures() -> None:
    topics = default_topics()
    assert len(topics) == 111
    weights = {t.word: t.weight for t in topics}
    for word, weight in PUBLISHED.items():
        assert weights[word] == weight
    assert all(t.weight > 0 for t in topics)


@pytest.mark.parametrize("preset", AUDIENCES)
def test_every_preset_loads(preset: str) -> None:
    topics = preset_topics(preset)
    assert len(topics) >= 15
    assert len({t.word for t in topics}) == len(topics)


def test_user_file_replaces_by_default(tmp_path: Path) -> None:
    f = tmp_path / "mine.csv"
    f.write_text("word,weight\nskateboard,5\n# a comment\nSunset , 2.5\nguitar\n")
    topics = load_topics(f)
    assert [(t.word, t.weight) for t in topics] == [
        ("skateboard", 5.0),
        ("sunset", 2.5),
        ("guitar", 1.0),
    ]


def test_user_file_extends_with_mode_line(tmp_path: Path) -> None:
    f = tmp_path / "more.csv"
    f.write_text("# mode: extend\nvolcano,3000\ndog,9000\nbag,0\n")
    topics = {t.word: t.weight for t in load_topics(f, preset="general")}
    assert topics["volcano"] == 3000
    assert topics["dog"] == 9000
    assert "bag" not in topics
    assert len(topics) == 111


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    topics = preset_topics("pets")
    assert load_topics(save_topics(topics, tmp_path / "p.csv")) == topics
    odd = (Topic("rock'n'roll", 1 / 3), Topic("ice cream", 12345.678901), Topic("x-ray", 1e-9))
    assert load_topics(save_topics(odd, tmp_path / "odd.csv")) == odd


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        (Topic("Ice cream!", 1.0), "not a topic word"),
        (Topic("rock, paper", 1.0), "not a topic word"),
        (Topic('say "cheese"', 1.0), "not a topic word"),
        (Topic("dog\ncat", 1.0), "would load back as 'dog cat'"),
        (Topic("dog", 0.0), "positive"),
        (Topic("dog", float("nan")), "positive"),
        (Topic("Dog", 1.0), "would load back as 'dog'"),
    ],
)
def test_save_refuses_what_would_not_load_back(tmp_path: Path, topic: Topic, message: str) -> None:
    dest = tmp_path / "mine.csv"
    dest.write_text("dog,1\n", encoding="utf-8")
    with pytest.raises(TopicsError, match=message):
        save_topics([Topic("cat", 2.0), topic], dest)
    assert dest.read_text(encoding="utf-8") == "dog,1\n"  # the old file is kept as it was
    assert [p.name for p in tmp_path.iterdir()] == ["mine.csv"]  # no temporary file left


def test_save_into_a_missing_folder_is_a_topics_error(tmp_path: Path) -> None:
    with pytest.raises(TopicsError, match="Cannot write topic file"):
        save_topics([Topic("cat", 2.0)], tmp_path / "nowhere" / "t.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"dog,lots\n", "not a number"),
        (b"dog,-3\n", "positive"),
        (b"dog,0\n", "positive"),
        (b"dog,nan\n", "positive"),
        (b"dog,1\ndog,2\n", "listed twice"),
        (b"dog,1,extra\n", "columns"),
        (b"# only a comment\n", "holds no topic"),
        (b"", "holds no topic"),
        (b"\xff\xfe\x00d\x00o\x00g", "not a text file"),
        (b"caf\xe9,1\n", "not UTF-8"),
        (b"<html><body>oops</body></html>,1\n", "not a topic word"),
        (b"# mode: merge\ndog,1\n", "unknown mode"),
    ],
)
def test_bad_files_raise_clear_topics_errors(tmp_path: Path, content: bytes, message: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    with pytest.raises(TopicsError, match=message) as info:
        load_topics(f)
    assert "bad.csv" in str(info.value)


def test_missing_file_folder_and_unknown_preset(tmp_path: Path) -> None:
    with pytest.raises(TopicsError, match="does not exist"):
        load_topics(tmp_path / "nope.csv")
    with pytest.raises(TopicsError, match="folder"):
        load_topics(tmp_path)
    with pytest.raises(TopicsError, match="Unknown topic preset"):
        load_topics(preset="cars")


def test_line_numbers_in_messages() -> None:
    with pytest.raises(TopicsError, match="line 3"):
        parse_topics("word,weight\ndog,1\ncat,x\n", "t.csv")
