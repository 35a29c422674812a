# DX Portal — `make run` (portal with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
VPY := $(VENV)/bin/python
# A Python >= 3.12 found by scripts/find-python (override with PYTHON=/path/to/python3.x).
PYTHON ?= $(shell scripts/find-python)
# Editions in order: each names the one before it as its predecessor.
DEFAULT_CATALOGUE := frameworks/catalogue/jichitai-dx-2.0.yaml frameworks/catalogue/jichitai-dx-2.3.yaml frameworks/catalogue/jichitai-dx-2026.yaml
HOST ?= 127.0.0.1
PORT ?= 8000

export DJANGO_ENV ?= development

.PHONY: help run test setup setup-dev db demo lint format messages bench loadtest clean

help:
	@echo "make run   - set up (.venv, SQLite, master and demo data) and start the portal on http://$(HOST):$(PORT)"
	@echo "make test  - set up with dev dependencies, then ruff and the whole pytest suite"

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found. Install one or run: make run PYTHON=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(VPY) -m pip install --quiet -c constraints.txt -e ".[dev,redis]"
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

# Catalogue editions not in the database are imported; those already there get their
# citations corrected and nothing else (frameworks/FORMAT.md, "Corrections to a published edition").
db: setup
	@mkdir -p var
	$(VPY) manage.py migrate --noinput
	$(VPY) manage.py import_municipalities fixtures/municipalities/municipalities.csv
	$(VPY) manage.py import_population fixtures/municipalities/population.csv
	$(VPY) manage.py import_framework --skip-existing --correct-sources $(DEFAULT_CATALOGUE)

demo: db
	$(VPY) manage.py seed_demo

run: export DEBUG = 1
# The demo's sign-ins work without an authenticator app; production refuses this.
run: export TWO_FACTOR_REQUIRED ?= 0
run: demo
	@echo "Starting the portal on http://$(HOST):$(PORT)/ (Ctrl-C stops it and its workers)"
	@[ "$$TWO_FACTOR_REQUIRED" != 0 ] || echo "Two-factor sign-in is OFF for this demo (TWO_FACTOR_REQUIRED=0)."
	@trap 'kill 0' EXIT INT TERM; \
	  $(VPY) manage.py resume_exports --stale-after 0 && \
	  { $(VPY) manage.py db_worker & $(VPY) manage.py db_worker & } ; \
	  $(VPY) manage.py runserver $(HOST):$(PORT)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: setup
	$(VPY) manage.py makemessages -l en --ignore=.venv --ignore=var
	$(VPY) manage.py compilemessages --ignore=.venv

test: lint
	$(VPY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var

bench: setup
	$(VPY) scripts/bench.py

# Load benchmark over HTTP (README: Load benchmark); e.g.
# make loadtest LOADTEST_ARGS="--database postgres://postgres@127.0.0.1:5432/dxportal_load"
loadtest: setup-dev
	$(VPY) scripts/loadtest.py $(LOADTEST_ARGS)
