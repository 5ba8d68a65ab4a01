"""scripts/eval_moments.py: the pick scored against marked moments, on a real clip."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / ".." / "shared" / "videos" / "moviepy_fire2_dog.mp4"

sys.path.insert(0, str(ROOT / "scripts"))

from eval_moments import covered, inside  # noqa: E402

pytestmark = pytest.mark.skipif(not CLIP.exists(), reason="no ../shared/videos")


def test_spans_count_their_slack_and_their_overlaps_once() -> None:
    assert inside([(1.0, 2.0)], 2.04) and not inside([(1.0, 2.0)], 2.1)
    assert not inside([(1.0, 2.0)], None)
    assert covered([(0.0, 2.0), (1.0, 3.0), (8.0, 12.0)], 10.0) == pytest.approx(0.5)
    assert covered([], 10.0) == 0.0


def test_a_real_clip_is_scored_against_its_marks(tmp_path: Path) -> None:
    """The whole clip marked good: the pick is in a good moment; a mark past the clip's end:
    no frame is in it, the pick's or the peer's, and a random frame scores 0."""
    (tmp_path / "clips").mkdir()
    for name in ("all_good.mp4", "marked_after.mp4"):
        (tmp_path / "clips" / name).symlink_to(CLIP.resolve())
    moments = {
        "clips/all_good.mp4": {"good": [[0.0, 3600.0]], "best": [[0.0, 3600.0]]},
        "clips/marked_after.mp4": {"good": [[3600.0, 3601.0]], "best": [[3600.0, 3601.0]]},
    }
    (tmp_path / "MOMENTS.json").write_text(json.dumps(moments))
    out = tmp_path / "scores.json"
    script = ROOT / "scripts" / "eval_moments.py"
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    scores = {s["clip"]: s for s in json.loads(out.read_text())}
    assert scores["clips/all_good.mp4"]["good"] and scores["clips/all_good.mp4"]["best"]
    assert scores["clips/all_good.mp4"]["random_good"] == 1.0
    after = scores["clips/marked_after.mp4"]
    assert after["pick_s"] is not None and not after["good"] and not after["good_in_top"]
    assert after["random_good"] == 0.0
    assert "pick in a good moment 1/2, in the best 1/2" in done.stdout
    if shutil.which("ffmpeg"):
        assert scores["clips/all_good.mp4"]["peer_good"] is True
        assert after["peer_s"] is not None and after["peer_good"] is False
        assert "FFmpeg thumbnail: good 1/2, best 1/2" in done.stdout
