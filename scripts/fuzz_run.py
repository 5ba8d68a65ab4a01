"""The full fuzz run (``make fuzz``): every corpus file through the pipeline and the CLI.

Builds the corpus with ``scripts/make_fuzz_corpus.py`` in a temporary folder (or reuses
``--corpus DIR``), then runs each file twice, each time in its own child process with a
time bound that scales with the file's size:

* the pipeline API (``thumbdesk.core.pipeline.pick``, no model): it must return a result or
  raise a ``ThumbDeskError`` with a one-line message; anything else is a bug;
* the command line (``thumbdesk pick FILE -o thumb.jpg --json report.json``, with the model):
  exit 0 with both outputs, or a non-zero exit with exactly one ``thumbdesk: error:`` line,
  no traceback and no file (not even a ``.part``) left in the output folder.

Finally every file goes through one batch run (``--out-dir``) in a single process, which must
survive the whole corpus. Prints a table of outcomes per kind and lists every bug found;
exits non-zero if there is one.

    python scripts/fuzz_run.py [--corpus DIR] [--jobs N] [--sample N] [--results FILE.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fuzz_corpus import Entry, load_manifest, make_corpus

REPO = Path(__file__).resolve().parents[1]
BOUND_BASE_S = 20.0
BOUND_PER_MB_S = 10.0
CLI_EXTRA_S = 15.0
"""Model loading in the CLI, on top of the pipeline's bound."""

_CHILD = """
import json, sys
from thumbdesk.core.errors import ThumbDeskError
from thumbdesk.core.pipeline import pick
try:
    result = pick(sys.argv[1])
except ThumbDeskError as exc:
    out = {"outcome": type(exc).__name__, "message": str(exc)}
except BaseException as exc:
    out = {"outcome": "BUG " + type(exc).__name__, "message": repr(exc)[:300]}
else:
    out = {"outcome": "ok, warned" if result.warnings else "ok",
           "message": " | ".join(result.warnings)[:300]}
print("FUZZ-RESULT " + json.dumps(out))
"""


@dataclass
class Outcome:
    """What one corpus file did in one mode (pipeline or cli)."""

    file: str
    kind: str
    variant: str
    mode: str
    outcome: str
    message: str
    seconds: float
    bug: bool


def bound_s(path: Path, extra: float = 0.0) -> float:
    """Time bound for one file: a base plus a share per megabyte."""
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        size = 0
    return BOUND_BASE_S + BOUND_PER_MB_S * size / 1e6 + extra


def _run(
    cmd: Sequence[str], timeout: float, cwd: Path | None = None
) -> tuple[int | None, str, str]:
    """Run ``cmd`` in a new process group; on timeout kill the group and return rc None."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen(
        cmd,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        env=env,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            return None, out, err
        return proc.returncode, out, err


def _signal_name(rc: int) -> str:
    try:
        return signal.Signals(-rc).name
    except ValueError:
        return f"signal {-rc}"


def check_pipeline(path: Path, entry: Entry) -> Outcome:
    """Run ``pick`` on ``path`` in a child process and classify what happened."""
    started = time.perf_counter()
    limit = bound_s(path)
    rc, out, err = _run([sys.executable, "-c", _CHILD, str(path)], limit)
    seconds = time.perf_counter() - started
    line = next((x for x in out.splitlines() if x.startswith("FUZZ-RESULT ")), "")
    if rc is None:
        outcome, message = "HANG", f"killed after {limit:.0f}s"
    elif rc < 0:
        outcome, message = f"CRASH {_signal_name(rc)}", err.strip()[-200:]
    elif not line:
        outcome, message = f"CRASH exit {rc}", err.strip()[-200:]
    else:
        data = json.loads(line.removeprefix("FUZZ-RESULT "))
        outcome, message = data["outcome"], data["message"]
        if not outcome.startswith(("ok", "BUG")) and (not message or "\n" in message):
            outcome = "BUG unclear message"
    bug = outcome.startswith(("BUG", "CRASH", "HANG"))
    return Outcome(
        entry.file, entry.kind, entry.variant, "pipeline", outcome, message, seconds, bug
    )


def process_failure(rc: int | None, stderr: str, limit: float) -> tuple[str, str] | None:
    """The outcome of a process that hung, crashed or showed a traceback; None otherwise."""
    if rc is None:
        return "HANG", f"killed after {limit:.0f}s"
    if rc < 0:
        return f"CRASH {_signal_name(rc)}", stderr.strip()[-300:]
    if "Traceback (most recent call last)" in stderr:
        return "BUG traceback", stderr.strip()[-300:]
    return None


def classify_cli(rc: int | None, stderr: str, out_dir: Path, limit: float) -> tuple[str, str]:
    """Classify one ``thumbdesk pick`` run by its exit status, stderr and output folder."""
    left = sorted(p.name for p in out_dir.iterdir())
    errors = [x for x in stderr.splitlines() if x.startswith("thumbdesk: error:")]
    failure = process_failure(rc, stderr, limit)
    if failure:
        return failure
    if rc == 0:
        if left != ["report.json", "thumb.jpg"]:
            return "BUG ok without outputs", f"left {left}"
        import cv2

        if cv2.imread(str(out_dir / "thumb.jpg")) is None:
            return "BUG unreadable thumbnail", ""
        json.loads((out_dir / "report.json").read_text())
        return ("ok, warned" if "thumbdesk: warning:" in stderr else "ok"), ""
    if left:
        return "BUG output left behind", f"left {left}; {stderr.strip()[-200:]}"
    if "internal error" in stderr:
        return "BUG internal error", stderr.strip()[-300:]
    if len(errors) != 1:
        return "BUG unclear message", stderr.strip()[-300:]
    return f"error (exit {rc})", errors[0].removeprefix("thumbdesk: error: ")


def check_cli(path: Path, entry: Entry, work: Path) -> Outcome:
    """Run the ``thumbdesk pick`` command on ``path`` and classify what happened."""
    out_dir = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    limit = bound_s(path, CLI_EXTRA_S)
    cmd = [sys.executable, "-m", "thumbdesk", "pick", str(path), "-q"]
    cmd += ["-o", str(out_dir / "thumb.jpg"), "--json", str(out_dir / "report.json")]
    started = time.perf_counter()
    rc, _out, err = _run(cmd, limit, cwd=out_dir)
    seconds = time.perf_counter() - started
    outcome, message = classify_cli(rc, err, out_dir, limit)
    shutil.rmtree(out_dir, ignore_errors=True)
    bug = outcome.startswith(("BUG", "CRASH", "HANG"))
    return Outcome(entry.file, entry.kind, entry.variant, "cli", outcome, message, seconds, bug)


def check_batch(corpus: Path, entries: Sequence[Entry], work: Path) -> tuple[str, str]:
    """Run every file through one ``thumbdesk pick --out-dir`` process; it must survive."""
    out_dir = work / "batch"
    files = [str(corpus / e.file) for e in entries]
    limit = sum(bound_s(corpus / e.file) for e in entries) + CLI_EXTRA_S
    cmd = [sys.executable, "-m", "thumbdesk", "pick", "-q", "--out-dir", str(out_dir), *files]
    rc, out, err = _run(cmd, limit)
    last = out.strip().splitlines()[-1] if out.strip() else ""
    parts = [p.name for p in out_dir.glob("*.part")] + [p.name for p in out_dir.glob(".*")]
    failure = process_failure(rc, err, limit)
    if failure:
        return failure
    if parts:
        return "BUG temp files left", ", ".join(parts)
    return f"survived (exit {rc})", last


def table(outcomes: Iterable[Outcome], mode: str) -> str:
    """Kinds x outcomes table for one mode, as Markdown."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        if o.mode == mode:
            counts[o.kind][o.outcome] += 1
    columns = sorted({c for row in counts.values() for c in row}, key=lambda c: (c[0].isupper(), c))
    lines = [f"| {mode} | files | " + " | ".join(columns) + " |"]
    lines.append("|---|---:|" + "---:|" * len(columns))
    for kind, row in counts.items():
        cells = " | ".join(str(row.get(c, "")) for c in columns)
        lines.append(f"| {kind} | {sum(row.values())} | {cells} |")
    total = Counter[str]()
    for row in counts.values():
        total.update(row)
    cells = " | ".join(str(total.get(c, "")) for c in columns)
    lines.append(f"| **all** | {sum(total.values())} | {cells} |")
    return "\n".join(lines)


def run(corpus: Path, entries: Sequence[Entry], jobs: int, modes: Sequence[str]) -> list[Outcome]:
    """Check every entry in every mode, ``jobs`` children at a time; print bugs as found."""
    work = Path(tempfile.mkdtemp(prefix="thumbdesk-fuzz-out-"))
    tasks = [(e, m) for e in entries for m in modes]

    def one(task: tuple[Entry, str]) -> Outcome:
        entry, mode = task
        path = corpus / entry.file
        return check_pipeline(path, entry) if mode == "pipeline" else check_cli(path, entry, work)

    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for done, outcome in enumerate(pool.map(one, tasks), start=1):
            outcomes.append(outcome)
            if outcome.bug:
                print(f"  BUG {outcome.mode} {outcome.file}: {outcome.outcome}: {outcome.message}")
            if done % 25 == 0:
                print(f"  {done}/{len(tasks)} runs", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="reuse a corpus folder (else a temp one)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=0, help="only N files (stratified)")
    parser.add_argument("--kinds", default="", help="comma-separated kinds to run")
    parser.add_argument("--modes", default="pipeline,cli", help="pipeline,cli")
    parser.add_argument("--no-batch", action="store_true", help="skip the one-process batch run")
    parser.add_argument("--results", type=Path, help="write every outcome here as JSON")
    args = parser.parse_args()

    temp = None
    corpus = args.corpus
    if corpus is None or not (corpus / "manifest.json").exists():
        corpus = corpus or Path(tempfile.mkdtemp(prefix="thumbdesk-fuzz-"))
        temp = corpus if args.corpus is None else None
        print(f"building the corpus in {corpus} ...", flush=True)
        make_corpus(corpus)
    entries = load_manifest(corpus)
    if args.kinds:
        entries = [e for e in entries if e.kind in args.kinds.split(",")]
    if args.sample:
        entries = stratified(entries, args.sample)
    modes = [m for m in args.modes.split(",") if m]
    print(f"{len(entries)} files x {modes}, {args.jobs} at a time", flush=True)
    started = time.perf_counter()
    outcomes = run(corpus, entries, args.jobs, modes)
    batch = None
    if not args.no_batch and "cli" in modes:
        work = Path(tempfile.mkdtemp(prefix="thumbdesk-fuzz-batch-"))
        batch = check_batch(corpus, entries, work)
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started

    print()
    for mode in modes:
        print(table(outcomes, mode))
        print()
    if batch:
        print(f"batch run of all {len(entries)} files in one process: {batch[0]}: {batch[1]}")
    bugs = [o for o in outcomes if o.bug]
    slowest = max(outcomes, key=lambda o: o.seconds)
    print(
        f"{len(outcomes)} runs in {elapsed:.0f}s; slowest {slowest.seconds:.1f}s "
        f"({slowest.mode} {slowest.file}); {len(bugs)} bug(s)"
    )
    for o in bugs:
        print(f"  BUG {o.mode} {o.kind} {o.file}: {o.outcome}: {o.message}")
    if args.results:
        args.results.write_text(json.dumps([asdict(o) for o in outcomes], indent=1))
    if temp is not None:
        shutil.rmtree(temp, ignore_errors=True)
    batch_bad = batch is not None and not batch[0].startswith("survived")
    return 1 if bugs or batch_bad else 0


def stratified(entries: Sequence[Entry], n: int, seed: int = 6) -> list[Entry]:
    """About ``n`` entries with every kind represented (round-robin over kinds)."""
    by_kind: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_kind[e.kind].append(e)
    rng = random.Random(seed)
    for group in by_kind.values():
        rng.shuffle(group)
    picked: list[Entry] = []
    while len(picked) < n and any(by_kind.values()):
        for group in by_kind.values():
            if group and len(picked) < n:
                picked.append(group.pop())
    return picked


if __name__ == "__main__":
    sys.exit(main())
