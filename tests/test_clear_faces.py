"""Clear faces: closed eyes, blinks, turned, blurred and cut faces give way to a clearer frame
of the same group (real clips of ../shared/eval, the real face detector and models)."""

from __future__ import annotations

from pathlib import Path

import pytest

from thumbdesk.core import clear_faces, quality
from thumbdesk.core.clear_faces import Member, judge, mark_unclear_faces, prefer_clear_faces
from thumbdesk.core.decode import FrameReader, to_working_size
from thumbdesk.core.model_api import FaceView
from thumbdesk.core.pipeline import pick
from thumbdesk.core.rank import NEUTRAL_TOPICS, rescored
from thumbdesk.core.report import build_report
from thumbdesk.core.topics import default_topics
from thumbdesk.core.types import Candidate, Frame, PipelineConfig, ScoreBreakdown
from thumbdesk.ml import load_scorer
from thumbdesk.ml.scorer import Scorer

CLIPS = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "clips"
FUNNY_FACES = CLIPS / "woman_funny_faces_closeup.mp4"
# Frames of FUNNY_FACES looked at one by one (eye crops at working size): the woman's eyes shut
# in a blink or a wink, and wide open looking into the camera.
CLOSED = (208, 224, 392, 472, 960)
OPEN = (0, 16, 128, 536, 720)
GIRL = CLIPS / "girl_child_face_closeup.mp4"
GIRL_LIDS_DOWN = (147, 154, 161, 168)
"""The girl's eyes shut (147, 154) or half-closed looking down (161, 168)."""


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer("cpu")


@pytest.fixture(scope="module")
def funny_frames() -> dict[int, Frame]:
    """The labelled frames of FUNNY_FACES at the pipeline's working size."""
    out = {}
    with FrameReader(FUNNY_FACES) as reader:
        for index in sorted(CLOSED + OPEN):
            image = to_working_size(reader.read(index), 480)
            out[index] = Frame(index, index / 30.0, image)
    return out


def views(scorer: Scorer, frames: dict[int, Frame]) -> dict[int, FaceView]:
    found = scorer.find_faces([f.image for f in frames.values()])
    return {i: faces[0] for i, faces in zip(frames, found, strict=True)}


def test_closed_eyes_read_less_open_than_open_eyes(scorer, funny_frames) -> None:
    seen = views(scorer, funny_frames)
    closed = [seen[i].eyes for i in CLOSED]
    opened = [seen[i].eyes for i in OPEN]
    assert None not in closed and None not in opened
    assert max(closed) < 0.8 * min(opened), (closed, opened)  # type: ignore[type-var]


def test_judge_flags_the_closed_eyes_and_no_open_ones(scorer, funny_frames) -> None:
    seen = views(scorer, funny_frames)
    order = list(seen)
    judged = dict(zip(order, judge([seen[i] for i in order]), strict=True))
    for i in CLOSED:
        assert any("eyes" in flaw for flaw in judged[i].flaws), (i, judged[i])
    for i in OPEN:
        assert not any("eyes" in flaw for flaw in judged[i].flaws), (i, judged[i])
        assert judged[i].clarity > max(judged[c].clarity for c in CLOSED)


def _candidate(scorer: Scorer, frame: Frame) -> Candidate:
    evidence = scorer.evidence([frame.image])[0]
    candidate = Candidate(
        frame=frame,
        quality=quality.measure(frame.image),
        cluster_id=0,
        cluster_size=len(CLOSED + OPEN),
        breakdown=ScoreBreakdown(0.0, 0.0, 0.0, 0.0, PipelineConfig().weights),
        topics=scorer.score_topics(evidence, default_topics()),
        evidence=evidence,
    )
    return rescored([candidate], PipelineConfig())[0]


def _members(frames: dict[int, Frame], but: int) -> list[Member]:
    return [Member(f, quality.measure(f.image)) for i, f in frames.items() if i != but]


@pytest.mark.parametrize("shut", [208, 392])
def test_a_closed_eyed_candidate_gives_way_to_an_open_eyed_frame(scorer, funny_frames, shut):
    candidate = _candidate(scorer, funny_frames[shut])
    topics = default_topics()
    updated, swaps = prefer_clear_faces(
        [candidate], lambda _: _members(funny_frames, shut), scorer, topics
    )
    new = updated[0]
    assert new.frame.index in OPEN, new.frame.index
    assert new.face_note.startswith("eyes closed"), new.face_note
    assert [(s.old.index, s.new.index) for s in swaps] == [(shut, new.frame.index)]
    # everything about the candidate is the new frame's: evidence, topics, measurements
    assert new.evidence is not candidate.evidence
    assert new.quality == quality.measure(new.frame.image)
    assert new.topics.faces >= 1 and new.cluster_id == candidate.cluster_id


def test_an_open_eyed_candidate_stays(scorer, funny_frames) -> None:
    candidate = _candidate(scorer, funny_frames[128])
    updated, swaps = prefer_clear_faces(
        [candidate], lambda _: _members(funny_frames, 128), scorer, default_topics()
    )
    assert swaps == [] and updated[0] is candidate


def test_the_pipeline_picks_the_girl_with_her_eyes_open(scorer) -> None:
    """Before: the pick was frame 168, her lids half down; now a frame of the same group with
    her eyes open, the frame it replaced rejected with the reason."""
    result = pick(GIRL, scorer=scorer, topics=default_topics())
    best = result.best
    assert best is not None
    assert best.frame.index not in GIRL_LIDS_DOWN
    assert "eyes" in best.face_note
    replaced = [r for r in result.rejected if "shows the face more clearly" in r.detail]
    assert [r.frame_index for r in replaced] == [168]
    assert best.frame.index not in {r.frame_index for r in result.rejected}
    entry = build_report(result)["candidates"][0]
    assert entry["face_note"] == best.face_note
    # the group's other frames say they were grouped with the new frame, not the replaced one
    grouped = [r for r in result.rejected if r.reason == "duplicate" and r.frame_index != 168]
    assert grouped and all("frame 168" not in r.detail for r in grouped)
    assert sum(f"frame {best.frame.index}" in r.detail for r in grouped) >= len(grouped) - 1


def test_a_face_behind_a_waving_hand_gives_way_to_a_clear_smile(scorer) -> None:
    """Before: the pick was 2.80 s, the man waving, his hand beside his face (partly over it).
    Now the clear face of the same shot leads, and the waving frame's group is shown by a frame
    where he smiles with nothing over his face, saying why."""
    result = pick(CLIPS / "man_birthday_cake_laptop.mp4", scorer=scorer, topics=default_topics())
    best = result.best
    assert best is not None and best.face_flaw == ""
    assert not any(abs(c.frame.time_s - 2.8) < 0.3 for c in result.candidates)
    swapped = [c for c in result.candidates if c.face_note.endswith("at 2.80 s")]
    assert swapped and swapped[0].face_note.startswith("face partly hidden")
    assert swapped[0].shot == best.shot and swapped[0].evidence is not None
    assert (scorer.faces_in(swapped[0].evidence)[0].smile or 0.0) >= clear_faces.SMILE_CLEAR
    entry = build_report(result)["candidates"][swapped[0].rank - 1]
    assert entry["face_note"] == swapped[0].face_note


def test_the_waving_frame_is_marked_against_the_clear_face_of_its_shot(scorer) -> None:
    """Two candidates of one shot (the waving frame, 2.80 s, and the clear face, 11.76 s): the
    hidden face is marked and loses FACE_FLAW_COST of its score."""
    with FrameReader(CLIPS / "man_birthday_cake_laptop.mp4") as reader:
        fps = reader.fps
        frames = [
            Frame(round(t * fps), t, to_working_size(reader.read(round(t * fps)), 480))
            for t in (2.8, 11.76)
        ]
    waving, clear = (_candidate(scorer, f) for f in frames)
    marked = mark_unclear_faces([waving, clear], scorer)
    assert marked[0].face_flaw.startswith("face partly hidden"), marked[0].face_flaw
    assert "clearer at 11.76 s" in marked[0].face_flaw and marked[1].face_flaw == ""
    penalised = rescored(marked, PipelineConfig())
    assert penalised[0].breakdown.face_penalty > 0 == penalised[1].breakdown.face_penalty


def _view(**changes: object) -> FaceView:
    base = {"box": (0.4, 0.3, 0.2, 0.3), "score": 0.93, "sharpness": 200.0, "symmetry": 0.9}
    base.update(changes)
    return FaceView(**base)  # type: ignore[arg-type]


def test_judge_names_each_flaw_against_the_clear_face() -> None:
    clear = _view(eyes=0.8)
    cases = {
        "face cut by the frame edge": _view(box=(0.85, 0.3, 0.2, 0.3), eyes=0.8),
        "face turned away": _view(symmetry=0.2, eyes=0.8),
        "face blurred": _view(sharpness=60.0, eyes=0.8),
        "face partly hidden": _view(score=0.88, eyes=0.8),
        "eyes closed": _view(eyes=0.3),
    }
    for flaw, view in cases.items():
        mine, theirs, _ = judge([view, clear, clear])
        assert flaw in mine.flaws, (flaw, mine)
        assert theirs.flaws == () and theirs.clarity > mine.clarity
    assert judge([clear, clear]) == [judge([clear])[0]] * 2
    # a face turned away has its eye landmarks on cheek and hair: its eyes are not judged
    turned = judge([_view(symmetry=0.2, eyes=0.1), clear, clear])[0]
    assert "face turned away" in turned.flaws and not any("eyes" in f for f in turned.flaws)


def test_judge_prefers_the_smile_of_a_group_that_smiles() -> None:
    """A face clearly less happy than the group's broadest smile shows "no smile" (and less
    clear); a group where nobody smiles clearly is judged as before."""
    smiling, straight = _view(eyes=0.8, smile=0.9), _view(eyes=0.8, smile=0.05)
    mine, theirs = judge([straight, smiling])
    assert "no smile" in mine.flaws and theirs.flaws == ()
    assert theirs.clarity >= mine.clarity + clear_faces.MARGIN
    # a smile behind a hand or with the eyes shut is no clearer picture
    hidden = judge([straight, _view(eyes=0.8, smile=0.9, score=0.88)])
    assert "no smile" not in hidden[0].flaws and hidden[0].clarity > hidden[1].clarity
    # smiles are compared only where every clear face's expression was read
    unread = judge([_view(eyes=0.8), smiling])
    assert unread == judge([_view(eyes=0.8), _view(eyes=0.8)])
    # nobody smiles clearly: the smile says nothing, the clarity is the plain one
    faint = judge([_view(eyes=0.8, smile=0.4), _view(eyes=0.8, smile=0.05)])
    plain = judge([_view(eyes=0.8), _view(eyes=0.8)])
    assert [j.flaws for j in faint] == [(), ()] and faint == plain


def test_the_face_detector_pass_reads_the_smile_as_the_evidence_does(scorer) -> None:
    """``find_faces`` (the alternates of a group) runs the expression model as the evidence
    does: the same P(happy) for the same frame. Measured on FUNNY_FACES: frame 320, a broad
    grin, 0.90; frame 336, teeth bared in a grimace, 0.01."""
    with FrameReader(FUNNY_FACES) as reader:
        grin, grimace = (to_working_size(reader.read(i), 480) for i in (320, 336))
    found = scorer.find_faces([grin, grimace])
    smiles = [faces[0].smile for faces in found]
    assert smiles[0] is not None and smiles[0] >= 0.7, smiles
    assert smiles[1] is not None and smiles[1] <= 0.2, smiles
    evidence = scorer.evidence([grin])[0]
    assert scorer.faces_in(evidence)[0].smile == pytest.approx(smiles[0], abs=1e-4)


def test_alternates_are_spread_in_time_and_never_worse_flagged() -> None:
    with FrameReader(FUNNY_FACES) as reader:
        funny = to_working_size(reader.read(0), 480)
    metrics = quality.measure(funny)
    candidate = Candidate(
        Frame(0, 0.0, funny),
        metrics,
        0,
        10,
        ScoreBreakdown(0, 0, 0, 0, (1, 1, 1, 1)),
        NEUTRAL_TOPICS,
    )
    members = [Member(Frame(i, i * 0.1, funny), metrics) for i in range(1, 20)]
    members.append(Member(Frame(99, 9.9, funny), metrics, "blurry: soft"))
    chosen = clear_faces.alternates(candidate, members, 3)
    times = [0.0] + [m.frame.time_s for m in chosen]
    assert len(chosen) == 3 and 99 not in [m.frame.index for m in chosen]
    assert all(abs(a - b) >= clear_faces.MIN_APART_S for a in times for b in times if a != b)


def test_a_broad_smile_outweighs_eyes_a_little_wider_open() -> None:
    """Measured on a selfie video: mid-word with a raised eyebrow (eyes 0.64, smile 0.26)
    against her own broad smile a few seconds on (eyes 0.44, smile 1.0, a little less frontal
    and sharp). The smile is the clearer picture, by more than MARGIN."""
    talking = _view(eyes=0.64, smile=0.26, symmetry=0.95, sharpness=2036.0)
    smiling = _view(eyes=0.44, smile=1.0, symmetry=0.88, sharpness=1849.0)
    mine, theirs = judge([talking, smiling])
    assert "no smile" in mine.flaws and theirs.flaws == ()
    assert theirs.clarity >= mine.clarity + clear_faces.MARGIN
