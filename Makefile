# Two entry points (see README): `make dataset` builds the current release,
# `make test` runs the whole test suite. Both bootstrap .venv/ on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark

.PHONY: help dataset test lint validate bench view browser clean-venv

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 20

# One progress line instead of pip's silence; pip's full output goes to .venv/install.log and is shown
# only when the install fails.
$(STAMP): pyproject.toml
	@echo "installing the project and its dev tools into $(VENV)/ (1-2 minutes; log: $(VENV)/install.log)..."
	@start=$$(date +%s); \
	$(PY) -m venv $(VENV) && \
	{ $(BIN)/pip install --upgrade pip && $(BIN)/pip install --progress-bar off -e '.[dev]'; } > $(VENV)/install.log 2>&1 \
	  || { tail -n 40 $(VENV)/install.log; echo "install failed: see $(VENV)/install.log"; exit 1; }; \
	echo "installed in $$(( $$(date +%s) - start ))s"
	@touch $(STAMP)

# The Spark engine's pyspark (the `spark` extra): only the tests and lint need it, not `make dataset`.
$(SPARK_STAMP): $(STAMP)
	@echo "installing the Spark engine (pyspark, about 520 MB) into $(VENV)/ (log: $(VENV)/install.log)..."
	@$(BIN)/pip install --progress-bar off -e '.[dev,spark]' >> $(VENV)/install.log 2>&1 \
	  || { tail -n 40 $(VENV)/install.log; echo "install failed: see $(VENV)/install.log"; exit 1; }
	@touch $(SPARK_STAMP)

dataset: $(STAMP)  ## build the current release into dataset/v<version>/
	$(BIN)/python -m scripts.build

validate: $(STAMP)  ## validate the current release (pandera, cross-table rules, GX) and rebuild it from its source/
	$(BIN)/python -m scripts.validate --rebuild

# The viewer's browser test drives Debian's chromium; fonts-wqy-microhei gives it Chinese glyphs.
browser:  ## install chromium, chromedriver and CJK fonts for the viewer test (as root)
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! fc-list 2>/dev/null | grep -qi wenquanyi; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      chromium chromium-driver fonts-wqy-microhei > /dev/null; \
	  else echo "make browser: run as root to install chromium, chromium-driver and fonts-wqy-microhei"; fi; \
	fi

# -n auto: one pytest worker per core; --dist loadfile keeps a module's tests (and its module fixtures) in one worker
test: $(SPARK_STAMP) browser  ## run the whole test suite
	$(BIN)/python -m pytest -n auto --dist loadfile

view: $(STAMP)  ## write the offline viewer to build/viewer/
	$(BIN)/python -m scripts.view

bench: $(STAMP)  ## wall time and peak memory per stage
	$(BIN)/python -m scripts.bench

lint: $(SPARK_STAMP)  ## ruff (with a complexity limit), mypy and the layer contract, as configured in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean-venv:  ## remove .venv/
	rm -rf $(VENV)
