"""Copy the PP-OCRv4 text detection model into models/ from PyPI rapidocr-onnxruntime==1.4.4.

Build-time only. The file is taken verbatim from the package's wheel (no conversion) and its
sha256 checked against the one recorded here, so a rebuild gives the same bytes::

    python scripts/models_text_det.py [--wheel FILE] [--work DIR]

Without ``--wheel`` it runs ``pip download --no-deps rapidocr-onnxruntime==1.4.4`` into
``--work`` (a scratch folder). The package is never installed: its dependencies include
the GUI build of OpenCV, which clashes with PySide6 in one environment (see README.md). Only
the detection model (DB, Differentiable Binarization) is used; the app runs it with ONNX
Runtime and does the DB post-processing itself (``thumbdesk/ml/text.py``), so neither
rapidocr nor its recognition and direction models ship.

The manifest entry is written by scripts/build_models.py (``--only text-det``), which calls
``build()`` here.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "models"
PACKAGE = "rapidocr-onnxruntime==1.4.4"
WHEEL = "rapidocr_onnxruntime-1.4.4-py3-none-any.whl"
MEMBER = "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx"
OUTPUT = "text_det_ppocrv4.onnx"
SHA256 = "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9"


def download(work: Path) -> Path:
    """The package's wheel in ``work``, fetched with pip once."""
    wheel = work / WHEEL
    if not wheel.exists():
        work.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", PACKAGE, "-d", str(work)]
        subprocess.run(cmd, check=True)
    return wheel


def build(work: Path, wheel: Path | None = None, dest_dir: Path = MODELS_DIR) -> Path:
    """Extract the detection model from the wheel, check its sha256, write it to ``dest_dir``."""
    wheel = wheel or download(work)
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(MEMBER)
    got = hashlib.sha256(data).hexdigest()
    if got != SHA256:
        raise SystemExit(f"{wheel}:{MEMBER}: sha256 {got} is not the recorded {SHA256}")
    dest = dest_dir / OUTPUT
    dest.write_bytes(data)
    print(f"  {OUTPUT}: {len(data)} bytes, sha256 {got} (verified)")
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"a downloaded {WHEEL}")
    parser.add_argument("--work", type=Path, default=Path("/tmp/thumbdesk-text-det"))
    args = parser.parse_args(argv)
    build(args.work, args.wheel)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
