"""The pick a creator would choose, on real clips: subjects kept, shots, no same pictures."""

from __future__ import annotations

import itertools

import pytest

from tests.test_pipeline import ALL_CLIPS
from thumbdesk.core import dedup, quality
from thumbdesk.core.shots import shot_ids
from thumbdesk.core.types import PipelineConfig


@pytest.mark.parametrize("name", ALL_CLIPS)
def test_no_two_top_candidates_are_the_same_picture(name, core_results):
    """Correlation of brightness-normalised 64x36 thumbnails < 0.98 among the top 5."""
    top = core_results(name).candidates[:5]
    thumbs = [dedup.picture_thumb(c.frame.image) for c in top]
    for (i, a), (j, b) in itertools.combinations(enumerate(thumbs), 2):
        assert float(a @ b) < 0.98, (top[i].frame.time_s, top[j].frame.time_s, float(a @ b))


def test_a_fade_copy_is_the_same_picture(core_results):
    image = core_results("bikes.mp4").candidates[0].frame.image
    darker = (image * 0.35).astype(image.dtype)
    features = [dedup.describe(image), dedup.describe(darker)]
    import numpy as np

    distance = dedup.distances(np.stack(features))
    assert distance[0, 1] < PipelineConfig().duplicate_distance
    thumbs = np.stack([dedup.picture_thumb(image), dedup.picture_thumb(darker)])
    assert dedup.same_picture(thumbs)[0, 1]


def test_shots_of_a_cut_clip_and_of_a_one_shot_clip(core_results):
    cuts = core_results("moviepy_big_buck_bunny_0_30.webm").shot_starts_s
    # Hard cuts at 12.0, 15.75 and 23.0 s (and a dissolve near 20.5 s), measured by eye.
    for expected in (12.0, 15.75, 23.0):
        assert any(abs(t - expected) <= 0.3 for t in cuts), cuts
    assert len(cuts) <= 6
    assert core_results("vertical_9x16_bbb.mp4").shot_starts_s == ()


def test_candidates_come_from_distinct_shots_first(core_results):
    result = core_results("moviepy_big_buck_bunny_0_30.webm")
    shots = [c.shot for c in result.candidates]
    distinct = len(set(shots))
    assert distinct >= 4
    assert len(set(shots[:distinct])) == distinct


def test_shot_ids_on_made_up_distances():
    import numpy as np

    # 0-1-2 one picture, a cut to 3-4, then a slow fade-like run 5-6-7 to a new picture.
    n = 8
    d = np.zeros((n, n))

    def set_(i, j, v):
        d[i, j] = d[j, i] = v

    for i, j in itertools.combinations(range(n), 2):
        set_(i, j, 0.6)
    for group in ((0, 1, 2), (3, 4)):
        for i, j in itertools.combinations(group, 2):
            set_(i, j, 0.02)
    set_(4, 5, 0.2)
    set_(5, 6, 0.2)
    set_(6, 7, 0.2)
    assert shot_ids(d) == [0, 0, 0, 1, 1, 2, 2, 2]
    # A slow change (every step small) is never a new shot.
    slow = np.abs(np.subtract.outer(np.arange(n), np.arange(n))) * 0.1
    assert shot_ids(slow) == [0] * n


def test_flat_means_nothing_to_look_at(core_results):
    """A blank grey frame is flat; the same frame with a small dark shape is a subject."""
    import numpy as np

    blank = np.full((270, 480, 3), 200, np.uint8)
    reason, _ = quality.verdict(quality.measure(blank), PipelineConfig())
    assert reason == "uniform"
    shape = blank.copy()
    shape[120:140, 200:260] = 60
    metrics = quality.measure(shape)
    assert metrics.subject_box is not None
    x, y, w, h = metrics.subject_box
    assert x <= 200 and y <= 120 and x + w >= 260 and y + h >= 140 and w * h < 0.3 * 480 * 270
    # A horizon across the frame is not a compact subject.
    horizon = blank.copy()
    horizon[130:134] = 60
    assert quality.measure(horizon).subject_box is None


def test_a_subject_on_plain_sky_is_compared_by_the_subject(core_results):
    """Candidates showing the plane are compared by the plane, not by where it is on the sky."""
    import numpy as np

    config = PipelineConfig()
    plane = [
        c for c in core_results("moviepy_airplane_fade.mp4").candidates if c.quality.subject_box
    ]
    assert plane
    features = np.stack([dedup.describe(c.frame.image, c.quality.subject_box) for c in plane])
    distance = dedup.distances(features)
    for i, j in itertools.combinations(range(len(plane)), 2):
        same_shot = plane[i].shot == plane[j].shot
        limit = config.same_shot_distance if same_shot else config.duplicate_distance
        assert distance[i, j] >= limit, (plane[i].frame.time_s, plane[j].frame.time_s)


def test_the_cli_summary_counts_one_candidate_in_the_singular(core_results):
    """``thumbdesk pick`` printed "1 candidates" for a one-shot clip's single candidate."""
    from dataclasses import replace

    from thumbdesk.commands.pick import summary_line

    result = core_results("bikes.mp4")
    assert len(result.candidates) > 1
    assert f", {len(result.candidates)} candidates, " in summary_line(result)
    assert ", 1 candidate, " in summary_line(replace(result, candidates=result.candidates[:1]))
