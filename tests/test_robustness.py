"""Hostile input: a stratified sample of the fuzz corpus through the pipeline and the CLI.

The corpus is generated from the real clips by ``scripts/make_fuzz_corpus.py`` into a
temporary folder (never committed); ``make fuzz`` runs all of it (``scripts/fuzz_run.py``),
these tests a sample of about 30 files with every kind represented. Each file must give a
result or one clear ``ThumbDeskError`` line, within a time bound that scales with its size;
through the command line: a non-zero exit with one ``thumbdesk: error:`` line, no traceback
and nothing left in the output folder.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from thumbdesk.core.errors import ThumbDeskError, VideoError
from thumbdesk.core.pipeline import pick
from thumbdesk.core.probe import probe

REPO = Path(__file__).resolve().parents[1]
SAMPLE = 30
CLI_SAMPLE = 6


def _load(name: str) -> ModuleType:
    scripts = str(REPO / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)  # fuzz_run imports make_fuzz_corpus by name
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fuzz_run = _load("fuzz_run")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    if shutil.which("ffmpeg") is None:
        pytest.skip("the fuzz corpus needs ffmpeg (apt-get install ffmpeg)")
    folder = tmp_path_factory.mktemp("fuzz")
    entries = fuzz_run.make_corpus(folder)
    return folder, entries


def test_corpus_is_big_and_varied(corpus: tuple[Path, list]) -> None:
    _folder, entries = corpus
    kinds = {e.kind for e in entries}
    assert len(entries) >= 200
    assert kinds >= {
        "truncated", "flip_header", "flip_stream", "wrong_ext", "zero_length", "not_video",
        "audio_only", "no_frames", "absurd_meta", "special",
    }  # fmt: skip


def test_pipeline_survives_a_fuzz_sample(corpus: tuple[Path, list]) -> None:
    folder, entries = corpus
    problems = []
    outcomes: dict[str, int] = {}
    for entry in fuzz_run.stratified(entries, SAMPLE):
        path = folder / entry.file
        started = time.perf_counter()
        try:
            result = pick(path)
        except ThumbDeskError as exc:
            message = str(exc)
            outcome = type(exc).__name__
            if not message or "\n" in message:
                problems.append(f"{entry.file}: unclear message {message!r}")
        except Exception as exc:  # the bug this test hunts
            outcome = "bug"
            problems.append(f"{entry.file}: {exc!r}")
        else:
            outcome = "ok"
            assert result.candidates, entry.file
        elapsed = time.perf_counter() - started
        if elapsed > fuzz_run.bound_s(path):
            problems.append(f"{entry.file}: {elapsed:.1f}s, over its bound")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert not problems, problems
    assert outcomes.get("VideoError", 0) >= SAMPLE // 3


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("special_fifo.mp4", "not a regular file"),
        ("special_devzero.mp4", "not a regular file"),
        ("special_folder.mp4", "is a folder"),
        ("special_dangling.mp4", "No such file"),
        ("empty.mp4", "is empty"),
        ("image_png.mp4", "still image (PNG)"),
        ("image_jpeg.mp4", "still image (JPEG)"),
        ("text_sources.mp4", "not a video ThumbDesk can read"),
    ],
)
def test_probe_names_the_problem(corpus: tuple[Path, list], name: str, expected: str) -> None:
    folder, _entries = corpus
    started = time.perf_counter()
    with pytest.raises(VideoError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        probe(folder / name)
    assert time.perf_counter() - started < 5  # a pipe or device must not block the open


def test_cli_survives_a_fuzz_sample(corpus: tuple[Path, list], tmp_path: Path) -> None:
    folder, entries = corpus
    sample = [e for e in entries if e.file == "special_fifo.mp4"]
    sample += fuzz_run.stratified([e for e in entries if e.kind != "special"], CLI_SAMPLE - 1)
    results = [fuzz_run.check_cli(folder / e.file, e, tmp_path) for e in sample]
    bugs = [(r.file, r.outcome, r.message) for r in results if r.bug]
    assert not bugs
    failed = [r for r in results if not r.outcome.startswith("ok")]
    assert failed and all(r.outcome == "error (exit 1)" and r.message for r in failed)


def test_batch_run_survives_bad_files(corpus: tuple[Path, list], tmp_path: Path) -> None:
    folder, entries = corpus
    names = ["special_fifo.mp4", "empty.mp4", "text_html.mkv", "ext_bikes.mkv"]
    picked = [e for e in entries if e.file in names]
    outcome, last = fuzz_run.check_batch(folder, picked, tmp_path)
    assert outcome == "survived (exit 1)", (outcome, last)
    assert last.startswith("4 videos: 1 ok, 3 failed")
    # Only the good file's outputs: no partial file and no temp file for the three bad ones.
    assert sorted(p.name for p in (tmp_path / "batch").iterdir()) == [
        "ext_bikes.jpg",
        "ext_bikes.json",
    ]


def test_fuzz_run_script_runs(corpus: tuple[Path, list]) -> None:
    folder, _entries = corpus
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "fuzz_run.py"), "--corpus", str(folder),
         "--kinds", "zero_length", "--modes", "pipeline", "--no-batch", "--jobs", "1"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "| zero_length | 5 |" in proc.stdout
