"""Build ``models/scene_probe.npz``, which says what place a frame shows (beach, snow, city ...).

Build-time tool (``thumbdesk/ml/scene.py`` reads its output). Two steps:

    python scripts/models_scene.py collect MIRRORS DATA   # images from the listed repositories
    python scripts/models_scene.py train DATA [--cache LOGITS.npz]  # the probe

``collect`` reads ``scripts/scene_sources.jsonl``: one row per image (a photo, or a frame of a
video at ``frame_s``) with its public GitHub repository, commit, path, licence and ``labels``:
every scene a person plainly sees in it (none for people indoors, a portrait, a field ...;
some labels name a scene that is no head, see below) and, for the food collection, its
``collection`` (FROM_EVERY_COLLECTION). MIRRORS holds bare copies of the
repositories as ``owner+name`` folders (``git clone --mirror``, or fetch's layout). The images
were looked at and labelled by hand; many show people in the scene, as the footage the app
reads does. Kept out on purpose: every repository that ../shared and the evaluation holdouts
draw from.

``train`` computes the feature of the other probes (``models_activity.app_feature``: the
classifier's log-probabilities as the app computes them, floored at FLOOR), each image seen as
it is, mirrored and cropped to its middle (``models_activity.VIEWS``), and fits one L2 logistic
regression per head (the heads do not exclude one another: a beach at sunset is both), every
repository weighing the same. Out-of-fold scores (FOLDS folds, a repository never split) give
the honest figures and each head's Platt calibration; its threshold is the lowest out-of-fold P
from which at least PRECISION of the images called show the scene (and at least LOWEST): a
wrong place under a person is worse than none.

Measured (2026-12-07, 1,295 images of 220 repositories, each labelled with every place it
shows: 84 sunset, 69 beach, 152 sea, 62 snow, 127 mountain, 72 forest, 149 city, 97 lake, 59
wedding, 65 concert, 46 fire, 325 with no label at all), out of fold at 85% precision: recall sunset
0.36, beach 0.45, sea 0.72, snow 0.87, mountain 0.71, forest 0.34, city 0.68, lake 0.47, wedding
0.56, concert 0.59, fire 0.59 (L2 0.1 to 1 alike; 3 and more lose recall). A linear probe on the
classifier's pooled 1280 features instead reached sunset 0.42, forest 0.48, sea 0.77, concert
0.65 (beach 0.40, lake 0.46): the app's classifier returns logits only, so that waits for a
model rebuild.
The food head (FROM_EVERY_COLLECTION) learns from both collections: 1,688 images of 302
repositories, 227 of them food (the 1,295 place images relabelled for food: 36; the food
collection's 393, of 82 repositories: restaurants, home meals, cooking, grills, bakeries, and
hard negatives such as empty restaurants, cafés with no food on show, workshops and labs); out
of fold recall 0.81 at 91% precision. On the top picks of 24 labelled sets its calls were
right 8 times in 8 (recall 8 of 32 items labelled food). A cooking head from the same images
(125 cooking, recall 0.42 at 90% precision out of fold) was right on 4 of the 10 picks it
tagged (a woman eating a sandwich read 0.98 cooking): left out.
LOWEST is 0.6, not 0.5: on labelled footage the probe never saw, calls between 0.5 and 0.6 named
a football pitch and a warehouse a city and a park a forest. Labelled but no head, as the
labelled footage showed or the folds did: a pool (89% precision out of fold, yet right on 1 of
13 people-heavy clips it called: dance studios, stadiums, rooftops), a gym and a kitchen (right
on 16 of 46 and 6 of 15: dance studios, garages and salons, restaurants and bedrooms), a garden
(60 images; right on 2 of 5: football pitches, and one lifted a pitch over a penalty kick), a party
and Christmas (11 and 5 repositories: out of fold next to nothing reached the precision),
fireworks (3 images).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_models import write_entry
from models_activity import (
    VIEWS,
    accelerated_descent,
    app_feature,
    seen_as,
    source_weights,
    threshold_for,
)
from models_style import _blob, cached_arrays, platt, rows, run_probe_script
from thumbdesk.ml.scene import SCENES

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "scene_sources.jsonl"
OUT = ROOT / "models" / "scene_probe.npz"
HEADS = SCENES
LABELS = "labels.json"
"""DATA's index: image file (relative to DATA) -> its labels and repository."""
FOLDS = 10
L2 = 0.3
ITERATIONS = 500
"""Gradient steps: stopping early regularises too (2,000 steps fit the training images closer and
lose recall out of fold: concert 0.58 -> 0.48)."""
PRECISION = 0.85
LOWEST = 0.6
FROM_EVERY_COLLECTION = ("food",)
"""Heads fitted on every image; the others on the scene collection alone. A row of
``scene_sources.jsonl`` names its ``collection``: "scenes" (the default: places and occasions,
people in many) or "food" (restaurants, home meals, cooking, grills, bakeries; gathered for the
food head, each image also labelled for every place). Fitted on both, the place heads read worse
on labelled footage (fire called on a concert crowd, a child's shoes and a cat's garden, none
right, where it had named a fire ritual), so they keep the scene collection."""
FLOOR = float(np.log(2.0**-24))
"""The log-probability floor of the feature: the smallest probability float16 keeps (as
``Evidence`` keeps them), where the other probes floor at 1e-5. The rare classes' faint
probabilities tell places apart: out of fold at 85% precision, recall sunset 0.29 -> 0.36,
sea 0.70 -> 0.72, forest 0.32 -> 0.34, concert 0.58 -> 0.59 (wedding 0.58 -> 0.56, fire
0.62 -> 0.59)."""
ENTRY: dict[str, object] = {
    "what": "scene probe: one logistic regression per scene (sunset, beach, sea, snow, mountain, "
    "forest, city, lake, wedding, concert, fire, food; standardisation, Platt calibration, "
    "one threshold per scene) on the "
    "Lite0 classifier's log-probabilities, floored where float16 ends; read by "
    "thumbdesk/ml/scene.py",
    "source": "trained by ThumbDesk on public images from GitHub repositories listed with "
    "commit, path, labels and licence in scripts/scene_sources.jsonl; the images themselves are "
    "not shipped",
    "licence": "Apache-2.0 (ThumbDesk's own weights: derived statistics, no image content)",
    "script": "scripts/models_scene.py collect MIRRORS DATA && scripts/models_scene.py train DATA",
}


def _video_frame(blob: bytes, at_s: float, tmp: Path) -> np.ndarray | None:
    tmp.write_bytes(blob)
    try:
        cap = cv2.VideoCapture(str(tmp))
        cap.set(cv2.CAP_PROP_POS_MSEC, at_s * 1000.0)
        ok, frame = cap.read()
        cap.release()
    finally:
        tmp.unlink()
    return frame if ok else None


def collect(mirrors: Path, data: Path, sources: Path = SOURCES) -> None:
    """Copy every row's image into DATA/<owner+name>/ and index them in DATA/labels.json."""
    index: dict[str, dict[str, object]] = {}
    for row in rows(sources):
        folder = data / row["repo"].replace("/", "+")
        folder.mkdir(parents=True, exist_ok=True)
        blob = _blob(mirrors, row["repo"], row["commit"], row["path"])
        if not blob:
            print(f"skipped {row['repo']} {row['path']}: not in the mirror", file=sys.stderr)
            continue
        stem = row["path"].replace("/", "_").rsplit(".", 1)[0]
        if "frame_s" in row:
            image = _video_frame(blob, float(row["frame_s"]), folder / "_tmp")
            stem += f"_{float(row['frame_s']):.1f}s"
        else:
            image = cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            continue
        file = folder / f"{stem}.jpg"
        cv2.imwrite(str(file), image)
        index[str(file.relative_to(data))] = {
            "labels": row["labels"],
            "repo": row["repo"],
            "collection": row.get("collection", "scenes"),
        }
    (data / LABELS).write_text(json.dumps(index, indent=0), "utf-8")
    print(f"{len(index)} images of {len({v['repo'] for v in index.values()})} repositories")


def dataset(data: Path, cache: Path | None) -> tuple[np.ndarray, ...]:
    """Features, (n, heads) labels, scene collection or not, repositories of DATA's images.

    DATA/labels.json lists the images; see FROM_EVERY_COLLECTION for the collections.

    With ``cache``, the classifier's logits are kept per file and view and read back.
    """
    from thumbdesk.ml.backends import make_classifier, run_batches

    known = cached_arrays(cache)
    classifier = None
    feats, labels, of_scenes, repos = [], [], [], []
    for name, entry in sorted(json.loads((data / LABELS).read_text("utf-8")).items()):
        file = data / name
        image = None
        for view in VIEWS:
            key = f"{name}:{file.stat().st_size}:{view}"
            if key not in known:
                if classifier is None:
                    classifier = make_classifier("cpu")
                image = cv2.imread(str(file), cv2.IMREAD_COLOR) if image is None else image
                known[key] = run_batches(classifier, [seen_as(image, view)])[0]
            feats.append(known[key])
            labels.append([head in entry["labels"] for head in HEADS])
            of_scenes.append(entry.get("collection", "scenes") == "scenes")
            repos.append(entry["repo"])
    if cache is not None:
        np.savez(cache, **known)
    x = app_feature(np.stack(feats), FLOOR).astype(np.float64)
    return x, np.array(labels), np.array(of_scenes), np.array(repos)


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
    """Standardisation and one weighted L2 logistic regression per head (accelerated gradient).

    ``y``: (n, heads) bool. Each head's positives and negatives weigh the same in all.
    """
    mean, std = x.mean(axis=0), x.std(axis=0) + 0.05
    z = (x - mean) / std
    pos = (w[:, None] * y).sum(axis=0)
    neg = (w[:, None] * ~y).sum(axis=0)
    balance = np.where(y, 0.5 / np.maximum(pos, 1e-9), 0.5 / np.maximum(neg, 1e-9)) * len(y)
    sample = w[:, None] * balance
    step = 1.0 / (0.25 * np.linalg.norm(z, 2) ** 2 * sample.max() / len(y) + L2)

    def residuals(logits: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        out: np.ndarray = sample * (p - y) / len(y)
        return out

    beta, bias = accelerated_descent(z, y.shape[1], residuals, step, L2, ITERATIONS)
    return mean, std, beta, bias


def logits_of(x: np.ndarray, model: tuple[np.ndarray, ...]) -> np.ndarray:
    mean, std, beta, bias = model
    out: np.ndarray = ((x - mean) / std) @ beta + bias
    return out


def train(data: Path, out: Path, cache: Path | None) -> None:
    x, y, of_scenes, repos = dataset(data, cache)
    print(f"{len(y) // len(VIEWS)} images of {len(np.unique(repos))} repositories")
    every = np.array([head in FROM_EVERY_COLLECTION for head in HEADS])
    weight = np.zeros((len(HEADS), x.shape[1]))
    bias = np.zeros(len(HEADS))
    thresholds = np.zeros(len(HEADS))
    base: tuple[np.ndarray, np.ndarray] | None = None
    for kept, heads in ((of_scenes, ~every), (np.ones(len(y), bool), every)):
        xs, ys, rs = x[kept], y[kept][:, heads], repos[kept]
        w = source_weights(np.zeros(len(rs)), rs)  # every repository the same weight
        images = len(ys) // len(VIEWS)
        fold_of = {r: i % FOLDS for i, r in enumerate(sorted(np.unique(rs)))}
        folds = np.array([fold_of[r] for r in rs])
        scores = np.zeros(ys.shape)
        for f in range(FOLDS):
            held = folds == f
            scores[held] = logits_of(xs[held], fit(xs[~held], ys[~held], w[~held]))
        mean, std, beta, b = fit(xs, ys, w)
        # every group's weights on the first group's standardisation (the same logits)
        base = base or (mean, std)
        beta, b = beta * (base[1] / std)[:, None], b + ((base[0] - mean) / std) @ beta
        for j, k in enumerate(np.flatnonzero(heads)):
            a, c = platt(scores[:, j], ys[:, j].astype(np.float64), w)
            p = 1.0 / (1.0 + np.exp(-(a * scores[:, j] + c)))
            thresholds[k] = threshold_for(p, ys[:, j], w, PRECISION, LOWEST)
            weight[k], bias[k] = beta[:, j] * a, b[j] * a + c
            called, yes = p >= thresholds[k], ys[:, j]
            print(
                f"{HEADS[k]:9s} {int(yes.sum()) // len(VIEWS):4d} of {images} images "
                f"{len(np.unique(rs[yes])):3d} repositories: threshold {thresholds[k]:.2f}, "
                f"recall {called[yes].mean():.2f}, precision "
                f"{w[called & yes].sum() / max(w[called].sum(), 1e-9):.2f}"
            )
    assert base is not None
    np.savez(
        out,
        names=np.array(HEADS),
        mean=base[0].astype(np.float32),
        std=base[1].astype(np.float32),
        weight=weight.astype(np.float32),
        bias=bias.astype(np.float32),
        threshold=thresholds.astype(np.float32),
        floor=np.array([FLOOR], np.float32),
    )
    print(f"wrote {out}")
    if out.parent == OUT.parent:
        write_entry(out, ENTRY)


def main(argv: list[str] | None = None) -> int:
    doc = __doc__.splitlines()[0]
    cache_help = "a .npz file that keeps the classifier's logits"
    return run_probe_script(doc, OUT, SOURCES, train, cache_help, argv, collect)


if __name__ == "__main__":
    sys.exit(main())
