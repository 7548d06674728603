# One entry point per chore. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help setup report test test-fast lint benchmarks sample dashboards messages

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the package with everything the tests need

report: setup  ## the main job: the sample partnership's report for its latest quarter (prints where the HTML is)
	$(BIN)/partner-analytics report data/sample --as-of 2026-09-30 --out reports/sample

test: setup  ## every test: unit, real data, notebooks (nbval), browser
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --nbval-lax tests notebooks dashboards

messages: setup  ## extract the marked messages into locale/*.pot and update every language's catalogue
	$(BIN)/python -m partner_analytics._messages

lint: setup  ## ruff
	$(BIN)/ruff check src tests

sample: setup  ## regenerate data/sample (deterministic)
	$(BIN)/partner-analytics sample data/sample --seed 0

dashboards: setup  ## serve the dashboards on the sample at http://127.0.0.1:8866
	$(BIN)/partner-analytics dashboards data/sample

benchmarks: setup  ## speed and memory: scale (10^4..10^7 observations), report, dashboards
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_dashboards.py
