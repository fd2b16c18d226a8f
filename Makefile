# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := diary

.PHONY: run test lint format serve migrate demo demo-code bench clean

# The app runs as production unless told otherwise; these targets serve and seed a local development copy.
run demo demo-code migrate: export FLASK_CONFIG := development

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

migrate: $(VENV)/.installed-run
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo --if-empty

## The demo clinician's current sign-in code (the second step), as an authenticator app would show it
demo-code: $(VENV)/.installed-run
	$(BIN)/flask demo-code

## Install, migrate, seed the demo on an empty database, and serve on http://127.0.0.1:5000, sending the
## reminders due every 60 seconds in the background (stopped with the server)
run: demo
	@DIARY_PUBLIC_URL=$${DIARY_PUBLIC_URL:-http://127.0.0.1:5000} $(BIN)/flask send-reminders --every 60 & \
	sender=$$!; trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## Lint, static analysis and the whole test suite, in TEST_WORKERS processes (the browser tests on one of them)
TEST_WORKERS ?= 2
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive diary
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-test
	$(BIN)/python bench/charts.py
	$(BIN)/python bench/http.py
	$(BIN)/python bench/contention.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/oversized.py
	$(BIN)/python bench/floor.py
	$(BIN)/python bench/national.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
