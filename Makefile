# Qingshan — the two commands: `make run`, `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint install clean e2e

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PY) >/dev/null || { echo "error: $(PY) not found (Python 3.11 is required)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/qingshan demo

# tests run on one worker per core (pytest-xdist), at most 4: PYTEST_WORKERS=0 runs them in-process
PYTEST_WORKERS ?= auto --maxprocesses=4

test: $(STAMP)
	@scripts/system-deps.sh
	scripts/with-postgres.sh $(BIN)/pytest -q -p no:cacheprovider --durations=40 -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/pip install -q -r benchmarks/requirements.txt
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check qingshan tests benchmarks
	$(BIN)/ruff format --check qingshan tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var
