# Wendbaar: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV := .tools/bin/uv
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(VENV)/bin/python

# Local development runs with DEBUG on; production sets its own environment (see .env.example).
run demo messages check-messages: export DEBUG ?= true

.PHONY: install run demo test test-fast test-e2e bench lint format messages check-messages clean

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Wendbaar needs Python 3.12 or newer (see .python-version)")'
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(UV) sync --frozen --extra dev --quiet
	# Build the name and place lookup tables of the privacy guard once, not on the first request.
	DEBUG=true $(BIN)/wendbaar privacy prepare
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/wendbaar migrate --no-input --verbosity 0
	$(BIN)/wendbaar collectstatic --no-input --verbosity 0
	$(BIN)/wendbaar demo --print-login
	$(BIN)/wendbaar serve --with-worker

demo: install
	$(BIN)/wendbaar migrate --no-input
	$(BIN)/wendbaar demo --print-login

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not e2e and not slow"

bench: install
	$(BIN)/python -m wendbaar.bench

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: install
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

messages: install
	cd src/wendbaar && ../../$(BIN)/wendbaar makemessages --locale nl --no-obsolete --no-location --ignore 'migrations/*'
	cd src/wendbaar && ../../$(BIN)/wendbaar compilemessages --locale nl

check-messages: install
	$(BIN)/wendbaar check_messages

clean:
	rm -rf $(VENV) .tools staticfiles
