"""Build ``models/body_probe.npz``, which says whether a person seen without a face is a woman.

Build-time tool (``thumbdesk/ml/bodies.py`` reads its output). Two steps:

    python scripts/models_body.py collect MIRRORS DATA   # images from the listed repositories
    python scripts/models_body.py train DATA [--cache LOGITS.npz]   # the probe

``collect`` reads ``scripts/body_sources.jsonl`` (the format of ``style_sources.jsonl``, see
``models_style.py``): one row per source with its public GitHub repository, commit, paths,
class and licence. The classes are ``female``, ``male`` and ``child``: an image is in the first
two only when every person clearly seen in it is a woman or girl (about 10 and over), or a man
or boy (a person looked at each one; mixed or doubtful images are left out); ``child`` holds
the age probe's baby and child images (``age_sources.jsonl``), so that a child's body is not
called a woman or a man. The images are people doing sports and everyday
things, many seen from behind, from afar or with the face hidden, and portraits of women and
men chosen for the cases face models find hard (headscarves, masks, caps, children, profiles).
A source is a repository: the same repository's images of every class fall in one fold. Kept
out on purpose: every repository that ../shared and the evaluation holdouts draw from, and
research person or face datasets.

``train`` finds the people as the app does (the detector on the image at the pipeline's working
size, ``bodies.bodies_to_read`` with no face judged), crops each as the app does
(``bodies.body_crop``) and computes the classifier's floored log-probabilities of the crop and
of its mirror image (the feature of ``models_style.py``). It fits one L2 multinomial logistic
regression (``models_activity.fit_softmax``: each source weighs the same within its class, every
class the same); out-of-fold scores (FOLDS folds by repository) give the honest figures
printed, from which ``people_features.BODY_CLEAR``, ``BODY_CHILD`` and ``BODY_SAYS`` were set.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_models import write_entry
from models_activity import (
    app_feature,
    fit_softmax,
    save_softmax_probe,
    softmax_of,
    source_weights,
)
from models_style import FLOOR, IMAGES, cached_arrays, run_probe_script
from thumbdesk.core.decode import to_working_size
from thumbdesk.core.types import PipelineConfig
from thumbdesk.ml.backends import make_classifier, run_batches
from thumbdesk.ml.bodies import HEADS, bodies_to_read, body_crop
from thumbdesk.ml.detector import ObjectDetector
from thumbdesk.ml.evidence import inside
from thumbdesk.ml.faces import FaceDetector
from thumbdesk.ml.people import GENDER_MIN_PX
from thumbdesk.ml.scorer import DETECT_MIN

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "body_sources.jsonl"
OUT = ROOT / "models" / "body_probe.npz"
FOLDS = 10
L2 = 0.2
ENTRY: dict[str, object] = {
    "what": "body probe: multinomial logistic regression (3 rows: woman or girl, child, man or "
    "boy; standardisation) on the Lite0 classifier's floored log-probabilities of a square crop "
    "around a detected person; read by thumbdesk/ml/bodies.py",
    "source": "trained by ThumbDesk on public photos of people from GitHub repositories listed "
    "with commit, paths and licence in scripts/body_sources.jsonl; the images themselves are "
    "not shipped",
    "licence": "Apache-2.0 (ThumbDesk's own weights: derived statistics, no image content)",
    "script": "scripts/models_body.py collect MIRRORS DATA && scripts/models_body.py train DATA",
}


def image_rows(image: np.ndarray, models: tuple) -> np.ndarray:
    """(views, 1001) features of the people of one image and whether a face was judgeable."""
    detector, faces, classifier = models
    work = to_working_size(image, PipelineConfig().working_size)
    boxes = bodies_to_read(detector.detect(work, DETECT_MIN), ())
    if not boxes:
        return np.zeros((0, 1001), np.float32)
    height = work.shape[0]
    found = [f for f in faces.detect(work) if f.box[3] * height >= GENDER_MIN_PX]
    crops, faced = [], []
    for box in boxes:
        crop = body_crop(work, box)
        face = any(inside(f.box, box) for f in found)
        crops += [crop, np.ascontiguousarray(crop[:, ::-1])]
        faced += [face, face]
    rows = app_feature(run_batches(classifier, crops))
    return np.concatenate([rows, np.array(faced, np.float32)[:, None]], axis=1)


def dataset(data: Path, cache: Path | None) -> tuple[np.ndarray, ...]:
    """Features, classes, sources (repositories) and face flags of DATA/<cls>/<source>/*."""
    known = cached_arrays(cache)
    models = None
    feats, classes, sources = [], [], []
    for cls_dir in sorted(p for p in data.iterdir() if p.is_dir()):
        for folder in sorted(p for p in cls_dir.iterdir() if p.is_dir()):
            for file in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGES):
                key = f"{file.relative_to(data)}:{file.stat().st_size}"
                if key not in known:
                    image = cv2.imread(str(file), cv2.IMREAD_COLOR)
                    if image is None:
                        continue
                    models = models or (
                        ObjectDetector("cpu"),
                        FaceDetector("ort"),
                        make_classifier("cpu"),
                    )
                    known[key] = image_rows(image, models)
                for row in known[key]:
                    feats.append(row)
                    classes.append(cls_dir.name)
                    sources.append(folder.name)
    if cache is not None:
        np.savez(cache, **known)
    x = np.array(feats, np.float64)
    return x[:, :-1], np.array(classes), np.array(sources), x[:, -1] > 0


def train(data: Path, out: Path, cache: Path | None) -> None:
    x, classes, src, faced = dataset(data, cache)
    names = (*HEADS, "male")  # the last row: neither head
    y = np.array([names.index(c) for c in classes])
    w = source_weights(classes, np.char.add(classes, src))
    counts = ", ".join(f"{int((y == k).sum())} {n}" for k, n in enumerate(names))
    print(
        f"{len(y)} person views ({counts}) of {len(np.unique(src))} repositories; "
        f"{int(faced.sum())} with a face the app would judge"
    )
    fold_of = {s: i % FOLDS for i, s in enumerate(sorted(np.unique(src)))}
    folds = np.array([fold_of[s] for s in src])
    p = np.zeros((len(y), len(names)))
    for f in range(FOLDS):
        held = folds == f
        p[held] = softmax_of(x[held], fit_softmax(x[~held], y[~held], w[~held], L2))
    kid, grown = y == 1, y != 1
    young = p[:, 1]
    auc = float((young[kid][:, None] > young[grown][None, :]).mean())
    print(f"child against grown-up: AUC {auc:.3f}")
    for t in (0.3, 0.5, 0.7):
        print(
            f"  P(child) >= {t:.1f}: children {np.mean(young[kid] >= t):.2f}, grown-ups "
            f"{np.mean(young[grown] >= t):.3f} "
            f"(without a face {np.mean(young[grown & ~faced] >= t):.3f})"
        )
    female = p[:, 0] / np.maximum(p[:, 0] + p[:, 2], 1e-9)  # as bodies.body_readings gives it
    right = (female > 0.5) == (y == 0)
    seen = grown & ~faced
    print(
        f"grown-ups' gender out of fold: {right[grown].mean():.2f} right, "
        f"without a face {right[seen].mean():.2f}"
    )
    for clear in (0.3, 0.5, 0.7, 0.9):
        said = np.abs(female - 0.5) * 2 >= clear
        print(
            f"  |P - 0.5| * 2 >= {clear:.1f}: {said[grown].mean():.2f} of the grown-ups said, "
            f"{right[said & grown].mean():.3f} right; without a face {said[seen].mean():.2f} said, "
            f"{right[said & seen].mean():.3f} right"
        )
    save_softmax_probe(out, HEADS, fit_softmax(x, y, w, L2), [0.5] * len(HEADS), FLOOR)
    if out.parent == OUT.parent:
        write_entry(out, ENTRY)


def main(argv: list[str] | None = None) -> int:
    doc = __doc__.splitlines()[0]
    cache_help = "a .npz file that keeps each image's features"
    return run_probe_script(doc, OUT, SOURCES, train, cache_help, argv)


if __name__ == "__main__":
    sys.exit(main())
