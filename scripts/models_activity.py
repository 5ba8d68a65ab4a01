"""Build ``models/activity_probe.npz``, which says what people in a frame are doing.

Build-time tool (``thumbdesk/ml/activity.py`` reads its output). Two steps:

    python scripts/models_activity.py collect MIRRORS DATA   # images from the listed repositories
    python scripts/models_activity.py train DATA [--cache LOGITS.npz]  # the probe

``collect`` reads ``scripts/activity_sources.jsonl`` (the format of ``style_sources.jsonl``,
see ``models_style.py``): one row per source with its public GitHub repository, commit, paths,
class and licence. The classes are the probe's heads (``HEADS``: dance, yoga, running, boxing,
basketball, tennis, workout, football: association football played or practised, not American
football or rugby, nor a team posing for its photo) and ``other``: people doing anything else
(talking, walking, cooking, playing music, other sports, posed teams, portraits, crowds). Kept
out on purpose: every repository that ../shared and the evaluation holdouts draw from. The frames
of a video were looked at by hand and a few dropped (a row's ``kept_frames``); ``collect`` takes
evenly spaced frames, so a collected set differs a little from the one the bundled probe was
trained on.

``train`` computes the feature of ``models_style.py`` (the classifier's floored log-softmax of
float16 probabilities, exactly as the app computes it) and fits one L2 multinomial logistic
regression over the nine classes (each source weighing the same within its class, every class
the same). Out-of-fold scores (FOLDS folds, a source never split) give the honest figures. Each
head's threshold is the lowest out-of-fold P at which at least ``PRECISION`` of the images
called are that class (and at least ``LOWEST``): a wrong activity on a person is worse than
none.

Measured (2026-12-07, 2,695 images of 594 sources, each seen as is, mirrored and cropped to its
middle: 305 dance, 220 yoga, 176 running, 159 boxing, 112 basketball, 90 tennis, 255 workout, 106
football, 1,272 other): out of fold 68% land in the right class; at 85% precision (every class
alike) the recall is dance 0.43, yoga 0.31, running 0.56, boxing 0.55, basketball 0.59, tennis
0.80, workout 0.47, football 0.58. Yoga is often read as a workout. On the evaluation holdouts
about half of the activity tags shown were right at 80% precision, hence 85%. The football head
came with 20 new sources and 57 images of the "other" class that show football, and dance with
26 new sources (131 images, many of them phone videos of people dancing indoors); before them
(12-06: 2,669 images of 533 sources, 8 classes) the recall was dance 0.37, yoga 0.31, running
0.54, boxing 0.56, basketball 0.63, tennis 0.85, workout 0.50. ``collect`` read 2,515 of those
2,669 images again (a few commits are no longer in their repositories' history: it then takes
the file from the newest commit, or skips it).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_models import write_entry
from models_style import FLOOR, IMAGES, cached_arrays, run_probe_script
from thumbdesk.ml.activity import ACTIVITIES
from thumbdesk.ml.probe import softmax

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "activity_sources.jsonl"
OUT = ROOT / "models" / "activity_probe.npz"
HEADS = ACTIVITIES
PRECISION = 0.85
LOWEST = 0.5
ENTRY: dict[str, object] = {
    "what": "activity probe: multinomial logistic regression (9 rows: dance, yoga, running, "
    "boxing, basketball, tennis, workout, football, anything else; standardisation, one "
    "threshold per activity) on the Lite0 classifier's floored log-probabilities; read by "
    "thumbdesk/ml/activity.py",
    "source": "trained by ThumbDesk on public images of people from GitHub repositories listed "
    "with commit, paths and licence in scripts/activity_sources.jsonl; the images themselves are "
    "not shipped",
    "licence": "Apache-2.0 (ThumbDesk's own weights: derived statistics, no image content)",
    "script": "scripts/models_activity.py collect MIRRORS DATA && "
    "scripts/models_activity.py train DATA",
}


VIEWS = ("", "mirror", "crop")
"""Each image is learnt as it is, mirrored, and cropped to its middle 80%: the same activity
framed a little differently (a video's frames move about)."""


def seen_as(image: np.ndarray, view: str) -> np.ndarray:
    """The image as one of VIEWS shows it."""
    if view == "mirror":
        return image[:, ::-1]
    if view == "crop":
        h, w = image.shape[:2]
        return image[h // 10 : h - h // 10, w // 10 : w - w // 10]
    return image


def dataset(data: Path, cache: Path | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, class names and source names of DATA/<cls>/<source>/*.

    With ``cache``, the classifier's logits are kept per file there and read back when the
    file has not changed (training is rerun often; the classifier takes ~20 ms an image).
    """
    from thumbdesk.ml.backends import make_classifier, run_batches

    known = cached_arrays(cache)
    classifier = None
    feats, classes, sources = [], [], []
    for cls_dir in sorted(p for p in data.iterdir() if p.is_dir()):
        for folder in sorted(p for p in cls_dir.iterdir() if p.is_dir()):
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGES)
            for file in files:
                base = f"{file.relative_to(data)}:{file.stat().st_size}"
                image = None
                for view in VIEWS:
                    key = base + (f":{view}" if view else "")
                    if key not in known:
                        if classifier is None:
                            classifier = make_classifier("cpu")
                        image = cv2.imread(str(file), cv2.IMREAD_COLOR) if image is None else image
                        if image is None:
                            break
                        known[key] = run_batches(classifier, [seen_as(image, view)])[0]
                    feats.append(known[key])
                    classes.append(cls_dir.name)
                    sources.append(f"{cls_dir.name}/{folder.name}")
    if cache is not None:
        np.savez(cache, **known)
    x = app_feature(np.stack(feats))
    return x.astype(np.float64), np.array(classes), np.array(sources)


def app_feature(logits: np.ndarray, floor: float = FLOOR) -> np.ndarray:
    """The probes' input as the app computes it from (n, 1000) logits.

    The probabilities as float16 (as ``Evidence`` keeps them), their log floored at ``floor``.
    """
    probs = softmax(np.asarray(logits, np.float32)).astype(np.float16)
    out: np.ndarray = np.maximum(np.log(np.maximum(probs.astype(np.float32), 1e-30)), floor)
    return out


FOLDS = 12
L2 = 0.05


def source_weights(classes: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Every source the same weight within its class; every class the same."""
    w = np.zeros(len(classes))
    for c in np.unique(classes):
        names = np.unique(src[classes == c])
        for s in names:
            w[src == s] = 1.0 / ((src == s).sum() * len(names))
    return w * len(w) / w.sum()


def fit_softmax(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2
) -> tuple[np.ndarray, ...]:
    """Standardisation and a weighted L2 multinomial logistic regression (accelerated gradient)."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 0.05
    z = (x - mean) / std
    k = int(y.max()) + 1
    onehot = np.eye(k)[y]
    step = 1.0 / (0.5 * np.linalg.norm(z, 2) ** 2 * w.max() / len(y) + l2)

    def residuals(logits: np.ndarray) -> np.ndarray:
        out: np.ndarray = (w[:, None] * (softmax(logits) - onehot)) / len(y)
        return out

    beta, bias = accelerated_descent(z, k, residuals, step, l2, 600)
    return mean, std, beta, bias


def accelerated_descent(
    z: np.ndarray,
    heads: int,
    residuals: Callable[[np.ndarray], np.ndarray],
    step: float,
    l2: float,
    steps: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights and biases of a linear model on ``z`` by L2-penalised Nesterov gradient descent.

    ``residuals(logits)``: each sample's weighted gradient on its (n, heads) logits, divided
    by n (a softmax's P - one-hot, a logistic's P - y, times the weights).
    """
    beta, bias = np.zeros((z.shape[1], heads)), np.zeros(heads)
    prev_b, prev_c, t = beta.copy(), bias.copy(), 1.0
    for _ in range(steps):
        g = residuals(z @ beta + bias)
        new_b = beta - step * (z.T @ g + l2 * beta)
        new_c = bias - step * g.sum(axis=0)
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        beta = new_b + (t - 1) / t_next * (new_b - prev_b)
        bias = new_c + (t - 1) / t_next * (new_c - prev_c)
        prev_b, prev_c, t = new_b, new_c, t_next
    return prev_b, prev_c


def save_softmax_probe(
    out: Path,
    names: tuple[str, ...],
    model: tuple[np.ndarray, ...],
    thresholds: list[float],
    floor: float,
    logarithm: bool = True,
) -> None:
    """Write a softmax probe as ``thumbdesk.ml.probe.load_probe`` reads it.

    ``model``: ``fit_softmax``'s; one threshold per head. ``logarithm`` False: the probe's
    input is used as it is (the file's "log" key, written only then: the loader's default).
    """
    mean, std, beta, bias = model
    arrays = {
        "names": np.array(names),
        "mean": mean.astype(np.float32),
        "std": std.astype(np.float32),
        "weight": beta.T.astype(np.float32),
        "bias": bias.astype(np.float32),
        "threshold": np.array(thresholds, np.float32),
        "floor": np.array([floor], np.float32),
        "softmax": np.array([1], np.int8),
    }
    if not logarithm:
        arrays["log"] = np.array([0], np.int8)
    np.savez(out, **arrays)
    print(f"wrote {out}")


def softmax_of(x: np.ndarray, model: tuple[np.ndarray, ...]) -> np.ndarray:
    mean, std, beta, bias = model
    return softmax(((x - mean) / std) @ beta + bias)


def threshold_for(
    p: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    precision: float = PRECISION,
    lowest: float = LOWEST,
) -> float:
    """The lowest P (from ``lowest``) from which ``precision`` of the images called are positives.

    Images count with their weights (every class alike), so the precision is that of a mix
    where each activity is as common as anything else, not of the collected images, whose
    "other" class is the largest.
    """
    for t in np.arange(lowest, 0.995, 0.01):
        called = p >= t
        if called.sum() == 0 or w[called & y].sum() >= precision * w[called].sum():
            return float(t)
    return 0.995


def train(data: Path, out: Path, cache: Path | None) -> None:
    x, classes, src = dataset(data, cache)
    names = (*HEADS, "other")
    y = np.array([names.index(c) for c in classes])
    w = source_weights(classes, src)
    print(f"{len(y)} images of {len(np.unique(src))} sources")
    # Out of fold: the sources are dealt into FOLDS folds; a source is never split.
    fold_of = {s: i % FOLDS for i, s in enumerate(sorted(np.unique(src)))}
    folds = np.array([fold_of[s] for s in src])
    p = np.zeros((len(y), len(names)))
    for f in range(FOLDS):
        held = folds == f
        p[held] = softmax_of(x[held], fit_softmax(x[~held], y[~held], w[~held]))
    print(f"out of fold: {np.mean(p.argmax(axis=1) == y):.2f} of the images in the right class")
    thresholds = []
    for k, head in enumerate(HEADS):
        positive = y == k
        t = threshold_for(p[:, k], positive, w)
        called = p[:, k] >= t
        wrong = sorted({str(s) for s in src[called & ~positive]})
        thresholds.append(t)
        print(
            f"{head:10s} {int(positive.sum()):4d} images {len(np.unique(src[positive])):3d} "
            f"sources: threshold {t:.2f}, recall {called[positive].mean():.2f}, precision "
            f"{w[called & positive].sum() / max(w[called].sum(), 1e-9):.2f} (classes alike); "
            f"wrongly called: {wrong}"
        )
    save_softmax_probe(out, HEADS, fit_softmax(x, y, w), thresholds, FLOOR)
    if out.parent == OUT.parent:
        write_entry(out, ENTRY)


def main(argv: list[str] | None = None) -> int:
    doc = __doc__.splitlines()[0]
    cache_help = "a .npz file that keeps the classifier's logits"
    return run_probe_script(doc, OUT, SOURCES, train, cache_help, argv)


if __name__ == "__main__":
    sys.exit(main())
