"""Build ``models/age_probe.npz``, which says whether a face is a baby's, a child's or a teen's.

Build-time tool (``thumbdesk/ml/people.py`` reads its output). Two steps:

    python scripts/models_age.py collect MIRRORS DATA   # images from the listed repositories
    python scripts/models_age.py train DATA [--cache FEATURES.npz]   # the probe

The face model (faceres-deep) reads most children as 30-year-olds: the mean of its age output
is useless under adulthood. Its 256 features still tell a child's face from a grown-up's, and
a linear probe reads them. ``collect`` reads ``scripts/age_sources.jsonl`` (the format of
``style_sources.jsonl``, see ``models_style.py``): one row per source with its public GitHub
repository, commit, paths, class and licence. The classes are the probe's heads
(``people.AGE_GROUPS``: baby about 0-3, child 4-12, teen 13-17) and ``adult``; an image is in a
class only when every clear face in it is. Kept out on purpose: every repository that ../shared
and the evaluation holdouts draw from, and research face datasets with non-commercial terms.

``train`` finds the faces as the app does (YuNet, at least ``people.GENDER_MIN_PX`` tall and
``MIN_SCORE`` sure; the four largest of an image), crops them as the app does and takes the
face model's features from ``models/people_faceres_deep.onnx``. Each face is learnt as it is,
mirrored, as a small and a tiny face (``SMALL_FACE_PX``: 48 and 36 px tall, as in a frame of
a video) and as a frame of phone video shows a face 64 px tall (smeared and compressed).
 It fits one L2 multinomial logistic regression (``models_activity``: each
source weighs the same within its class, every class the same); out-of-fold scores (FOLDS
folds, a source never split) give the honest figures printed, from which the ramps of
``people_features`` (AGE_CHILD, AGE_GROWN, AGE_BABY) were set. Each head's threshold (kept in
the file, not used by the app) is the lowest P with PRECISION out of fold.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_models import write_entry
from models_activity import (
    fit_softmax,
    save_softmax_probe,
    softmax_of,
    source_weights,
    threshold_for,
)
from models_style import IMAGES, cached_arrays, run_probe_script
from thumbdesk.ml.backends import GraphRunner
from thumbdesk.ml.faces import FaceDetector

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "age_sources.jsonl"
OUT = ROOT / "models" / "age_probe.npz"
FOLDS = 10
L2 = 0.05
MIN_SCORE = 0.7
MAX_FACES = 4
VIEWS = ("", "mirror", "small", "tiny", "video")
SMALL_FACE_PX = {"small": 48.0, "tiny": 36.0, "video": 64.0}
"""Face heights of the views "small", "tiny" and "video" (the image shrunk until the face is
that tall, as in a frame of a video)."""
VIDEO_SMEAR_PX = 5
VIDEO_JPEG_QUALITY = 45
"""The view "video" also smears the shrunk image across by this many pixels (a hand-held camera,
a child on the move) and compresses it this hard: video frames are softer than photos (out of
fold the probe tells a child's face from a grown-up's a little less well in this view)."""
ENTRY: dict[str, object] = {
    "what": "age probe: multinomial logistic regression (4 rows: baby, child, teen, grown-up; "
    "standardisation, one threshold per group) on the 256 features of faceres-deep "
    "(people_faceres_deep.onnx); read by thumbdesk/ml/people.py",
    "source": "trained by ThumbDesk on public photos of people from GitHub repositories listed "
    "with commit, paths and licence in scripts/age_sources.jsonl; the images themselves are "
    "not shipped",
    "licence": "Apache-2.0 (ThumbDesk's own weights: derived statistics, no image content)",
    "script": "scripts/models_age.py collect MIRRORS DATA && scripts/models_age.py train DATA",
}


def face_features(
    image: np.ndarray, detector: FaceDetector, runner: GraphRunner, view: str
) -> np.ndarray:
    """(faces, 256) features of the clear faces of one image as ``view`` shows it."""
    from thumbdesk.ml.people import (
        _CAFFE_MEAN_BGR,
        FACE_MARGIN,
        FACERES_SIZE,
        GENDER_MIN_PX,
        square_crop,
    )

    if view == "mirror":
        image = np.ascontiguousarray(image[:, ::-1])
    faces = [
        f for f in detector.detect(image) if f.size_px >= GENDER_MIN_PX and f.score >= MIN_SCORE
    ][:MAX_FACES]
    crops = []
    for face in faces:
        seen = image
        if view in SMALL_FACE_PX and face.size_px > SMALL_FACE_PX[view]:
            s = SMALL_FACE_PX[view] / face.size_px
            seen = cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        if view == "video":
            seen = _as_in_video(seen)
        crops.append(square_crop(seen, face, FACE_MARGIN, FACERES_SIZE))
    if not crops:
        return np.zeros((0, 256), np.float32)
    batch = np.stack(crops).astype(np.float32) - _CAFFE_MEAN_BGR
    (features,) = runner(["features"], {"input": batch})
    return np.asarray(features, np.float32)


def _as_in_video(image: np.ndarray) -> np.ndarray:
    """``image`` as a frame of phone video shows it: smeared by motion, then compressed."""
    smear = np.full((1, VIDEO_SMEAR_PX), 1.0 / VIDEO_SMEAR_PX, np.float32)
    smeared = cv2.filter2D(image, -1, smear)
    ok, jpeg = cv2.imencode(".jpg", smeared, [cv2.IMWRITE_JPEG_QUALITY, VIDEO_JPEG_QUALITY])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else smeared


def dataset(
    data: Path, cache: Path | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, class names, source names and views of the faces in DATA/<cls>/<source>/*.

    With ``cache``, each file's features are kept there and read back while the file is
    unchanged.
    """
    from thumbdesk.ml import assets

    known = cached_arrays(cache)
    detector, runner = FaceDetector(), None
    feats, classes, sources, views = [], [], [], []
    for cls_dir in sorted(p for p in data.iterdir() if p.is_dir()):
        for folder in sorted(p for p in cls_dir.iterdir() if p.is_dir()):
            for file in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGES):
                base = f"{file.relative_to(data)}:{file.stat().st_size}"
                image = None
                for view in VIEWS:
                    key = base + (f":{view}" if view else "")
                    if key not in known:
                        image = cv2.imread(str(file), cv2.IMREAD_COLOR) if image is None else image
                        if image is None:
                            break
                        runner = runner or GraphRunner(assets.FACERES, "cpu")
                        known[key] = face_features(image, detector, runner, view)
                    for row in known[key]:
                        feats.append(row)
                        classes.append(cls_dir.name)
                        sources.append(f"{cls_dir.name}/{folder.name}")
                        views.append(view or "as is")
    if cache is not None:
        np.savez(cache, **known)
    return np.array(feats, np.float64), np.array(classes), np.array(sources), np.array(views)


def _auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """P(a positive's score > a negative's)."""
    return float((positive[:, None] > negative[None, :]).mean())


def train(data: Path, out: Path, cache: Path | None) -> None:
    from thumbdesk.ml.people import AGE_GROUPS

    x, classes, src, views = dataset(data, cache)
    names = (*AGE_GROUPS, "adult")
    y = np.array([names.index(c) for c in classes])
    w = source_weights(classes, src)
    counts = ", ".join(f"{int((y == k).sum())} {n}" for k, n in enumerate(names))
    print(f"{len(y)} face views ({counts}) of {len(np.unique(src))} sources")
    fold_of = {s: i % FOLDS for i, s in enumerate(sorted(np.unique(src)))}
    folds = np.array([fold_of[s] for s in src])
    p = np.zeros((len(y), len(names)))
    for f in range(FOLDS):
        held = folds == f
        p[held] = softmax_of(x[held], fit_softmax(x[~held], y[~held], w[~held], L2))
    print(f"out of fold: {np.mean(p.argmax(axis=1) == y):.2f} of the faces in the right group")
    young = p[:, 0] + p[:, 1]
    kid, grown = y <= 1, y == 3
    aucs = [
        f"{view} {_auc(young[kid & (views == view)], young[grown & (views == view)]):.3f}"
        for view in np.unique(views)
    ]
    print(f"child (baby or child) against grown-up: AUC {_auc(young[kid], young[grown]):.3f}")
    print(f"  by view: {', '.join(aucs)}")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        print(
            f"  P(child) >= {t:.1f}: children {np.mean(young[kid] >= t):.2f} called, "
            f"teens {np.mean(young[y == 2] >= t):.2f}, grown-ups {np.mean(young[grown] >= t):.3f}"
        )
        print(
            f"  P(baby) >= {t:.1f}: babies {np.mean(p[y == 0, 0] >= t):.2f} called, "
            f"children {np.mean(p[y == 1, 0] >= t):.2f}, others {np.mean(p[y >= 2, 0] >= t):.3f}"
        )
        adult = p[:, 3]
        print(
            f"  P(grown-up) >= {t:.1f}: grown-ups {np.mean(adult[grown] >= t):.2f} called, "
            f"teens {np.mean(adult[y == 2] >= t):.2f}, children {np.mean(adult[kid] >= t):.3f}"
        )
    thresholds = [threshold_for(p[:, k], y == k, w) for k in range(len(AGE_GROUPS))]
    model = fit_softmax(x, y, w, L2)
    save_softmax_probe(out, AGE_GROUPS, model, thresholds, 0.0, logarithm=False)
    if out.parent == OUT.parent:
        write_entry(out, ENTRY)


def main(argv: list[str] | None = None) -> int:
    doc = __doc__.splitlines()[0]
    cache_help = "a .npz file that keeps each image's face features"
    return run_probe_script(doc, OUT, SOURCES, train, cache_help, argv)


if __name__ == "__main__":
    sys.exit(main())
