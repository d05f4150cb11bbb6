# khaosat — make install | test | lint | demo | bench
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGE_DIRS := $(wildcard *.py) survey reader reports mailer intake review dossiers daemon commands demo migrations web language

.PHONY: install test lint format demo bench clean

AXE := tests/browser/node_modules/axe-core/axe.min.js

install: $(VENV)/.installed $(AXE)

# axe-core for the browser tests, exactly as tests/browser/package-lock.json pins it.
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $@

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

test: install
	$(BIN)/pytest -q -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --config-file pyproject.toml $(PACKAGE_DIRS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo: install
	$(BIN)/khaosat demo

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
