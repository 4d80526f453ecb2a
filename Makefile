# Shipyard's developer commands. Every target creates .venv and installs what it needs,
# so `make demo` and `make test` work on a fresh clone. Run `make help` for the list.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHOWCASE := examples/showcase
# pytest-xdist workers for `make test`, and the line coverage below which it fails.
TEST_WORKERS ?= 2
COVERAGE_MIN ?= 95
# Stamp files record that an install ran against the current pyproject.toml.
RUNTIME_STAMP := $(VENV)/.shipyard-runtime
DEV_STAMP := $(VENV)/.shipyard-dev

.DEFAULT_GOAL := help
.PHONY: help venv demo test lint docs audit bench clean

help:  ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "error: Shipyard needs Python >= 3.11; '$(PYTHON)' is older or missing (set PYTHON=python3.11)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/python  ## Create .venv (Python >= 3.11) if it is missing

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(RUNTIME_STAMP)

demo: $(RUNTIME_STAMP)  ## Install Shipyard, migrate and seed the showcase, serve it on :8000
	cd $(SHOWCASE) && ../../$(BIN)/shipyard db upgrade
	cd $(SHOWCASE) && ../../$(BIN)/shipyard db seed
	@echo "Serving the showcase at http://127.0.0.1:8000 (Ctrl+C stops it)"
	cd $(SHOWCASE) && { scripts/harbour_id.sh > var/harbour-id.log 2>&1 & harbour=$$!; \
		trap 'kill $$harbour 2>/dev/null' EXIT; ../../$(BIN)/shipyard dev; }

test: $(DEV_STAMP)  ## Install the development dependencies, run the whole suite, report coverage
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest -n $(TEST_WORKERS)
	$(BIN)/coverage combine -q
	$(BIN)/coverage report --fail-under=$(COVERAGE_MIN)

lint: $(DEV_STAMP)  ## ruff check, ruff format --check, mypy --strict and the package layers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict
	$(BIN)/lint-imports

docs: $(DEV_STAMP)  ## Build the documentation site into site/ (warnings are errors)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

audit: $(DEV_STAMP)  ## Known vulnerabilities in dependencies (pip-audit) and code (bandit)
	$(BIN)/pip-audit --skip-editable
	$(BIN)/bandit -q -c pyproject.toml -r src

bench: $(DEV_STAMP)  ## Run the benchmarks and write the figures to BENCHMARKS.md
	@# arq declares redis<6 but runs on the redis-py 7 the project uses: no resolver for it
	$(BIN)/pip install --quiet --no-deps 'arq>=0.26,<1'
	$(BIN)/python benchmarks/run.py --output BENCHMARKS.md

clean:  ## Remove build output, caches and the showcase's database (keeps .venv)
	rm -rf site build dist .mypy_cache .ruff_cache .pytest_cache .coverage .coverage.* $(SHOWCASE)/var
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name '*.egg-info' \) -type d -print0 \
		| xargs -0 rm -rf
