# The two commands a newcomer needs: `make demo` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint lock clean

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sahelwatch demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python scripts/bench_extract.py
	$(BIN)/python scripts/bench_cluster.py
	$(BIN)/python scripts/bench_flow.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lock:
	$(PYTHON) -m venv /tmp/sahelwatch-lock && /tmp/sahelwatch-lock/bin/pip install -q -e '.[dev]' && \
	{ echo "# The lock file: exact versions that install together here (Python 3.11). Regenerate with 'make lock'."; \
	  /tmp/sahelwatch-lock/bin/pip freeze --exclude-editable; } > requirements.lock

# Everything the demo made (its database, analysts' copy, alerts file, Prefect files) and the venv; a real
# pipeline's files in data/ (sahelwatch.duckdb, its spool, prefect/) are left alone.
clean:
	rm -rf $(VENV) data/demo.duckdb data/demo.duckdb.wal data/demo.duckdb.lock data/demo-analyst.duckdb \
	       data/alerts.jsonl data/demo-prefect
