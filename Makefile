# Two commands for a fresh clone: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export DATABASE_URL ?= sqlite+aiosqlite:///$(CURDIR)/var/demo.db

.PHONY: demo test lint typecheck pytest catalog bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo user id is arbitrary; the state lives in var/demo.db (git-ignored).
DEMO_USER := 1001

demo: $(STAMP)
	@mkdir -p var
	$(BIN)/deepread db upgrade
	$(BIN)/deepread recommend rnn beginner
	$(BIN)/deepread read "understanding lstm networks" --user $(DEMO_USER)
	$(BIN)/deepread progress --user $(DEMO_USER)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# tests/postgres.sh runs the suite with a throwaway PostgreSQL (TEST_DATABASE_URL) when the
# machine has one, and says clearly when the PostgreSQL variants are skipped.
pytest: $(STAMP)
	tests/postgres.sh $(BIN)/python -m pytest -q

catalog: $(STAMP)
	$(BIN)/deepread catalog build

bench: $(STAMP)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
