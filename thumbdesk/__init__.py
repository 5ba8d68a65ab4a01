"""ThumbDesk: pick the thumbnail viewers click, from a short video, offline."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("thumbdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
