# Every target uses the project's own .venv; `make verify` and `make test` set it up when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JOBS   ?=
REPORT ?=

.PHONY: install verify test test-slow bench mutation mutation-tool lint clean report-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# GNU make reports any failing recipe as its own exit 2; the recipe's last line says which code the
# tool returned (0 all as expected, 1 a mismatch, 2 bad input, 130 interrupted), and
# `.venv/bin/bridgeproof verify` returns that code itself.
verify: $(STAMP)
	@$(BIN)/bridgeproof verify $(if $(JOBS),-j $(JOBS),) $(if $(REPORT),--report $(REPORT),); code=$$?; \
	if [ $$code -ne 0 ]; then echo "bridgeproof verify exited $$code (1: a verdict not as expected; 2: bad input)" >&2; fi; \
	exit $$code

# The report as a browser draws it: headless Chromium (Debian package `chromium`) screenshots
# report.html at A4 width (794 px at 96 dpi) into $(or $(REPORT),report)/shot.png, for a person to look at.
report-check: $(STAMP)
	@command -v chromium >/dev/null || { echo "report-check needs Chromium: apt-get install chromium" >&2; exit 2; }
	$(BIN)/bridgeproof verify scenarios/ronin-2022.toml --report $(or $(REPORT),report) $(if $(JOBS),-j $(JOBS),)
	chromium --headless --no-sandbox --disable-gpu --window-size=794,2400 \
	  --screenshot=$(abspath $(or $(REPORT),report))/shot.png file://$(abspath $(or $(REPORT),report))/report.html
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/cli/test_auditor_run.py -k real_browser

# The suite runs on every core (pytest-xdist); CI has two.
test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" -n auto

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

bench: $(STAMP)
	$(BIN)/python bench/run.py

mutation: $(STAMP)
	$(BIN)/python -m pytest -v -p no:cacheprovider tests/quality/test_mutants.py

# mutmut over the encoding and the reference (bench/mutation_tool.py), in scratch copies under build/mutation,
# each mutant against the fast tests of its own file, stopped after MUTATION_BUDGET minutes of wall time.
# Not part of `make test`. Summary: bench/mutation-tool.md (ignored); bench/mutation.md is the committed record.
MUTATION_BUDGET ?= 45
MUTATION_JOBS   ?= 2
mutation-tool: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	$(BIN)/python bench/mutation_tool.py --budget $(MUTATION_BUDGET) --jobs $(MUTATION_JOBS)

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check model properties tests bench

clean:
	rm -rf $(VENV) counterexamples/_inbox .pytest_cache .hypothesis
