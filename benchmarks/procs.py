"""Process helpers for the benchmarks: run a command, time it, read its peak memory.

``run_timed`` starts a child and reaps it with ``os.wait4``, which gives that one child's own
resource usage, so the peak resident set size (``ru_maxrss``) belongs to the command measured
and not to any other child of the harness.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcRun:
    """One finished child process: wall time, peak RSS, exit status and its stderr tail."""

    wall_s: float
    peak_rss_mb: float
    returncode: int
    stderr: str = ""


def run_timed(
    cmd: Sequence[str | Path],
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> ProcRun:
    """Run ``cmd`` to the end; return its wall time and its own peak RSS.

    Linux hands a process's peak RSS on across fork and exec, so a command started straight
    from this (large) process would report at least this process's size. The command is
    therefore started from a small launcher (this file run as a script), which times it and
    reads its rusage with ``os.wait4``.
    """
    launcher = [sys.executable, str(Path(__file__).resolve()), "--launch"]
    proc = subprocess.run(
        [*launcher, *(str(c) for c in cmd)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else None,
        check=False,
    )
    try:
        facts = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"launcher failed ({proc.returncode}): {proc.stderr[-2000:]}") from None
    text = proc.stderr[-2000:]
    if check and facts["rc"] != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({facts['rc']}): {text}")
    return ProcRun(facts["wall_s"], facts["maxrss_kb"] / 1024.0, facts["rc"], text)


def _launch(cmd: Sequence[str]) -> None:
    """Launcher side of ``run_timed``: run ``cmd``, print its wall time and peak RSS as JSON."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    facts = {"wall_s": wall, "maxrss_kb": usage.ru_maxrss, "rc": os.waitstatus_to_exitcode(status)}
    print(json.dumps(facts), flush=True)


def need_tool(name: str) -> str:
    """Path of an executable on PATH, or exit with a clear message."""
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"bench: {name} not found; run `make bench` (it installs FFmpeg)")
    return found


def count_frames(path: Path) -> int:
    """Video frames in ``path``, by counting packets with ffprobe (no decoding)."""
    out = subprocess.run(
        [
            need_tool("ffprobe"),
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-count_packets",
            "-show_entries",
            "stream=nb_read_packets",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip().split(",")[0])


def ffmpeg_decode_all(path: Path) -> ProcRun:
    """Decode every frame and throw it away: ``ffmpeg -i IN -f null -``."""
    cmd = [need_tool("ffmpeg"), "-v", "error", "-nostdin", "-i", path, "-f", "null", "-"]
    return run_timed(cmd)


def ffmpeg_thumbnail(path: Path, frames: int, out_png: Path) -> ProcRun:
    """FFmpeg's thumbnail filter over all ``frames`` frames (the peer a creator reaches for)."""
    return run_timed(
        [
            need_tool("ffmpeg"),
            "-v",
            "error",
            "-nostdin",
            "-y",
            "-i",
            path,
            "-vf",
            f"thumbnail=n={frames},showinfo",
            "-frames:v",
            "1",
            out_png,
        ]
    )


def median(values: Sequence[float]) -> float:
    """Median, or NaN for no values."""
    return statistics.median(values) if values else float("nan")


def concat_copies(source: Path, copies: int, dest: Path) -> Path:
    """Write ``copies`` back-to-back copies of ``source`` into ``dest`` (stream copy)."""
    listing = dest.with_suffix(".txt")
    line = f"file '{source.resolve()}'\n"
    listing.write_text(line * copies, encoding="utf-8")
    subprocess.run(
        [
            need_tool("ffmpeg"),
            "-v",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-c",
            "copy",
            str(dest),
        ],
        check=True,
    )
    return dest


if __name__ == "__main__" and sys.argv[1:2] == ["--launch"]:
    _launch(sys.argv[2:])
