# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run test lint bench bench-pgvector bench-catalog-pgvector eval dev-benchmarks train-ranker clean chromium \
	dashboard-screenshots bench-dashboard bench-signals bench-profile-draft

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU torch first: an unpinned torch would pull a CUDA build of several GB.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# load-demo loads into an empty or demo-only database and refuses one holding other data (nothing written):
# `make run DEMO_LOAD=skip` starts the bot on it without the demo, `make run DEMO_LOAD=force` loads it anyway.
run: $(STAMP)
	$(BIN)/clustermatch load-demo
	$(BIN)/clustermatch run

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/clustermatch bench

bench-pgvector: $(STAMP)
	$(BIN)/python scripts/bench_pgvector.py --profiles 100000 --torch-threads 1

bench-catalog-pgvector: $(STAMP)
	$(BIN)/python scripts/bench_catalog_pgvector.py --profiles 100000 --torch-threads 1

bench-signals: $(STAMP)
	$(BIN)/python scripts/bench_signals.py --members 40 --signals 50000

dev-benchmarks: $(STAMP)
	$(BIN)/python scripts/dev_benchmarks.py

# Leave-one-dataset-out figures of the learned ranker, then the shipped model refitted on every shared set.
train-ranker: $(STAMP)
	$(BIN)/python scripts/train_ranker.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# Debian's Chromium for the dashboard's browser test and screenshots (never a browser download).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium

chromium: $(CHROMIUM)

dashboard-screenshots: $(STAMP) $(CHROMIUM)
	$(BIN)/python scripts/dashboard_screenshots.py

bench-dashboard: $(STAMP)
	$(BIN)/python scripts/bench_dashboard.py --members 10000 --events 100000

# Drafted profiles on the demo's need authors: share of their topics among the top 10 phrases.
bench-profile-draft: $(STAMP)
	$(BIN)/python scripts/bench_profile_draft.py --torch-threads 1
