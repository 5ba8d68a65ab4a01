"""Build ``models/style_probe.npz``, which says whether a frame is drawn rather than filmed.

Build-time tool (``thumbdesk/ml/style.py`` reads its output). Two steps:

    python scripts/models_style.py collect MIRRORS DATA   # images from the listed repositories
    python scripts/models_style.py train DATA             # the probe, with leave-one-source-out

``collect`` reads ``scripts/style_sources.jsonl``: one row per source (a film, a show, a style or
one repository's collection) with the public GitHub repository and commit its images come from,
their paths, the class (``cartoon``: drawn, anime, computer-animated; ``real``: camera footage
and photos), the licence as far as known and how many images it gave. MIRRORS holds bare copies
of those repositories as ``owner+name`` folders (``git clone --mirror``, or fetch's
``owner+name/repo``); stills are copied,
videos and GIFs give evenly spaced frames (5% trimmed at each end, near-flat frames dropped),
and the film stills marked ``crops`` add three 60%-wide crops. A row marked ``use`` is test
data and never trained on. Kept out on purpose: every film and repository that ../shared draws
from (Big Buck Bunny, Sintel, Elephants Dream and the eval sources), so that the clips the tests
and the evaluation read stay unseen.

``train`` computes the classifier's ImageNet logits exactly as the app does, the feature
``max(log_softmax(logits), log 1e-5)`` (equal to ``log(max(p, 1e-5))`` of the probabilities the
app keeps), standardises it and fits an L2 logistic regression (numpy; every source weighs the
same within its class, both classes the same). Leave-one-source-out scores give the honest
figures and a Platt calibration, folded into the weights. The threshold is the highest
out-of-fold P of any real image plus 0.02, capped at 0.97: a wrong "cartoon" on a real person is
worse than a missed one.

Measured (2026-12-06, 746 images: 283 cartoon from 39 sources, 463 real from 44): at 0.97 no
real image is called cartoon out of fold (the highest 0.954) and 28% of the drawn ones are; 2D
and anime sources are caught, 3D-rendered films
mostly are not (the classifier's classes do not tell a render from a photo).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "style_sources.jsonl"
OUT = ROOT / "models" / "style_probe.npz"
FLOOR = float(np.log(1e-5))
L2 = 3.0
CAP = 0.97
VIDEO = (".mp4", ".avi", ".webm", ".mkv", ".gif", ".mov")
IMAGES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


def cached_arrays(cache: Path | None) -> dict[str, np.ndarray]:
    """The arrays a probe script kept in ``cache`` (an .npz of model outputs), by key, or {}."""
    if cache is None or not cache.exists():
        return {}
    with np.load(cache) as npz:
        return {k: npz[k] for k in npz.files}


def rows(sources: Path = SOURCES) -> list[dict]:
    return [json.loads(line) for line in sources.read_text("utf-8").splitlines() if line]


def _blob(mirrors: Path, repo: str, commit: str, path: str) -> bytes:
    folder = mirrors / repo.replace("/", "+")
    # a mirror (owner+name), or fetch's layout: owner+name/repo, bare or with a .git inside
    layouts = (folder / "repo" / ".git", folder / "repo", folder)
    git_dir = next((d for d in layouts if (d / "HEAD").is_file()), folder)
    # a snapshot may no longer hold the listed commit (history rewritten): the newest one's file
    for ref in (commit, "HEAD"):
        shown = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"{ref}:{path}"],
            capture_output=True,
            check=False,
        )
        if shown.returncode == 0:
            return shown.stdout
    return b""


def _frames(file: Path, n: int) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(file))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    if not frames:
        return []
    lo, hi = int(len(frames) * 0.05), max(int(len(frames) * 0.95) - 1, int(len(frames) * 0.05))
    picks = np.linspace(lo, hi, min(n, hi - lo + 1)).astype(int)
    return [frames[i] for i in picks if frames[i].std() >= 8]


def collect(mirrors: Path, data: Path, sources: Path = SOURCES) -> None:
    """Copy every row's images into DATA/<cls>/<source>/ (rows marked ``use`` are skipped)."""
    for row in rows(sources):
        if row.get("use"):
            continue
        folder = data / row["cls"] / row["source"]
        folder.mkdir(parents=True, exist_ok=True)
        videos = [p for p in row["paths"] if p.lower().endswith(VIDEO)]
        per_video = max(
            1, (row["count"] - (len(row["paths"]) - len(videos))) // max(len(videos), 1)
        )
        for path in row["paths"]:
            blob = _blob(mirrors, row["repo"], row["commit"], path)
            if not blob:
                print(f"skipped {row['repo']} {path}: not in the mirror", file=sys.stderr)
                continue
            stem = path.replace("/", "_").rsplit(".", 1)[0]
            if path.lower().endswith(VIDEO):
                tmp = folder / ("_tmp" + Path(path).suffix)
                tmp.write_bytes(blob)
                for k, frame in enumerate(_frames(tmp, per_video)):
                    cv2.imwrite(str(folder / f"{stem}_{k:02d}.jpg"), frame)
                tmp.unlink()
                continue
            image = cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_COLOR)
            if image is None:
                continue
            cv2.imwrite(str(folder / f"{stem}.jpg"), image)
            w = image.shape[1]
            for k in range(row.get("crops", 0)):
                x = int(k * 0.2 * w)
                cv2.imwrite(str(folder / f"crop{k}_{stem}.jpg"), image[:, x : x + int(0.6 * w)])
        print(row["cls"], row["source"], len(list(folder.glob("*.jpg"))), flush=True)


def feature(logits: np.ndarray) -> np.ndarray:
    """The probe's input from (n, 1000) logits: the log-softmax, floored at FLOOR."""
    z = logits.astype(np.float64)
    m = z.max(axis=1, keepdims=True)
    log_softmax = z - (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))
    return np.maximum(log_softmax, FLOOR)


def dataset(data: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels (1: cartoon) and source names of DATA/<cls>/<source>/*."""
    from thumbdesk.ml import load_scorer
    from thumbdesk.ml.backends import run_batches

    classifier = load_scorer("cpu")._clf
    feats, labels, sources = [], [], []
    for cls, label in (("cartoon", 1), ("real", 0)):
        for folder in sorted(p for p in (data / cls).iterdir() if p.is_dir()):
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGES)
            images = [cv2.imread(str(p), cv2.IMREAD_COLOR) for p in files]
            feats.append(feature(run_batches(classifier, images)))
            labels += [label] * len(files)
            sources += [f"{cls}/{folder.name}"] * len(files)
    return np.concatenate(feats), np.array(labels), np.array(sources)


def weights(y: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Every source the same weight within its class; both classes the same."""
    w = np.zeros(len(y))
    for c in (0, 1):
        names = np.unique(src[y == c])
        for s in names:
            w[src == s] = 1.0 / ((src == s).sum() * len(names))
    return w * len(y) / w.sum()


def fit(x: np.ndarray, y: np.ndarray, src: np.ndarray) -> tuple[np.ndarray, ...]:
    """Standardisation and weighted L2 logistic regression (gradient descent)."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 0.05
    z = (x - mean) / std
    w = weights(y, src)
    beta, bias = np.zeros(z.shape[1]), 0.0
    step = 1.0 / (0.25 * np.linalg.norm(z, 2) ** 2 * w.max() / len(y) + L2)
    for _ in range(400):
        g = w * (1 / (1 + np.exp(-(z @ beta + bias))) - y) / len(y)
        beta -= step * (z.T @ g + L2 * beta)
        bias -= step * g.sum()
    return mean, std, beta, np.array(bias)


def platt(s: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """P = sigmoid(a * s + c) fitted on out-of-fold scores (weighted Newton steps)."""
    a, c = 1.0, 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-(a * s + c)))
        g = np.array([(w * (p - y) * s).sum(), (w * (p - y)).sum()])
        r = w * p * (1 - p) + 1e-9
        h = np.array([[(r * s * s).sum(), (r * s).sum()], [(r * s).sum(), r.sum()]])
        a, c = np.array([a, c]) - np.linalg.solve(h + 1e-6 * np.eye(2), g)
    return float(a), float(c)


def train(data: Path, out: Path) -> None:
    x, y, src = dataset(data)
    print(f"{len(y)} images: {int(y.sum())} cartoon, {int(len(y) - y.sum())} real")
    scores = np.zeros(len(y))
    for s in np.unique(src):
        held = src == s
        mean, std, beta, bias = fit(x[~held], y[~held], src[~held])
        scores[held] = ((x[held] - mean) / std) @ beta + bias
    a, c = platt(scores, y.astype(np.float64), weights(y, src))
    p = 1 / (1 + np.exp(-(a * scores + c)))
    threshold = float(min(CAP, p[y == 0].max() + 0.02))
    caught = (p[y == 1] >= threshold).mean()
    print(
        f"leave-one-source-out at {threshold:.3f}: cartoon caught {caught:.2f}, "
        f"real called cartoon {int((p[y == 0] >= threshold).sum())} of {int((y == 0).sum())} "
        f"(highest real P {p[y == 0].max():.3f})"
    )
    for s in np.unique(src):
        held = src == s
        share = (p[held] >= threshold).mean()
        print(f"  {s:48s} {held.sum():4d} caught {share:.2f} mean P {p[held].mean():.2f}")
    mean, std, beta, bias = fit(x, y, src)
    np.savez(
        out,
        mean=mean.astype(np.float32),
        std=std.astype(np.float32),
        weight=(a * beta).astype(np.float32),
        bias=np.array([a * float(bias) + c], np.float32),
        threshold=np.array([threshold], np.float32),
        floor=np.array([FLOOR], np.float32),
    )
    print(f"wrote {out}")


def run_probe_script(
    description: str,
    out: Path,
    sources: Path,
    train: Callable[..., None],
    cache_help: str = "",
    argv: list[str] | None = None,
    collect_rows: Callable[[Path, Path, Path], None] | None = None,
) -> int:
    """Run a probe's build script from its command line.

    ``collect MIRRORS DATA`` copies the images of ``sources``' rows; ``train DATA [--out FILE]``
    calls ``train(data, out)``, or with ``cache_help`` (what the cache keeps) ``train DATA
    [--cache FILE]`` calls ``train(data, out, cache)``. ``collect_rows`` replaces ``collect``
    for sources of another format (one row per image: ``models_scene.py``).
    """
    parser = argparse.ArgumentParser(description=description)
    sub = parser.add_subparsers(dest="step", required=True)
    c = sub.add_parser("collect")
    c.add_argument("mirrors", type=Path)
    c.add_argument("data", type=Path)
    t = sub.add_parser("train")
    t.add_argument("data", type=Path)
    t.add_argument("--out", type=Path, default=out)
    if cache_help:
        t.add_argument("--cache", type=Path, help=cache_help)
    args = parser.parse_args(argv)
    if args.step == "collect":
        (collect_rows or collect)(args.mirrors, args.data, sources)
    elif cache_help:
        train(args.data, args.out, args.cache)
    else:
        train(args.data, args.out)
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_probe_script(__doc__.splitlines()[0], OUT, SOURCES, train, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
