# studybot: `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The CPU build of torch must come before anything that depends on torch, or pip picks a CUDA build.
TORCH := torch==2.13.0

.PHONY: install run test lint format bench index clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

index: install
	$(BIN)/studybot index build

run: index
	$(BIN)/studybot run

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.bench_bot
	$(BIN)/python -m tests.bench_scale

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
