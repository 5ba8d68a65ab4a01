"""Printing for the benchmarks: the per-clip table, start-up, long videos and the targets."""

from __future__ import annotations

from typing import Any

from procs import median

WEBM = "moviepy_big_buck_bunny_0_30.webm"

COLUMNS = (
    ("clip", "{:<32}", "clip"),
    ("frames", "{:>6}", "frames"),
    ("size", "{:>9}", "shown"),
    ("warm_s", "{:>6.2f}", "warm"),
    ("stage_sample", "{:>6.2f}", "sample"),
    ("stage_cluster", "{:>5.2f}", "clust"),
    ("stage_score", "{:>5.2f}", "score"),
    ("floor_s", "{:>6.2f}", "floor"),
    ("decode_all_s", "{:>6.2f}", "ffdec"),
    ("thumb_s", "{:>6.2f}", "ffthmb"),
    ("warm_over_thumb", "{:>6.2f}", "w/thmb"),
    ("warm_over_floor", "{:>6.2f}", "w/flr"),
    ("warm_over_decode_all", "{:>6.2f}", "w/dec"),
    ("cli_s", "{:>6.2f}", "CLI"),
    ("cli_over_thumb", "{:>6.2f}", "C/thmb"),
    ("cli_peak_rss_mb", "{:>6.0f}", "CLI MB"),
    ("thumb_peak_rss_mb", "{:>6.0f}", "ffth MB"),
    ("score_ms_per_candidate", "{:>6.0f}", "ms/cand"),
)


def _cell(row: dict[str, Any], key: str) -> Any:
    if key.startswith("stage_"):
        return row["stages_s"][key.removeprefix("stage_")]
    return row[key]


def print_table(rows: list[dict[str, Any]]) -> None:
    """The per-clip table (seconds, medians over repetitions) and its median row."""
    head = " ".join(
        fmt.replace(".2f", "").replace(".0f", "").format(title) for _k, fmt, title in COLUMNS
    )
    print()
    print("Per clip: seconds (median of repetitions); MB = peak RSS (max of repetitions)")
    print(head)
    print("-" * len(head))
    for row in rows:
        print(" ".join(fmt.format(_cell(row, key)) for key, fmt, _t in COLUMNS))
    print("-" * len(head))
    med = {key: median([_cell(r, key) for r in rows]) for key, _f, _t in COLUMNS[3:]}
    cells = ["{:<32}".format("median"), " " * 6, " " * 9]
    cells += [fmt.format(med[key]) for key, fmt, _t in COLUMNS[3:]]
    print(" ".join(cells))
    print(
        "warm = pick() in-process with the model loaded (as in the app), stages from "
        "PipelineResult.timings_s; floor = OpenCV decoding exactly what the sampling pass "
        "decodes (every frame grabbed, sampled ones converted; seeks in seek mode); ffdec = "
        "`ffmpeg -i IN -f null -` (every frame; w/dec = warm / ffdec); ffthmb = `ffmpeg "
        "-vf thumbnail=n=<all frames>,showinfo -frames:v 1`; CLI = whole `thumbdesk pick "
        "-o x.jpg --json r.json` process."
    )


def print_app(app: dict[str, Any]) -> None:
    """Start-up figures of the window."""
    print()
    print(f"App start (offscreen, median of {app.get('runs')} launches, seconds from launch):")
    for event in ("interpreter", "shown", "event_loop", "model_ready"):
        if event in app:
            print(f"  {event:<12} {app[event]:6.2f}")


def print_long(rows: list[dict[str, Any]]) -> None:
    """How the warm pipeline's cost grows with video length."""
    print()
    print("Long videos (copies of the 30 s WebM joined with ffmpeg concat; warm, median of 2):")
    print(f"  {'length':>8} {'frames':>7} {'mode':>10} {'sampled':>7} {'warm s':>7} {'s/min':>6}")
    for row in rows:
        mode = "seek" if row["seek_mode"] else "sequential"
        per_min = row["warm_s"] / (row["duration_s"] / 60.0)
        print(
            f"  {row['duration_s']:7.0f}s {row['frames']:7d} {mode:>10} {row['sampled']:7d} "
            f"{row['warm_s']:7.2f} {per_min:6.2f}"
        )
    last = rows[-1]
    if "decode_all_s" in last:
        print(
            f"  10 min: ffmpeg decode of all frames {last['decode_all_s']:.2f}s; whole CLI "
            f"process {last['cli_s']:.2f}s, peak RSS {last['cli_peak_rss_mb']:.0f} MB"
        )


def print_targets(fig: dict[str, Any]) -> None:
    """Each target of issue 5, measured value, met or not."""
    rows = fig["clips"]
    checks: list[tuple[str, str, bool]] = []
    warm_thumb = median([r["warm_over_thumb"] for r in rows])
    checks.append(("median warm / FFmpeg thumbnail <= 1.0", f"{warm_thumb:.2f}", warm_thumb <= 1))
    worst = max(rows, key=lambda r: r["warm_over_floor"])
    med_floor = median([r["warm_over_floor"] for r in rows])
    checks.append(
        (
            "median warm <= 1.5x decode floor (the frames the pipeline looks at, in-process)",
            f"median {med_floor:.2f}, worst {worst['warm_over_floor']:.2f} ({worst['clip']})",
            med_floor <= 1.5,
        )
    )
    med_all = median([r["warm_over_decode_all"] for r in rows])
    checks.append(
        (
            "median warm <= 1.5x decoding every frame (ffmpeg -f null)",
            f"{med_all:.2f}",
            med_all <= 1.5,
        )
    )
    no_score = [(r["warm_s"] - r["stages_s"]["score"]) / r["floor_s"] for r in rows]
    checks.append(
        (
            "(for reference) warm without the scoring stage <= 1.5x decode floor",
            f"median {median(no_score):.2f}, worst {max(no_score):.2f}",
            median(no_score) <= 1.5,
        )
    )
    webm = next((r for r in rows if r["clip"] == WEBM), None)
    if webm:
        value = webm["cli_over_thumb"]
        checks.append(("CLI process on the 30 s WebM <= 2x FFmpeg", f"{value:.2f}", value <= 2))
    rss = max(r["cli_peak_rss_mb"] for r in rows)
    checks.append(("peak memory (CLI) <= 1 GB", f"{rss:.0f} MB", rss <= 1024))
    if "app" in fig and "shown" in fig["app"]:
        shown = fig["app"]["shown"]
        checks.append(("window shown <= 1.0 s", f"{shown:.2f} s", shown <= 1.0))
    if fig.get("long"):
        first, last = fig["long"][0], fig["long"][-1]
        growth = last["warm_s"] / first["warm_s"]
        length = last["duration_s"] / first["duration_s"]
        checks.append(
            (
                "long video cost bounded",
                f"{length:.0f}x the length -> {growth:.2f}x the time",
                growth < 0.25 * length,
            )
        )
    print()
    print("Targets (issue 5):")
    for name, value, ok in checks:
        print(f"  [{'met' if ok else 'NOT met'}] {name}: {value}")
