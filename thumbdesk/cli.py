"""Command line: ``thumbdesk`` opens the window, ``thumbdesk pick`` works headless.

``thumbdesk pick VIDEO [-o OUT.jpg] [--json REPORT.json] [--size NAME|all] [--title TEXT]``
writes the top pick and an optional JSON report; several videos or folders with ``--out-dir``
run as a batch in one process with the model loaded once. The image goes through the same
renderer as the window's export (``core.export.export_request``), so with the same options
both write the same bytes. Errors are one clear line on stderr and a non-zero exit status;
no partial output file is ever left behind.
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
from thumbdesk.core.formats import IMAGE_CHOICES, IMAGE_FORMATS, VIDEO_SUFFIXES
from thumbdesk.core.presets import ALL_SIZES, PRESETS
from thumbdesk.core.topics import AUDIENCES
from thumbdesk.core.types import Adjustments, ExportRequest, TitleStyle

if TYPE_CHECKING:
    from thumbdesk.core.types import FrameScorer, PipelineResult, Topic

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = ("open", "pick")

_SIZE_HELP = "export size: " + "; ".join(
    [f"{name} = {preset.label}" for name, preset in PRESETS.items()]
    + [f"all = {', '.join(ALL_SIZES)} at once, one file each beside -o's stem"]
)
_DEVICE_HELP = (
    "where the model runs: auto (default) uses an NVIDIA GPU through CUDA when torch finds "
    "one, else the CPU; cpu always uses the CPU (ONNX Runtime); cuda or cuda:N requires a GPU "
    "and fails with a clear error without one"
)


def _add_pick_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="VIDEO_OR_FOLDER")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="thumbnail file (.jpg, .png, .webp); default VIDEO.thumbnail.jpg in this folder",
    )
    parser.add_argument("--json", type=Path, dest="json_path", help="write a JSON report here")
    parser.add_argument("--out-dir", type=Path, help="batch: one thumbnail + report per video")
    parser.add_argument("--format", choices=IMAGE_CHOICES, default="jpg", help="batch image format")
    parser.add_argument("--top", type=int, default=None, help="candidates listed in the report")
    parser.add_argument("--device", default="auto", metavar="auto|cpu|cuda[:N]", help=_DEVICE_HELP)
    parser.add_argument("--topics", type=Path, help="topic list file (see resources/topics)")
    parser.add_argument(
        "--audience",
        "--preset",
        dest="audience",
        default="general",
        metavar="NAME",
        help=f"audience topic list: {', '.join(AUDIENCES)} (default general)",
    )
    parser.add_argument(
        "--size",
        choices=[*PRESETS, "all"],
        default="original",
        metavar="NAME",
        help=_SIZE_HELP,
    )
    title = parser.add_argument_group("title and adjustments (the same as the export dialog's)")
    title.add_argument(
        "--title",
        action="append",
        default=[],
        metavar="TEXT",
        help="title text on the thumbnail; give it twice for two lines",
    )
    title.add_argument(
        "--title-position",
        choices=["top", "middle", "bottom"],
        default="bottom",
        help="where the title sits inside the platform's safe zone (default bottom)",
    )
    title.add_argument("--title-colour", default="#ffffff", metavar="COLOUR", help="#rrggbb")
    title.add_argument("--outline-colour", default="#000000", metavar="COLOUR", help="#rrggbb")
    title.add_argument("--no-shadow", action="store_true", help="no drop shadow under the title")
    for name in ("brightness", "contrast", "saturation"):
        title.add_argument(
            f"--{name}", type=float, default=0.0, metavar="-1..1", help=f"{name} change"
        )
    title.add_argument("--pop", action="store_true", help="auto contrast (the dialog's Pop)")
    parser.add_argument(
        "--overwrite", action="store_true", help="replace output files that already exist"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """``thumbdesk [open] [VIDEO]`` and ``thumbdesk pick ...`` as argparse subcommands."""
    parser = argparse.ArgumentParser(
        prog="thumbdesk",
        description=(
            "ThumbDesk: pick the thumbnail viewers click. With no command, opens the window "
            "(on VIDEO if given); `thumbdesk pick --help` for the headless command."
        ),
    )
    parser.add_argument(
        "--self-check", action="store_true", help="run the bundled model on the sample clip"
    )
    parser.add_argument("--version", action="version", version=f"thumbdesk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", metavar="{open,pick}")
    window = commands.add_parser("open", help="open the window (the default command)")
    window.add_argument("video", nargs="?", help="a video to open in the window")
    pick = commands.add_parser(
        "pick",
        help="pick the best thumbnail without a window",
        description="Pick the best thumbnail of a video (or of every video in a batch).",
    )
    _add_pick_arguments(pick)
    pick.set_defaults(pick_parser=pick)
    pick.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="debug logging"
    )
    return parser


def with_default_command(argv: Sequence[str]) -> list[str]:
    """``thumbdesk VIDEO`` means ``thumbdesk open VIDEO``: put the default command in."""
    args = list(argv)
    for index, arg in enumerate(args):
        if not arg.startswith("-"):
            return args if arg in COMMANDS else [*args[:index], "open", *args[index:]]
    return args


def _setup_logging(verbose: bool) -> None:
    from thumbdesk.logsetup import setup_logging

    setup_logging(logging.DEBUG if verbose else logging.WARNING, log_file=False)


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
        print(_summary_line(result))
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
            read_frame(clip, best.frame.index, result.frame_times_s),
            Path(folder) / "check.jpg",
            "youtube",
            title=TitleStyle(("Self-check",)),
        )
        size = out.stat().st_size
    print(f"self-check: thumbdesk {__version__}, device {result.device}")
    print(f"self-check: model loaded in {loaded:.2f}s; pipeline {result.timings_s}")
    print(f"self-check: {_summary_line(result)}; thumbnail {size} bytes")
    print(f"self-check: OK in {time.perf_counter() - started:.2f}s")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``thumbdesk`` command."""
    parser = build_parser()
    args = parser.parse_args(with_default_command(sys.argv[1:] if argv is None else argv))
    _setup_logging(args.verbose)
    try:
        if args.self_check:
            return self_check()
        if args.command == "pick":
            return pick_main(args, args.pick_parser)
        from thumbdesk.ui.app import run_app

        return run_app(getattr(args, "video", None))
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
