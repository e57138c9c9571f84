"""Guard rails shared between real processes: the persisted daily count, the shared rate limit.

Strategy processes are ``_guard_child.py`` run with the test's Python; the
order requests are timed where they arrive, at a counting proxy in front
of the simulator. The Redis backend runs against a ``redis-server``
process started here (installed by ``.ci/run``: CI fails rather than
skips when it is missing).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _support import order_requests, orders_at
from fault_proxy import FaultProxy

from qmt_sim.testing import SimulatorProcess, free_port

CHILD = Path(__file__).resolve().parent / "_guard_child.py"
REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def proxy(sim: SimulatorProcess) -> Iterator[FaultProxy]:
    with FaultProxy(sim.base_url) as running:
        yield running


def child_settings(sim: SimulatorProcess, proxy: FaultProxy, **settings: Any) -> dict[str, Any]:
    return {
        "base_url": proxy.base_url,
        "client_id": sim.client_id,
        "secret_key": sim.secret_key,
        "price": 10.1,
        "shares": 100,
        "trader_index": 1,
        **settings,
    }


def start_child(settings: dict[str, Any]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QMT_")}
    return subprocess.Popen(
        [sys.executable, str(CHILD), json.dumps(settings)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPOSITORY,
        env=env,
    )


def outcomes(child: subprocess.Popen[str]) -> list[dict[str, Any]]:
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    answer: list[dict[str, Any]] = json.loads(out)
    return answer


def run_child(settings: dict[str, Any]) -> list[dict[str, Any]]:
    return outcomes(start_child(settings))


def test_the_daily_count_in_the_journal_survives_a_restart(
    sim: SimulatorProcess, proxy: FaultProxy, tmp_path: Path
) -> None:
    journal = str(tmp_path / "orders.sqlite3")
    risk = {"max_orders_per_day": 3}
    first = run_child(child_settings(sim, proxy, count=2, risk=risk, journal=journal))
    assert [list(o) for o in first] == [["placed"], ["placed"]]
    proxy.reset()
    before = orders_at(sim)
    # A new process on the same journal: one more order fits, the next is refused.
    second = run_child(child_settings(sim, proxy, count=2, risk=risk, journal=journal))
    assert "placed" in second[0]
    assert second[1]["refused"] == "max_orders_per_day"
    assert "已发送 3 笔委托，上限 3" in second[1]["message"]
    assert len(order_requests(proxy)) == 1 and orders_at(sim) == before + 1
    # Without a journal the count is the process's own: a restart starts from zero.
    third = run_child(child_settings(sim, proxy, count=1, risk=risk))
    assert "placed" in third[0]


def measured(arrivals: list[float]) -> tuple[float, float]:
    """(orders per second over the whole run, smallest gap between two orders)."""
    arrivals = sorted(arrivals)
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    gap = min(b - a for a, b in itertools.pairwise(arrivals))
    return rate, gap


def two_processes_share_the_rate(
    sim: SimulatorProcess, proxy: FaultProxy, label: str, **backend: str
) -> None:
    """Two strategy processes, 5 orders each, one shared budget of 2 orders a second."""
    rate_limit = {"max_orders_per_second": 2, "max_wait": 30, **backend}
    proxy.reset()
    children = [
        start_child(child_settings(sim, proxy, count=5, rate_limit=rate_limit)) for _ in range(2)
    ]
    results = [outcomes(child) for child in children]
    assert all("placed" in o for result in results for o in result)
    arrivals = [e["at"] for e in order_requests(proxy)]
    assert len(arrivals) == 10
    rate, gap = measured(arrivals)
    configured = float(rate_limit["max_orders_per_second"])
    print(
        f"\n{label}: 2 processes, 10 orders: {rate:.3f}/s measured at the server, "
        f"{configured:g}/s configured, smallest gap {gap * 1000:.0f} ms"
    )
    # burst=1 spaces the orders 1/rate apart; the slack is network jitter at the proxy.
    assert rate <= configured * 1.05
    assert gap >= 0.6 / configured


def test_two_processes_sharing_the_file_bucket_never_exceed_the_rate(
    sim: SimulatorProcess, proxy: FaultProxy, tmp_path: Path
) -> None:
    path = str(tmp_path / "order-rate.sqlite3")
    two_processes_share_the_rate(sim, proxy, "file backend", backend="file", path=path)


def _redis_missing_reason() -> str | None:
    if shutil.which("redis-server") is None:
        return "redis-server is not installed (Debian: apt-get install redis-server)"
    try:
        import redis  # noqa: F401
    except ImportError:
        return "the redis package is not installed (pip install 'qmt-facade[redis]')"
    return None


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of its own on a free loopback port, no persistence."""
    missing = _redis_missing_reason()
    if missing is not None:
        if os.environ.get("QMT_REQUIRE_REDIS") or os.environ.get("CI"):
            pytest.fail(f"CI must test the Redis backend, but {missing}")
        pytest.skip(missing)
    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_two_processes_sharing_a_redis_bucket_never_exceed_the_rate(
    sim: SimulatorProcess, proxy: FaultProxy, redis_url: str
) -> None:
    two_processes_share_the_rate(
        sim, proxy, "redis backend", backend="redis", redis_url=redis_url, key="redis-test"
    )
