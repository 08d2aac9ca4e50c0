# Every target works from a fresh clone: the first one that needs Python builds .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
DB     ?= data/harvester.duckdb
REVIEW ?= config/reviews/egov-oss.toml
DEMO_PORT ?= 8765
# The demo review with its base URLs on DEMO_PORT (config/reviews/demo.toml says 8765).
DEMO_REVIEW := data/demo.toml

.PHONY: run demo demo-update serve-demo test lint bench bench-oai bench-dedup bench-env chaos venv clean

$(STAMP):
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

venv: $(STAMP)

## Harvest the bundled example review into the embedded DuckDB store (needs the internet).
run: $(STAMP)
	$(BIN)/harvester run $(REVIEW) --db $(DB)
	$(BIN)/harvester export $(REVIEW) --db $(DB) --format ris --out data/$(notdir $(basename $(REVIEW))).ris

## The same pipeline offline: recorded responses replayed by a loopback server.
demo: $(STAMP)
	mkdir -p data
	sed 's/127.0.0.1:8765/127.0.0.1:$(DEMO_PORT)/' config/reviews/demo.toml > $(DEMO_REVIEW)
	$(BIN)/harvester replay tests/fixtures/replay/demo --port $(DEMO_PORT) -- \
	  $(BIN)/harvester run $(DEMO_REVIEW) --db data/demo.duckdb
	$(BIN)/harvester export $(DEMO_REVIEW) --db data/demo.duckdb --format ris --out data/demo.ris
	$(BIN)/harvester export $(DEMO_REVIEW) --db data/demo.duckdb --format csv --out data/demo.csv

## The demo's next update: the replay server serves more records (phase 2), then the report.
demo-update: $(STAMP)
	mkdir -p data
	sed 's/127.0.0.1:8765/127.0.0.1:$(DEMO_PORT)/' config/reviews/demo.toml > $(DEMO_REVIEW)
	$(BIN)/harvester replay tests/fixtures/replay/living --port $(DEMO_PORT) --phase 2 -- \
	  $(BIN)/harvester run $(DEMO_REVIEW) --db data/demo.duckdb
	$(BIN)/harvester snapshots list $(DEMO_REVIEW) --db data/demo.duckdb
	$(BIN)/harvester prisma $(DEMO_REVIEW) --db data/demo.duckdb --out data/demo-prisma.svg --json data/demo-prisma.json
	$(BIN)/harvester searchlog $(DEMO_REVIEW) --db data/demo.duckdb --out data/demo-searchlog.md

## The service, offline: the demo review every minute, status page on http://127.0.0.1:8080/.
serve-demo: $(STAMP)
	mkdir -p data
	sed -e 's/schedule = "weekly"/schedule = "* * * * *"/' \
	  -e 's/127.0.0.1:8765/127.0.0.1:$(DEMO_PORT)/' config/reviews/demo.toml > data/demo-every-minute.toml
	$(BIN)/harvester replay tests/fixtures/replay/demo --port $(DEMO_PORT) -- \
	  $(BIN)/harvester serve data/demo-every-minute.toml --db data/demo-serve.duckdb --jitter 0

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Every benchmark, figures printed; SIZES=50000,200000 sets the harvest benchmark's sizes.
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(if $(SIZES),--sizes $(SIZES))

## 500 generated OJS-like OAI endpoints on loopback (slow, a few failing), one review harvested
## with concurrency 1 and with the pool: wall time, records/s, requests, peak memory, checks.
## Each answer takes 0.3-1.2 s (a guess at a small journal server; none could be timed from
## here); DELAY=0.05-0.2 makes them fast
## (then the pool is bound by this machine's CPU, not by waiting).
bench-oai: $(STAMP)
	$(BIN)/python -m benchmarks.oai_pool $(if $(ENDPOINTS),--endpoints $(ENDPOINTS)) $(if $(DELAY),--delay $(DELAY))

## Deduplication on the labelled sets in ../shared/data/dedup, beside the peers when installed.
bench-dedup: $(STAMP)
	$(BIN)/python -m benchmarks.dedup

## kill -9 trials during harvest, dedup, snapshot and export, each resumed: nothing may be lost,
## stored twice or half-written (benchmarks/chaos.py; SEED=N makes the same random choices).
chaos: $(STAMP)
	$(BIN)/python -m benchmarks.chaos $(if $(SEED),--seed $(SEED))

## The peers' own environment (kept apart from ours: they pin other pandas/rispy versions).
bench-env:
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet --disable-pip-version-check \
	  bib-dedupe==0.11.0 asreview-datatools==1.4

clean:
	rm -rf $(VENV) .venv-bench data .pytest_cache .mypy_cache .ruff_cache
