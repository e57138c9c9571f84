"""Crash safety, restarts, concurrency over HTTP, and the command line."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from sim_http import SimHttp, sample_config

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


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-m", "qmt_sim", *args],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=60,
    )


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
