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
	@:

# `make verify` returns the tool's own code: 0 all as expected, 1 a verdict not as expected, 2 bad
# input. GNU make reports any failing recipe as 2, so when verify is the only goal the run happens
# while this file is read, its output on stderr (the live progress shows when that is a terminal),
# and a tool exit of 1 switches make to question mode (-q), whose "something to do" status is 1.
# SCENARIOS picks scenario files (default: all of scenarios/); JOBS and REPORT pass through.
SCENARIOS ?=
VERIFY_CMD = $(BIN)/bridgeproof verify $(SCENARIOS) $(if $(JOBS),-j $(JOBS),) $(if $(REPORT),--report $(REPORT),)
ifeq ($(MAKECMDGOALS),verify)
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
VERIFY_SETUP := $(shell $(MAKE) --no-print-directory install >&2; echo $$?)
ifneq ($(VERIFY_SETUP),0)
$(error setting up $(VENV) failed (exit $(VERIFY_SETUP)))
endif
VERIFY_CODE := $(shell $(VERIFY_CMD) >&2; echo $$?)
ifeq ($(VERIFY_CODE),1)
$(shell echo "bridgeproof verify exited 1: a verdict not as expected" >&2)
MAKEFLAGS += -q
else ifneq ($(VERIFY_CODE),0)
$(error bridgeproof verify exited $(VERIFY_CODE) (2: bad input; 130: interrupted))
endif
endif
endif

verify: $(STAMP)
ifeq ($(VERIFY_CODE),)
	@$(VERIFY_CMD); code=$$?; \
	if [ $$code -ne 0 ]; then echo "bridgeproof verify exited $$code (1: a verdict not as expected; 2: bad input)" >&2; fi; \
	exit $$code
else
	@:
endif

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
	$(BIN)/python -m pytest -q -m "not slow" -n auto --dist worksteal

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
