"""`thumbdesk pick` as a creator runs it: a real process, real clips, the real model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import jsonschema
import pytest

from tests.conftest import clip
from thumbdesk.core.report import report_schema

pytestmark = pytest.mark.slow


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thumbdesk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=cwd,
    )


def assert_clean_error(proc: subprocess.CompletedProcess[str], needle: str) -> None:
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("thumbdesk: error:"), proc.stderr
    assert needle.lower() in lines[0].lower(), proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def portrait_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("portrait")
    proc = run_cli(
        "pick", clip("portrait_rot90_bbb.mp4"), "-o", out / "pick.png", "--json", out / "r.json"
    )
    return proc, out


def test_pick_writes_upright_thumbnail_and_valid_report(portrait_run):
    proc, out = portrait_run
    assert proc.returncode == 0, proc.stderr
    image = cv2.imread(str(out / "pick.png"))
    assert image.shape[:2] == (1280, 720)  # displayed (portrait) size, full resolution
    report = json.loads((out / "r.json").read_text())
    jsonschema.validate(report, report_schema())
    assert (report["width"], report["height"], report["rotation"]) == (720, 1280, 90)
    assert report["device"].startswith("cpu")
    assert report["candidates"][0]["rank"] == 1
    assert {"probe", "sample", "filter", "score", "total"} <= set(report["timings_s"])
    assert sorted(p.name for p in out.iterdir()) == ["pick.png", "r.json"]


def test_report_lists_rejections_and_topics(tmp_path):
    proc = run_cli(
        "pick",
        clip("moviepy_airplane_fade.mp4"),
        "-o",
        tmp_path / "a.webp",
        "--json",
        tmp_path / "a.json",
        "--top",
        "3",
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "a.json").read_text())
    jsonschema.validate(report, report_schema())
    assert len(report["candidates"]) <= 3
    assert {"dark", "uniform"} <= {r["reason"] for r in report["rejected"]}
    assert all(r["detail"] for r in report["rejected"])
    tags = [t for c in report["candidates"] for t in c["topics"]]
    assert all(t["score"] >= 0.1 for t in tags)  # weak guesses are not shown
    assert (tmp_path / "a.webp").read_bytes()[8:12] == b"WEBP"


def test_dog_clip_top_pick_shows_the_dog(tmp_path):
    proc = run_cli(
        "pick",
        clip("moviepy_fire2_dog.mp4"),
        "-o",
        tmp_path / "d.jpg",
        "--json",
        tmp_path / "d.json",
    )
    assert proc.returncode == 0, proc.stderr
    best = json.loads((tmp_path / "d.json").read_text())["candidates"][0]
    assert "dog" in [t["word"] for t in best["topics"]]
    assert "[dog" in proc.stdout


def test_same_input_same_output(tmp_path):
    reports = []
    for name in ("one", "two"):
        proc = run_cli(
            "pick",
            clip("bikes.mp4"),
            "-o",
            tmp_path / f"{name}.jpg",
            "--json",
            tmp_path / f"{name}.json",
        )
        assert proc.returncode == 0, proc.stderr
        report = json.loads((tmp_path / f"{name}.json").read_text())
        reports.append([(c["frame_index"], c["score"], c["topics"]) for c in report["candidates"]])
    assert reports[0] == reports[1]
    assert (tmp_path / "one.jpg").read_bytes() == (tmp_path / "two.jpg").read_bytes()


def _bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    empty = folder / "empty.mp4"
    empty.write_bytes(b"")
    text = folder / "notes.mp4"
    text.write_text("this is a shopping list, not a video\n" * 20)
    truncated = folder / "truncated.mp4"
    data = clip("bigbuckbunny.mp4").read_bytes()
    truncated.write_bytes(data[: len(data) // 50])
    return {
        "missing": (folder / "nope.mp4", "No such file"),
        "empty": (empty, "empty"),
        "text": (text, "not a video"),
        "truncated": (truncated, "truncated.mp4"),
    }


@pytest.mark.parametrize("kind", ["missing", "empty", "text", "truncated"])
def test_bad_input_gives_one_clear_line_and_no_output(tmp_path, kind):
    inputs = tmp_path / "in"
    inputs.mkdir()
    video, needle = _bad_inputs(inputs)[kind]
    out = tmp_path / "out"
    out.mkdir()
    proc = run_cli("pick", video, "-o", out / "t.jpg", "--json", out / "r.json")
    assert_clean_error(proc, needle)
    assert list(out.iterdir()) == []


def test_unwritable_output_fails_before_work_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_cli("pick", clip("moviepy_fire2_dog.mp4"), "-o", blocker / "t.jpg")
    assert_clean_error(proc, "does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_batch_reports_bad_files_and_goes_on(tmp_path):
    folder = tmp_path / "videos"
    folder.mkdir()
    shutil.copy(clip("moviepy_fire2_dog.mp4"), folder / "dog.mp4")
    shutil.copy(clip("moviepy_sintel_fog.mp4"), folder / "fog.mp4")
    (folder / "broken.mp4").write_text("not a video")
    out = tmp_path / "out"
    proc = run_cli("pick", folder, "--out-dir", out)
    assert proc.returncode == 1
    assert "3 videos: 2 ok, 1 failed" in proc.stdout
    assert "broken.mp4" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["dog.jpg", "dog.json", "fog.jpg", "fog.json"]
    fog = json.loads((out / "fog.json").read_text())
    assert fog["warnings"] and all(c["flagged"] for c in fog["candidates"])


def test_cuda_without_a_gpu_is_a_clear_error(tmp_path):
    if Path("/proc/driver/nvidia").exists():
        pytest.skip("this machine has an NVIDIA GPU")
    proc = run_cli(
        "pick", clip("moviepy_fire2_dog.mp4"), "-o", tmp_path / "t.jpg", "--device", "cuda"
    )
    assert_clean_error(proc, "cuda")
    assert list(tmp_path.iterdir()) == []


def test_help_is_fast_and_does_not_import_torch():
    code = (
        "import sys, contextlib, io\n"
        "from thumbdesk.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['pick', '--help'])\n"
        "print('torch' in sys.modules, 'PySide6' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "False False", proc.stderr


def test_existing_output_is_kept_unless_overwrite_is_given(tmp_path):
    dest = tmp_path / "mine.jpg"
    dest.write_bytes(b"precious")
    proc = run_cli("pick", clip("moviepy_fire2_dog.mp4"), "-o", dest)
    assert_clean_error(proc, "--overwrite")
    assert dest.read_bytes() == b"precious"
    proc = run_cli("pick", clip("moviepy_fire2_dog.mp4"), "-o", dest, "--overwrite")
    assert proc.returncode == 0, proc.stderr
    assert dest.read_bytes()[:3] == b"\xff\xd8\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.jpg"]


def test_window_without_a_screen_is_a_clear_error():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, "-m", "thumbdesk"], capture_output=True, text=True, timeout=60, env=env
    )
    assert_clean_error(proc, "no screen")


def test_bad_topics_file_stops_with_one_line_as_the_topics_readme_says(tmp_path):
    """The file was asked for by name: the CLI stops (the window falls back instead)."""
    topics = tmp_path / "topics.csv"
    topics.write_text("dog,2\nIce cream!,3\n", encoding="utf-8")
    dest = tmp_path / "out.jpg"
    proc = run_cli("pick", clip("moviepy_fire2_dog.mp4"), "-o", dest, "--topics", topics)
    assert_clean_error(proc, "line 2")
    assert "Ice cream!" in proc.stderr and str(topics) in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["topics.csv"]


def test_letterboxed_clip_reports_its_bars_and_the_reframe_and_exports_without_them(tmp_path):
    proc = run_cli(
        "pick",
        clip("moviepy_sintel_fog.mp4"),
        "-o",
        tmp_path / "s.png",
        "--json",
        tmp_path / "s.json",
        "--size",
        "square",
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "s.json").read_text())
    jsonschema.validate(report, report_schema())
    # 854x480 with bars of about 58 px baked in at the top and the bottom.
    bars = report["bars"]
    assert abs(bars["top"] - 58) <= 2 and abs(bars["bottom"] - 58) <= 2
    assert bars["left"] == bars["right"] == 0
    picture = report["picture_box"]
    export = report["export"]
    assert export["preset"] == "square" and export["mode"] in ("crop", "fit")
    box = export["box"]
    assert box["y"] >= picture["y"] and box["y"] + box["h"] <= picture["y"] + picture["h"]
    import cv2

    image = cv2.imread(str(tmp_path / "s.png"))
    assert image.shape[:2] == (1080, 1080)
    # Neither a crop nor the blurred fill of a fit leaves a black bar.
    assert image[:4].mean() > 40 and image[-4:].mean() > 40
    assert image.mean(axis=(1, 2)).min() > 12  # no black row anywhere
