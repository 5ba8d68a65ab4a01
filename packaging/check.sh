#!/usr/bin/env bash
# Check a frozen ThumbDesk (see packaging/README.md): everything runs the bundle itself, never
# the source tree or a venv.
#
#   bash packaging/check.sh [dist/ThumbDesk]
#
# 1. --version, and --self-check (bundled model on the bundled sample clip; must print OK).
# 2. `thumbdesk pick` on the bundled sample: thumbnail + JSON report written.
# 3. A CPU-only bundle (no torch inside): `--device cuda` is one clear error line, exit 1.
# 4. The window, offscreen (QT_QPA_PLATFORM=offscreen), opened on the sample clip, with
#    THUMBDESK_SMOKE_EXIT=SECONDS: the app prints "smoke: OK ..." and quits with 0 once the
#    first result is shown (1 on a failure or timeout). An app without that hook is given
#    SMOKE_WAIT seconds and must still be running with no error in its log (a weaker check,
#    reported as a WARNING).
# 5. Optional: SCREENSHOT=path.png also opens the window under Xvfb and saves the whole screen
#    SHOT_AFTER (25) seconds later (ImageMagick's import).
set -euo pipefail
cd "$(dirname "$0")/.."
APP=${1:-dist/ThumbDesk}
EXE=$APP/thumbdesk
SMOKE_WAIT=${SMOKE_WAIT:-60}
[ -x "$EXE" ] || { echo "check: $EXE not found; build it with make package" >&2; exit 1; }
SAMPLE=$(find "$APP" -path '*thumbdesk/resources/sample/bigbuckbunny.mp4' | head -n 1)
[ -n "$SAMPLE" ] || { echo "check: FAILED: the sample clip is not in the bundle" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The app must not touch the user's settings or logs, nor find anything of the source tree.
export THUMBDESK_SETTINGS=$WORK/settings.ini THUMBDESK_LOG_DIR=$WORK/logs THUMBDESK_NO_DIALOGS=1
unset PYTHONPATH PYTHONHOME
cd "$WORK"
fail() { echo "check: FAILED: $*" >&2; exit 1; }

echo "== 1. self-check"
"$OLDPWD/$EXE" --version
"$OLDPWD/$EXE" --self-check | tee selfcheck.txt
grep -q "^self-check: OK" selfcheck.txt || fail "self-check did not print OK"

echo "== 2. pick"
"$OLDPWD/$EXE" pick -q "$OLDPWD/$SAMPLE" -o pick.jpg --json pick.json
[ -s pick.jpg ] && [ -s pick.json ] || fail "pick wrote no thumbnail or report"

if [ ! -d "$OLDPWD/$APP/_internal/torch" ]; then
    echo "== 3. --device cuda in a CPU-only bundle"
    set +e
    "$OLDPWD/$EXE" pick -q "$OLDPWD/$SAMPLE" -o cuda.jpg --device cuda 2> cuda.err
    code=$?
    set -e
    cat cuda.err
    [ "$code" = 1 ] || fail "--device cuda exited $code, expected 1"
    grep -q "^thumbdesk: error: .*CUDA" cuda.err || fail "--device cuda: no clear error line"
    ! grep -q "Traceback" cuda.err || fail "--device cuda printed a traceback"
fi

# window WAIT ENV...: run the window on the sample clip, with ENV, for at most WAIT seconds.
# Sets $window_pid while running; leaves the app's output in window.out.
window_status=0
window() {
    local wait=$1 waited=0
    shift
    rm -rf logs
    set +e
    env "$@" timeout $((wait + 30)) "$OLDPWD/$EXE" "$OLDPWD/$SAMPLE" > window.out 2>&1 &
    window_pid=$!
    while kill -0 "$window_pid" 2> /dev/null && [ "$waited" -lt "$wait" ]; do
        sleep 1
        waited=$((waited + 1))
        if [ -n "${SHOT:-}" ] && [ "$waited" = "${SHOT_AFTER:-25}" ]; then
            import -display "$DISPLAY_FOR_SHOT" -window root "$SHOT" && echo "screenshot: $SHOT"
        fi
    done
    window_status=0
    if kill -0 "$window_pid" 2> /dev/null; then
        window_status=124  # still open
        kill "$window_pid"
        wait "$window_pid" 2> /dev/null
    else
        wait "$window_pid"
        window_status=$?
    fi
    set -e
    cat window.out
    if grep -E "CRITICAL|ERROR|Traceback" logs/thumbdesk.log window.out; then
        fail "errors in the window's log"
    fi
    grep -q " run 1: " logs/thumbdesk.log || fail "the window never started analysing the clip"
}

echo "== 4. window, offscreen"
window "$SMOKE_WAIT" QT_QPA_PLATFORM=offscreen THUMBDESK_SMOKE_EXIT="$SMOKE_WAIT"
case $window_status in
    0) grep -q "^smoke: OK" window.out || fail "window exited 0 without 'smoke: OK'" ;;
    124) echo "WARNING: window still open after ${SMOKE_WAIT}s with no error, but this build has" \
        "no THUMBDESK_SMOKE_EXIT hook, so the result on screen is not verified" ;;
    *) fail "window exited with status $window_status" ;;
esac

if [ -n "${SCREENSHOT:-}" ]; then
    echo "== 5. window under Xvfb, screenshot to $SCREENSHOT"
    case $SCREENSHOT in /*) SHOT=$SCREENSHOT ;; *) SHOT=$OLDPWD/$SCREENSHOT ;; esac
    DISPLAY_FOR_SHOT=:${XVFB_DISPLAY:-99}
    Xvfb "$DISPLAY_FOR_SHOT" -screen 0 1440x900x24 -nolisten tcp > /dev/null 2>&1 &
    xvfb=$!
    sleep 2
    window $((${SHOT_AFTER:-25} + 1)) QT_QPA_PLATFORM=xcb DISPLAY="$DISPLAY_FOR_SHOT"
    kill "$xvfb"
    [ -s "$SHOT" ] || fail "no screenshot"
fi
echo "check: OK ($APP)"
