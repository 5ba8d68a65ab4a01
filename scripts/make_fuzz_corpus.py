"""Build the fuzz corpus of hostile inputs from the real clips in ../shared/videos.

Every file is derived from the real clips (or is a plain non-video file) and written to a
folder you name (a temporary folder by default): nothing here is ever committed. A
``manifest.json`` next to the files lists each one with its kind, so ``scripts/fuzz_run.py``
can tabulate outcomes per kind. Deterministic: the same seed gives the same corpus.

Kinds: truncated, flip_header, flip_stream, wrong_ext, zero_length, not_video, audio_only,
no_frames, absurd_meta (MP4 box fields and Y4M headers patched), special (FIFO, device,
folder, dangling link), spliced.

    python scripts/make_fuzz_corpus.py OUT_DIR [--videos DIR] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VIDEOS = REPO / ".." / "shared" / "videos"
TRUNCATE_AT = (0.002, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99)


@dataclass(frozen=True)
class Entry:
    """One corpus file: its name in the corpus folder, kind, variant and source clip."""

    file: str
    kind: str
    variant: str
    source: str = ""


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly; raise CalledProcessError on failure."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        stdin=subprocess.DEVNULL,
    )


# --- MP4 box surgery -------------------------------------------------------------------------

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"udta"}


def iter_boxes(
    data: bytes | bytearray, start: int = 0, end: int | None = None
) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, offset, size) of the boxes between ``start`` and ``end``."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, pos, size
        pos += size


def find_box(data: bytes | bytearray, path: str, track: str = "vide") -> tuple[int, int] | None:
    """Offset and size of the box at ``path`` ("moov/trak/mdia/mdhd"), in the ``track`` trak."""
    parts = [p.encode() for p in path.split("/")]

    def walk(start: int, end: int, depth: int) -> tuple[int, int] | None:
        for kind, offset, size in iter_boxes(data, start, end):
            if kind != parts[depth]:
                continue
            if depth == len(parts) - 1:
                return offset, size
            if kind == b"trak" and handler(offset, size) != track:
                continue
            found = walk(offset + 8, offset + size, depth + 1)
            if found:
                return found
        return None

    def handler(offset: int, size: int) -> str:
        trak = data[offset : offset + size]
        at = trak.find(b"hdlr")
        return trak[at + 12 : at + 16].decode("latin1") if at >= 0 else ""

    return walk(0, len(data), 0)


def _patch(field_path: str, rel: int, fmt: str, value: int) -> Callable[[bytearray], bool]:
    """A patch writing ``value`` at ``rel`` bytes into the payload of box ``field_path``."""

    def apply(data: bytearray) -> bool:
        found = find_box(data, field_path)
        if not found:
            return False
        offset, _size = found
        struct.pack_into(fmt, data, offset + 8 + rel, value)
        return True

    return apply


def _table(
    field_path: str, first: int, stride: int, fmt: str, value: int
) -> Callable[[bytearray], bool]:
    """A patch writing ``value`` into every entry of a sample table (stts, stsz, stco)."""

    def apply(data: bytearray) -> bool:
        found = find_box(data, field_path)
        if not found:
            return False
        offset, size = found
        pos = offset + 8 + first
        while pos + struct.calcsize(fmt) <= offset + size:
            struct.pack_into(fmt, data, pos, value)
            pos += stride
        return True

    return apply


def _matrix(data: bytearray) -> bool:
    found = find_box(data, "moov/trak/tkhd")
    if not found:
        return False
    version = data[found[0] + 8]
    matrix_at = found[0] + 8 + (52 if version == 1 else 40)
    struct.pack_into(">9i", data, matrix_at, 12345, -777, 0, 99999, 3, 0, 7, 7, 1 << 30)
    return True


def _dims(
    field_path: str, rel: int, width: int, height: int, fmt: str
) -> Callable[[bytearray], bool]:
    def apply(data: bytearray) -> bool:
        found = find_box(data, field_path)
        if not found:
            return False
        struct.pack_into(fmt, data, found[0] + 8 + rel, width, height)
        return True

    return apply


STBL = "moov/trak/mdia/minf/stbl"
# (name, patch). Offsets assume version-0 boxes, which every clip here uses. tkhd: width and
# height are 16.16 fixed point at payload offset 76; avc1 sample entry: width and height 32
# bytes into the entry, which starts 8 bytes into the stsd payload.
MP4_PATCHES: tuple[tuple[str, Callable[[bytearray], bool]], ...] = (
    ("mvhd_timescale_0", _patch("moov/mvhd", 12, ">I", 0)),
    ("mvhd_duration_negative", _patch("moov/mvhd", 16, ">i", -1000)),
    ("mdhd_timescale_0", _patch("moov/trak/mdia/mdhd", 12, ">I", 0)),
    ("mdhd_duration_negative", _patch("moov/trak/mdia/mdhd", 16, ">i", -5)),
    ("tkhd_size_huge", _dims("moov/trak/tkhd", 76, 65535 << 16, 65535 << 16, ">II")),
    ("stsd_size_huge", _dims(f"{STBL}/stsd", 8 + 32, 65535, 65535, ">HH")),
    ("stsd_size_zero", _dims(f"{STBL}/stsd", 8 + 32, 0, 0, ">HH")),
    ("stts_delta_0", _table(f"{STBL}/stts", 12, 8, ">I", 0)),
    ("stts_delta_huge", _table(f"{STBL}/stts", 12, 8, ">I", 0x7FFFFFFF)),
    ("stsz_huge", _table(f"{STBL}/stsz", 12, 4, ">I", 0x7FFFFFF0)),
    ("stsz_count_huge", _patch(f"{STBL}/stsz", 8, ">I", 0x0FFFFFFF)),
    ("stco_past_end", _table(f"{STBL}/stco", 8, 4, ">I", 0x7FFFFFF0)),
    ("tkhd_matrix_garbage", _matrix),
)

Y4M_HEADERS = {
    "y4m_fps_0": "F0:1",
    "y4m_fps_div0": "F30:0",
    "y4m_fps_negative": "F-30:1",
    "y4m_size_huge": "W99999 H99999",
    "y4m_size_zero": "W0 H0",
    "y4m_size_negative": "W-64 H-36",
}


# --- the corpus ------------------------------------------------------------------------------


class Corpus:
    """Writes corpus files into ``out`` and remembers their manifest entries."""

    def __init__(self, out: Path, videos: Path, seed: int) -> None:
        self.out = out
        self.videos = videos
        self.rng = random.Random(seed)
        self.entries: list[Entry] = []
        self.work = Path(tempfile.mkdtemp(prefix="fuzzwork-"))
        clips = sorted(videos.glob("*.mp4")) + sorted(videos.glob("*.webm"))
        if not clips:
            raise SystemExit(f"no clips in {videos}")
        self.clips = clips
        self.mp4s = [c for c in clips if c.suffix == ".mp4"]

    def add(self, name: str, kind: str, variant: str, source: Path | None, data: bytes) -> None:
        (self.out / name).write_bytes(data)
        self.entries.append(Entry(name, kind, variant, source.name if source else ""))

    def faststart(self, clip: Path) -> Path:
        """A copy of ``clip`` with its index (moov) first, so a cut keeps the index."""
        if clip.suffix != ".mp4":
            return clip
        dest = self.work / f"fs_{clip.name}"
        if not dest.exists():
            ffmpeg("-i", str(clip), "-c", "copy", "-map", "0", "-movflags", "+faststart", str(dest))
        return dest

    def truncated(self) -> None:
        for clip in self.clips:
            data = self.faststart(clip).read_bytes()
            for frac in TRUNCATE_AT:
                name = f"trunc_{clip.stem}_{frac:g}{clip.suffix}"
                self.add(
                    name, "truncated", f"faststart at {frac:g}", clip, data[: int(len(data) * frac)]
                )
        for clip in self.mp4s:  # index at the end: a cut loses it
            data = clip.read_bytes()
            for frac in (0.5, 0.99):
                name = f"trunc_moovlast_{clip.stem}_{frac:g}.mp4"
                self.add(
                    name,
                    "truncated",
                    f"index last, at {frac:g}",
                    clip,
                    data[: int(len(data) * frac)],
                )

    def _flip(self, data: bytes, lo: int, hi: int, count: int) -> bytes:
        buf = bytearray(data)
        for _ in range(count):
            at = self.rng.randrange(lo, max(lo + 1, min(hi, len(buf))))
            buf[at] ^= (
                1 << self.rng.randrange(8)
                if self.rng.random() < 0.5
                else self.rng.randrange(1, 256)
            )
        return bytes(buf)

    def _regions(self, data: bytes, clip: Path) -> tuple[tuple[int, int], tuple[int, int]]:
        """(header region, stream region) byte ranges of a clip."""
        if clip.suffix != ".mp4":
            return (0, 4096), (len(data) // 10, len(data))
        moov = find_box(data, "moov")
        mdat = find_box(data, "mdat")
        assert moov and mdat
        return (moov[0], moov[0] + moov[1]), (mdat[0] + 16, mdat[0] + mdat[1])

    def flipped(self) -> None:
        for clip in self.clips:
            data = clip.read_bytes()
            header, stream = self._regions(data, clip)
            for seed, count in enumerate((1, 8, 64)):
                name = f"fliphdr_{clip.stem}_{count}{clip.suffix}"
                self.add(
                    name, "flip_header", f"{count} bytes", clip, self._flip(data, *header, count)
                )
                dense = count * 40
                name = f"flipstream_{clip.stem}_{dense}{clip.suffix}"
                self.add(
                    name, "flip_stream", f"{dense} bytes", clip, self._flip(data, *stream, dense)
                )
                del seed

    def wrong_ext(self) -> None:
        others = [".webm", ".mkv", ".avi", ".mov", ".mp4", ".ts", ".MP4", "", ".mpg"]
        for clip, wanted in zip(self.clips, others, strict=False):
            suffix = ".mkv" if wanted.lower() == clip.suffix else wanted
            self.add(
                f"ext_{clip.stem}{suffix}",
                "wrong_ext",
                f"{clip.suffix}->{suffix or 'none'}",
                clip,
                clip.read_bytes(),
            )

    def zero_length(self) -> None:
        for suffix in (".mp4", ".webm", ".mov", ".mkv", ".avi"):
            self.add(f"empty{suffix}", "zero_length", suffix, None, b"")

    def not_video(self) -> None:
        text = (
            (self.videos / "SOURCES.md").read_bytes()
            if (self.videos / "SOURCES.md").exists()
            else b"# notes\n"
        )
        frame = self.work / "frame.png"
        ffmpeg("-i", str(self.clips[0]), "-frames:v", "1", str(frame))
        jpeg = self.work / "frame.jpg"
        ffmpeg("-i", str(self.clips[0]), "-frames:v", "1", str(jpeg))
        gif = self.work / "anim.gif"
        ffmpeg("-t", "1", "-i", str(self.clips[0]), "-vf", "scale=160:-2,fps=5", str(gif))
        items = {
            "text_sources.mp4": ("markdown", text),
            "text_lorem.mov": ("plain text", b"Lorem ipsum dolor sit amet.\n" * 200),
            "text_json.webm": ("json", json.dumps({"video": True, "fps": 0}).encode()),
            "text_html.mkv": ("html", b"<!doctype html><html><body>video</body></html>\n"),
            "text_python.mp4": ("python", Path(__file__).read_bytes()),
            "image_png.mp4": ("png frame", frame.read_bytes()),
            "image_jpeg.mp4": ("jpeg frame", jpeg.read_bytes()),
            "image_gif.mp4": ("animated gif", gif.read_bytes()),
            "binary_elf.mp4": ("executable", Path(sys.executable).resolve().read_bytes()[:200_000]),
            "random_1k.mp4": ("random 1 KB", self.rng.randbytes(1024)),
            "random_1m.webm": ("random 1 MB", self.rng.randbytes(1 << 20)),
            "zeros_1m.mp4": ("1 MB of zeros", bytes(1 << 20)),
            "one_byte.mp4": ("1 byte", b"\x00"),
            "ftyp_only.mp4": ("ftyp box only", self.clips[0].read_bytes()[:32]),
        }
        for name, (variant, data) in items.items():
            self.add(name, "not_video", variant, None, data)

    def audio_only(self) -> None:
        for clip, suffix in zip(
            self.clips, (".mp4", ".mp4", ".mkv", ".mp4", ".mov", ".mp4", ".webm"), strict=False
        ):
            probe = subprocess.run(
                [
                    "ffprobe",
                    "-v",
                    "error",
                    "-select_streams",
                    "a",
                    "-show_entries",
                    "stream=codec_name",
                    "-of",
                    "csv=p=0",
                    str(clip),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if not probe.stdout.strip():
                continue
            codec = probe.stdout.split()[0].strip(",")
            container = ".mkv" if suffix == ".webm" and codec != "vorbis" else suffix
            dest = self.out / f"audio_{clip.stem}{container}"
            ffmpeg("-i", str(clip), "-vn", "-c:a", "copy", str(dest))
            self.entries.append(
                Entry(dest.name, "audio_only", f"{codec} in {container}", clip.name)
            )
        dest = self.out / "audio_sine_wav.mp4"
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-f", "wav", str(dest))
        self.entries.append(Entry(dest.name, "audio_only", "wav renamed .mp4"))

    def no_frames(self) -> None:
        for i, clip in enumerate(self.mp4s[:4]):
            data = bytearray(clip.read_bytes())
            _header, (lo, hi) = self._regions(bytes(data), clip)
            if i % 2:
                data[lo:hi] = self.rng.randbytes(hi - lo)
                variant = "mdat random"
            else:
                data[lo:hi] = bytes(hi - lo)
                variant = "mdat zeroed"
            self.add(f"noframes_{clip.stem}.mp4", "no_frames", variant, clip, bytes(data))
        for clip in (*self.mp4s[:3], self.clips[-1]):
            dest = self.out / f"nokey_{clip.stem}{clip.suffix}"
            ffmpeg(
                "-i", str(clip), "-map", "0:v", "-c", "copy", "-bsf:v", "noise=drop=key", str(dest)
            )
            self.entries.append(Entry(dest.name, "no_frames", "keyframes dropped", clip.name))
        for clip in self.mp4s[4:6]:
            dest = self.out / f"noise_{clip.stem}.mkv"
            ffmpeg(
                "-i", str(clip), "-map", "0:v", "-c", "copy", "-bsf:v", "noise=amount=2", str(dest)
            )
            self.entries.append(Entry(dest.name, "no_frames", "every packet noised", clip.name))

    def absurd_meta(self) -> None:
        for i, (name, patch) in enumerate(MP4_PATCHES):
            for clip in (self.mp4s[i % len(self.mp4s)], self.mp4s[(i + 3) % len(self.mp4s)]):
                data = bytearray(clip.read_bytes())
                if patch(data):
                    self.add(f"meta_{name}_{clip.stem}.mp4", "absurd_meta", name, clip, bytes(data))
        y4m = self.work / "small.y4m"
        ffmpeg(
            "-i",
            str(self.clips[0]),
            "-t",
            "0.5",
            "-vf",
            "scale=64:36",
            "-pix_fmt",
            "yuv420p",
            "-f",
            "yuv4mpegpipe",
            str(y4m),
        )
        raw = y4m.read_bytes()
        line_end = raw.index(b"\n")
        header = raw[:line_end].decode().split(" ")
        for name, fields in Y4M_HEADERS.items():
            patched = list(header)
            for field in fields.split():
                patched = [field if part[0] == field[0] else part for part in patched]
            y4m_data = " ".join(patched).encode() + raw[line_end:]
            self.add(f"meta_{name}.y4m", "absurd_meta", name, self.clips[0], y4m_data)

    def special(self) -> None:
        fifo = self.out / "special_fifo.mp4"
        os.mkfifo(fifo)
        self.entries.append(Entry(fifo.name, "special", "named pipe, no writer"))
        for name, target, variant in (
            ("special_devzero.mp4", "/dev/zero", "link to /dev/zero"),
            ("special_dangling.mp4", str(self.out / "missing.mp4"), "dangling link"),
        ):
            (self.out / name).symlink_to(target)
            self.entries.append(Entry(name, "special", variant))
        (self.out / "special_folder.mp4").mkdir()
        self.entries.append(Entry("special_folder.mp4", "special", "a folder named .mp4"))

    def spliced(self) -> None:
        a, b = self.mp4s[0].read_bytes(), self.clips[-1].read_bytes()
        pieces = {
            "splice_mp4_webm.mp4": ("half mp4 + half webm", a[: len(a) // 2] + b[len(b) // 2 :]),
            "splice_webm_mp4.webm": ("half webm + half mp4", b[: len(b) // 2] + a[len(a) // 2 :]),
            "splice_twice.mp4": ("clip bytes twice", a + a),
            "splice_tail_garbage.mp4": ("clip + 100 KB garbage", a + self.rng.randbytes(100_000)),
            "splice_head_garbage.mp4": ("100 KB garbage + clip", self.rng.randbytes(100_000) + a),
        }
        for name, (variant, data) in pieces.items():
            self.add(name, "spliced", variant, self.mp4s[0], data)

    def build(self) -> list[Entry]:
        try:
            for step in (
                self.truncated,
                self.flipped,
                self.wrong_ext,
                self.zero_length,
                self.not_video,
                self.audio_only,
                self.no_frames,
                self.absurd_meta,
                self.special,
                self.spliced,
            ):
                step()
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        (self.out / "manifest.json").write_text(
            json.dumps([asdict(e) for e in self.entries], indent=1)
        )
        return self.entries


def make_corpus(out: Path, videos: Path = DEFAULT_VIDEOS, seed: int = 6) -> list[Entry]:
    """Write the corpus into ``out`` (created, must be empty) and return its entries."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    return Corpus(out, videos.resolve(), seed).build()


def load_manifest(folder: Path) -> list[Entry]:
    """Read back the entries of a corpus folder."""
    return [Entry(**item) for item in json.loads((folder / "manifest.json").read_text())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", help="folder to fill (default: a temp folder)")
    parser.add_argument("--videos", type=Path, default=DEFAULT_VIDEOS)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="thumbdesk-fuzz-"))
    entries = make_corpus(out, args.videos, args.seed)
    kinds: dict[str, int] = {}
    for entry in entries:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    print(f"{len(entries)} files in {out}: " + ", ".join(f"{k} {n}" for k, n in kinds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
