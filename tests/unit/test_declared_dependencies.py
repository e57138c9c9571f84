"""Everything qmt_facade imports is installed by `pip install qmt-facade`.

A package that is only there because a development extra pulled it in
(click came with uvicorn once typer stopped needing it) works in CI and
breaks a user's plain install: every import of the client and the CLI must
be the standard library, the project itself, or a declared dependency
(pandas and redis: their optional extras, imported on first use).
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN = {"qmt_facade", "qmt_trade_client", "qmt_server_client"}
OPTIONAL_EXTRAS = ("pandas", "redis")


def _requirement_name(requirement: str) -> str:
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group(0)).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {_requirement_name(r) for r in project["dependencies"]}
    for extra in OPTIONAL_EXTRAS:
        names |= {_requirement_name(r) for r in project["optional-dependencies"][extra]}
    return names


def _imported_packages(package: Path) -> dict[str, str]:
    """Top-level module name -> the first file that imports it (absolute imports)."""
    found: dict[str, str] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_import_is_declared() -> None:
    declared = _declared()
    distributions = importlib.metadata.packages_distributions()
    imported = {
        **_imported_packages(ROOT / "qmt_facade"),
        **_imported_packages(ROOT / "qmt_trade_client"),
    }
    assert "typer" in imported and "httpx" in imported  # the scan sees the CLI and the client
    undeclared = {}
    for module, where in imported.items():
        if module in sys.stdlib_module_names or module in OWN or module == "__future__":
            continue
        owners = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(module, [])}
        if not owners & declared:
            undeclared[module] = (where, sorted(owners))
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
