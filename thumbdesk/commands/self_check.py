"""``thumbdesk --self-check``: run the bundled model on the bundled sample clip.

It proves an install works end to end (model load, pipeline, export) and prints the device
and the timings of each step.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from thumbdesk import __version__
from thumbdesk.commands import EXIT_FAILED, EXIT_OK
from thumbdesk.commands.pick import summary_line
from thumbdesk.commands.pick_inputs import load_model, load_topic_list
from thumbdesk.core.types import TitleStyle


def self_check() -> int:
    """Run the bundled model on the bundled sample clip; print device and timings."""
    from importlib import resources

    from thumbdesk.core.decode import read_frame
    from thumbdesk.core.export import export_thumbnail
    from thumbdesk.core.pipeline import pick

    started = time.perf_counter()
    sample = resources.files("thumbdesk.resources").joinpath("sample", "bigbuckbunny.mp4")
    with resources.as_file(sample) as clip, tempfile.TemporaryDirectory() as folder:
        scorer = load_model("auto")
        topics = load_topic_list(None, "general", "auto")
        loaded = time.perf_counter() - started
        result = pick(clip, scorer=scorer, topics=topics)
        best = result.best
        if best is None:
            print("self-check: FAILED: no candidate from the sample clip", file=sys.stderr)
            return EXIT_FAILED
        out = export_thumbnail(
            read_frame(clip, best.frame.index, result.frame_times_s),
            Path(folder) / "check.jpg",
            "youtube",
            title=TitleStyle(("Self-check",)),
        )
        size = out.stat().st_size
    print(f"self-check: thumbdesk {__version__}, device {result.device}")
    print(f"self-check: model loaded in {loaded:.2f}s; pipeline {result.timings_s}")
    print(f"self-check: {summary_line(result)}; thumbnail {size} bytes")
    print(f"self-check: OK in {time.perf_counter() - started:.2f}s")
    return EXIT_OK
