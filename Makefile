# qmt-facade developer targets. Everything runs inside .venv, created on demand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SPEC := openapi/qmt-server.yaml
GEN_CONFIG := openapi/generator-config.yaml
GEN_PACKAGE := generated/qmt_server_client
TS_CLIENT := clients/typescript
DOCS := build/docs/qmt-server.html

.PHONY: venv generate check-generated spec-check docs ts-test lint typecheck test demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install the project and its dev tools; re-run when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $@

venv: $(VENV)/.installed

# Regenerate the Python client package and the TypeScript types from the spec
# (deterministic: pinned generators, pinned ruff).
generate: venv
	scripts/generate-client.sh $(GEN_PACKAGE)
	scripts/generate-ts-types.sh

# Regenerate into a temporary folder and fail on any difference from what is committed.
check-generated: venv
	scripts/generate-client.sh --check $(GEN_PACKAGE)
	scripts/generate-ts-types.sh --check

# Validate the spec (openapi-spec-validator) and lint it: Redocly `recommended` and
# Spectral `spectral:oas`, both from the npm registry, pinned in tools/spec-lint.
spec-check: venv
	$(BIN)/openapi-spec-validator $(SPEC)
	scripts/lint-spec.sh $(SPEC)

# One self-contained HTML reference of the spec (no network needed to view it).
docs: venv
	scripts/build-docs.sh $(SPEC) $(DOCS)

# The TypeScript client: npm ci from its lock file, compile with tsc, then node's test
# runner (the signer against the spec's examples and Python, conformance against the simulator).
ts-test: venv
	scripts/npm-ci-if-stale.sh $(TS_CLIENT)
	rm -rf $(TS_CLIENT)/dist
	cd $(TS_CLIENT) && node_modules/.bin/tsc -p tsconfig.json && node --test dist/test/*.test.js

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check qmt_facade qmt_trade_client

typecheck: venv
	$(BIN)/mypy qmt_facade qmt_trade_client qmt_sim
	cd generated && ../$(BIN)/mypy --config-file ../pyproject.toml -p qmt_server_client

test: venv
	$(BIN)/python -m pytest -q

# Start the simulator, run the quick-start strategy through qmt_facade, stop the simulator.
demo: venv
	$(BIN)/python scripts/demo.py

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build/docs $(TS_CLIENT)/dist
