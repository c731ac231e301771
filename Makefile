# Set-up is two commands on a fresh machine: `make run` and `make test` (README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install system run test lint bench bench-quick clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) system

## system: Debian packages the browser and PDF tests use (Chromium, pdftoppm/pdftotext), if missing
system:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; }

## run: the main job on the bundled example data (imports, then prints what the warehouse holds)
run: $(STAMP)
	$(BIN)/ungeindsats run

## test: the whole test suite (lint included: tests/test_lint.py runs ruff and mypy)
test: $(STAMP) system
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

## bench: speed and memory against the issues' targets; figures go to bench-results/
bench: $(STAMP)
	$(BIN)/python -m benchmarks --out bench-results

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks --out bench-results --quick

clean:
	rm -rf $(VENV) data out bench-results .pytest_cache .mypy_cache .ruff_cache
