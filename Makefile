# The README's two commands: `make run` and `make test`. Each creates (or reuses) the virtual
# environment in .venv, installing exactly the versions pinned in constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
PYTEST_WORKERS ?= 2

.PHONY: install run test test-fast lint bench system-deps snapshot clean

$(STAMP): setup.cfg pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $@

# `make run` needs only the package; `make test` adds the test tools (oxigraph server, Spark…).
$(RUN_STAMP): setup.cfg pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	@touch $@

install: $(STAMP)

## run: the main job on the embedded default (bundled real snapshot, no network)
run: $(RUN_STAMP)
	$(BIN)/sdg-gaps run

## system-deps: Debian packages for the test wiki (MediaWiki 1.39, PHP with SQLite)
system-deps:
	bash tests/install-system-deps.sh

## test: install everything the tests need, then run all three layers (unit, integration, wiki)
test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal

## test-fast: the unit layer only (tests/unit: no subprocess, no server, no wiki), under a minute
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/unit

lint: $(STAMP)
	$(BIN)/ruff check .

## bench: P1–P4 benchmarks (SYNTHETIC data for P1, P2, P4): prints the table, writes bench/results/latest.md
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,bench]'
	@touch $@

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run

## snapshot: rebuild the bundled snapshot from ../shared/data (maintainers)
snapshot: $(STAMP)
	$(BIN)/python scripts/build_snapshot.py

clean:
	rm -rf $(VENV) reports/run-* .pytest_cache
