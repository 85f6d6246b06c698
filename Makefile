# runback: the README's two commands are `make serve` and `make test`.
# Both create .venv when missing and reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
ARGS ?=

.PHONY: serve test test-fast bench bench-classroom soak strip clean venv screenshots

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "runback needs Python 3.10 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.runback-base: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.runback-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[test]"
	@touch $@ $(VENV)/.runback-base

venv: $(VENV)/.runback-base

## serve: start the dashboards (http://127.0.0.1:8866/voila/render/index.ipynb)
serve: $(VENV)/.runback-base
	$(VENV)/bin/runback serve $(ARGS)

## test: every test: unit, widget, notebooks (nbval), browser (Chromium)
test: $(VENV)/.runback-test
	$(PY) -m pytest $(ARGS)

## test-fast: everything but the browser suite
test-fast: $(VENV)/.runback-test
	$(PY) -m pytest -m "not browser" $(ARGS)

## bench: time to first plot and slider latency per dashboard vs a one-slider baseline
bench: $(VENV)/.runback-test
	$(PY) benchmarks/dashboards.py $(ARGS)
	@if [ -f benchmarks/loadsim.py ]; then $(PY) benchmarks/loadsim.py; fi

bench-classroom: $(VENV)/.runback-test
	$(PY) benchmarks/classroom.py

soak: $(VENV)/.runback-test
	$(PY) benchmarks/soak.py

## screenshots: regenerate the README images in docs/screenshots/ from the browser tests
screenshots: $(VENV)/.runback-test
	RUNBACK_UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/browser/test_pages.py -q

## strip: remove outputs and widget state from notebooks before committing
strip: $(VENV)/.runback-test
	$(PY) tools/nbtool.py strip notebooks/*.ipynb benchmarks/*.ipynb

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
