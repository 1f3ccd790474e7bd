# onething — the two commands:
#   make run   set up everything and serve the demo on http://127.0.0.1:8000
#   make test  install what the tests need and run the whole suite (browser tests included)
#              on SQLite, then the database tests again on a PostgreSQL the tests start

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@ $(VENV)/.installed-app

run: $(VENV)/.installed-app
	@bash scripts/system-deps.sh run
	$(BIN)/onething setup
	@bash scripts/banner.sh $(HOST) $(PORT)
	ONETHING_KIOSK_SIMULATED_READER=1 $(BIN)/onething serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	@bash scripts/system-deps.sh test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest
	ONETHING_TEST_DATABASE=postgres $(BIN)/pytest -m "not browser" tests/integration tests/e2e

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .hypothesis src/*.egg-info
