"""Which animal is in view: the detector finds it, the classifier knows its kind.

The object detector (COCO) has ten animal classes and locates them well, but it names some
of them carelessly: a kitten on a lawn was a dog at 0.52, swimmers under water a dog at
0.56. The classifier (ImageNet) knows 118 dog breeds, the cats and some 60 birds, and reads the
same frames as cats and sea turtles. This module makes the two agree before an animal is named:

- a dog, a cat or another animal is named by the kind the classifier reads on it (``named``);
- a detection whose box is read as two animals about as surely names none (``torn_animals``);
- an animal the detector finds in a people scene counts as far as the classifier sees animals
  at all, and a dog as far as the classifier's animals are of its kind (``agreement``);
- the classifier's animals count little (UNCONFIRMED) in a frame where the detector sees people,
  another animal the classifier does not gainsay, or a plush toy, and not this one
  (``doubt_classifier_animals``);
- a face the face detector finds on an animal is no person's (``people_faces``).

Nothing here runs a model: the inputs are one frame's detections and class probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from thumbdesk.ml.backends import FIT
from thumbdesk.ml.detector import Detection
from thumbdesk.ml.evidence import OBJECT_LOW, Evidence, box_iou, inside, intersection
from thumbdesk.ml.faces import Face
from thumbdesk.ml.ramps import ramp

ANIMALS = ("bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe")
"""Detector classes of animals: fur and feathers that the classifier also sees in hair and
clothes."""
ANIMAL_SET = frozenset(ANIMALS)
UNCONFIRMED = 0.4
"""In a frame where the detector clearly sees people, or another animal, the classifier's mass
of an animal it does not detect counts this much (a ballroom's gowns read as spaniels, a
penguin seen close as corgis); so does an animal no detector class can confirm (children in
sand read as an Indian cobra 0.56, couples by the sea as fish held up by anglers 0.5-0.7)."""
TORN = 0.1
"""Two animal classes of the detector, or an animal and a person, on one box (TORN_OVERLAP) within
this much of each other: the detector cannot tell what it is (``torn_animals``)."""
TORN_OVERLAP = 0.5
"""Intersection over union from which two detections are on one box."""
PEOPLE_SCENE = 0.5
"""Detector confidence of a person that makes the frame a people scene."""
STAND_INS = frozenset({"teddy bear"})
"""Detector classes of things with fur and no animal in them: where the detector sees one from
OBJECT_LOW, an animal it does not detect counts UNCONFIRMED too (a plush bear read as a dog
0.76 by the classifier)."""

ANIMAL_HEAD = 0.3
"""A face at least this share of the height of an animal's box, its centre in that box and in no
person's, is the animal's own (``people_faces``): YuNet finds the faces of dogs looking at the
camera (0.71-0.88), each 0.36-0.62 of its dog's box. People seen with an animal have faces far
smaller than its box, even with no person box of their own around them (women in front of an
elephant 0.09, a woman holding a rabbit the detector took for a dog 0.17, a couple behind their
dog 0.24)."""
ANIMAL_HEAD_INSIDE = 0.6
"""... and this share of the face's box inside the animal's: an owner's face at the edge of the
dog he holds up to the camera (a third of it on the dog's box) stays a person's."""

ANIMAL_CLASSES = slice(0, 398)
"""The ImageNet classes of animals (tench .. pufferfish)."""
KIN: dict[str, tuple[int, int]] = {"dog": (151, 280), "cat": (151, 293)}
"""ImageNet classes of a detector animal's kind (first, last, inclusive), for the animals the
detector calls most carelessly: a dog is the dog breeds, wolves, wild dogs and foxes, of which
the classifier knows 130; a cat is those or the cats (the classifier reads two cats on a
treadmill as dogs 0.44, so it may not tell a cat from a dog, but it sees a furry pet: a
"cat" the detector found on birthday candles the classifier read as sea urchins). On its other
animals the classifier errs as often (a penguin seen close as corgis 0.64), or it knows too few
kinds to gainsay the detector (a single horse, no cow, no giraffe)."""
SILENT = (0.05, 0.15)
"""Classifier mass on animals (all of them) from which an animal the detector finds in a
people scene counts, and where fully. The detector reads people in odd poses as animals: a row
of people doing push-ups as a horse (0.52), a man lifting a dumbbell as a horse, a made-up eye
as a cat, where the classifier sees stretchers and dumbbells (animals 0.03-0.05)."""
IN_VIEW = 0.5
"""Share of an animal's box inside the classifier's view from which the classifier may gainsay
the detector on it."""
FILLS = 0.8
FILLED_SEEN = (0.15, 0.3)
"""An animal whose box fills this share of the frame is what the classifier looks at too: it
counts as far as the classifier sees animals (its mass on all of them), from the first value
and fully from the second. A woman's face filling a beauty close-up was a cat 0.53 on a box of
0.92 of the frame, the classifier's animals 0.06-0.11 on every frame of it; a dog seen that close
is the classifier's own subject (its breeds), and a cat in a selfie read 0.95 animal."""
ANIMALS_SEEN = 0.2
"""Classifier mass on animals from which it has a view of the animal's kind."""
KIN_SHARE = (0.1, 0.3)
"""Share of the classifier's animal mass on the detected animal's kind from which the detection
counts, and where fully. A dog the classifier also reads as a wolf or a cat is still a dog;
swimmers under water (sea turtles and dugongs 0.68, canids 0.04) or a kitten (felids 0.59,
canids 0.09) are no dog."""


CAT_OVER_DOG = 0.1
"""A detector "dog" is a cat where the classifier's felids (``FELIDS``) outweigh its canids by
this share of its animal mass: a tabby running on a lawn, found as a dog (0.58-0.66), read 0.41-0.53
felid and 0.33-0.36 canid (cougar, lynx, tabby beside a kit fox). On the top three frames of
sixteen labelled sets no dog the detector found read more than 0.11 felid; cats read as dogs by
the detector read 0.65-0.77 felid."""
DOG_SHARE = 0.9
"""A detector "cat" (or any other animal of it) is a dog where this share of the classifier's
animal mass is canid: a golden retriever, a fluffy white dog and a puppy on a blanket the
detector called cats (0.47-0.65) read 0.94-0.98 canid, and a black Great Dane it called a horse
(0.64) 0.95. The classifier also reads real cats as dogs (two cats on a treadmill 0.82 canid,
cats standing up to dance 0.59-0.68), so an animal is renamed only where it sees nothing but
dog: a horse in a field beside a dog read 0.85 and stays a horse. On the top three frames of
twenty labelled sets, the other animals renamed were a bear on a puppy and a cow and a horse on
a couple's dog."""
FELIDS = (281, 293)
"""ImageNet classes of cats, domestic and wild (tabby cat .. cheetah), first and last."""


def named(det: Detection, ev: Evidence, probs: np.ndarray) -> Detection:
    """``det`` under the kind the classifier reads on it: a dog may be a cat, another animal a dog.

    The detector tells a dog from a cat (and a big dog from a horse) carelessly; the classifier
    knows 118 dog breeds and the cats. Only where the animal lies in the classifier's view
    (IN_VIEW) and it sees animals (ANIMALS_SEEN): CAT_OVER_DOG, DOG_SHARE.
    """
    if det.label not in ANIMAL_SET or in_classifier_view(det.box, ev.frame_aspect) < IN_VIEW:
        return det
    animals = float(probs[ANIMAL_CLASSES].sum())
    if animals < ANIMALS_SEEN:
        return det
    canids = _mass(probs, KIN["dog"]) / animals
    felids = _mass(probs, FELIDS) / animals
    if det.label == "dog" and felids - canids >= CAT_OVER_DOG:
        return replace(det, label="cat")
    if det.label != "dog" and canids >= DOG_SHARE:
        return replace(det, label="dog")
    return det


def _mass(probs: np.ndarray, span: tuple[int, int]) -> float:
    """The classifier's probability on the ImageNet classes ``span`` (first, last, inclusive)."""
    return float(probs[span[0] : span[1] + 1].sum())


def with_kinds_named(ev: Evidence) -> Evidence:
    """``ev`` with each detected animal under the kind the classifier reads (``named``).

    Idempotent: a renamed animal reads as its new kind, so naming again changes nothing.
    """
    probs = ev.probs.astype(np.float32)
    objects = tuple(named(d, ev, probs) for d in ev.objects)
    return ev if objects == ev.objects else replace(ev, objects=objects)


def torn_animals(objects: Sequence[Detection]) -> list[Detection]:
    """Animal detections the detector cannot decide on (TORN).

    The same box is read as another animal about as surely (a rendered rabbit as a bird 0.39
    and a horse 0.35), or as a person (a woman bent forward in a yoga class, her hair hanging,
    a dog 0.41 on the box of a person 0.49). Such a detection names no animal, and the
    classifier's animals count UNCONFIRMED beside it.
    """
    animals = [d for d in objects if d.label in ANIMAL_SET]
    rivals = animals + [d for d in objects if d.label == "person"]
    return [
        d
        for d in animals
        if any(
            o.label != d.label
            and abs(o.score - d.score) <= TORN
            and box_iou(o.box, d.box) >= TORN_OVERLAP
            for o in rivals
        )
    ]


def in_classifier_view(box: tuple[float, float, float, float], frame_aspect: float) -> float:
    """Share of a box (fractions of the frame) inside what the classifier reads of the frame.

    The classifier reads the centre square of a frame (``backends.FIT`` "crop"), the middle 56%
    of a 16:9 frame's width; it cannot gainsay the detector on what lies outside.
    """
    x, y, w, h = box
    if FIT != "crop" or w <= 0 or h <= 0:
        return 1.0
    if frame_aspect >= 1.0:
        lo, hi = (1.0 - 1.0 / frame_aspect) / 2, (1.0 + 1.0 / frame_aspect) / 2
        return max(0.0, min(x + w, hi) - max(x, lo)) / w
    lo, hi = (1.0 - frame_aspect) / 2, (1.0 + frame_aspect) / 2
    return max(0.0, min(y + h, hi) - max(y, lo)) / h


def agreement(det: Detection, ev: Evidence, probs: np.ndarray) -> float:
    """How far the classifier lets the detector name an animal it found, in [0, 1].

    1 for every other class and for an animal mostly outside the classifier's view
    (``in_classifier_view`` under IN_VIEW). In a people scene the classifier must see some
    animal (SILENT), and so must it where the animal fills the frame (FILLS); a dog must be of
    the kind the classifier's animals are (KIN_SHARE, where it sees animals from ANIMALS_SEEN).
    A cat the classifier reads as all dog is a dog (``named``).
    """
    if det.label not in ANIMAL_SET or in_classifier_view(det.box, ev.frame_aspect) < IN_VIEW:
        return 1.0
    animals = float(probs[ANIMAL_CLASSES].sum())
    out = 1.0
    if any(p.score >= PEOPLE_SCENE for p in ev.persons):
        out = ramp(animals, *SILENT)
    if det.box[2] * det.box[3] >= FILLS:
        out = min(out, ramp(animals, *FILLED_SEEN))
    kind = KIN.get(det.label)
    if kind is not None and animals >= ANIMALS_SEEN:
        kin = _mass(probs, kind)
        out = min(out, ramp(kin / animals, *KIN_SHARE))
    return out


def doubt_classifier_animals(
    ev: Evidence, torn: Sequence[Detection], trusted: Sequence[Detection]
) -> set[str] | None:
    """The detector classes seen in a frame where the classifier's animals are in doubt.

    ``trusted``: the detections, torn ones left out, that the classifier does not gainsay
    (``agreement`` from a half). None when the classifier's animals are not in doubt (the
    detector sees no one, no animal and no stand-in); else the labels of the trusted
    detections from OBJECT_LOW: the classifier's animals not among them count UNCONFIRMED. An
    animal the classifier gainsays casts no doubt: of two models that disagree, neither
    overrules the other.
    """
    if (
        torn
        or any(p.score >= PEOPLE_SCENE for p in ev.persons)
        or any(d.label in STAND_INS and d.score >= OBJECT_LOW for d in ev.objects)
        or any(d.label in ANIMAL_SET and d.score >= OBJECT_LOW for d in trusted)
    ):
        return {d.label for d in trusted if d.score >= OBJECT_LOW}
    return None


def animal_read_again(person: Detection, animals: Sequence[Detection]) -> bool:
    """Whether a person detection is one of ``animals`` read again.

    On its box (TORN_OVERLAP) and less sure by more than TORN; about as sure, the detector is
    torn between the two (``torn_animals``) and the person stays.
    """
    return any(
        box_iou(person.box, a.box) >= TORN_OVERLAP and a.score - person.score > TORN
        for a in animals
    )


def people_faces(faces: Sequence[Face], objects: Sequence[Detection]) -> tuple[Face, ...]:
    """``faces`` without those the face detector found on an animal (ANIMAL_HEAD).

    A dog's face read as a person's was a "face" (0.99) and a "selfie" under a golden retriever
    and went to the age and gender models. A face in a person's box is a person's, unless that
    box is the animal's own read again less surely (``animal_read_again``): a Jack Russell held
    up to the camera, dog 0.58 and person 0.41 on one box, its face (0.85 of the frame's height)
    made the top pick's large face.
    """
    found = [d for d in objects if d.label in ANIMAL_SET and d.score >= OBJECT_LOW]
    if not found:
        return tuple(faces)
    animals = [d.box for d in found]
    people = [d.box for d in objects if d.label == "person" and not animal_read_again(d, found)]
    return tuple(
        f
        for f in faces
        if any(inside(f.box, p) for p in people) or not any(_animal_head(f.box, a) for a in animals)
    )


def _animal_head(
    face: tuple[float, float, float, float], animal: tuple[float, float, float, float]
) -> bool:
    """Whether a face box is an animal's head: tall for the animal's box, and lying in it."""
    return (
        inside(face, animal)
        and face[3] >= ANIMAL_HEAD * animal[3]
        and intersection(face, animal) >= ANIMAL_HEAD_INSIDE * face[2] * face[3]
    )
