"""How the window runs work in the background: the one thin layer over superqt's workers.

This module is the machinery (threads, signals, cancellation, shutdown) and knows nothing of
what the work is; the work itself, plain functions with no Qt threading in them, is in
``ui/jobs.py``.

``PipelineRunner`` runs ``core.pipeline.run_pipeline`` (a plain generator) in a superqt
``GeneratorWorker``; every event carries the generation it was started with, so a cancelled or
superseded run can never show its stale results (napari's histogram worker does the same).
``run_task`` runs any function in a ``FunctionWorker`` and routes its errors to a callback
(by default the error dialog). ``shutdown`` asks every worker to quit and waits, on quit.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from thumbdesk import crash
from thumbdesk.core.errors import ThumbDeskError
from thumbdesk.core.model_api import FrameScorer
from thumbdesk.core.types import PartialCandidates, PipelineConfig, PipelineResult, Progress, Topic

if TYPE_CHECKING:
    # superqt imports every one of its widgets on first import (~0.4 s): it is imported when
    # the first worker starts, after the window is on screen.
    from superqt.utils import FunctionWorker, GeneratorWorker, WorkerBase

logger = logging.getLogger(__name__)

ErrorCallback = Callable[[str, str], object]
"""Receives (one-line message for a person, full details)."""


def describe_error(exc: BaseException) -> tuple[str, str]:
    """Split an exception into a clear one-line message and copyable details."""
    details = crash.format_details(type(exc), exc, exc.__traceback__)
    if isinstance(exc, ThumbDeskError):
        return str(exc), details
    return f"Unexpected error ({type(exc).__name__}): {exc}", details


# Workers started here and not finished yet; superqt also tracks them, but we keep our own
# references so the Python wrappers outlive the Qt signals they emit.
_live: set[WorkerBase] = set()


def _track(worker: WorkerBase) -> None:
    _live.add(worker)
    worker.finished.connect(partial(_live.discard, worker))


def run_task(
    func: Callable[..., Any],
    *args: Any,
    on_result: Callable[[Any], None] | None = None,
    on_error: ErrorCallback | None = None,
    on_finished: Callable[..., None] | None = None,
    **kwargs: Any,
) -> FunctionWorker:
    """Run ``func(*args, **kwargs)`` in a worker thread; results and errors come back here."""
    from superqt.utils import FunctionWorker, create_worker

    worker = create_worker(func, *args, _start_thread=False, _ignore_errors=True, **kwargs)
    assert isinstance(worker, FunctionWorker)
    if on_result is not None:
        worker.returned.connect(on_result)

    def errored(exc: Exception) -> None:
        message, details = describe_error(exc)
        logger.error("background task %s failed: %s", getattr(func, "__name__", func), message)
        if on_error is not None:
            on_error(message, details)

    worker.errored.connect(errored)
    if on_finished is not None:
        worker.finished.connect(on_finished)
    _track(worker)
    worker.start()
    return worker


def active_workers() -> int:
    """Workers started here that have not finished."""
    return len(_live)


def shutdown(timeout_ms: int = 10_000) -> bool:
    """Ask every worker to quit at its next cancel point and wait; True if all ended."""
    for worker in list(_live):
        worker.quit()
    if "superqt.utils" not in sys.modules:
        return True  # no worker was ever started
    from superqt.utils import WorkerBase

    try:
        WorkerBase.await_workers(timeout_ms)
    except RuntimeError:
        logger.warning("some workers did not stop within %d ms", timeout_ms)
        return False
    return QThreadPool.globalInstance().activeThreadCount() == 0


class PipelineRunner(QObject):
    """Runs one pipeline at a time; a new run or a cancel makes the old one's events stale."""

    progress = Signal(str, float, str)
    """Stage name, overall fraction in [0, 1], message."""
    partial = Signal(object)
    """tuple[Candidate, ...] known so far."""
    done = Signal(object)
    """The PipelineResult of the current run."""
    failed = Signal(str, str)
    """Message and details of the current run's error."""
    cancelled = Signal()
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._worker: GeneratorWorker | None = None
        self._busy = False

    @property
    def generation(self) -> int:
        """Counter bumped by every start and cancel; events of older generations are dropped."""
        return self._generation

    @property
    def busy(self) -> bool:
        """Whether the current generation is still running."""
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def start(
        self,
        path: str,
        config: PipelineConfig,
        scorer: FrameScorer | None,
        topics: Sequence[Topic],
    ) -> int:
        """Cancel any current run and start a new one; return its generation."""
        from superqt.utils import GeneratorWorker, create_worker

        from thumbdesk.core.pipeline import run_pipeline

        self._abort_current()
        self._generation += 1
        gen = self._generation
        worker = create_worker(
            run_pipeline,
            path,
            config=config,
            scorer=scorer,
            topics=tuple(topics),
            _start_thread=False,
            _ignore_errors=True,
        )
        assert isinstance(worker, GeneratorWorker)
        worker.yielded.connect(partial(self._on_event, gen))
        worker.returned.connect(partial(self._on_returned, gen))
        worker.errored.connect(partial(self._on_error, gen))
        worker.finished.connect(partial(self._on_finished, gen))
        self._worker = worker
        _track(worker)
        logger.info("run %d: %s (scorer: %s)", gen, path, "yes" if scorer else "none")
        self._set_busy(True)
        worker.start()
        return gen

    def _abort_current(self) -> None:
        if self._worker is not None:
            self._worker.quit()
            self._worker = None

    def cancel(self) -> None:
        """Stop the current run at its next cancel point; its events are dropped from now."""
        if not self._busy:
            return
        logger.info("run %d cancelled", self._generation)
        self._abort_current()
        self._generation += 1
        self._set_busy(False)
        self.cancelled.emit()

    def _on_event(self, gen: int, event: object) -> None:
        if gen != self._generation:
            return
        if isinstance(event, Progress):
            self.progress.emit(event.stage, float(event.fraction), event.message)
        elif isinstance(event, PartialCandidates):
            self.partial.emit(tuple(event.candidates))

    def _on_returned(self, gen: int, result: object) -> None:
        if gen != self._generation:
            logger.debug("dropping the result of stale run %d", gen)
            return
        assert isinstance(result, PipelineResult)
        self._worker = None
        self._set_busy(False)
        self.done.emit(result)

    def _on_error(self, gen: int, exc: Exception) -> None:
        message, details = describe_error(exc)
        if gen != self._generation:
            logger.debug("stale run %d failed: %s", gen, message)
            return
        self._worker = None
        self._set_busy(False)
        self.failed.emit(message, details)

    def _on_finished(self, gen: int) -> None:
        if gen == self._generation and self._busy:  # aborted without returning
            self._worker = None
            self._set_busy(False)
