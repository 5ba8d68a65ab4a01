#!/usr/bin/env bash
# Build the one-folder ThumbDesk app with PyInstaller (see packaging/README.md).
#
#   bash packaging/build.sh [cpu|cpu-torch|cuda]     (make package = the cpu flavour)
#
# Uses its own venv, build/venv-<flavour>, so the dev venv (.venv) is never touched. The
# project is installed there as a wheel (not editable), so resources/ and models/ are the
# packages thumbdesk.resources / thumbdesk.models, exactly as for a user install.
# Output: dist/ThumbDesk (cpu) or dist/<flavour>/ThumbDesk. Then: bash packaging/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FLAVOUR=${1:-${THUMBDESK_FLAVOUR:-cpu}}
PYTHON=${PYTHON:-python3}
case "$FLAVOUR" in
    cpu) DIST=dist ;;
    cpu-torch | cuda) DIST=dist/$FLAVOUR ;;
    *) echo "usage: $0 [cpu|cpu-torch|cuda]" >&2; exit 2 ;;
esac
VENV=build/venv-$FLAVOUR
started=$(date +%s)

# 1. The build venv: pyproject's runtime dependencies and its "package" extra (pyinstaller),
#    plus torch for cpu-torch (the CPU-only wheel) and cuda (the "cuda" extra's pinned build).
requirements=$("$PYTHON" - "$FLAVOUR" <<'EOF'
import sys, tomllib
flavour = sys.argv[1]
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
extras = project["optional-dependencies"]
out = list(project["dependencies"]) + list(extras["package"])
if flavour == "cpu-torch":
    out.append("torch==2.13.0")  # the CPU-only wheel (no CUDA libraries)
elif flavour == "cuda":
    out += extras["cuda"]
print(" ".join(out))
EOF
)
if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
# The Python versions pyproject.toml allows (requires-python), checked before installing.
required=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["requires-python"])')
"$VENV/bin/python" -c '
import sys
low = tuple(int(p) for p in sys.argv[1].removeprefix(">=").split("."))
sys.exit(0 if sys.version_info[:2] >= low else f"{sys.version.split()[0]} is older than {sys.argv[1]}")
' "$required" || { echo "$VENV: Python $required is needed (set PYTHON=python3.X)" >&2; exit 1; }
if [ "$(cat "$VENV/.requirements" 2>/dev/null)" != "$requirements" ]; then
    echo "== installing into $VENV: $requirements"
    # shellcheck disable=SC2086 # one word per requirement
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $requirements
    echo "$requirements" > "$VENV/.requirements"
fi

# 2. The project itself, as a wheel (a fresh setuptools build: no stale build/lib files).
rm -rf build/lib build/bdist.* build/wheel
"$VENV/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps -w build/wheel .
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --force-reinstall build/wheel/thumbdesk-*.whl
rm -rf build/lib build/bdist.*

# 3. PyInstaller.
echo "== pyinstaller ($FLAVOUR)"
THUMBDESK_FLAVOUR=$FLAVOUR "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "build/pyinstaller-$FLAVOUR" packaging/thumbdesk.spec

APP=$DIST/ThumbDesk
echo "== built $ROOT/$APP in $(($(date +%s) - started)) s; size $(du -sh "$APP" | cut -f1)"
echo "   check it with: bash packaging/check.sh $APP"
