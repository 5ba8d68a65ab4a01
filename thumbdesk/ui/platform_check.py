"""Check, before Qt loads, that a window can open on Linux; else say why in one line.

Qt aborts the whole process when its platform plugin cannot start ("could not load the Qt
platform plugin "xcb""), before any Python handler runs. On Linux the X11 plugin needs system
libraries that a desktop usually lacks (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, ...),
and it needs a reachable X display. This module tests both without importing Qt: ``ldd`` on the
plugin bundled with PySide6 lists the libraries the dynamic loader cannot find, mapped to their
Debian/Ubuntu packages, and libxcb itself tries the display. ``python -m
thumbdesk.ui.platform_check`` prints the missing packages on one line (``make run`` installs
them).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from thumbdesk.core.errors import ThumbDeskError

DEBIAN_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    # what those load in turn (present on any desktop, listed so that the line is complete)
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libpcre2-8.so.0": "libpcre2-8-0",
    "libpng16.so.16": "libpng16-16",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libexpat.so.1": "libexpat1",
    "libbsd.so.0": "libbsd0",
    "libmd.so.0": "libmd0",
    "libsystemd.so.0": "libsystemd0",
    "libcap.so.2": "libcap2",
    "libgcrypt.so.20": "libgcrypt20",
    "libgpg-error.so.0": "libgpg-error0",
    "liblzma.so.5": "liblzma5",
    "liblz4.so.1": "liblz4-1",
}
"""Shared libraries Qt's xcb plugin loads, by soname, and the Debian/Ubuntu package of each.

Covers every library outside Qt itself and the C/C++ runtime that ``ldd`` lists for the
plugin of the pinned PySide6 (a test keeps the table complete)."""


def xcb_plugin() -> Path | None:
    """The xcb platform plugin inside the installed PySide6, if there is one."""
    spec = importlib.util.find_spec("PySide6")
    for root in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(root) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def linked_libraries(library: Path) -> dict[str, bool]:
    """Every shared library ``library`` loads (recursively), by soname: found or not.

    Empty where ``ldd`` is missing (not a glibc system) or fails.
    """
    ldd = shutil.which("ldd")
    if ldd is None:
        return {}
    try:
        out = subprocess.run(
            [ldd, str(library)], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, bool] = {}
    for line in out.splitlines():
        name, arrow, where = line.strip().partition(" => ")
        if arrow:
            found[name] = found.get(name, True) and where.strip() != "not found"
    return found


def missing_libraries(plugin: Path | None = None) -> list[str]:
    """Sonames the xcb plugin needs that this system lacks (sorted; empty when all there)."""
    plugin = plugin or xcb_plugin()
    if plugin is None:
        return []
    return sorted(name for name, ok in linked_libraries(plugin).items() if not ok)


def packages_for(sonames: list[str]) -> list[str]:
    """Debian/Ubuntu packages that provide ``sonames`` (unknown names are kept as they are)."""
    return sorted({DEBIAN_PACKAGES.get(name, name) for name in sonames})


def _platform() -> str:
    """The platform plugin Qt will try first, from QT_QPA_PLATFORM and the session."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    return "wayland" if os.environ.get("WAYLAND_DISPLAY") else "xcb"


def _x_display_error(display: str) -> str | None:
    """Why libxcb cannot connect to ``display``, or None if it can (or cannot tell)."""
    name = ctypes.util.find_library("xcb")
    if name is None:
        return None
    try:
        xcb = ctypes.CDLL(name)
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    code = xcb.xcb_connection_has_error(conn)
    xcb.xcb_disconnect(conn)
    return f"the X display {display!r} cannot be reached (xcb error {code})" if code else None


def check_window_platform() -> None:
    """Raise ThumbDeskError (one line) when Qt could not open a window here; else return.

    Only Linux with the xcb platform is checked: Windows and macOS wheels carry everything,
    and offscreen/minimal/wayland do not need the X libraries.
    """
    if not sys.platform.startswith("linux"):
        return
    if not os.environ.get("QT_QPA_PLATFORM") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise ThumbDeskError(
            "no screen to open the window on (DISPLAY is not set); on a machine without a "
            "desktop use `thumbdesk pick VIDEO`, or set QT_QPA_PLATFORM=offscreen"
        )
    if _platform() != "xcb":
        return
    missing = missing_libraries()
    if missing:
        raise ThumbDeskError(
            "Qt's X11 (xcb) plugin cannot load: " + ", ".join(missing) + " missing; install "
            "them with: sudo apt-get install " + " ".join(packages_for(missing))
        )
    display = os.environ.get("DISPLAY")
    if not display:
        raise ThumbDeskError(
            "no screen to open the window on (QT_QPA_PLATFORM=xcb but DISPLAY is not set)"
        )
    reason = _x_display_error(display)
    if reason:
        raise ThumbDeskError(f"no screen to open the window on: {reason}")


if __name__ == "__main__":
    # For `make run`: the packages to install, space-separated (empty line when none).
    print(" ".join(packages_for(missing_libraries())))
