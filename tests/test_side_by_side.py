"""scripts/side_by_side.py: blind sheets of two real tools' frames, and the tally of verdicts."""

from __future__ import annotations

import json
import pickle
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / ".." / "shared" / "videos" / "moviepy_fire2_dog.mp4"

sys.path.insert(0, str(ROOT / "scripts"))

from side_by_side import OURS, PEER, TILE_HEIGHT, main, tally, winner  # noqa: E402


def test_verdicts_count_for_the_tool_on_the_side_chosen() -> None:
    key = {
        "001": {"clip": "a.mp4", "A": OURS},
        "002": {"clip": "b.mp4", "A": PEER},
        "003": {"clip": "c.mp4", "A": PEER},
        "004": {"clip": "d.mp4", "A": OURS},
    }
    assert winner(key["001"], "B") == PEER and winner(key["002"], "B") == OURS
    line = tally(key, {"001": "A", "002": "A", "003": "tie"})
    assert line.startswith("ThumbDesk 1, FFmpeg 1, tie 1: ThumbDesk preferred or tied on 2 of 3")
    assert "(side chosen: A 2, B 0)" in line and "no verdict for 1: 004" in line
    with pytest.raises(ValueError, match="005"):
        tally(key, {"005": "A"})
    with pytest.raises(ValueError, match="left"):
        tally(key, {"001": "left"})


@pytest.mark.skipif(not CLIP.exists(), reason="no ../shared/videos")
@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="no ffmpeg")
def test_a_real_clip_makes_a_blind_sheet_and_its_tally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(CLIP), "--out", str(tmp_path)]) == 0
    key = json.loads((tmp_path / "key.json").read_text())
    assert list(key) == ["001"] and key["001"]["clip"] == str(CLIP)
    assert key["001"]["A"] in (OURS, PEER)
    sheet = cv2.imread(str(tmp_path / "sheet_01.png"))
    assert sheet is not None and sheet.shape[0] == TILE_HEIGHT
    assert sheet.shape[1] > 2 * TILE_HEIGHT  # two 4:3 frames side by side
    ours_side = "A" if key["001"]["A"] == OURS else "B"
    (tmp_path / "verdicts.json").write_text(json.dumps({"001": ours_side}))
    capsys.readouterr()
    assert main(["--tally", str(tmp_path)]) == 0
    assert (
        "ThumbDesk 1, FFmpeg 0, tie 0: ThumbDesk preferred or tied on 1 of 1"
        in capsys.readouterr().out
    )


def test_a_change_that_moves_a_pick_makes_a_before_and_after_pair(
    tmp_path: Path, core_results, capsys: pytest.CaptureFixture[str]
) -> None:
    from eval_topics import cache_file

    result = core_results("moviepy_fire2_dog.mp4")
    assert len(result.candidates) >= 2
    eval_dir = tmp_path / "eval"
    (eval_dir / "clips").mkdir(parents=True)
    (eval_dir / "clips" / "dog.mp4").symlink_to(CLIP.resolve())
    (eval_dir / "LABELS.json").write_text(json.dumps({"clips/dog.mp4": ["dog", "fire"]}))
    # "after": the same run with its second candidate ranked first, as a change would rank it
    moved = replace(result, candidates=(result.candidates[1], result.candidates[0]))
    for name, run in (("before", result), ("after", moved)):
        path = cache_file(tmp_path / name, "clips/dog.mp4")
        path.parent.mkdir()
        path.write_bytes(pickle.dumps(run))
    shift = abs(moved.candidates[0].frame.time_s - result.candidates[0].frame.time_s)
    changes = ["--before", str(tmp_path / "before"), "--after", str(tmp_path / "after")]
    changes += ["--eval-dir", str(eval_dir)]

    assert main([*changes, "--out", str(tmp_path / "none"), "--min-shift", str(shift + 1)]) == 0
    assert json.loads((tmp_path / "none" / "key.json").read_text()) == {}
    out = tmp_path / "sheets"
    assert main([*changes, "--out", str(out)]) == 0
    key = json.loads((out / "key.json").read_text())
    assert list(key) == ["001"] and {key["001"]["A"], key["001"]["B"]} == {"after", "before"}
    sheet = cv2.imread(str(out / "sheet_01.png"))
    assert sheet is not None and sheet.shape[0] == TILE_HEIGHT
    old_side = "A" if key["001"]["A"] == "before" else "B"
    (out / "verdicts.json").write_text(json.dumps({"001": old_side}))
    capsys.readouterr()
    assert main(["--tally", str(out)]) == 0
    assert "after 0, before 1, tie 0: after preferred or tied on 0 of 1" in capsys.readouterr().out
