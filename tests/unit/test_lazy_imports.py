"""What `import qmt_facade` loads, and what waits for first use (qmt_facade.lazy_exports).

Each check runs in a fresh interpreter: this test process has long imported
everything.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import qmt_facade

ROOT = Path(__file__).resolve().parents[2]

# Never loaded by a plain `import qmt_facade` (nor by the manual's import path)
# beyond what `import httpx` loads itself: httpx's own command line imports
# rich (and click, pygments) wherever they are installed, as they are with `qmt`.
OPTIONAL_PACKAGES = (
    "aiohttp",
    "httpx_aiohttp",
    "asyncio",
    "sqlite3",
    "tenacity",
    "yaml",
    "dotenv",
    "pyrate_limiter",
    "pandas",
    "typer",
    "rich",
    "zoneinfo",
)
# Loaded on first use: the async client, every plan module with the generated
# endpoints and models, and the modules of the types only some scripts use.
FIRST_USE_MODULES = (
    "qmt_facade.aio",
    "qmt_facade.cli",
    "qmt_facade.frames",
    "qmt_facade.journal",
    "qmt_facade.quotes",
    "qmt_facade.rate_limit",
    "qmt_facade.records",
    "qmt_facade.risk",
    "qmt_facade.server_lines",
    "qmt_facade.plans.accounts",
    "qmt_facade.plans.trading",
    "qmt_facade.plans.market_data",
    "qmt_server_client.api",
    "qmt_server_client.models",
)


def fresh(code: str) -> list[str]:
    """``code`` run by a new interpreter; its printed lines."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def modules_after(statement: str) -> set[str]:
    return set(
        json.loads(fresh(f"import json, sys\n{statement}\nprint(json.dumps(list(sys.modules)))")[0])
    )


def loaded_after(statement: str, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (in their order) a fresh interpreter has imported after ``statement``."""
    report = f"print(json.dumps([m for m in {json.dumps(names)} if m in sys.modules]))"
    return json.loads(fresh(f"import json, sys\n{statement}\n{report}")[0])


@pytest.mark.parametrize(
    "statement", ["import qmt_facade", "from qmt_trade_client import QMTTradeClient"]
)
def test_import_leaves_optional_packages_and_first_use_modules_unloaded(statement: str) -> None:
    added = modules_after(statement) - modules_after("import httpx")
    unwanted = sorted(
        module
        for module in added
        if module.split(".")[0] in OPTIONAL_PACKAGES
        or any(module == lazy or module.startswith(f"{lazy}.") for lazy in FIRST_USE_MODULES)
    )
    assert unwanted == []
    assert "qmt_facade.client" in added  # what it does load


def test_the_async_client_loads_aiohttp_when_created() -> None:
    code = (
        "import qmt_facade\n"
        "qmt_facade.AsyncQMTTradeClient('http://127.0.0.1:9', client_id='c', secret_key='s')"
    )
    assert loaded_after(code, ("qmt_facade.aio", "asyncio", "aiohttp")) == [
        "qmt_facade.aio",
        "asyncio",
        "aiohttp",
    ]


def test_a_first_call_loads_its_plans_and_the_generated_models() -> None:
    # A blocking client's first get_portfolio, answered by a MockTransport.
    code = (
        "import httpx, qmt_facade\n"
        "body = {'success': True, 'portfolio': {'total_asset': 1.0, 'cash': 1.0,"
        " 'frozen_cash': 0.0, 'market_value': 0.0, 'profit': 0.0, 'profit_ratio': 0.0}}\n"
        "answer = httpx.MockTransport(lambda request: httpx.Response(200, json=body))\n"
        "http = httpx.Client(transport=answer)\n"
        "client = qmt_facade.QMTTradeClient('http://qmt.test', client_id='c', secret_key='s',"
        " env_file=None, http_client=http)\n"
        "assert client.get_portfolio(0).total_asset == 1.0"
    )
    wanted = ("qmt_facade.plans.accounts", "qmt_server_client.models", "qmt_facade.records")
    assert loaded_after(code, (*wanted, "qmt_facade.plans.trading", "qmt_facade.aio")) == list(
        wanted
    )


def type_checking_imports(module: str) -> dict[str, str]:
    """name -> home module of the imports under ``if TYPE_CHECKING:`` in ``module``'s source."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    homes: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom) and statement.module is not None
                homes.update({alias.name: statement.module for alias in statement.names})
    return homes


@pytest.mark.parametrize("package", ["qmt_facade", "qmt_facade.plans"])
def test_lazy_names_are_those_type_checkers_see_and_come_from_there(package: str) -> None:
    # The names a fresh package has not bound are exactly its TYPE_CHECKING
    # imports (what mypy and IDEs see), and each resolves to that module's object.
    code = (
        f"import json, {package} as p\n"
        "print(json.dumps({'bound': sorted(vars(p)), 'dir': dir(p), 'all': p.__all__}))"
    )
    seen = json.loads(fresh(code)[0])
    homes = type_checking_imports(package)
    assert set(seen["dir"]) - set(seen["bound"]) == set(homes)
    assert set(seen["all"]) <= set(seen["dir"])
    namespace = importlib.import_module(package)
    for name, home in homes.items():
        assert getattr(namespace, name) is getattr(importlib.import_module(home), name), name
        assert name in vars(namespace)  # bound once used: later lookups are plain globals


def test_an_unknown_name_is_an_attribute_error_naming_the_package() -> None:
    with pytest.raises(AttributeError, match="module 'qmt_facade' has no attribute 'Nope'"):
        qmt_facade.Nope  # type: ignore[attr-defined]  # noqa: B018


def test_the_manual_import_path_offers_every_name_of_qmt_facade() -> None:
    import qmt_trade_client

    assert qmt_trade_client.__all__ == qmt_facade.__all__
    assert set(qmt_facade.__all__) <= set(dir(qmt_trade_client))
    for name in qmt_facade.__all__:
        assert getattr(qmt_trade_client, name) is getattr(qmt_facade, name), name
