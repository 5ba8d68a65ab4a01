"""Command line: ``thumbdesk`` opens the window, ``thumbdesk pick`` works headless.

``thumbdesk pick VIDEO [-o OUT.jpg] [--json REPORT.json] [--size NAME|all] [--title TEXT]``
writes the top pick and an optional JSON report; several videos or folders with ``--out-dir``
run as a batch in one process with the model loaded once. The image goes through the same
renderer as the window's export (``core.export.export_request``), so with the same options
both write the same bytes. Errors are one clear line on stderr and a non-zero exit status;
no partial output file is ever left behind.

This module is the parser and the dispatch; the commands' work is in ``thumbdesk.commands``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from thumbdesk import __version__
from thumbdesk.commands import EXIT_FAILED, EXIT_INTERRUPTED
from thumbdesk.commands.pick import pick_main
from thumbdesk.commands.self_check import self_check
from thumbdesk.core.errors import ThumbDeskError
from thumbdesk.core.formats import IMAGE_CHOICES
from thumbdesk.core.presets import ALL_SIZES, PRESETS
from thumbdesk.core.topics import AUDIENCES

logger = logging.getLogger(__name__)

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
