"""`thumbdesk pick` export options as a creator runs them: a real process on real clips."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import cv2
import pytest

from tests.conftest import clip
from tests.test_cli import assert_clean_error, run_cli
from thumbdesk.cli import build_parser, with_default_command
from thumbdesk.core.presets import PRESETS

pytestmark = pytest.mark.slow


def test_size_all_writes_every_preset_beside_the_stem_with_title(tmp_path):
    proc = run_cli(
        "pick",
        clip("vertical_9x16_bbb.mp4"),
        "-o",
        tmp_path / "cover.png",
        "--size",
        "all",
        "--title",
        "Big bunny",
        "--title",
        "day out",
        "--pop",
    )
    assert proc.returncode == 0, proc.stderr
    sizes = {p.name: cv2.imread(str(p)).shape[1::-1] for p in tmp_path.iterdir()}
    assert sizes == {
        "cover_youtube.jpg": (1280, 720),
        "cover_reels.png": (1080, 1920),
        "cover_square.png": (1080, 1080),
    }
    for name in sizes:  # says where each one went
        assert f"wrote {(tmp_path / name).resolve()}" in proc.stdout
    assert (tmp_path / "cover_youtube.jpg").stat().st_size <= PRESETS["youtube"].max_bytes


def test_without_o_it_says_where_it_wrote_and_uses_usual_permissions(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "thumbdesk", "pick", str(clip("bigbuckbunny.mp4"))],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert proc.returncode == 0, proc.stderr
    written = tmp_path / "bigbuckbunny.thumbnail.jpg"
    assert f"wrote {written.resolve()}" in proc.stdout
    assert written.stat().st_mode & 0o777 == 0o644


def test_youtube_webp_and_oversized_png_fail_at_once_with_the_hint(tmp_path):
    started = time.perf_counter()
    proc = run_cli("pick", clip("bikes.mp4"), "-o", tmp_path / "t.webp", "--size", "youtube")
    assert_clean_error(proc, "YouTube does not take WEBP images: use JPEG or PNG")
    assert time.perf_counter() - started < 20  # before any decoding or model work
    assert list(tmp_path.iterdir()) == []


def test_an_empty_folder_is_one_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("no videos here")
    proc = run_cli("pick", tmp_path)
    assert_clean_error(proc, "no video files in")
    assert ".mp4" in proc.stderr


def test_bad_title_and_adjustment_values_are_clear_errors(tmp_path):
    video = clip("bigbuckbunny.mp4")
    proc = run_cli("pick", video, "-o", tmp_path / "t.jpg", "--title-colour", "reddish")
    assert_clean_error(proc, "not a colour")
    proc = run_cli("pick", video, "-o", tmp_path / "t.jpg", "--brightness", "3")
    assert_clean_error(proc, "--brightness must be between -1 and 1")
    proc = run_cli("pick", video, "-o", tmp_path / "t.jpg", *["--title", "x"] * 3)
    assert proc.returncode == 2 and "at most twice" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_help_lists_presets_and_explains_device():
    proc = run_cli("pick", "--help")
    text = " ".join(proc.stdout.split())
    for name, preset in PRESETS.items():
        assert f"{name} = {preset.label}" in text
    assert "all = youtube, reels, square" in text
    assert "auto (default) uses an NVIDIA GPU" in text and "cpu always uses the CPU" in text
    assert "fitness" in text  # the audience lists


def test_subcommands_parse_with_the_window_as_default():
    parser = build_parser()
    args = parser.parse_args(with_default_command(["clip.mp4"]))
    assert (args.command, args.video) == ("open", "clip.mp4")
    args = parser.parse_args(with_default_command(["-v", "pick", "a.mp4", "--size", "all"]))
    assert (args.command, args.inputs, args.size, args.verbose) == ("pick", ["a.mp4"], "all", True)
    args = parser.parse_args(with_default_command(["--self-check"]))
    assert args.self_check and args.command is None
