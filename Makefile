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

## All tests. pytest exits 5 when it collects nothing: that is a failure here too.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(CORES) --dist loadfile; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests were collected"; exit 1; fi; exit $$status

## Unit tests only (no end-to-end pipeline run).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not e2e"

## Fuzz campaign (docs/reliability.md): the fuzz suites with FUZZ_EXAMPLES trials per property
## and fresh random seeds; the outcome counts are written to benchmarks/results/fuzz.json.
FUZZ_EXAMPLES ?= 1000
fuzz: $(STAMP)
	rm -f benchmarks/results/fuzz.json
	OVERSIGHT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) OVERSIGHT_FUZZ_TALLY=$(CURDIR)/benchmarks/results/fuzz.json \
	OVERSIGHT_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz

## Benchmarks (docs/performance.md): the 19-LA demo (full, unchanged, one LA corrected) ...
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## ... and every English LA over three years (about an hour on 2 cores, data included).
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/run.py --las 153 --years 3

lint: $(STAMP)
	$(BIN)/ruff check src tests rules/scripts benchmarks
	$(BIN)/snakefmt --check Snakefile rules/
	$(BIN)/snakemake --lint

format: $(STAMP)
	$(BIN)/ruff format src tests rules/scripts benchmarks
	$(BIN)/snakefmt Snakefile rules/

clean:
	rm -rf results/* data/interim/* logs .snakemake
	touch results/.gitkeep data/interim/.gitkeep
