"""``thumbdesk pick``: the top thumbnail and a JSON report of one video, or of a batch.

One video writes ``-o`` (default ``VIDEO.thumbnail.jpg`` here) and ``--json``; several videos
or folders write one thumbnail and one report each into ``--out-dir``, with the model loaded
once, and one bad file does not stop the batch. The image goes through the same renderer as
the window's export (``core.export.export_request``). A video that fails leaves no output.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from thumbdesk.commands import EXIT_FAILED, EXIT_OK
from thumbdesk.commands.pick_inputs import (
    check_writable,
    expand_inputs,
    export_options,
    image_targets,
    load_model,
    load_topic_list,
)
from thumbdesk.core.errors import ExportError, ThumbDeskError
from thumbdesk.core.formats import VIDEO_SUFFIXES
from thumbdesk.core.types import ExportRequest
from thumbdesk.core.words import count_candidates, count_of

if TYPE_CHECKING:
    from thumbdesk.core.model_api import FrameScorer
    from thumbdesk.core.types import PipelineResult, Topic

logger = logging.getLogger(__name__)


def process_one(
    video: Path,
    image_out: Path | None,
    json_out: Path | None,
    scorer: FrameScorer | None,
    topics: Sequence[Topic],
    args: argparse.Namespace,
) -> tuple[PipelineResult, list[Path]]:
    """Run the pipeline on one video and write its outputs; raise ThumbDeskError on failure.

    Returns the result and the files written.
    """
    from tqdm import tqdm

    from thumbdesk.core.decode import read_frame
    from thumbdesk.core.export import export_request, plan_export, write_atomically
    from thumbdesk.core.pipeline import pick
    from thumbdesk.core.reframe import Reframe, default_centre, subjects_of
    from thumbdesk.core.report import report_json

    title, adjustments = export_options(args)
    targets = image_targets(image_out, args.size) if image_out is not None else []
    for dest in [*targets, *([json_out] if json_out is not None else [])]:
        check_writable(dest)
        if dest.exists() and not args.overwrite:
            raise ExportError(f"{dest} already exists; use --overwrite to replace it")
    # tqdm draws on a terminal only (disable=None), so logs and pipes stay clean.
    with tqdm(
        total=1000,
        desc=video.name[:24],
        disable=True if args.quiet else None,
        leave=False,
        bar_format="{desc} {bar} {percentage:3.0f}% {postfix}",
    ) as bar:

        def show(event: object) -> None:
            done = round(getattr(event, "fraction", 0.0) * 1000)
            bar.set_postfix_str(getattr(event, "stage", ""), refresh=False)
            bar.update(max(0, done - bar.n))

        result = pick(video, scorer=scorer, topics=topics, on_progress=show)
    best = result.best
    written: list[Path] = []
    export_plan: Reframe | None = None
    try:
        if image_out is not None and best is not None:
            started = time.perf_counter()
            image = read_frame(video, best.frame.index, result.frame_times_s)
            subjects = tuple(subjects_of(best))
            centre = default_centre(best)
            request = ExportRequest(
                image_out,
                args.size,
                centre,
                args.overwrite,
                title,
                adjustments,
                picture_box=result.picture_box,
                subjects=subjects,
            )
            if args.size != "all":  # the report says how the one image was framed
                height, width = image.shape[:2]
                export_plan = plan_export(
                    (width, height),
                    args.size,
                    centre,
                    picture_box=result.picture_box,
                    subjects=subjects,
                )
            written.extend(export_request(image, request))
            result.timings_s["export"] = round(time.perf_counter() - started, 4)
        if json_out is not None:
            written.append(
                write_atomically(
                    report_json(result, args.top, export_plan, args.size).encode(),
                    json_out,
                    overwrite=args.overwrite,
                )
            )
    except BaseException:
        # A run that fails leaves no output: remove the thumbnails if the report failed.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return result, written


def summary_line(result: PipelineResult) -> str:
    """One line about a video's pick: frame, score, top tags, candidates, time and device."""
    best = result.best
    if best is None:
        return f"{Path(result.video.path).name}: no candidate"
    tags = ", ".join(t.word for t in best.topics.topics[:3]) or "no tags"
    flag = " (flagged: best effort)" if best.flagged else ""
    return (
        f"{Path(result.video.path).name}: frame {best.frame.index} at {best.frame.time_s:.2f}s, "
        f"score {best.score:.2f} [{tags}]{flag}, {count_candidates(len(result.candidates))}, "
        f"{result.timings_s.get('total', 0.0):.2f}s on {result.device}"
    )


def _no_videos_message(inputs: Sequence[str], empty: Sequence[Path]) -> str:
    looked = " ".join(VIDEO_SUFFIXES)
    if empty:
        folders = ", ".join(str(folder) for folder in empty)
        return f"no video files in {folders} (looked for {looked})"
    return f"no video file in {' '.join(inputs)}"


def pick_main(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """``thumbdesk pick``: returns the exit status."""
    videos, empty = expand_inputs(args.inputs)
    if not videos:
        print(f"thumbdesk: error: {_no_videos_message(args.inputs, empty)}", file=sys.stderr)
        return EXIT_FAILED
    for folder in empty:
        print(f"thumbdesk: warning: no video files in {folder}", file=sys.stderr)
    batch = args.out_dir is not None or len(videos) != 1 or len(args.inputs) != 1
    if batch and args.out_dir is None:
        parser.error("a folder or several videos need --out-dir DIR")
    if batch and (args.output or args.json_path):
        parser.error("-o/--json name one video's outputs; a batch uses --out-dir")
    if args.top is not None and args.top < 1:
        parser.error("--top must be at least 1")
    if len(args.title) > 2:
        parser.error("--title makes one line; give it at most twice (two lines)")
    try:
        export_options(args)
        scorer = load_model(args.device)
        topics = load_topic_list(args.topics, args.audience, args.device)
    except ThumbDeskError as exc:
        print(f"thumbdesk: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not batch:
        video = videos[0]
        output = args.output or Path(f"{video.stem}.thumbnail.jpg")
        try:
            result, written = process_one(video, output, args.json_path, scorer, topics, args)
        except ThumbDeskError as exc:
            print(f"thumbdesk: error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        for warning in result.warnings:
            print(f"thumbdesk: warning: {warning}", file=sys.stderr)
        print(summary_line(result))
        for path in written:
            print(f"wrote {path.resolve()}")
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
            result, _ = process_one(video, image_out, json_out, scorer, topics, args)
        except ThumbDeskError as exc:
            failed += 1
            print(f"thumbdesk: error: {video}: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # one bad file must not stop the batch
            failed += 1
            logger.debug("unexpected error on %s", video, exc_info=True)
            print(f"thumbdesk: error: {video}: internal error {exc!r}", file=sys.stderr)
            continue
        print(summary_line(result))
    done = len(videos) - failed
    print(f"{count_of(len(videos), 'video')}: {done} ok, {failed} failed; outputs in {out_dir}")
    return EXIT_FAILED if failed or not videos else EXIT_OK
