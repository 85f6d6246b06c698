# runback: the README's two commands are `make serve` and `make test`.
# Both create .venv when missing and reinstall only when pyproject.toml or the
# lock (requirements/*.txt) changes. They install the exact versions of the lock
# (hash-checked), then the package itself without dependencies. `make lock`
# refreshes the lock from pyproject.toml's ranges.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
ARGS ?=
#: Locks: exact versions + sha256 hashes for every Python from 3.10 up (one
#: universal resolution, with environment markers where versions differ).
LOCK_RUNTIME := requirements/runtime.txt
LOCK_TEST := requirements/test.txt
#: The lock tool (only `make lock` needs it).
UV_VERSION := 0.13.8
LOCK_FLAGS := --universal --python-version 3.10 --generate-hashes --upgrade --quiet --custom-compile-command "make lock"

.PHONY: serve test test-fast bench bench-classroom soak strip clean venv screenshots lock

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "runback needs Python 3.10 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.runback-base: pyproject.toml $(LOCK_RUNTIME) | $(VENV)/bin/python
	$(PIP) install --require-hashes -r $(LOCK_RUNTIME)
	$(PIP) install --no-deps -e .
	@touch $@

# The test lock holds the runtime lock's versions (compiled with it as constraints).
$(VENV)/.runback-test: pyproject.toml $(LOCK_RUNTIME) $(LOCK_TEST) | $(VENV)/bin/python
	$(PIP) install --require-hashes -r $(LOCK_TEST)
	$(PIP) install --no-deps -e .
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

## bench-classroom: 30 protocol visitors (+1 Chromium probe) per dashboard on runback serve --classroom 30 and plain voila
bench-classroom: $(VENV)/.runback-test
	$(PY) benchmarks/classroom.py

## soak: 30 protocol visitors x 10 min of random interactions, then checks errors, kernels and memory
soak: $(VENV)/.runback-test
	$(PY) benchmarks/soak.py

## screenshots: regenerate the README images in docs/screenshots/ from the browser tests (laptop, phone, projector)
screenshots: $(VENV)/.runback-test
	RUNBACK_UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/browser/test_pages.py tests/browser/test_layout_phone.py tests/browser/test_layout_present.py -q

## lock: refresh requirements/*.txt and binder/requirements.txt to the newest versions pyproject.toml allows
lock: | $(VENV)/bin/python
	$(PIP) install uv==$(UV_VERSION)
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_FLAGS) -o $(LOCK_RUNTIME)
	$(VENV)/bin/uv pip compile pyproject.toml --extra test -c $(LOCK_RUNTIME) $(LOCK_FLAGS) -o $(LOCK_TEST)
	$(PY) tools/binder_requirements.py

## strip: remove outputs and widget state from notebooks before committing
strip: $(VENV)/.runback-test
	$(PY) tools/nbtool.py strip notebooks/*.ipynb benchmarks/*.ipynb

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
