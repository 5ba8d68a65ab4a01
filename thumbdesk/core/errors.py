"""Errors a creator may see: each carries a one-line message fit to show as it is."""

from __future__ import annotations


class ThumbDeskError(Exception):
    """Base of every error ThumbDesk reports to a person (CLI line or dialog)."""


class VideoError(ThumbDeskError):
    """The file is missing, not a video, unreadable, truncated or has no decodable frame."""


class ExportError(ThumbDeskError):
    """A thumbnail could not be written (folder read-only, disk full, file exists...)."""


class ModelError(ThumbDeskError):
    """A bundled model file is missing or corrupt, or the requested device is absent."""


class TopicsError(ThumbDeskError):
    """A topic list file could not be read or holds no usable topic."""


class Cancelled(ThumbDeskError):  # noqa: N818 - reads as what happened
    """The run was cancelled by the caller between two stages."""
