# qmt-facade developer targets. Everything runs inside .venv, created on demand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SPEC := openapi/qmt-server.yaml
GEN_CONFIG := openapi/generator-config.yaml
GEN_PACKAGE := generated/qmt_server_client
DOCS := build/docs/qmt-server.html

.PHONY: venv generate check-generated spec-check docs lint typecheck test demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install the project and its dev tools; re-run when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $@

venv: $(VENV)/.installed

# Regenerate the client package from the spec (deterministic: pinned generator and ruff).
generate: venv
	scripts/generate-client.sh $(GEN_PACKAGE)

# Regenerate into a temporary folder and fail on any difference from the committed package.
check-generated: venv
	scripts/generate-client.sh --check $(GEN_PACKAGE)

# Validate the spec (openapi-spec-validator) and lint it: Redocly `recommended` and
# Spectral `spectral:oas`, both from the npm registry, pinned in tools/spec-lint.
spec-check: venv
	$(BIN)/openapi-spec-validator $(SPEC)
	scripts/lint-spec.sh $(SPEC)

# One self-contained HTML reference of the spec (no network needed to view it).
docs: venv
	scripts/build-docs.sh $(SPEC) $(DOCS)

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build/docs
