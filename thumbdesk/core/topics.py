"""Topic lists: the weighted words viewers click on, read from plain CSV files.

The bundled presets live in ``resources/topics/<name>.csv`` (``general`` is the default);
a creator's own file either replaces the preset or extends it (``# mode: extend`` line).
The format is documented in ``resources/topics/README.md``. Pure Python: no numpy, no models.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from importlib import resources
from pathlib import Path

from thumbdesk.core.errors import TopicsError
from thumbdesk.core.types import Topic

log = logging.getLogger(__name__)

AUDIENCES: tuple[str, ...] = ("general", "food", "fitness", "pets", "family", "travel")
"""Names of the bundled audience topic lists, ``general`` first (the default); the export
sizes are ``presets.PRESETS``."""

MAX_TOPICS = 1000
MAX_FILE_BYTES = 1_000_000
_WORD_RE = re.compile(r"^[a-z][a-z0-9' -]{0,39}$")
_MODE_RE = re.compile(r"^#\s*mode\s*[:=]\s*(\w+)\s*$", re.IGNORECASE)


def _normalise_word(raw: str) -> str:
    return " ".join(raw.strip().lower().split())


def parse_topics(text: str, source: str = "<text>") -> tuple[tuple[Topic, ...], str]:
    """Parse topic-file text into (topics, mode); mode is "replace" or "extend".

    A weight of 0 is allowed only in extend mode, where it removes the word from the preset.
    Raises TopicsError naming ``source`` and the line for anything it cannot read.
    """
    mode = "replace"
    topics: dict[str, float] = {}
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text))
    for lineno, row in enumerate(reader, start=1):
        line = lines[lineno - 1].strip() if lineno - 1 < len(lines) else ""
        if not row or not "".join(row).strip():
            continue
        first = row[0].strip()
        if first.startswith("#"):
            match = _MODE_RE.match(line)
            if match:
                mode = match.group(1).lower()
                if mode not in ("replace", "extend"):
                    raise TopicsError(
                        f"{source}, line {lineno}: unknown mode {mode!r} "
                        "(use '# mode: replace' or '# mode: extend')"
                    )
            continue
        cells = [c.strip() for c in row]
        if len(cells) == 1 and "\t" in cells[0]:
            cells = [c.strip() for c in cells[0].split("\t")]
        if [c.lower() for c in cells[:2]] == ["word", "weight"]:
            continue  # header
        if len(cells) > 2 and any(cells[2:]):
            raise TopicsError(
                f"{source}, line {lineno}: expected 'word,weight', got {len(cells)} columns"
            )
        word = _normalise_word(cells[0])
        if not _WORD_RE.match(word):
            raise TopicsError(
                f"{source}, line {lineno}: {cells[0]!r} is not a topic word "
                "(letters, digits, spaces, - and ' only, at most 40 characters)"
            )
        weight_text = cells[1] if len(cells) > 1 and cells[1] else "1"
        try:
            weight = float(weight_text.replace("_", ""))
        except ValueError:
            raise TopicsError(
                f"{source}, line {lineno}: weight {weight_text!r} of {word!r} is not a number"
            ) from None
        if not math.isfinite(weight) or weight < 0 or (weight == 0 and mode != "extend"):
            raise TopicsError(
                f"{source}, line {lineno}: weight of {word!r} must be a positive number"
                + (" (0 removes a word only in '# mode: extend' files)" if weight == 0 else "")
            )
        if word in topics:
            raise TopicsError(f"{source}, line {lineno}: {word!r} is listed twice")
        topics[word] = weight
        if len(topics) > MAX_TOPICS:
            raise TopicsError(f"{source}: more than {MAX_TOPICS} topics")
    result = tuple(Topic(w, v) for w, v in topics.items())
    if mode == "replace" and not result:
        raise TopicsError(f"{source}: holds no topic (expected lines of 'word,weight')")
    return result, mode


def _read_file(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise TopicsError(f"{path}: too large for a topic list (over 1 MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise TopicsError(f"Topic file {path} does not exist") from None
    except IsADirectoryError:
        raise TopicsError(f"Topic file {path} is a folder, not a file") from None
    except OSError as exc:
        raise TopicsError(f"Topic file {path} cannot be read: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise TopicsError(f"Topic file {path} is not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TopicsError(
            f"Topic file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None


def preset_topics(preset: str = "general") -> tuple[Topic, ...]:
    """The bundled topic list ``preset`` (one of AUDIENCES)."""
    if preset not in AUDIENCES:
        raise TopicsError(f"Unknown topic preset {preset!r}; choose one of {', '.join(AUDIENCES)}")
    ref = resources.files("thumbdesk.resources").joinpath("topics", f"{preset}.csv")
    try:
        text = ref.read_text(encoding="utf-8")
    except OSError as exc:
        raise TopicsError(f"Bundled topic preset {preset}.csv is missing: {exc}") from None
    topics, _ = parse_topics(text, f"{preset}.csv")
    return topics


def default_topics() -> tuple[Topic, ...]:
    """The default topic list (the ``general`` preset)."""
    return preset_topics("general")


def load_topics(path: str | Path | None = None, preset: str = "general") -> tuple[Topic, ...]:
    """Load the topics to score against: the preset, replaced or extended by a user file.

    Without ``path`` this is the preset. A user file replaces the preset unless it has a
    ``# mode: extend`` line, in which case its words are added to the preset (a listed word
    takes the file's weight; weight 0 removes it). Raises TopicsError with a message fit to
    show; callers fall back to ``default_topics()`` with a warning.
    """
    base = preset_topics(preset)
    if path is None:
        return base
    file = Path(path).expanduser()
    topics, mode = parse_topics(_read_file(file), str(file))
    if mode == "replace":
        log.info("Topics: %d from %s (replacing preset %s)", len(topics), file, preset)
        return topics
    merged = {t.word: t.weight for t in base}
    for t in topics:
        if t.weight == 0:
            merged.pop(t.word, None)
        else:
            merged[t.word] = t.weight
    if not merged:
        raise TopicsError(f"{file}: removes every topic of preset {preset}")
    log.info("Topics: preset %s extended by %s -> %d topics", preset, file, len(merged))
    return tuple(Topic(w, v) for w, v in merged.items())


def format_topics(topics: tuple[Topic, ...] | list[Topic]) -> str:
    """Topic-file text for ``topics`` (replace mode), checked by ``parse_topics``'s own rules.

    Written with the csv module. Raises TopicsError naming the first topic the file format
    cannot hold (a word with punctuation, a weight that is not a positive number, ...), so
    that nothing is saved that would not load back the same.
    """
    out = io.StringIO()
    out.write("# ThumbDesk topic list (word,weight); see the bundled README\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["word", "weight"])
    writer.writerows([t.word, repr(float(t.weight))] for t in topics)  # exact round trip
    text = out.getvalue()
    try:
        parsed, _ = parse_topics(text, "the topic list")
    except TopicsError as exc:
        raise TopicsError(f"Cannot save: {exc}") from None
    changed = [t.word for t, p in zip(topics, parsed, strict=True) if t.word != p.word]
    if changed:
        raise TopicsError(
            f"Cannot save: {changed[0]!r} would load back as "
            f"{_normalise_word(changed[0])!r} (topic words are lower case, single-spaced)"
        )
    return text


def save_topics(topics: tuple[Topic, ...] | list[Topic], path: str | Path) -> Path:
    """Write topics in the file format ``load_topics`` reads (replace mode), atomically.

    The text is checked first (``format_topics``): a list that would not load back raises
    TopicsError and leaves ``path`` as it was; a failed write leaves no partial file.
    """
    from thumbdesk.core.errors import ExportError
    from thumbdesk.core.export import write_atomically

    dest = Path(path)
    text = format_topics(topics)
    try:
        return write_atomically(text.encode("utf-8"), dest, overwrite=True)
    except ExportError as exc:
        raise TopicsError(f"Cannot write topic file {dest}: {exc}") from None
