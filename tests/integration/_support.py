"""Helpers shared by the integration tests: sim admin calls, custom sims, the manual's snippets."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from qmt_facade import Order, QMTTradeClient
from qmt_facade.signing import QMTSignatureAuth
from qmt_sim.config import sample_config_path
from qmt_sim.testing import SimulatorProcess

# ../shared sits beside the repository (as in CI); the manual is the contract.
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
MANUAL_PATH = SHARED / "seed" / "000_38080c67b1cd514c.txt"


def sample_config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(sample_config_path().read_text(encoding="utf-8"))
    return loaded


@contextmanager
def custom_sim(
    directory: Path, mutate: Callable[[dict[str, Any]], None]
) -> Iterator[SimulatorProcess]:
    """A simulator whose sample config was changed by ``mutate`` first."""
    config = copy.deepcopy(sample_config())
    mutate(config)
    with SimulatorProcess(directory, config) as process:
        yield process


SERVER_LINES = ("main", "upstream")


def line_sim(directory: Path, line: str) -> Any:
    """A simulator of the sample config playing server line ``line``."""

    def on_line(config: dict[str, Any]) -> None:
        config.setdefault("server", {})["line"] = line

    return custom_sim(directory, on_line)


# Requests that place or cancel orders (everything else the client sends is a read or the probe).
ORDER_PATHS = (
    "/qmt/trade/api/outer/trade/",
    "/qmt/trade/api/trade/nhg",
    "/qmt/trade/api/cancel_order",
    "/qmt/trade/api/cancel_orders/",
)


def order_requests(proxy: Any) -> list[dict[str, Any]]:
    """The order-placing and cancelling requests a FaultProxy saw, in arrival order."""
    return [e for e in proxy.log() if e["path"].startswith(ORDER_PATHS)]


def orders_at(sim: SimulatorProcess) -> int:
    """Every order the simulator holds today, over the sample config's two accounts."""
    with signed_client(sim, server_line="main") as reader:  # reads only: no probe needed
        return sum(len(reader.get_orders(i)) for i in (0, 1))


def _admin(sim: SimulatorProcess, path: str, body: dict[str, Any]) -> dict[str, Any]:
    auth = QMTSignatureAuth(sim.client_id, sim.secret_key)
    with httpx.Client(base_url=sim.base_url, auth=auth, timeout=10) as http:
        response = http.post(path, json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def tick(sim: SimulatorProcess, steps: int = 1) -> dict[str, Any]:
    """Move the simulated market ``steps`` steps (matching resting orders)."""
    return _admin(sim, "/sim/tick", {"steps": steps})


def next_day(sim: SimulatorProcess) -> dict[str, Any]:
    return _admin(sim, "/sim/next_day", {})


def signed_client(sim: SimulatorProcess, server_line: str | None = None) -> QMTTradeClient:
    return QMTTradeClient(
        sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key, server_line=server_line
    )


def prepare_snippet(code: str, sim: SimulatorProcess) -> str:
    """The manual's snippet with only base_url and credentials pointed at ``sim``."""
    code = code.replace("http://localhost:9091", sim.base_url)
    code = re.sub(r'client_id="[^"]*"', f'client_id="{sim.client_id}"', code)
    code = re.sub(r'secret_key="[^"]*"', f'secret_key="{sim.secret_key}"', code)
    code = code.replace('login("admin", "password")', f'login("{sim.username}", "{sim.password}")')
    code = code.replace(
        'login("admin", "wrong_password")', f'login("{sim.username}", "wrong_password")'
    )
    return code


def run_snippet(
    code: str, sim: SimulatorProcess, close: bool = True, **names: Any
) -> dict[str, Any]:
    """exec() the prepared snippet; returns its namespace (clients it made are closed)."""
    namespace: dict[str, Any] = {"__name__": "manual_snippet", **names}
    try:
        exec(compile(prepare_snippet(code, sim), "<manual snippet>", "exec"), namespace)
    finally:
        made = namespace.get("client")
        if close and isinstance(made, QMTTradeClient) and made is not names.get("client"):
            made.close()
    return namespace


def normalized_lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def find(orders: list[Order], **fields: Any) -> list[Order]:
    """Orders whose fields equal ``fields`` (floats compared to 1e-6)."""
    found = []
    for order in orders:
        if all(_same(order[key], want) for key, want in fields.items()):
            found.append(order)
    return found


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, float):
        return bool(abs(got - want) < 1e-6)
    return bool(got == want)


def isolate_settings(tmp_path: Path, monkeypatch: Any) -> Path:
    """An empty working directory (no .env) and none of this machine's QMT_* variables."""
    from qmt_facade.config import ENV_VARS

    for variable in ENV_VARS.values():
        monkeypatch.delenv(variable, raising=False)
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder
