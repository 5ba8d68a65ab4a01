"""The window's start-up check: one clear line instead of Qt aborting on Linux."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys

import pytest

from thumbdesk.ui import platform_check

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the xcb plugin exists on Linux only"
)

# Libraries of Qt itself, ICU (bundled with PySide6) and the C/C++ runtime: never missing.
_RUNTIME = ("libQt6", "libicu", "libc.", "libm.", "libstdc++", "libgcc_s", "libpthread", "libdl")


def _thumbdesk(**env_changes: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-m", "thumbdesk"], capture_output=True, text=True, timeout=60, env=env
    )


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("thumbdesk: error:"), proc.stderr
    return lines[0]


def test_every_library_of_the_xcb_plugin_has_a_debian_package():
    plugin = platform_check.xcb_plugin()
    assert plugin is not None, "PySide6 ships libqxcb.so on Linux"
    linked = platform_check.linked_libraries(plugin)
    assert "libxcb.so.1" in linked, linked  # ldd ran and listed the plugin's libraries
    system = [name for name in linked if not name.startswith(_RUNTIME) and "ld-linux" not in name]
    unmapped = [name for name in system if name not in platform_check.DEBIAN_PACKAGES]
    assert unmapped == [], f"add the Debian packages of {unmapped} to DEBIAN_PACKAGES"


def test_xcb_window_without_libraries_or_display_is_one_clear_line():
    """QT_QPA_PLATFORM=xcb and an X display nobody serves: Qt would abort; we say why."""
    line = _one_error_line(_thumbdesk(QT_QPA_PLATFORM="xcb", DISPLAY=":93"))
    missing = platform_check.missing_libraries()
    if missing:  # this machine lacks some of the libraries: the line names their packages
        assert "sudo apt-get install" in line
        assert all(pkg in line for pkg in platform_check.packages_for(missing)), line
    else:
        assert "':93' cannot be reached" in line


def test_xcb_without_display_is_one_clear_line():
    line = _one_error_line(_thumbdesk(QT_QPA_PLATFORM="xcb"))
    assert "apt-get install" in line or "DISPLAY is not set" in line


@pytest.mark.skipif(ctypes.util.find_library("xcb") is None, reason="no libxcb here")
def test_an_unserved_x_display_is_detected_through_libxcb():
    reason = platform_check._x_display_error(":93")
    assert reason is not None
    assert "cannot be reached" in reason


def test_make_run_helper_prints_the_missing_packages():
    proc = subprocess.run(
        [sys.executable, "-m", "thumbdesk.ui.platform_check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    expected = " ".join(platform_check.packages_for(platform_check.missing_libraries()))
    assert proc.stdout.strip() == expected
