# Two commands for a newcomer (see README):
#   make analyze   set up .venv (first time), install framing, analyse corpora/ai-talent-war into results/
#   make test      set up the same .venv with the test extras, run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CORPUS ?= corpora/ai-talent-war
OUT ?= results
# Test workers: the suite is split by file over this many processes (pytest-xdist).
JOBS ?= 2

.PHONY: analyze test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

analyze: $(VENV)/.installed
	$(BIN)/framing analyze $(CORPUS) -o $(OUT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile

# The benchmark (bench/README.md): 1k and 10k articles by default; SIZES="1000 10000 100000";
# REPEAT timed cold runs per size (the table gives the range of the ratio).
SIZES ?= 1000 10000
REPEAT ?= 3
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py --sizes $(SIZES) --repeat $(REPEAT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check framing tests bench

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
