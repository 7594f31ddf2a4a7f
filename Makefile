# The two set-up commands of README.md: `make run` and `make test`. Both create the virtualenv.
VENV   := .venv
BIN    := $(VENV)/bin
PYTHON ?= python3

.PHONY: run test lint services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Serve the API on the embedded default (SQLite file, solve jobs in a thread) with the demo loaded.
run: $(VENV)/.installed
	$(BIN)/placements demo
	$(BIN)/placements serve

# The whole suite, against the real PostgreSQL and Redis on this machine (started if stopped).
test: $(VENV)/.installed services
	$(BIN)/ruff check domain solver placements api workers bootstrap tests
	$(BIN)/pytest -n 2 --dist loadgroup

services:
	bash tests/services.sh

clean:
	rm -rf $(VENV) placements.db placements.db-wal placements.db-shm
