"""Run a probe or decode step in a child process, so FFmpeg cannot take the app down.

FFmpeg is native code: a hostile file could in principle crash it (a segfault kills the whole
process, window and unsaved work included) or make it spin. ``run_isolated`` runs one step in a
fresh child process with a time limit and turns a crash or a time-out into a ``VideoError``
with a one-line message, while the calling process carries on. ``probe_isolated`` is the probe
done that way, with a limit that scales with the file's size: the first look at a file from
anywhere is where a damaged file is met first.

Children are started with "spawn", never "fork": forking a process that runs Qt, torch or
OpenCV threads can deadlock the child. A spawn costs about half a second (the child imports
numpy and OpenCV), so only the first contact with a file is worth isolating.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from thumbdesk.core.errors import ThumbDeskError, VideoError
from thumbdesk.core.types import VideoInfo

logger = logging.getLogger(__name__)

T = TypeVar("T")

PROBE_BASE_S = 20.0
PROBE_PER_MB_S = 1.0
"""Time limit of an isolated probe: a base (child start-up included) plus a share per MB."""


def time_limit_s(path: str | Path, base_s: float, per_mb_s: float) -> float:
    """A time limit for working on ``path``: ``base_s`` plus ``per_mb_s`` per megabyte."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0
    return base_s + per_mb_s * size / 1e6


def _child(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        result = ("ok", func(*args))
    except ThumbDeskError as exc:
        result = ("error", exc)
    except Exception as exc:  # sent back as text: the exception may not pickle
        result = ("crash", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(result)
    finally:
        conn.close()


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def run_isolated(func: Callable[..., T], *args: Any, timeout_s: float, what: str) -> T:
    """Call ``func(*args)`` in a child process; return its result or raise its error.

    ``func`` and its arguments and result must pickle (a module-level function). A
    ``ThumbDeskError`` raised in the child is raised here as it is; a crash of the child (a
    signal, or an unexpected exception) and a run past ``timeout_s`` raise ``VideoError``
    naming ``what`` ("Opening clip.mp4"). The child is always gone when this returns.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, func, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            process.kill()
            raise VideoError(f"{what} took longer than {timeout_s:.0f}s and was stopped")
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            process.join(5)
            code = process.exitcode
            how = _signal_name(code) if code is not None and code < 0 else f"exit {code}"
            logger.warning("%s: child process died (%s)", what, how)
            raise VideoError(
                f"{what} crashed the video decoder ({how}); the file is probably damaged"
            ) from None
    finally:
        receiver.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        process.close()
    if status == "ok":
        result: T = payload
        return result
    if status == "error":
        raise payload
    logger.warning("%s: unexpected error in the child: %s", what, payload)
    raise VideoError(f"{what} failed: {payload}")


def probe_isolated(path: str | Path, timeout_s: float | None = None) -> VideoInfo:
    """``probe(path)`` in a child process: a crash or hang in FFmpeg becomes a VideoError."""
    from thumbdesk.core.probe import probe

    path = Path(path)
    if timeout_s is None:
        timeout_s = time_limit_s(path, PROBE_BASE_S, PROBE_PER_MB_S)
    return run_isolated(probe, path, timeout_s=timeout_s, what=f"Opening {path.name}")
