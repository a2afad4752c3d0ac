# The two commands a newcomer needs: `make demo` and `make test`. Both set everything up on a fresh machine.
# Any supported Python on the PATH (3.11, 3.12 or 3.13; python3 first), or PYTHON=/path/to/python3.x.
SUPPORTED := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))
ifeq ($(origin PYTHON),undefined)
PYTHON := $(firstword $(foreach p,python3 python3.13 python3.12 python3.11,$(shell $(p) -c '$(SUPPORTED)' >/dev/null 2>&1 && echo $(p))))
endif
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The editable install writes sahelwatch.egg-info here: two venvs built at once (.ci/run) take turns.
ONE_AT_A_TIME := $(shell command -v flock >/dev/null 2>&1 && echo flock .editable-install.lock)

.PHONY: demo test bench lint lock clean

$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" && $(PYTHON) -c '$(SUPPORTED)' || { echo "need Python 3.11, 3.12 or 3.13 (set PYTHON=/path/to/python3.x)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(ONE_AT_A_TIME) $(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sahelwatch demo

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python scripts/bench_extract.py
	$(BIN)/python scripts/bench_cluster.py
	$(BIN)/python scripts/bench_flow.py
	$(BIN)/python scripts/bench_page.py
	$(BIN)/python scripts/bench_store.py
	$(BIN)/python scripts/bench_scale.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lock:
	$(PYTHON) -m venv /tmp/sahelwatch-lock && /tmp/sahelwatch-lock/bin/pip install -q -e '.[dev]' && \
	{ echo "# The lock file: exact versions that install together on Python 3.11, 3.12 and 3.13. Regenerate with 'make lock'."; \
	  /tmp/sahelwatch-lock/bin/pip freeze --exclude-editable; } > requirements.lock
# The lock is made on 3.11 and installs as it is on 3.12 and 3.13 (checked by .ci/run, which tests 3.13 too).

# Everything the demo made (its database, analysts' copy, alerts file, Prefect files) and the venv; a real
# pipeline's files in data/ (sahelwatch.duckdb, its spool, prefect/) are left alone.
clean:
	rm -rf $(VENV) data/demo.duckdb data/demo.duckdb.wal data/demo.duckdb.lock data/demo-analyst.duckdb \
	       data/alerts.jsonl data/demo-prefect
