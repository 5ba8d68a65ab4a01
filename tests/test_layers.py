"""The rooms stay separate: core and ml run with Qt made unimportable; contracts hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import clip

REPO = Path(__file__).resolve().parents[1]

HEADLESS = textwrap.dedent(
    """
    import importlib.abc, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "shiboken6", "superqt", "qtpy"}:
                raise ImportError(f"{name} is not installed (headless run)")
            if name.startswith("thumbdesk.ui"):
                raise ImportError("the window must not be needed")
            return None

    sys.meta_path.insert(0, NoQt())
    from thumbdesk.core.pipeline import pick
    from thumbdesk.core.topics import load_topics
    from thumbdesk.ml import load_scorer

    result = pick(sys.argv[1], scorer=load_scorer("cpu"), topics=load_topics())
    print(len(result.candidates), result.candidates[0].topics.topics[0].word)
    print("torch imported:", "torch" in sys.modules)
    """
)


def test_core_and_ml_run_without_qt():
    proc = subprocess.run(
        [sys.executable, "-c", HEADLESS, str(clip("moviepy_fire2_dog.mp4"))],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    count, _word = proc.stdout.splitlines()[0].split(" ", 1)
    assert int(count) >= 1
    # On the CPU the classifier runs in OpenCV: torch (3 s, 600 MB to import) stays unloaded.
    assert proc.stdout.splitlines()[1] == "torch imported: False"


def test_import_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency"
    proc = subprocess.run([lint_imports], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "broken" not in proc.stdout.lower() or "0 broken" in proc.stdout.lower()


def test_a_plain_install_leaves_torch_to_the_cuda_extra() -> None:
    """torch (with its ~5 GB of CUDA libraries) is only in the "cuda" extra; torchvision nowhere."""
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[=<>!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements}

    assert names(project["dependencies"]).isdisjoint({"torch", "torchvision", "nvidia-cudnn-cu13"})
    extras = project["optional-dependencies"]
    assert "torch" in names(extras["cuda"])
    assert all("torchvision" not in names(extra) for extra in extras.values())
