"""Shared vocabulary of ThumbDesk: the frozen dataclasses every layer speaks.

The pipeline (core), the model layer (ml), the command line and the window (ui) pass
these objects between each other; nothing here imports more than numpy. The protocols the
model layer implements for the pipeline live beside it, in ``core.model_api``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # numpy is only named in annotations: the window starts without it
    import numpy as np

RejectReason = Literal["dark", "blurry", "uniform", "broken", "duplicate"]
"""Why a sampled frame did not become a candidate."""

DeviceChoice = Literal["auto", "cpu", "cuda"]


@dataclass(frozen=True)
class VideoInfo:
    """What probing a video file found out, before any frame is analysed."""

    path: str
    container: str
    codec: str
    duration_s: float
    frame_count: int
    fps: float
    coded_width: int
    coded_height: int
    rotation: int = 0
    """Display rotation from the file's metadata, in degrees counter-clockwise (0, 90, 180,
    270), as ffprobe prints it: phones store portrait video as landscape + rotation 90 or 270.
    Decoded frames are already turned upright."""
    variable_frame_rate: bool = False

    @property
    def width(self) -> int:
        """Width as displayed, after rotation."""
        return self.coded_height if self.rotation in (90, 270) else self.coded_width

    @property
    def height(self) -> int:
        """Height as displayed, after rotation."""
        return self.coded_width if self.rotation in (90, 270) else self.coded_height


@dataclass(frozen=True, eq=False)
class Frame:
    """One decoded, upright frame at working resolution (BGR, uint8)."""

    index: int
    time_s: float
    image: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class QualityMetrics:
    """Measured quality of one frame; every filter reads one of these values."""

    luma: float
    """Mean luma (0-255) of the picture area, letterbox bars excluded."""
    sharpness: float
    """Variance of the Laplacian of the picture area at working resolution."""
    sharpness_rel: float
    """Sharpness divided by the clip's typical (median) sharpness: 1.0 is typical."""
    uniformity: float
    """0 (busy) .. 1 (a single flat colour), from contrast and grey-level entropy."""
    contrast: float
    """Standard deviation of luma in the picture area."""
    entropy: float
    """Shannon entropy (bits) of the luma histogram in the picture area."""
    colourfulness: float = 0.0
    """Hasler-Suesstrunk colourfulness of the picture area (0 = grey; 15+ = clearly coloured)."""
    content_box: tuple[int, int, int, int] = (0, 0, 0, 0)
    """Picture area (x, y, w, h) at working resolution, letterbox/pillarbox bars removed."""
    subject_box: tuple[int, int, int, int] | None = None
    """A compact subject on an otherwise plain background (x, y, w, h at working resolution,
    in the frame's coordinates): a plane on an empty sky. None when the frame has no plain
    background or nothing stands out of it."""
    subject_sharpness: float = 0.0
    """Variance of the Laplacian inside ``subject_box`` (0 without one)."""

    @property
    def detail_sharpness(self) -> float:
        """Sharpness where the detail is: the subject's on a plain background, else the frame's."""
        return self.subject_sharpness if self.subject_box is not None else self.sharpness


@dataclass(frozen=True)
class Rejection:
    """A sampled frame that did not become a candidate, and why."""

    frame_index: int
    time_s: float
    reason: RejectReason
    detail: str = ""


@dataclass(frozen=True)
class TopicScore:
    """How strongly a frame shows one topic word, in [0, 1]."""

    word: str
    score: float


@dataclass(frozen=True)
class Topic:
    """A topic word viewers click on, with its popularity weight (any positive number)."""

    word: str
    weight: float


@dataclass(frozen=True)
class TextFound:
    """Burnt-in text the model layer found in a frame: captions, title cards, watermarks."""

    boxes: tuple[tuple[float, float, float, float], ...] = ()
    """Each text region (x, y, w, h as fractions of the picture), largest first."""
    share: float = 0.0
    """Fraction of the picture the text covers (overlaps counted once)."""
    corner_share: float = 0.0
    """The part of ``share`` in small marks in a corner (a watermark, a logo, a date stamp):
    they cost a frame little."""
    title_card: bool = False
    """The frame is mostly text (a title, an intertitle), not a picture of something."""


@dataclass(frozen=True)
class FrameTopics:
    """What the topic model says about one frame."""

    popularity: float
    """Topic-weighted popularity of the frame in [0, 1]."""
    topics: tuple[TopicScore, ...] = ()
    """The frame's best-matching topics, strongest first (the tags a creator sees)."""
    faces: int = 0
    """Number of faces found."""
    face_quality: float | None = None
    """0..1 for how well the main face is shown (size, sharpness, eyes); None without faces."""
    face_appeal: float = 0.0
    """0..1 for how much the main face draws a viewer: large, turned to the camera, smiling
    (``ml.faces.face_appeal``); 0 without faces."""
    subject_box: tuple[float, float, float, float] | None = None
    """Main subject (x, y, w, h) as fractions of the frame, for crop defaults; None if unknown."""
    subject_boxes: tuple[tuple[float, float, float, float], ...] = ()
    """Every subject the models found (x, y, w, h as fractions of the frame): faces first, then
    people and objects. Reframing keeps them all in the picture (``core.reframe``)."""
    text: TextFound | None = None
    """Burnt-in text found in the frame; None when it was not looked for."""

    @property
    def subject_centre(self) -> tuple[float, float] | None:
        """Centre of the main subject (fractions of the frame): the default crop centre."""
        if self.subject_box is None:
            return None
        x, y, w, h = self.subject_box
        return (x + w / 2, y + h / 2)


@dataclass(frozen=True)
class ScoreBreakdown:
    """The four terms of a candidate's score (each in [0, 1]), their weights, the penalties."""

    quality: float
    representativeness: float
    popularity: float
    face: float
    """How much the frame's main face draws a viewer (``FrameTopics.face_appeal``)."""
    weights: tuple[float, float, float, float]
    text_penalty: float = 0.0
    """Share of the score lost to burnt-in text (captions, titles; ``core.rank.text_penalty``)."""
    face_penalty: float = 0.0
    """Share of the score lost to a face shown less clearly than in another candidate of the
    same shot (``Candidate.face_flaw``)."""
    moment_penalty: float = 0.0
    """Share of the score lost to an in-between moment where another candidate of the same
    shot shows the peak of the action (``Candidate.moment_flaw``)."""

    @property
    def terms(self) -> tuple[float, float, float, float]:
        """Quality, representativeness, popularity and face, in the order of ``weights``."""
        return (self.quality, self.representativeness, self.popularity, self.face)

    @property
    def total(self) -> float:
        """Weighted mean of the four terms, less the text, face and moment penalties, in [0, 1]."""
        mean = sum(w * t for w, t in zip(self.weights, self.terms, strict=True)) / max(
            sum(self.weights), 1e-12
        )
        kept = (1.0 - self.text_penalty) * (1.0 - self.face_penalty) * (1.0 - self.moment_penalty)
        return mean * kept


@dataclass(frozen=True, eq=False)
class Candidate:
    """A frame offered to the creator: the best frame of one cluster, scored and ranked."""

    frame: Frame
    quality: QualityMetrics
    cluster_id: int
    cluster_size: int
    breakdown: ScoreBreakdown
    topics: FrameTopics
    rank: int = 0
    shot: int = 0
    """Which shot of the video (0, 1, ... in time order) the frame belongs to."""
    flagged: bool = False
    """True when the frame failed a quality filter and is offered only as a best effort."""
    flag_reason: str = ""
    face_note: str = ""
    """Why this frame stands for its group rather than the one first chosen, when a clearer
    face made the difference (e.g. "eyes closed at 4.25 s")."""
    face_flaw: str = ""
    """What is wrong with this frame's face where another candidate of the same shot shows it
    clearly (e.g. "eyes closed; clearer at 3.50 s"); such a frame loses a share of its score."""
    moment_flaw: str = ""
    """What another candidate of the same shot shows more of, and when (e.g. "arms raised at
    4.00 s"): this frame is an in-between moment of the action and loses a share of its score."""
    moment_note: str = ""
    """Why this frame stands for its group rather than the one first chosen, when the peak of
    an action made the difference (e.g. "peak of the action: arms raised; was 2.10 s")."""
    take_of: int | None = None
    """The cluster id of the group whose other picture this candidate is (``core.other_takes``);
    None for a group's own candidate. Takes set none of the clip's references in scoring."""
    evidence: Any = field(default=None, repr=False)
    """The scorer's cached evidence, kept so that topic edits re-rank without the image model."""

    @property
    def score(self) -> float:
        """Final score in [0, 1]."""
        return self.breakdown.total


@dataclass(frozen=True)
class PipelineConfig:
    """Every knob of the pipeline, with defaults that suit 5-60 s micro-videos."""

    sample_fps: float = 4.0
    """Frames looked at per second of video (shots longer than 1/sample_fps are seen)."""
    max_samples: int = 240
    """Upper bound on frames looked at, whatever the video's length."""
    max_sequential_frames: int = 3600
    """Above this many frames, sample by seeking instead of decoding every frame."""
    working_size: int = 480
    """Long side, in pixels, of the copies analysed (full resolution is kept for export)."""
    dark_luma: float = 32.0
    """Frames whose picture area has a lower mean luma are dark."""
    blur_rel: float = 0.35
    """Frames sharper than this fraction of the clip's median are kept."""
    blur_abs: float = 8.0
    """Frames whose Laplacian variance is below this are blurry whatever the clip."""
    uniform_max: float = 0.55
    """Frames more uniform than this are rejected as flat colour."""
    washed_contrast: float = 36.0
    washed_colourfulness: float = 10.0
    """Frames with less contrast and less colour than these are washed out (fog, haze, blank
    sky) and rejected as uniform."""
    duplicate_distance: float = 0.10
    """Frames whose feature distance is below this are near-duplicates of each other."""
    same_shot_distance: float = 0.13
    """Two candidates of one shot must differ at least this much (another pose, another
    expression, another part of a pan); the closer one is merged into the better one."""
    max_candidates: int = 12
    min_candidates: int = 3
    weights: tuple[float, float, float, float] = (0.35, 0.25, 0.40, 0.40)
    """Weights of quality, representativeness, popularity and face in the final score
    (``core.rank``)."""
    popularity_floor: float = 0.3
    """Popularity is scored relative to the clip's most popular candidate (as cluster size is
    relative to the largest cluster), but never divided by less than this: a clip where no
    frame shows a popular topic clearly is not stretched to look like one that does."""
    top_tags: int = 5
    min_tag_score: float = 0.1
    """Tags weaker than this are not shown (they are guesses, not evidence)."""


@dataclass(frozen=True)
class Progress:
    """A progress event yielded by the pipeline generator (each yield is a cancel point)."""

    stage: str
    fraction: float
    """Overall progress of the run in [0, 1]."""
    message: str = ""


@dataclass(frozen=True)
class PartialCandidates:
    """Candidates known so far, yielded as soon as they are ranked (before the run ends)."""

    candidates: tuple[Candidate, ...]


PipelineEvent = Progress | PartialCandidates


@dataclass(frozen=True)
class PipelineResult:
    """Everything one run found: ranked candidates, rejected frames, warnings, timings."""

    video: VideoInfo
    candidates: tuple[Candidate, ...]
    rejected: tuple[Rejection, ...]
    warnings: tuple[str, ...]
    timings_s: dict[str, float]
    device: str
    sampled: int = 0
    topics: tuple[Topic, ...] = ()
    frame_times_s: tuple[float, ...] = field(default=(), repr=False)
    """Presentation time of every frame (when the whole video was walked), for FrameReader."""
    picture_box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    """The picture area inside letterbox / pillarbox bars baked into the video (x, y, w, h as
    fractions of the frame); candidates' images are already cropped to it, exports crop it."""
    shot_starts_s: tuple[float, ...] = ()
    """Start time (s) of every shot after the first (hard cuts and the end of fades/dissolves)."""

    @property
    def best(self) -> Candidate | None:
        """The top pick, or None when the video gave no frame at all."""
        return self.candidates[0] if self.candidates else None


TitlePosition = Literal["top", "middle", "bottom"]
"""Where a title sits inside the preset's safe zone."""


@dataclass(frozen=True)
class TitleStyle:
    """Title text drawn on a thumbnail: one or two lines in the bundled bold font."""

    lines: tuple[str, ...]
    """One or two lines (empty lines are dropped when drawn)."""
    position: TitlePosition = "bottom"
    fill: str = "#ffffff"
    """Text colour, ``#rrggbb``."""
    outline: str = "#000000"
    """Colour of the outline and of the drop shadow, ``#rrggbb``."""
    shadow: bool = True


@dataclass(frozen=True)
class Adjustments:
    """Quick picture adjustments, each in [-1, 1] (0 leaves the picture as it is)."""

    brightness: float = 0.0
    contrast: float = 0.0
    saturation: float = 0.0
    pop: bool = False
    """Auto contrast: stretch the picture's own range of tones to the full range."""

    @property
    def is_neutral(self) -> bool:
        """True when applying these changes nothing."""
        return not self.pop and self.brightness == self.contrast == self.saturation == 0.0


@dataclass(frozen=True)
class ExportRequest:
    """What to write: where, which preset ("all" for every size), crop, title, adjustments.

    The window's export dialog builds one, the command line builds one from its options, and
    ``core.export.export_request`` carries it out, so both write the same bytes.
    """

    dest: Path
    preset: str
    crop_center: tuple[float, float] | None = None
    overwrite: bool = False
    title: TitleStyle | None = None
    adjustments: Adjustments = Adjustments()
    picture_box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    """The picture inside bars baked into the video (``PipelineResult.picture_box``)."""
    subjects: tuple[tuple[float, float, float, float], ...] = ()
    """What a reframe must keep (``core.reframe.subjects_of``), fractions of the picture."""
    mode: Literal["auto", "crop", "fit"] = "auto"
    """How the picture becomes the preset's shape (``core.reframe``); "crop" when the creator
    placed the crop."""
