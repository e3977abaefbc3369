# The two commands: `make run` (serve the gateway with demo data) and `make test` (every check).
# Both set themselves up from a fresh clone: virtualenv, Python packages, Debian packages (test).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
VALIDATOR := $(SHARED)/tools/fhir-validate/validate
SMART_APP := tests/e2e/smart-app
PYTEST_ARGS ?=
TYPED := gateway mappings auth config

.PHONY: help run test setup-run setup-dev system-packages lint validator-setup smart-app bench clean

help:
	@echo "make run    serve the gateway on http://127.0.0.1:8080 (SQLite, demo data if empty)"
	@echo "make test   install everything, then lint, type-check, import contracts and pytest"
	@echo "make bench  read-by-id benchmark against a bare Flask baseline (SQLite, PostgreSQL)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

setup-run: $(VENV)/.installed-run
setup-dev: $(VENV)/.installed-dev

run: setup-run
	$(BIN)/gateway migrate
	$(BIN)/gateway demo load --if-empty
	exec $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

system-packages:
	scripts/system-packages.sh postgresql wrk chromium chromium-driver

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPED)
	$(BIN)/lint-imports

validator-setup:
	@if [ -x "$(VALIDATOR)" ]; then "$(VALIDATOR)" --setup; \
	elif [ -n "$${CI:-}" ]; then echo "missing $(VALIDATOR): shared/ must sit beside the clone" >&2; exit 1; \
	else echo "note: $(VALIDATOR) not found; tests that validate will skip"; fi

# --legacy-peer-deps: npm 11 rejects a lock it has just written when an optional peer dependency
# is unavailable ("Missing: @expo/env@ from lock file"; npm/cli issue 9846, open).
smart-app:
	@if [ -f "$(SMART_APP)/package-lock.json" ]; then \
	  cd "$(SMART_APP)" && npm ci --no-audit --no-fund --legacy-peer-deps; \
	else echo "no $(SMART_APP)/package-lock.json: skipping npm ci"; fi

test: setup-dev system-packages validator-setup smart-app lint
	scripts/run-tests.sh $(PYTEST_ARGS)

bench: setup-dev
	scripts/system-packages.sh postgresql wrk
	scripts/bench-all.sh

clean:
	rm -rf bench/out .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
