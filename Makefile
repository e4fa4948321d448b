# Every target uses the project's own .venv; `make verify` and `make test` set it up when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JOBS   ?=

.PHONY: install verify test test-slow bench mutation lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

verify: $(STAMP)
	$(BIN)/bridgeproof verify $(if $(JOBS),-j $(JOBS),)

# The suite runs on every core (pytest-xdist); CI has two.
test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" -n auto

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

bench: $(STAMP)
	$(BIN)/python bench/run.py

mutation: $(STAMP)
	$(BIN)/python -m pytest -v -p no:cacheprovider tests/quality/test_mutants.py

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check model properties tests bench

clean:
	rm -rf $(VENV) counterexamples/_inbox .pytest_cache .hypothesis
