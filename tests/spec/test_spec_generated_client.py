"""The generated client package (generated/qmt_server_client) matches the spec's operations.

Only a cheap structural check: `scripts/generate-client.sh --check` is what
proves the package is byte-for-byte what the spec generates.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from types import ModuleType

import pytest
from openapi_support import REPO_ROOT, load_spec

_SPEC = load_spec()
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Operations without a parsed response body (e.g. the 302-only /logout) get only the
# `_detailed` pair, so those two are what every operation module must have.
_FUNCTIONS = ("sync_detailed", "asyncio_detailed")


def _snake(name: str) -> str:
    """openapi-python-client's module names: camelCase and kebab-case to snake_case."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return name.replace("-", "_").lower()


_OPERATIONS = {
    op["operationId"]: op["tags"][0]
    for item in _SPEC["paths"].values()
    for method, op in item.items()
    if method in _METHODS
}


@pytest.fixture(scope="module")
def package() -> ModuleType:
    try:
        return importlib.import_module("qmt_server_client")
    except ModuleNotFoundError:
        sys.path.insert(0, str(REPO_ROOT / "generated"))
        return importlib.import_module("qmt_server_client")


def test_package_is_importable(package: ModuleType) -> None:
    assert hasattr(package, "Client")
    assert hasattr(package, "AuthenticatedClient")
    importlib.import_module("qmt_server_client.models")


@pytest.mark.parametrize(("operation_id", "tag"), sorted(_OPERATIONS.items()))
def test_one_function_module_per_operation(
    package: ModuleType, operation_id: str, tag: str
) -> None:
    module = importlib.import_module(f"qmt_server_client.api.{_snake(tag)}.{_snake(operation_id)}")
    for function in _FUNCTIONS:
        assert callable(getattr(module, function, None)), f"{module.__name__}.{function}"


def test_no_stale_operation_modules(package: ModuleType) -> None:
    api = importlib.import_module("qmt_server_client.api")
    found = set()
    for tag in pkgutil.iter_modules(api.__path__):
        tag_pkg = importlib.import_module(f"qmt_server_client.api.{tag.name}")
        found |= {f"{tag.name}.{m.name}" for m in pkgutil.iter_modules(tag_pkg.__path__)}
    expected = {f"{_snake(tag)}.{_snake(op)}" for op, tag in _OPERATIONS.items()}
    assert found == expected
