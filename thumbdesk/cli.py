"""Command line: ``thumbdesk`` opens the window, ``thumbdesk pick`` works headless.

``thumbdesk pick VIDEO [-o OUT.jpg] [--json REPORT.json] [--top N] [--device auto|cpu|cuda]``
writes the top pick and an optional JSON report; several videos or folders with ``--out-dir``
run as a batch in one process with the model loaded once. Errors are one clear line on stderr
and a non-zero exit status; no partial output file is ever left behind.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from thumbdesk import __version__
from thumbdesk.core.errors import ExportError, ThumbDeskError
from thumbdesk.core.presets import FORMATS, PRESETS
from thumbdesk.progress_bar import TerminalProgress

if TYPE_CHECKING:
    from thumbdesk.core.types import FrameScorer, PipelineResult, Topic

logger = logging.getLogger(__name__)

VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".3gp"}
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _pick_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thumbdesk pick",
        description="Pick the best thumbnail of a video (or of every video in a batch).",
    )
    parser.add_argument("inputs", nargs="+", metavar="VIDEO_OR_FOLDER")
    parser.add_argument("-o", "--output", type=Path, help="thumbnail file (.jpg, .png, .webp)")
    parser.add_argument("--json", type=Path, dest="json_path", help="write a JSON report here")
    parser.add_argument("--out-dir", type=Path, help="batch: one thumbnail + report per video")
    parser.add_argument(
        "--format", choices=["jpg", "png", "webp"], default="jpg", help="batch image format"
    )
    parser.add_argument("--top", type=int, default=None, help="candidates listed in the report")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--topics", type=Path, help="topic list file (see resources/topics)")
    parser.add_argument("--preset", default="general", help="audience topic preset")
    parser.add_argument(
        "--size", choices=sorted(PRESETS), default="original", help="export size preset"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace output files that already exist"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thumbdesk",
        description=(
            "ThumbDesk: pick the thumbnail viewers click. With no arguments, opens the window; "
            "with a VIDEO, opens the window on it. `thumbdesk pick --help` for the headless "
            "command."
        ),
    )
    parser.add_argument("video", nargs="?", help="a video to open in the window")
    parser.add_argument(
        "--self-check", action="store_true", help="run the bundled model on the sample clip"
    )
    parser.add_argument("--version", action="version", version=f"thumbdesk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser


def _setup_logging(verbose: bool) -> None:
    from thumbdesk.logsetup import setup_logging

    setup_logging(logging.DEBUG if verbose else logging.WARNING, log_file=False)


def expand_inputs(inputs: Sequence[str]) -> list[Path]:
    """Turn files and folders into the list of videos to process (folders: video suffixes)."""
    videos: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
            if not found:
                logger.warning("no video files in %s", path)
            videos.extend(found)
        else:
            videos.append(path)
    return videos


def check_writable(dest: Path) -> None:
    """Fail early, before any decoding, if ``dest`` cannot be written."""
    if dest.suffix.lower() not in FORMATS and dest.suffix.lower() != ".json":
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


def load_topic_list(path: Path | None, preset: str, device: str) -> tuple[Topic, ...]:
    """The topic list for this run (the preset, replaced or extended by a user file).

    Warns about words the model loaded for ``device`` cannot score.
    """
    from thumbdesk.core.topics import load_topics
    from thumbdesk.ml import unknown_topic_words, unmatched_topic_words

    topics = load_topics(path, preset=preset)
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


def process_one(
    video: Path,
    image_out: Path | None,
    json_out: Path | None,
    scorer: FrameScorer | None,
    topics: Sequence[Topic],
    args: argparse.Namespace,
) -> PipelineResult:
    """Run the pipeline on one video and write its outputs; raise ThumbDeskError on failure."""
    from thumbdesk.core.decode import read_frame
    from thumbdesk.core.export import export_thumbnail, plan_export, write_atomically
    from thumbdesk.core.pipeline import pick
    from thumbdesk.core.reframe import Reframe, default_centre, subjects_of
    from thumbdesk.core.report import report_json

    for dest in (image_out, json_out):
        if dest is not None:
            check_writable(dest)
            if dest.exists() and not args.overwrite:
                raise ExportError(f"{dest} already exists; use --overwrite to replace it")
    progress = TerminalProgress(video.name, enabled=not args.quiet)
    try:
        result = pick(
            video,
            scorer=scorer,
            topics=topics,
            on_progress=lambda event: progress.update(event.fraction, event.stage),
        )
    finally:
        progress.finish()
    best = result.best
    written: list[Path] = []
    export_plan: Reframe | None = None
    try:
        if image_out is not None and best is not None:
            started = time.perf_counter()
            image = read_frame(video, best.frame.index, result.frame_times_s)
            subjects = subjects_of(best)
            centre = default_centre(best)
            height, width = image.shape[:2]
            export_plan = plan_export(
                (width, height),
                args.size,
                centre,
                picture_box=result.picture_box,
                subjects=subjects,
            )
            written.append(
                export_thumbnail(
                    image,
                    image_out,
                    args.size,
                    centre,
                    overwrite=args.overwrite,
                    picture_box=result.picture_box,
                    subjects=subjects,
                )
            )
            result.timings_s["export"] = round(time.perf_counter() - started, 4)
        if json_out is not None:
            write_atomically(
                report_json(result, args.top, export_plan, args.size).encode(),
                json_out,
                overwrite=args.overwrite,
            )
    except BaseException:
        # A run that fails leaves no output: remove the thumbnail if the report failed.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return result


def _summary_line(result: PipelineResult) -> str:
    best = result.best
    if best is None:
        return f"{Path(result.video.path).name}: no candidate"
    tags = ", ".join(t.word for t in best.topics.topics[:3]) or "no tags"
    flag = " (flagged: best effort)" if best.flagged else ""
    return (
        f"{Path(result.video.path).name}: frame {best.frame.index} at {best.frame.time_s:.2f}s, "
        f"score {best.score:.2f} [{tags}]{flag}, {len(result.candidates)} candidates, "
        f"{result.timings_s.get('total', 0.0):.2f}s on {result.device}"
    )


def pick_main(argv: Sequence[str]) -> int:
    """``thumbdesk pick``: returns the exit status."""
    parser = _pick_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    videos = expand_inputs(args.inputs)
    if not videos:
        print(f"thumbdesk: error: no video file in {' '.join(args.inputs)}", file=sys.stderr)
        return EXIT_FAILED
    batch = args.out_dir is not None or len(videos) != 1 or len(args.inputs) != 1
    if batch and args.out_dir is None:
        parser.error("a folder or several videos need --out-dir DIR")
    if batch and (args.output or args.json_path):
        parser.error("-o/--json name one video's outputs; a batch uses --out-dir")
    if args.top is not None and args.top < 1:
        parser.error("--top must be at least 1")
    try:
        scorer = load_model(args.device)
        topics = load_topic_list(args.topics, args.preset, args.device)
    except ThumbDeskError as exc:
        print(f"thumbdesk: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not batch:
        video = videos[0]
        output = args.output or Path(f"{video.stem}.thumbnail.jpg")
        try:
            result = process_one(video, output, args.json_path, scorer, topics, args)
        except ThumbDeskError as exc:
            print(f"thumbdesk: error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        for warning in result.warnings:
            print(f"thumbdesk: warning: {warning}", file=sys.stderr)
        print(_summary_line(result))
        return EXIT_OK
    return _run_batch(videos, args, scorer, topics)


def _run_batch(
    videos: list[Path], args: argparse.Namespace, scorer: FrameScorer, topics: Sequence[Topic]
) -> int:
    out_dir: Path = args.out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"thumbdesk: error: cannot create {out_dir}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    failed = 0
    for video in videos:
        image_out = out_dir / f"{video.stem}.{args.format}"
        json_out = out_dir / f"{video.stem}.json"
        try:
            result = process_one(video, image_out, json_out, scorer, topics, args)
        except ThumbDeskError as exc:
            failed += 1
            print(f"thumbdesk: error: {video}: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # one bad file must not stop the batch
            failed += 1
            logger.debug("unexpected error on %s", video, exc_info=True)
            print(f"thumbdesk: error: {video}: internal error {exc!r}", file=sys.stderr)
            continue
        print(_summary_line(result))
    done = len(videos) - failed
    print(f"{len(videos)} video(s): {done} ok, {failed} failed; outputs in {out_dir}")
    return EXIT_FAILED if failed or not videos else EXIT_OK


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
            read_frame(clip, best.frame.index, result.frame_times_s), Path(folder) / "check.jpg"
        )
        size = out.stat().st_size
    print(f"self-check: thumbdesk {__version__}, device {result.device}")
    print(f"self-check: model loaded in {loaded:.2f}s; pipeline {result.timings_s}")
    print(f"self-check: {_summary_line(result)}; thumbnail {size} bytes")
    print(f"self-check: OK in {time.perf_counter() - started:.2f}s")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``thumbdesk`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "pick":
            return pick_main(argv[1:])
        args = _app_parser().parse_args(argv)
        _setup_logging(args.verbose)
        if args.self_check:
            return self_check()
        from thumbdesk.ui.app import run_app

        return run_app(args.video)
    except ThumbDeskError as exc:
        print(f"thumbdesk: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("thumbdesk: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # the last line of defence: one line, details in the log
        logger.debug("unexpected error", exc_info=True)
        print(f"thumbdesk: internal error: {exc!r} (run with -v for details)", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
