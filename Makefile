# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: demo test lint typecheck unit install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: install, crawl the offline mirror, classify, index, serve the dashboard on http://127.0.0.1:8000
demo: install
	$(BIN)/vrscope demo

## test: lint, type-check and run the whole test suite
test: lint typecheck unit

lint: install-dev
	$(BIN)/ruff check .

typecheck: install-dev
	$(BIN)/mypy

unit: install-dev
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache *.egg-info

## bench: index BENCH_DOCS generated documents in tantivy and SQLite FTS5, time the query mix, write docs/benchmarks.{md,json}
BENCH_DOCS ?= 1000000
.PHONY: bench
bench: install-dev
	$(BIN)/python -m benchmarks.bench_search --docs $(BENCH_DOCS) --out docs/

## checkset: label the developer check set (IEEE, ITU, ETSI, 3GPP, Chinese records; needs ../shared/data) with the compared models, write docs/checkset.{md,json}
.PHONY: checkset
checkset: install-dev
	$(BIN)/python -m benchmarks.checkset --out docs/

## screenshots: build the demo data, serve it, write PNGs of every dashboard page to docs/screenshots/ (needs Debian chromium and chromium-driver)
.PHONY: screenshots
screenshots: install-dev
	$(BIN)/python -m dashboards.screenshots --out docs/screenshots
