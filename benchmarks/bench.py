"""ThumbDesk side by side with FFmpeg and the decode floor: time, memory, start-up, long videos.

Run with ``make bench`` (or ``bash benchmarks/run.sh [options]``); see benchmarks/README.md.
Every clip in ../shared/videos is measured in one run, repetitions interleaved (ThumbDesk,
FFmpeg thumbnail, decode floors, CLI process, clip after clip; every other repetition in
reverse order) and the median kept, so that ratios hold on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cv2

from thumbdesk.core.formats import VIDEO_SUFFIXES
from thumbdesk.core.pipeline import pick
from thumbdesk.core.probe import open_capture, probe
from thumbdesk.core.topics import load_topics
from thumbdesk.core.types import PipelineConfig, PipelineResult

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procs import (
    concat_copies,
    count_frames,
    ffmpeg_decode_all,
    ffmpeg_thumbnail,
    median,
    run_timed,
)
from report import print_app, print_long, print_table, print_targets

REPO = Path(__file__).resolve().parents[1]
VIDEOS = REPO / ".." / "shared" / "videos"
LONG_SOURCE = "moviepy_big_buck_bunny_0_30.webm"


def sampled_indices(result: PipelineResult) -> list[int]:
    """Indices of every frame the sampling pass looked at (candidates + all rejections)."""
    found = {r.frame_index for r in result.rejected} | {c.frame.index for c in result.candidates}
    return sorted(found)


def opencv_floor(path: Path, indices: list[int], seek_mode: bool) -> float:
    """Decode exactly what the sampling pass must decode, and nothing else.

    Sequential mode: grab (decode) every frame, retrieve (convert to upright BGR) the sampled
    ones. Seek mode: seek to each sampled frame and read it. No resizing, no measuring.
    """
    started = time.perf_counter()
    capture = open_capture(path)
    wanted = set(indices)
    if seek_mode:
        for index in indices:
            capture.set(cv2.CAP_PROP_POS_FRAMES, index)
            capture.read()
    else:
        index = 0
        while capture.grab():
            if index in wanted:
                capture.retrieve()
            index += 1
    capture.release()
    return time.perf_counter() - started


def thumbdesk_cmd() -> Path:
    return Path(sys.executable).parent / "thumbdesk"


def measure_clips(clips: list[Path], reps: int, scorer: Any, topics: Any, tmp: Path) -> list[dict]:
    config = PipelineConfig()
    rows: dict[str, dict[str, Any]] = {}
    for clip in clips:
        info = probe(clip)
        rows[clip.name] = {
            "clip": clip.name,
            "frames": count_frames(clip),
            "size": f"{info.width}x{info.height}",
            "duration_s": info.duration_s,
            "seek_mode": info.frame_count > config.max_sequential_frames,
            "runs": {k: [] for k in ("warm", "thumb", "floor", "decode_all", "cli")},
            "stages": [],
            "cli_rss_mb": [],
            "thumb_rss_mb": [],
            "candidates": 0,
            "sampled": 0,
        }
    for rep in range(reps):
        order = clips if rep % 2 == 0 else clips[::-1]
        for clip in order:
            row = rows[clip.name]
            runs = row["runs"]
            started = time.perf_counter()
            result = pick(clip, scorer=scorer, topics=topics)
            runs["warm"].append(time.perf_counter() - started)
            row["stages"].append(dict(result.timings_s))
            row["candidates"], row["sampled"] = len(result.candidates), result.sampled
            thumb = ffmpeg_thumbnail(clip, row["frames"], tmp / "ffmpeg.png")
            runs["thumb"].append(thumb.wall_s)
            row["thumb_rss_mb"].append(thumb.peak_rss_mb)
            runs["floor"].append(opencv_floor(clip, sampled_indices(result), row["seek_mode"]))
            runs["decode_all"].append(ffmpeg_decode_all(clip).wall_s)
            stem = f"{clip.stem}_{rep}"  # fresh names: `pick` refuses to overwrite files
            outputs = ["-o", tmp / f"{stem}.jpg", "--json", tmp / f"{stem}.json"]
            cli = run_timed([thumbdesk_cmd(), "pick", clip, *outputs, "-q", "--device", "cpu"])
            runs["cli"].append(cli.wall_s)
            row["cli_rss_mb"].append(cli.peak_rss_mb)
            print(
                f"  rep {rep + 1}/{reps} {clip.name}: warm {runs['warm'][-1]:.2f}s, "
                f"ffmpeg thumbnail {thumb.wall_s:.2f}s, cli {cli.wall_s:.2f}s",
                flush=True,
            )
    out = []
    for row in rows.values():
        runs = row.pop("runs")
        med = {name: median(values) for name, values in runs.items()}
        stage_names = ("probe", "sample", "filter", "cluster", "score")
        med_stages = {s: median([t.get(s, 0.0) for t in row["stages"]]) for s in stage_names}
        row.update(
            {
                **{f"{name}_s": value for name, value in med.items()},
                "stages_s": med_stages,
                "raw_s": runs,
                "cli_peak_rss_mb": max(row["cli_rss_mb"]),
                "thumb_peak_rss_mb": max(row["thumb_rss_mb"]),
                "score_ms_per_candidate": 1000 * med_stages["score"] / max(1, row["candidates"]),
                "warm_over_thumb": med["warm"] / med["thumb"],
                "warm_over_floor": med["warm"] / med["floor"],
                "warm_over_decode_all": med["warm"] / med["decode_all"],
                "cli_over_thumb": med["cli"] / med["thumb"],
            }
        )
        out.append(row)
    return out


def measure_app(reps: int, tmp: Path) -> dict[str, Any]:
    """Launch the window offscreen ``reps`` times; seconds to shown, event loop, model ready."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        THUMBDESK_SETTINGS=str(tmp / "settings.ini"),
        THUMBDESK_LOG_DIR=str(tmp / "logs"),
        THUMBDESK_NO_DIALOGS="1",
        THUMBDESK_LOG_LEVEL="WARNING",
    )
    driver = Path(__file__).resolve().parent / "app_start.py"
    events: dict[str, list[float]] = {}
    for _ in range(reps):
        launched = time.monotonic()
        proc = subprocess.run(
            [sys.executable, str(driver)],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        for line in proc.stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "BENCH":
                events.setdefault(parts[1], []).append(float(parts[2]) - launched)
        if "model_ready" not in {ln.split()[1] for ln in proc.stdout.splitlines() if ln}:
            tail = proc.stderr[-500:]
            print(f"  app start: no model_ready marker (rc {proc.returncode}): {tail}")
    return {name: median(values) for name, values in events.items()} | {"runs": reps}


def measure_long(source: Path, scorer: Any, topics: Any, tmp: Path) -> list[dict[str, Any]]:
    """Time the warm pipeline on 1, 4, 10 and 20 back-to-back copies of a real 30 s clip."""
    rows = []
    for copies in (1, 4, 10, 20):
        joined = tmp / f"long_x{copies}.webm"
        clip = source if copies == 1 else concat_copies(source, copies, joined)
        info = probe(clip)
        times = []
        for _ in range(2):
            started = time.perf_counter()
            result = pick(clip, scorer=scorer, topics=topics)
            times.append(time.perf_counter() - started)
        row = {
            "copies": copies,
            "duration_s": info.duration_s,
            "frames": info.frame_count,
            "seek_mode": info.frame_count > PipelineConfig().max_sequential_frames,
            "warm_s": median(times),
            "sampled": result.sampled,
        }
        if copies == 20:
            row["decode_all_s"] = ffmpeg_decode_all(clip).wall_s
            cli = run_timed(
                [thumbdesk_cmd(), "pick", clip, "-o", tmp / "long.jpg", "-q", "--device", "cpu"]
            )
            row["cli_s"], row["cli_peak_rss_mb"] = cli.wall_s, cli.peak_rss_mb
        rows.append(row)
        print(f"  long x{copies}: {row['duration_s']:.0f}s video, warm {row['warm_s']:.2f}s")
    return rows


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    ffmpeg = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, check=False)
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, OpenCV {cv2.__version__}, "
        f"{ffmpeg.stdout.splitlines()[0] if ffmpeg.stdout else 'ffmpeg ?'}; "
        f"load average at start {os.getloadavg()[0]:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=Path, default=VIDEOS, help="folder of clips")
    parser.add_argument("--clips", nargs="*", help="only these file names")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per clip (median)")
    parser.add_argument("--app-reps", type=int, default=3)
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args()

    clips = sorted(p for p in args.videos.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
    if args.clips:
        clips = [p for p in clips if p.name in set(args.clips)]
    if not clips:
        raise SystemExit(f"bench: no clips in {args.videos}")
    print(f"Machine: {machine()}", flush=True)
    from thumbdesk.ml import load_scorer

    started = time.perf_counter()
    scorer = load_scorer("cpu")
    topics = load_topics(None, preset="general")
    load_s = time.perf_counter() - started
    pick(clips[0], scorer=scorer, topics=topics)  # warm-up: first inference, caches
    print(f"Model ({scorer.device}) loaded in {load_s:.2f}s; {len(clips)} clips, {args.reps} reps")
    figures: dict[str, Any] = {"machine": machine(), "model_load_s": load_s}
    with tempfile.TemporaryDirectory(prefix="thumbdesk-bench-") as folder:
        tmp = Path(folder)
        figures["clips"] = measure_clips(clips, args.reps, scorer, topics, tmp)
        print_table(figures["clips"])
        if not args.skip_app:
            figures["app"] = measure_app(args.app_reps, tmp)
            print_app(figures["app"])
        source = args.videos / LONG_SOURCE
        if not args.skip_long and source.exists():
            figures["long"] = measure_long(source, scorer, topics, tmp)
            print_long(figures["long"])
    print_targets(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
