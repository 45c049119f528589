# The two commands of the README. Both install into a local virtual environment (.venv) from
# the pinned requirements, once; re-running reuses what is installed. `make test` lints first
# (ruff, configured in ruff.toml), then runs pytest.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install demo test clean-venv

install: $(STAMP)

$(STAMP): requirements/runtime.txt requirements/tests.txt requirements/tests-nodeps.txt setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip 'setuptools<81' wheel
	$(PY) -m pip install --quiet -r requirements/runtime.txt -r requirements/tests.txt
	# pysodmetrics without its opencv-python-headless: see requirements/runtime.txt
	$(PY) -m pip install --quiet --no-deps -r requirements/tests-nodeps.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

demo: install
	$(PY) tools/demo.py $(DEMO_ARGS)

test: install
	$(PY) -m ruff check .
	$(PY) -m pytest tests $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)
