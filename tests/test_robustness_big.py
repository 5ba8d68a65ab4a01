"""Big inputs: a 4K clip and a 4-minute clip, built from the real clips with FFmpeg in set-up.

Each runs through the pipeline and a full-resolution export in a child process, whose peak
resident memory (``ru_maxrss``) and wall time are bounded: the pipeline keeps only working-
resolution copies of at most ``max_samples`` frames, and long videos are sampled by seeking,
so neither grows with the video's length or resolution.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import clip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("ffmpeg") is None, reason="needs ffmpeg (apt-get install ffmpeg)"
    ),
]

MAX_RSS_MB = 1200
"""Peak memory of the whole child (Python, numpy, OpenCV and FFmpeg included)."""

_CHILD = """
import json, sys, time
from pathlib import Path

def peak_mb():
    # VmHWM is this process image's own peak RSS. ru_maxrss would not do: Linux carries the
    # parent's peak (pytest's, with the model loaded) over fork and exec into the child.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")

from thumbdesk.core.decode import read_frame
from thumbdesk.core.export import export_thumbnail
from thumbdesk.core.pipeline import pick
started = time.perf_counter()
result = pick(sys.argv[1])
best = result.best
image = read_frame(sys.argv[1], best.frame.index, result.frame_times_s)
out = export_thumbnail(image, Path(sys.argv[2]))
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "rss_mb": peak_mb(),
    "sampled": result.sampled, "frames": result.video.frame_count,
    "duration": result.video.duration_s, "shape": list(image.shape), "bytes": out.stat().st_size,
}))
"""


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=300
    )


@pytest.fixture(scope="module")
def big_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big")
    uhd = folder / "uhd 4k.mp4"
    _ffmpeg(
        "-i", str(clip("bigbuckbunny.mp4")), "-t", "2", "-an", "-vf", "scale=3840:2160",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", str(uhd),
    )  # fmt: skip
    webm = clip("moviepy_big_buck_bunny_0_30.webm")
    listing = folder / "list.txt"
    listing.write_text(f"file '{webm}'\n" * 6)  # 6 x 30 s = 3 minutes, stream copy
    long = folder / "long 3min.webm"
    _ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(long))
    return {"uhd": uhd, "long": long}


def _measure(video: Path, tmp_path: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(video), str(tmp_path / "thumb.jpg")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    facts: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{video.name}: {facts}")
    return facts


def test_4k_clip_bounded(big_clips: dict[str, Path], tmp_path: Path) -> None:
    facts = _measure(big_clips["uhd"], tmp_path)
    assert facts["shape"] == [2160, 3840, 3]  # exported at full resolution
    assert facts["rss_mb"] < MAX_RSS_MB
    assert facts["seconds"] < 90


def test_long_clip_bounded(big_clips: dict[str, Path], tmp_path: Path) -> None:
    facts = _measure(big_clips["long"], tmp_path)
    assert facts["duration"] > 170
    assert facts["sampled"] <= 240  # PipelineConfig.max_samples
    assert facts["rss_mb"] < MAX_RSS_MB
    assert facts["seconds"] < 120
