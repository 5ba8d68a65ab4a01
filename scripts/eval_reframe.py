"""Do reframed exports still show the face the pick shows? Counts over clips and presets.

For each clip's pick (or its top ``--top`` candidates) every face of at least ``--min-face``
px (found by YuNet in the full-resolution picture, bars cut) is a target. The frame is
exported for each aspect-changing preset (YouTube, Reels, square), by today's reframing
(``core.export.render``: subjects kept, fit over a blurred fill when a crop cannot keep
them) and by the old centre crop (the frame scaled to cover the preset and cropped around
the main subject's centre, bars kept). A target counts as shown when YuNet finds a face in
the export overlapping (IoU >= 0.3) where the target went (in the whole export, or in that
region of it at the export's own resolution).

    python scripts/eval_reframe.py [CLIP_OR_FOLDER...] [--top 1] [--min-face 40] [--device cpu]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pick_common import clips, load_model, run
from thumbdesk.core import bars, reframe
from thumbdesk.core.decode import read_frame
from thumbdesk.core.export import plan_export, render
from thumbdesk.core.presets import PRESETS
from thumbdesk.ml.faces import FaceDetector

PRESET_NAMES = ("youtube", "reels", "square")
Box = tuple[float, float, float, float]


def iou(a: Box, b: Box) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def mapped(face: Box, planned: reframe.Reframe, frame: tuple[int, int], target: tuple[int, int]):
    """Where ``face`` (pixels of the full frame) lands in the export (pixels)."""
    x, y, w, h = face
    bx, by, bw, bh = planned.box
    tw, th = target
    if planned.mode == "fit":
        inside = min(tw / bw, th / bh)
        ox, oy = (tw - round(bw * inside)) // 2, (th - round(bh * inside)) // 2
        return ((x - bx) * inside + ox, (y - by) * inside + oy, w * inside, h * inside)
    sx, sy = tw / bw, th / bh
    return ((x - bx) * sx, (y - by) * sy, w * sx, h * sy)


def old_plan(frame: tuple[int, int], target: tuple[int, int], centre) -> reframe.Reframe:
    """The centre crop exports used before subject-aware reframing (bars kept)."""
    width, height = frame
    tw, th = target
    scale = max(tw / width, th / height)
    cw, ch = min(width, round(tw / scale)), min(height, round(th / scale))
    cx, cy = centre if centre is not None else (0.5, 0.5)
    left = round(min(max(cx * width - cw / 2, 0), width - cw))
    top = round(min(max(cy * height - ch / 2, 0), height - ch))
    return reframe.Reframe("crop", (left, top, cw, ch))


def _found(detector: FaceDetector, image, where: Box, origin: tuple[int, int]) -> bool:
    """A face YuNet finds in ``image`` (placed at ``origin`` of the export) overlaps ``where``."""
    height, width = image.shape[:2]
    for face in detector.detect(image):
        fx, fy, fw, fh = face.box
        box = (origin[0] + fx * width, origin[1] + fy * height, fw * width, fh * height)
        if iou(box, where) >= 0.3:
            return True
    return False


def shown(detector: FaceDetector, image, where: Box) -> bool:
    """YuNet finds a face where the target went: in the whole export, or in that region of it.

    On a whole 1080x1920 export the detector works on a 640 px copy, where a face fitted down
    to 50 px is 17 px and can go unseen although it is there; the region around ``where``
    (two face sizes each side) is searched at the export's own resolution as well.
    """
    if _found(detector, image, where, (0, 0)):
        return True
    height, width = image.shape[:2]
    x, y, w, h = where
    margin = 2 * max(w, h)
    x0, y0 = int(max(0, x - margin)), int(max(0, y - margin))
    x1, y1 = int(min(width, x + w + margin)), int(min(height, y + h + margin))
    return x1 > x0 and y1 > y0 and _found(detector, image[y0:y1, x0:x1], where, (x0, y0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*")
    parser.add_argument("--top", type=int, default=1)
    parser.add_argument("--min-face", type=float, default=40.0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    scorer = load_model(args.device)
    detector = FaceDetector()
    totals = {"new": [0, 0], "old": [0, 0]}
    modes: dict[str, int] = {}
    for clip in clips(args.clips):
        result = run(clip, scorer)
        for candidate in result.candidates[: args.top]:
            full = read_frame(clip, candidate.frame.index, result.frame_times_s or None)
            height, width = full.shape[:2]
            px, py, pw, ph = bars.pixel_box(result.picture_box, (width, height))
            picture = full[py : py + ph, px : px + pw]
            faces = [
                (f.box[0] * pw + px, f.box[1] * ph + py, f.box[2] * pw, f.box[3] * ph)
                for f in detector.detect(picture)
                if f.size_px >= args.min_face
            ]
            if not faces:
                continue
            subjects = reframe.subjects_of(candidate)
            centre = reframe.default_centre(candidate)
            for preset in PRESET_NAMES:
                size = PRESETS[preset].size
                assert size is not None
                new = plan_export(
                    (width, height),
                    preset,
                    centre,
                    picture_box=result.picture_box,
                    subjects=subjects,
                )
                new_image = render(
                    full, preset, centre, picture_box=result.picture_box, subjects=subjects
                )
                old = old_plan((width, height), size, candidate.topics.subject_centre)
                old_image = reframe.render(full, old, size)
                modes[new.mode] = modes.get(new.mode, 0) + 1
                for face in faces:
                    ok_new = shown(detector, new_image, mapped(face, new, (width, height), size))
                    ok_old = shown(detector, old_image, mapped(face, old, (width, height), size))
                    totals["new"][0] += ok_new
                    totals["old"][0] += ok_old
                    totals["new"][1] += 1
                    totals["old"][1] += 1
                    print(
                        f"{clip.name} t={candidate.frame.time_s:.2f}s {preset}: face "
                        f"{face[3]:.0f}px -> new {new.mode} {'shown' if ok_new else 'LOST'}, "
                        f"old centre crop {'shown' if ok_old else 'LOST'}",
                        flush=True,
                    )
    for name, (ok, n) in totals.items():
        label = "subject-aware reframe" if name == "new" else "old centre crop"
        print(f"{label}: {ok} of {n} reframed exports still show the face")
    print(f"modes: {modes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
