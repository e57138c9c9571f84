"""A client whose clock is 10 minutes off, either way, against the real simulator."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from qmt_facade import AsyncQMTTradeClient, QMTTradeClient
from qmt_facade.signing import QMTSignatureAuth
from qmt_sim.testing import SimulatorProcess

SKEWS = [pytest.param(600.0, id="10min-ahead"), pytest.param(-600.0, id="10min-behind")]


def _skewed(seconds: float) -> float:
    return time.time() + seconds


@pytest.mark.parametrize("skew", SKEWS)
def test_the_simulator_refuses_a_skewed_signature_by_itself(
    sim: SimulatorProcess, skew: float
) -> None:
    # Without the client's correction the skew is fatal: this is what is being fixed.
    auth = QMTSignatureAuth(sim.client_id, sim.secret_key, clock=lambda: _skewed(skew))
    with httpx.Client(base_url=sim.base_url) as http:
        request = http.build_request("GET", "/qmt/trade/api/accounts")
        signed = next(auth.auth_flow(request))
        answer = http.send(signed)
    assert answer.status_code == 401 and answer.json()["error"] == "请求时间戳过期"


@pytest.mark.parametrize("skew", SKEWS)
def test_every_method_works_with_a_skewed_clock(
    sim: SimulatorProcess, tmp_path: Path, skew: float
) -> None:
    with QMTTradeClient(
        sim.base_url,
        client_id=sim.client_id,
        secret_key=sim.secret_key,
        journal=tmp_path / "orders.sqlite3",
    ) as client:
        client._settings.clock.local_time = lambda: _skewed(skew)
        assert [a.index for a in client.get_accounts()] == [0, 1]
        assert client._settings.clock.offset == pytest.approx(-skew, abs=2)
        assert client.get_portfolio(0).total_asset > 0
        assert client.get_positions(0)
        assert client.get_account_summary(0).portfolio.cash > 0
        assert client.get_position_by_symbol("000001", 0) is not None
        assert client.has_position("600000", 0)

        buy = client.buy("000001", price=9.5, shares=100, trader_index=0)
        sell = client.sell("600000", price=16.5, shares=100, trader_index=0)
        ratio = client.buy("000002", price=18.5, position_pct=0.01, trader_index=1)
        assert buy.order_ids and sell.order_ids and ratio.order_ids
        order = client.get_order(buy.order_ids[0], 0)
        assert order.client_order_id == buy.client_order_id
        assert client.find_order(buy.client_order_id or "", 0) == order
        # The journal dates intents with the server's clock: nothing is left open.
        assert client.journal is not None and client.journal.unresolved() == []
        assert client.reconcile_journal() == []
        assert client.cancel_order(buy.order_ids[0], 0).success
        final = client.wait_for_order(buy.order_ids[0], 0, timeout=5)
        assert final.status == 54
        events = list(client.watch_orders(0, poll_interval=0.05, timeout=0.1))
        assert any(e.order.order_id == buy.order_ids[0] for e in events)

        client.sell_all("600000", price=16.6, trader_index=0)
        client.buy_all("000002", price=18.4, trader_index=1)
        assert client.cancel_all_sell_orders(0).all_succeeded
        assert client.cancel_all_buy_orders(1).all_succeeded
        assert client.get_orders(0, cancelable_only=True) == []
        cash = client.get_portfolio(1).cash
        assert client.reverse_repo(reserve_amount=cash - 1000, trader_index=1).order_ids

        # Login sessions are not signed; they work whatever the clock.
        assert sim.username is not None and sim.password is not None
        assert client.login(sim.username, sim.password)
        assert client.logout()


@pytest.mark.parametrize("skew", SKEWS)
async def test_async_client_with_a_skewed_clock(sim: SimulatorProcess, skew: float) -> None:
    async with AsyncQMTTradeClient(
        sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key
    ) as client:
        client._settings.clock.local_time = lambda: _skewed(skew)
        # The very first call is an order: it too is re-signed and sent once.
        placed = await client.buy("000001", price=9.6, shares=100, trader_index=0)
        orders = await client.get_orders(0)
        assert [o.order_id for o in orders if o.client_order_id == placed.client_order_id] == (
            placed.order_ids
        )
        assert (await client.cancel_order(placed.order_ids[0], 0)).success
