# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
ARGS ?=

.PHONY: run test lint typecheck install clean bench browser postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# `make run` installs only what running needs; test tools come with `make test`.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

install: $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/dvcbot run $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy bot

# Headless Chromium opens the HTML staff report in a test. Installed from Debian's packages
# when missing (as root, or with passwordless sudo); otherwise that one test is skipped.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  SUDO=""; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi; \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium chromium-driver >/dev/null; } || \
	  echo "could not install chromium: the browser test will be skipped" >&2; \
	fi

# The PostgreSQL tests start a throwaway server with Debian's binaries (initdb, pg_ctl in
# /usr/lib/postgresql/<ver>/bin). Installed from Debian's packages when missing; if that fails
# the PostgreSQL tests fail with the reason (DVCBOT_SKIP_POSTGRES=1 skips them on purpose).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 \
	    && command -v apt-get >/dev/null 2>&1; then \
	  SUDO=""; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi; \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    postgresql >/dev/null; } || echo "could not install postgresql" >&2; \
	fi

test: lint browser postgres
	$(BIN)/dvcbot kb check
	$(BIN)/python -m pytest -q $(ARGS)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
