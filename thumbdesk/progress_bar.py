"""A one-line progress bar for the command line, drawn only when stderr is a terminal."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO


class TerminalProgress:
    """Redraw ``name [#####.....] 45% stage`` in place on a terminal; silent otherwise."""

    def __init__(self, name: str, enabled: bool = True, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.name = name
        self._last = ""

    def update(self, fraction: float, stage: str) -> None:
        """Show ``fraction`` (0..1) done, in ``stage``."""
        if not self.enabled:
            return
        width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 40))
        done = round(max(0.0, min(1.0, fraction)) * width)
        line = f"{self.name[:24]} [{'#' * done}{'.' * (width - done)}] {fraction:4.0%} {stage}"
        if line != self._last:
            self.stream.write("\r" + line.ljust(len(self._last)))
            self.stream.flush()
            self._last = line

    def finish(self) -> None:
        """Clear the bar so the next line starts clean."""
        if self.enabled and self._last:
            self.stream.write("\r" + " " * len(self._last) + "\r")
            self.stream.flush()
            self._last = ""
