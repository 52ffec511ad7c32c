# Two entry points: `make run` (dashboard on the embedded default) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast bench lint-docs messages clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --editable .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: $(VENV)/.dev
	$(PY) -m pytest

# The quick loop while editing: no shared corpus, no browser (a few dozen seconds).
test-fast: $(VENV)/.dev
	$(PY) -m pytest -m "not corpus and not browser" -q

bench: $(VENV)/.dev
	$(PY) -m bench

lint-docs: $(VENV)/.runtime
	$(PY) -m loaders lint docs_source

# Refresh the dashboard's UI catalogs after changing marked strings (then translate the new ones).
messages: $(VENV)/.runtime
	$(PY) -m dashboard.core.messages update

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
