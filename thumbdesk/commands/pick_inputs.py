"""What ``thumbdesk pick`` checks and loads before it decodes anything.

The videos behind the files and folders given, destinations that can be written, the
model, the topic list and the title and adjustments the options ask for. Each problem is a
``ThumbDeskError`` with a message for the creator (or a warning line on stderr).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from thumbdesk.core.errors import ExportError
from thumbdesk.core.formats import IMAGE_FORMATS, VIDEO_SUFFIXES
from thumbdesk.core.types import Adjustments, TitleStyle

if TYPE_CHECKING:
    from thumbdesk.core.model_api import FrameScorer
    from thumbdesk.core.types import Topic


def expand_inputs(inputs: Sequence[str]) -> tuple[list[Path], list[Path]]:
    """Files and folders -> (videos to process, folders that hold no video)."""
    videos: list[Path] = []
    empty: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
            if not found:
                empty.append(path)
            videos.extend(found)
        else:
            videos.append(path)
    return videos, empty


def check_writable(dest: Path) -> None:
    """Fail early, before any decoding, if ``dest`` cannot be written."""
    if dest.suffix.lower() not in IMAGE_FORMATS and dest.suffix.lower() != ".json":
        raise ExportError(f"Cannot write {dest.name}: use .jpg, .png, .webp (or .json)")
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"The folder {folder} does not exist")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ExportError(f"No permission to write in {folder} ({exc.strerror})") from exc


def load_model(device: str) -> FrameScorer:
    """Load the bundled topic model (imported lazily: torch is slow to import)."""
    from thumbdesk.ml import load_scorer

    return load_scorer(device)


def load_topic_list(path: Path | None, audience: str, device: str) -> tuple[Topic, ...]:
    """The topic list for this run (the audience list, replaced or extended by a user file).

    Warns about words the model loaded for ``device`` cannot score.
    """
    from thumbdesk.core.topics import load_topics
    from thumbdesk.ml import unknown_topic_words, unmatched_topic_words

    topics = load_topics(path, preset=audience)
    unknown = unknown_topic_words(topics, device)
    if unknown:
        why = unmatched_topic_words(unknown)
        named = "; ".join(f"{w} ({why.get(w, 'no embedding')})" for w in unknown)
        print(
            "thumbdesk: warning: these topic words cannot be matched to anything the image "
            f"model recognises, so they score 0: {named}",
            file=sys.stderr,
        )
    return topics


def export_options(args: argparse.Namespace) -> tuple[TitleStyle | None, Adjustments]:
    """The title and adjustments the options ask for (ExportError for bad values)."""
    from thumbdesk.core.title import clean_lines, parse_colour

    parse_colour(args.title_colour)
    parse_colour(args.outline_colour)
    title = None
    if any(text.strip() for text in args.title):
        title = TitleStyle(
            tuple(args.title),
            args.title_position,
            args.title_colour,
            args.outline_colour,
            shadow=not args.no_shadow,
        )
        clean_lines(title)
    values = {name: getattr(args, name) for name in ("brightness", "contrast", "saturation")}
    for name, value in values.items():
        if not -1.0 <= value <= 1.0:
            raise ExportError(f"--{name} must be between -1 and 1 (got {value:g})")
    return title, Adjustments(**values, pop=args.pop)


def image_targets(image_out: Path, size: str) -> list[Path]:
    """Every file one export writes (three for ``--size all``)."""
    if size == "all":
        from thumbdesk.core.export import all_sizes_paths

        return list(all_sizes_paths(image_out).values())
    from thumbdesk.core.export import check_format

    check_format(size, image_out)
    return [image_out]
