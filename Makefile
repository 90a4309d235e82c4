# Two entry points (see README): `make dataset` builds the current release,
# `make test` runs the whole test suite. Both bootstrap .venv/ on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dataset test validate bench clean-venv

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --progress-bar off -e '.[dev]'
	touch $(STAMP)

dataset: $(STAMP)
	$(BIN)/python -m scripts.build

validate: $(STAMP)
	$(BIN)/python -m scripts.validate

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m scripts.bench

clean-venv:
	rm -rf $(VENV)
