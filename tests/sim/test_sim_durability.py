"""Crash safety, restarts, concurrency over HTTP, and the command line."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from sim_http import SimHttp, run_cli, sample_config

from qmt_sim.store import GroupCommit
from qmt_sim.testing import SimulatorProcess


def test_kill_minus_nine_loses_nothing_acknowledged(tmp_path: Path) -> None:
    sim = SimulatorProcess(tmp_path).start()
    http = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
    try:
        order_ids = []
        for price in (10.0, 10.1, 10.2):  # resting orders: cash frozen
            body = http.ok(
                "POST",
                "/outer/trade/buy",
                {"symbol": "000001", "trade_price": price, "order_num": 100, "trader_index": 1},
            )
            order_ids.append(body["results"][0]["result"]["order_id"])
        http.ok(
            "POST",
            "/outer/trade/sell",
            {"symbol": "000001", "trade_price": 10.5, "order_num": 300, "trader_index": 0},
        )
        http.tick(3)
        before = {
            "orders": http.ok("POST", "/orders", {"trader_index": 1}),
            "portfolio": [http.ok("GET", f"/portfolio/{i}") for i in (0, 1)],
            "positions": [http.ok("GET", f"/positions/{i}") for i in (0, 1)],
            "clock": http.signed("GET", "/sim/clock").json(),
        }
        sim.kill()
        assert not sim.running
        sim.start()
        after = {
            "orders": http.ok("POST", "/orders", {"trader_index": 1}),
            "portfolio": [http.ok("GET", f"/portfolio/{i}") for i in (0, 1)],
            "positions": [http.ok("GET", f"/positions/{i}") for i in (0, 1)],
            "clock": http.signed("GET", "/sim/clock").json(),
        }
        assert after == before
        assert [o["order_id"] for o in after["orders"]] == order_ids
        assert after["portfolio"][1]["portfolio"]["frozen_cash"] > 0
    finally:
        http.close()
        sim.stop()


def test_twenty_concurrent_http_buys_never_overspend(tmp_path: Path) -> None:
    raw = sample_config()
    raw["accounts"][1]["cash"] = 100_000
    with SimulatorProcess(tmp_path, raw) as sim:
        clients = [SimHttp(sim.base_url, sim.client_id, sim.secret_key) for _ in range(20)]
        barrier = threading.Barrier(20)
        results: list[Any] = []

        def buy(client: SimHttp) -> None:
            barrier.wait()
            body = {"symbol": "000002", "trade_price": 20.30, "order_num": 1000, "trader_index": 1}
            results.append(client.api("POST", "/outer/trade/buy", body))

        threads = [threading.Thread(target=buy, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [r.status_code for r in results] == [200] * 20
        http = clients[0]
        portfolio = http.ok("GET", "/portfolio/1")["portfolio"]
        orders = http.ok("POST", "/orders", {"trader_index": 1})
        traded_value = sum(o["traded_volume"] * o["traded_price"] for o in orders)
        commissions = sum(
            max(round(o["traded_volume"] * o["traded_price"] * 0.00025, 2), 5.0)
            for o in orders
            if o["traded_volume"]
        )
        assert portfolio["cash"] >= 0 and portfolio["frozen_cash"] == 0
        assert portfolio["cash"] == pytest.approx(100_000 - traded_value - commissions)
        held = next(
            p for p in http.ok("GET", "/positions/1")["positions"] if p["symbol"] == "000002.SZ"
        )
        assert held["volume"] == sum(o["traded_volume"] for o in orders)
        assert held["volume"] * 20.30 <= 100_000
        for client in clients:
            client.close()


def test_cli_next_day_offline_and_restart(tmp_path: Path) -> None:
    sim = SimulatorProcess(tmp_path)
    with sim:
        http = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
        http.ok(
            "POST",
            "/outer/trade/buy",
            {"symbol": "000002", "trade_price": 20.30, "order_num": 100, "trader_index": 1},
        )
        held = next(
            p for p in http.ok("GET", "/positions/1")["positions"] if p["symbol"] == "000002.SZ"
        )
        assert held["can_use_volume"] == 0
        http.close()
    done = run_cli("next-day", "--db", str(sim.db_path), "--config", str(sim.config_path))
    assert done.returncode == 0, done.stderr
    assert "trading day 2" in done.stdout
    with sim:
        http = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
        held = next(
            p for p in http.ok("GET", "/positions/1")["positions"] if p["symbol"] == "000002.SZ"
        )
        assert held["can_use_volume"] == 100
        assert http.signed("GET", "/sim/clock").json()["trading_day"] == 2
        http.close()


def test_cli_reports_a_bad_config_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text(
        "outer_api_clients: [{client_id: a, secret_key: b}]\n"
        "accounts: [{account_id: '1', cash: -5}]\n",
        encoding="utf-8",
    )
    result = run_cli("--config", str(bad), "--db", str(tmp_path / "x.sqlite3"))
    assert result.returncode == 2
    assert result.stderr.strip() == "qmt-sim: config.yaml: accounts[0].cash must be a number >= 0"


# ------------------------------------------------------------ group commit
def test_acknowledged_concurrent_orders_survive_kill_minus_nine(tmp_path: Path) -> None:
    """Concurrent buys share fsyncs (group commit); every one acknowledged is still there."""
    sim = SimulatorProcess(tmp_path).start()
    clients = [SimHttp(sim.base_url, sim.client_id, sim.secret_key) for _ in range(12)]
    acknowledged: list[int] = []
    barrier = threading.Barrier(len(clients))

    def buy(client: SimHttp, price: float) -> None:
        barrier.wait()
        for step in range(5):
            body = {"symbol": "000001", "trade_price": price - step / 100, "order_num": 100}
            answer = client.ok("POST", "/outer/trade/buy", {**body, "trader_index": 0})
            acknowledged.append(answer["results"][0]["result"]["order_id"])

    try:
        threads = [
            threading.Thread(target=buy, args=(c, 10.0 - i / 10)) for i, c in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sim.kill()
        sim.start()
        orders = clients[0].ok("POST", "/orders", {"trader_index": 0})
        assert sorted(o["order_id"] for o in orders) == sorted(acknowledged)
        assert len(acknowledged) == 60
    finally:
        for client in clients:
            client.close()
        sim.stop()


class RecordingSync:
    """Stands in for os.fsync: records what each call covered and can hold it."""

    def __init__(self, committed: list[int]) -> None:
        self.committed = committed
        self.covered: list[int] = []  # commits made when each sync began
        self.threads: list[str] = []
        self.gate = threading.Event()
        self.failures = 0

    def __call__(self, fd: int) -> None:
        self.covered.append(self.committed[0])
        self.threads.append(threading.current_thread().name)
        if not self.gate.wait(10):
            raise TimeoutError("the test never opened the gate")
        if self.failures:
            self.failures -= 1
            raise OSError(5, "Input/output error")


def group_commit(tmp_path: Path, busy: bool) -> tuple[GroupCommit, RecordingSync, list[int]]:
    wal = tmp_path / "db-wal"
    wal.write_bytes(b"")
    committed = [0]
    sync = RecordingSync(committed)
    return GroupCommit(wal, lambda: committed[0], sync, busy=lambda: busy), sync, committed


async def syncs_when_released(group: GroupCommit, upto: int) -> int:
    await group.wait(upto)
    return group.syncs


async def test_commits_made_during_an_fsync_share_the_next_one(tmp_path: Path) -> None:
    group, sync, committed = group_commit(tmp_path, busy=True)
    try:
        committed[0] = 1
        first = asyncio.ensure_future(syncs_when_released(group, 1))
        while not sync.covered:  # the first fsync has begun (in its thread)
            await asyncio.sleep(0.001)
        committed[0] = 4
        later = [asyncio.ensure_future(syncs_when_released(group, n)) for n in (2, 3, 4)]
        await asyncio.sleep(0.01)
        assert not first.done() and not any(w.done() for w in later)
        sync.gate.set()
        released = await asyncio.wait_for(asyncio.gather(first, *later), 10)
        # Commit 1 waited for the fsync that covered it; 2-4, committed while
        # that one ran, were not released by it but shared the next one.
        assert sync.covered == [1, 4]
        assert released == [1, 2, 2, 2]
        assert group.durable == 4
        assert all(name.startswith("qmt-sim-fsync") for name in sync.threads)
    finally:
        sync.gate.set()
        group.close()


async def test_a_request_alone_syncs_on_the_event_loop(tmp_path: Path) -> None:
    group, sync, committed = group_commit(tmp_path, busy=False)
    sync.gate.set()
    try:
        for n in (1, 2):
            committed[0] = n
            await group.wait(n)
        assert sync.covered == [1, 2]
        assert sync.threads == [threading.current_thread().name] * 2
        await group.wait(2)  # already durable: no fsync
        assert group.syncs == 2
    finally:
        group.close()


async def test_a_failed_fsync_fails_its_waiters_and_the_next_wait_retries(
    tmp_path: Path,
) -> None:
    group, sync, committed = group_commit(tmp_path, busy=True)
    sync.gate.set()
    sync.failures = 1
    try:
        committed[0] = 1
        with pytest.raises(OSError, match="Input/output error"):
            await group.wait(1)
        assert group.durable == 0
        await group.wait(1)
        assert group.durable == 1 and sync.covered == [1, 1]
    finally:
        group.close()
