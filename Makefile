# caseaudit: `make run` opens the demo, `make test` runs every test.
# Both create .venv on first use, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test typecheck layers unit test-frozen snapshots mutate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/caseaudit demo

test: typecheck layers unit

# mypy with pydantic's plugin over the whole product ([tool.mypy] in pyproject.toml): the
# domain held strictly, the rest checked as written, the modules not yet held listed there.
typecheck: $(STAMP)
	$(BIN)/mypy

# The import-linter contracts in pyproject.toml: the rooms import in one direction only.
layers: $(STAMP)
	$(BIN)/lint-imports

# Every test: domain, db, services, command line, Pilot, browser and the SVG snapshots,
# with the process clock stopped at 23:59:59 on a quarter's last day (tests/conftest.py):
# no test reads the real clock, so the suite passes whatever day it is run on, and
# tests/test_frozen_clock.py says the clock really stood there.
QUARTER_END := 2025-12-31T23:59:59+00:00
# The same in British Summer Time: London's 31 March is still going at 22:59:59 UTC.
QUARTER_END_BST := 2026-03-31T23:59:59+01:00

# Two pytest-xdist workers, one a core: every test makes its own files under tmp_path, so
# they run side by side; worksteal hands the long Pilot tests out so neither worker idles.
# `make unit JOBS=0` runs in one process (e.g. to read a failure in order).
JOBS ?= 2
# PYTHONDONTWRITEBYTECODE= : Python's bytecode caches are written (__pycache__, which git
# ignores) even where the environment says not to. Otherwise each worker compiles every
# module it imports from source again on every run (about 5 s of CPU for the collection
# alone) and so does each program a test starts (0.3 s for one that opens the app).
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest
UNIT := $(PYTEST) -q tests -n $(JOBS) --dist worksteal

# CI=true: hypothesis's "ci" profile (tests/conftest.py), derandomized with no example
# database, so `make test` tries the same examples on a newcomer's machine as on CI.
unit: $(STAMP)
	CI=true $(UNIT) --frozen-clock=$(QUARTER_END)

# The whole unit suite at both quarter-end moments (not part of `make test`).
test-frozen: $(STAMP)
	CI=true $(UNIT) --frozen-clock=$(QUARTER_END)
	CI=true $(UNIT) --frozen-clock=$(QUARTER_END_BST)

# The SVG snapshots alone (they are part of `make unit` too, in the same two workers:
# one pytest start and one collection fewer than a run of their own, and no worker left
# idle while the other finishes). A failure is reported by name.
snapshots: $(STAMP)
	@if ls tests/snapshots/test_*.py >/dev/null 2>&1; then \
		$(PYTEST) -q tests/snapshots -n $(JOBS); \
	else echo "no snapshot tests yet"; fi

# Mutation testing of the pure domain (audit_tools/) against the domain tests, with mutmut
# from the optional `mutate` extra: each surviving mutant is a small wrong change to a rule
# that no test notices. Slow (7,724 mutants, about 50 minutes on two cores), so not part
# of `make test`; it picks up where it stopped if run again. `.venv/bin/mutmut show NAME`
# shows a survivor.
# MUTANTS picks modules, e.g. make mutate MUTANTS='audit_tools.calendar.* audit_tools.sampling.*'
MUTANTS ?=
MUTATE_STAMP := $(VENV)/.mutate-installed

$(MUTATE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	touch $(MUTATE_STAMP)

mutate: $(MUTATE_STAMP)
	CI=true $(BIN)/mutmut run --max-children 2 $(MUTANTS)
	@echo 'Surviving mutants (each a wrong change no domain test notices):'
	$(BIN)/mutmut results
	$(BIN)/mutmut export-cicd-stats
	cat mutants/mutmut-cicd-stats.json

# The council-scale run, then what a served session costs (bench/served.py: sign-in to
# dashboard, memory of one signed-in session and of 20 at once).
bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench served

clean:
	rm -rf $(VENV) build *.egg-info
