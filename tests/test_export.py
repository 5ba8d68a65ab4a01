"""Exporting thumbnails: exact preset sizes, formats, size cap, atomic no-clobber writes."""

from __future__ import annotations

import errno
import os

import cv2
import numpy as np
import pytest

from tests.conftest import clip
from thumbdesk.core.decode import read_frame
from thumbdesk.core.errors import ExportError
from thumbdesk.core.export import (
    PRESETS,
    all_sizes_paths,
    crop_to_aspect,
    export_all_sizes,
    export_thumbnail,
)


@pytest.fixture(scope="module")
def frame():
    return read_frame(clip("bikes.mp4"), 140)


@pytest.mark.parametrize("preset", ["youtube", "reels", "square"])
@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp"])
def test_presets_give_exact_size_and_format(tmp_path, frame, preset, suffix):
    if PRESETS[preset].format_problem(suffix):  # YouTube does not take WebP
        with pytest.raises(ExportError, match="YouTube does not take WEBP"):
            export_thumbnail(frame, tmp_path / f"thumb{suffix}", preset)
        assert list(tmp_path.iterdir()) == []
        return
    out = export_thumbnail(frame, tmp_path / f"thumb{suffix}", preset)
    image = cv2.imread(str(out), cv2.IMREAD_UNCHANGED)
    assert (image.shape[1], image.shape[0]) == PRESETS[preset].size
    magic = out.read_bytes()[:12]
    if suffix == ".jpg":
        assert magic[:3] == b"\xff\xd8\xff"
    elif suffix == ".png":
        assert magic[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert magic[:4] == b"RIFF" and magic[8:12] == b"WEBP"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_original_keeps_full_resolution(tmp_path):
    image = read_frame(clip("vertical_9x16_bbb.mp4"), 200)
    out = export_thumbnail(image, tmp_path / "t.png")
    assert cv2.imread(str(out)).shape == (1920, 1080, 3)


def test_youtube_preset_stays_under_two_megabytes(tmp_path):
    noise = np.random.default_rng(0).integers(0, 256, (1440, 2560, 3), dtype=np.uint8)
    out = export_thumbnail(noise, tmp_path / "noisy.jpg", "youtube")
    assert out.stat().st_size <= 2 * 1024 * 1024


def test_crop_follows_the_chosen_centre():
    image = np.zeros((100, 400, 3), np.uint8)
    image[:, 300:] = 255  # bright right quarter
    left = crop_to_aspect(image, (100, 100), (0.1, 0.5))
    right = crop_to_aspect(image, (100, 100), (0.9, 0.5))
    assert left.mean() < 5 and right.mean() > 250


def test_no_silent_overwrite(tmp_path, frame):
    dest = tmp_path / "t.jpg"
    dest.write_bytes(b"precious")
    with pytest.raises(ExportError, match="already exists"):
        export_thumbnail(frame, dest)
    assert dest.read_bytes() == b"precious"
    export_thumbnail(frame, dest, overwrite=True)
    assert dest.read_bytes()[:3] == b"\xff\xd8\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.jpg"]


def test_unwritable_destination_leaves_nothing(tmp_path, frame):
    # Tests run as root, for whom chmod does not make a folder read-only; a "folder" that is
    # a file fails for everyone.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ExportError):
        export_thumbnail(frame, blocker / "t.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_full_disk_leaves_no_partial_file(tmp_path, frame, monkeypatch):
    real_fsync = os.fsync

    def full_disk(fd):
        real_fsync(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(ExportError, match="disk space"):
        export_thumbnail(frame, tmp_path / "t.jpg")
    assert list(tmp_path.iterdir()) == []


def test_unicode_and_spaces_in_path(tmp_path, frame):
    folder = tmp_path / "my thumbnails ünï 🎬"
    folder.mkdir()
    out = export_thumbnail(frame, folder / "café pick.webp", "square")
    assert cv2.imdecode(np.fromfile(out, np.uint8), cv2.IMREAD_COLOR).shape == (1080, 1080, 3)


def test_unknown_format_is_refused(tmp_path, frame):
    with pytest.raises(ExportError, match=r"\.jpg, \.png or \.webp"):
        export_thumbnail(frame, tmp_path / "t.gif")
    assert list(tmp_path.iterdir()) == []


def test_exports_get_the_usual_permissions(tmp_path, frame):
    old = os.umask(0o022)
    try:
        out = export_thumbnail(frame, tmp_path / "t.jpg", "square")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_youtube_png_over_two_megabytes_fails_at_once_naming_jpeg(tmp_path):
    noise = np.random.default_rng(1).integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    with pytest.raises(ExportError, match="export it as JPEG"):
        export_thumbnail(noise, tmp_path / "noisy.png", "youtube")
    assert list(tmp_path.iterdir()) == []


def test_every_size_at_once_writes_one_file_per_preset(tmp_path, frame):
    written = export_all_sizes(frame, tmp_path / "clip.png")
    names = {p.name: cv2.imread(str(p)).shape[1::-1] for p in written}
    assert names == {
        "clip_youtube.jpg": (1280, 720),  # YouTube takes at most 2 MB: always JPEG
        "clip_reels.png": (1080, 1920),
        "clip_square.png": (1080, 1080),
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_every_size_at_once_is_all_or_nothing(tmp_path, frame):
    paths = all_sizes_paths(tmp_path / "clip.jpg")
    paths["square"].mkdir()  # the last write fails: a folder holds the name
    with pytest.raises(ExportError, match="is a folder"):
        export_all_sizes(frame, tmp_path / "clip.jpg", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip_square.jpg"]  # only the folder
    paths["square"].rmdir()
    paths["reels"].write_bytes(b"keep")
    with pytest.raises(ExportError, match="already exist"):
        export_all_sizes(frame, tmp_path / "clip.jpg")
    assert paths["reels"].read_bytes() == b"keep" and not paths["youtube"].exists()
