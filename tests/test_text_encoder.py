"""The bundled MiniLM text encoder: any typed word gets a real embedding, or an honest "no"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from thumbdesk.core.decode import to_working_size
from thumbdesk.core.errors import ModelError
from thumbdesk.core.topics import default_topics
from thumbdesk.core.types import Topic
from thumbdesk.ml import assets, text_encoder, unknown_topic_words, unmatched_topic_words
from thumbdesk.ml.wordpiece import WordPiece

VIDEOS = Path(__file__).resolve().parents[1] / ".." / "shared" / "videos"
EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"


@pytest.fixture
def fresh_encoder() -> Iterator[None]:
    """No encoder loaded and no encoded words cached, before and after the test."""
    text_encoder.text_encoder.cache_clear()
    assets._encode.cache_clear()
    yield
    text_encoder.text_encoder.cache_clear()
    assets._encode.cache_clear()


def test_vocabulary_words_do_not_load_the_encoder(fresh_encoder: None) -> None:
    emb = assets.text_embeddings()
    words = [t.word for t in default_topics()] + ["volcano", "sunset", "golden retriever"]
    for word in words:
        assert emb.lookup(word) is not None, word
    assert unmatched_topic_words(words) == {}
    assert not text_encoder.loaded()


def test_encoder_reproduces_the_stored_vocabulary_embeddings() -> None:
    """Same model, pooling and normalisation as the precomputed table (int8 both sides)."""
    emb = assets.text_embeddings()
    words = sorted(emb.vocab)[::97] + list(emb.label_names[::50])
    enc = text_encoder.text_encoder()
    cos = np.array([float(enc.encode(w) @ emb.vector(w)) for w in words])  # type: ignore[operator]
    # measured: min 0.9965, mean 0.9990 over these 144 texts
    assert cos.min() >= 0.99, words[int(cos.argmin())]
    assert cos.mean() >= 0.997


def test_word_outside_the_vocabulary_gets_a_real_embedding() -> None:
    emb = assets.text_embeddings()
    assert "fireplace" not in emb.vocab
    vec = emb.lookup("Fireplace")
    assert vec is not None and vec.shape == (384,)
    assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4
    nearest = [name for name, _ in emb.nearest_labels("fireplace", 5)]
    assert {"fire screen", "stove"} & set(nearest), nearest
    # a phrase outside the vocabulary, too
    dunk = [name for name, _ in emb.nearest_labels("slam dunk", 3)]
    assert "basketball" in dunk, dunk


def test_unmatched_words_are_named_with_a_reason() -> None:
    words = ["fireplace", "qzxvbnm", "123 !!", "agreed", "dog", "family"]
    got = unmatched_topic_words(words)
    assert set(got) == {"qzxvbnm", "123 !!", "agreed"}
    assert "not a word" in got["qzxvbnm"]
    assert "no letters" in got["123 !!"]
    assert "resembles nothing" in got["agreed"]
    assert assets.text_embeddings().lookup("qzxvbnm") is None


def test_bundled_topic_words_always_match() -> None:
    assert unmatched_topic_words(sorted(assets.bundled_topic_words())) == {}


@pytest.mark.slow
def test_fireplace_scores_on_a_real_fireplace_frame() -> None:
    """A word outside the vocabulary scores where its subject is, and not where it is not."""
    from thumbdesk.ml import load_scorer

    scorer = load_scorer("cpu")
    images = []
    for clip, index in (("toddler_playing_living_room.mp4", 0), ("dog_riding_skateboard.mp4", 0)):
        cap = cv2.VideoCapture(str(EVAL / "clips" / clip))  # a room with a fireplace; a street
        for _ in range(index + 1):
            ok, img = cap.read()
            assert ok
        cap.release()
        images.append(to_working_size(img, 480))
    room, street = scorer.evidence(images)
    topics = [Topic("fireplace", 1.0), Topic("qzxvbnm", 1.0)]
    assert unknown_topic_words(topics, "cpu") == ["qzxvbnm"]
    at_room = scorer.certainties(room, topics)
    at_street = scorer.certainties(street, topics)
    assert at_room["fireplace"] >= 0.4, at_room  # a tag: the classifier sees a fire screen
    assert "fireplace" in {t.word for t in scorer.score_topics(room, topics).topics}
    assert at_street["fireplace"] == 0.0 and at_room["qzxvbnm"] == 0.0, (at_room, at_street)


def test_corrupt_encoder_file_is_a_model_error(
    fresh_encoder: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = assets.manifest()
    bad = {**real, assets.TEXT_ENCODER: {**real[assets.TEXT_ENCODER], "sha256": "0" * 64}}
    assets.model_bytes.cache_clear()
    monkeypatch.setattr(assets, "manifest", lambda: bad)
    try:
        with pytest.raises(ModelError, match=r"minilm_l6_int8\.onnx.*corrupt"):
            assets.text_embeddings().lookup("fireplace")
        with pytest.raises(ModelError, match=r"minilm_l6_int8\.onnx.*corrupt"):
            unmatched_topic_words(["fireplace"])
    finally:
        monkeypatch.undo()
        assets.model_bytes.cache_clear()


def test_wordpiece_reader_splits_like_bert() -> None:
    wp = WordPiece(assets.model_bytes(assets.TEXT_VOCAB).decode("utf-8"))
    assert wp.pieces("Fireplaces!") == ["fireplace", "##s", "!"]
    assert wp.pieces("Café  CRÈME") == ["cafe", "cr", "##eme"]  # accents stripped
    assert wp.pieces("日本") == ["日", "本"]
    assert len(wp.ids("word " * 400)) == 256
    assert wp.pieces("x" * 101) == ["[UNK]"]


@pytest.mark.slow
def test_cli_names_unmatched_words_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from thumbdesk.commands.pick_inputs import load_topic_list

    path = tmp_path / "topics.csv"
    path.write_text("fireplace,2\nqzxvbnm,1\n", encoding="utf-8")
    topics = load_topic_list(path, "general", "cpu")
    assert [t.word for t in topics] == ["fireplace", "qzxvbnm"]
    err = capsys.readouterr().err
    assert "qzxvbnm (is not a word the text model knows)" in err
    assert "fireplace" not in err
