# One-command entry points. `make run` and `make test` work on a fresh clone: they create
# .venv when it is missing and install the pinned dependencies into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
CORES ?= 2

.PHONY: setup run data test test-fast fuzz bench bench-scale lint format clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

## Synthetic demo extracts for every LA, written only when data/raw/ holds none.
data: $(STAMP)
	$(BIN)/oversight demo-data --if-empty

## The whole pipeline, raw extracts to finished outputs.
run: data
	$(BIN)/snakemake --cores $(CORES)

# pytest exits 5 when it collects nothing: that is a failure here too.
PYTEST_STATUS = status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests were collected"; exit 1; fi; exit $$status

## All tests (docs/testing.md): unit, fuzz (40 replayed examples per property), size extremes
## and end to end, where the demo pipeline runs once for every test that reads it.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(CORES) --dist loadfile; $(PYTEST_STATUS)

## Unit tests only, in about a minute: no pipeline run (e2e), no size-extreme input (slow),
## FAST_FUZZ_EXAMPLES replayed examples per fuzz property.
FAST_FUZZ_EXAMPLES ?= 10
test-fast: $(STAMP)
	OVERSIGHT_FUZZ_EXAMPLES=$(FAST_FUZZ_EXAMPLES) \
	$(BIN)/python -m pytest -q -n $(CORES) --dist loadfile -m "not e2e and not slow"; $(PYTEST_STATUS)

## Fuzz campaign (docs/reliability.md): the fuzz suites with FUZZ_EXAMPLES trials per property
## and fresh random seeds; the outcome counts are written to benchmarks/results/fuzz.json.
FUZZ_EXAMPLES ?= 1000
fuzz: $(STAMP)
	rm -f benchmarks/results/fuzz.json
	OVERSIGHT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) OVERSIGHT_FUZZ_TALLY=$(CURDIR)/benchmarks/results/fuzz.json \
	OVERSIGHT_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz

## Benchmarks (docs/performance.md): every target but the largest study: the 19-LA demo (full,
## nothing changed, one LA's supervision extract or transcript corrected, ingest against parsing),
## the test suites in a clean clone and ingest memory; prints the table's rows ...
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## ... and every English LA over three years (about an hour on 2 cores, data included).
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/run.py --scenario scale --scale-las 153 --scale-years 3

## What CI checks besides the tests (.ci/run): lint and formatting of the Python and the
## workflow, and Snakemake's own linter.
lint: $(STAMP)
	$(BIN)/ruff check src tests rules/scripts benchmarks
	$(BIN)/ruff format --check src tests rules/scripts benchmarks
	$(BIN)/snakefmt --check Snakefile rules/
	$(BIN)/snakemake --lint

format: $(STAMP)
	$(BIN)/ruff format src tests rules/scripts benchmarks
	$(BIN)/snakefmt Snakefile rules/

clean:
	rm -rf results/* data/interim/* logs .snakemake
	touch results/.gitkeep data/interim/.gitkeep
