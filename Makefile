# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench validate-model update-baseline clean notebook

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,viz]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/msme-sim batch experiments/demo.yaml
	$(BIN)/msme-sim report results/demo

test: $(STAMP)
	sh scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto -q

# During development: everything but the tests marked slow (browser, Dask, notebook, findings,
# multi-seed directional tests); `make test` still runs them all.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -q -m "not slow"

# The tutorial in JupyterLab (installs the notebook extra once, then starts the server).
notebook: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[notebook]'
	$(BIN)/jupyter lab docs/tutorial.ipynb

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/msme-sim bench --million
	$(BIN)/python benchmarks/bench_batch.py

validate-model: $(STAMP)
	$(BIN)/msme-sim validate-model

update-baseline: $(STAMP)
	$(BIN)/python scripts/update_baseline.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
