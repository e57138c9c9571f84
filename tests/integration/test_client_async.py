"""AsyncQMTTradeClient against a real simulator process: every public method, both auth modes."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from _support import find

from qmt_facade import (
    AccountSummary,
    AsyncQMTTradeClient,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTNotFoundError,
    QMTOrderRejectedError,
    QMTValidationError,
    QMTWaitTimeoutError,
)
from qmt_sim.testing import SimulatorProcess, free_port


def expected_lots(amount: float, price: float, lot: int = 100) -> int:
    return math.floor(amount / price / lot) * lot


def requests_of(client: AsyncQMTTradeClient) -> list[httpx.Request]:
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    client._http.event_hooks["request"].append(record)
    return sent


@pytest.fixture
async def session_aclient(sim: SimulatorProcess) -> AsyncIterator[AsyncQMTTradeClient]:
    async with AsyncQMTTradeClient(sim.base_url) as c:
        assert await c.login(sim.username or "", sim.password or "") is True
        yield c


@pytest.fixture
async def offline() -> AsyncIterator[AsyncQMTTradeClient]:
    async with AsyncQMTTradeClient(
        f"http://127.0.0.1:{free_port()}", client_id="x", secret_key="offline-secret"
    ) as c:
        yield c


async def test_queries(aclient: AsyncQMTTradeClient) -> None:
    accounts = await aclient.get_accounts()
    assert [(a["index"], a["nick_name"]) for a in accounts] == [(0, "账户1"), (1, "账户2")]
    portfolio = await aclient.get_portfolio(0)
    positions = await aclient.get_positions(0)
    assert portfolio["total_asset"] == pytest.approx(
        portfolio["cash"] + portfolio["frozen_cash"] + portfolio["market_value"], abs=0.01
    )
    assert portfolio["market_value"] == pytest.approx(
        sum(p["market_value"] for p in positions), abs=0.01
    )
    summary = await aclient.get_account_summary(0)
    assert isinstance(summary, AccountSummary)
    assert summary["portfolio"]["total_asset"] == portfolio["total_asset"]
    assert len(summary["positions"]) == len(positions)
    for spelling in ("000001", "000001.sz", "sz000001"):
        pos = await aclient.get_position_by_symbol(spelling)
        assert pos is not None and pos["symbol"] == "000001.SZ"
        assert await aclient.has_position(spelling)
    assert await aclient.has_position("600000", trader_index=1) is False


async def test_gather_20_portfolios(aclient: AsyncQMTTradeClient) -> None:
    results = await asyncio.gather(*(aclient.get_portfolio(i % 2) for i in range(20)))
    assert len(results) == 20
    assert len({r.total_asset for r in results[0::2]}) == 1
    assert len({r.total_asset for r in results[1::2]}) == 1
    assert results[0].total_asset != results[1].total_asset  # the two accounts differ


async def test_trading_and_orders(aclient: AsyncQMTTradeClient) -> None:
    p = await aclient.get_portfolio(0)
    result = await aclient.buy("000001", price=10.00, position_pct=0.05, trader_index=0)
    want = expected_lots(min(p.total_asset * 0.05, p.cash), 10.00)
    (oid,) = result.order_ids
    order = await aclient.get_order(oid, 0)
    assert (order.volume, order.status) == (want, 50)
    assert oid in [o.order_id for o in await aclient.get_orders(0, cancelable_only=True)]
    cancel = await aclient.cancel_order(oid, 0)
    assert cancel["success"] and (await aclient.get_order(oid, 0)).status == 54

    both = await aclient.buy("000001", price=10.50, shares=100)
    assert [r.trader_index for r in both.placed] == [0, 1]
    for r in both.results:
        assert find(await aclient.get_orders(r.trader_index), order_id=r.order_id, status=56)

    partial = await aclient.sell("600000", price=16.00, shares=100)
    assert (
        not partial.all_placed
        and partial.warnings
        and [r.trader_index for r in partial.rejected] == [1]
    )

    await aclient.buy("000001", price=10.00, shares=100)
    buys = await aclient.cancel_all_buy_orders()
    sells = await aclient.cancel_all_sell_orders()
    assert buys.all_succeeded and sells.all_succeeded and len(buys.results) == 2
    for index in (0, 1):
        assert await aclient.get_orders(index, cancelable_only=True) == []


async def test_rejections_and_not_found(aclient: AsyncQMTTradeClient) -> None:
    with pytest.raises(QMTOrderRejectedError) as info:
        await aclient.sell("300750", price=200.0, shares=100)
    assert len(info.value.outcomes) == 2
    with pytest.raises(QMTOrderRejectedError):
        await aclient.reverse_repo(reserve_amount=10**9)
    with pytest.raises(QMTNotFoundError):
        await aclient.get_order(987654321, 1)


async def test_reverse_repo(aclient: AsyncQMTTradeClient) -> None:
    cash = (await aclient.get_portfolio(1)).cash
    result = await aclient.reverse_repo(reserve_amount=cash - 3200, trader_index=1)
    assert result.results[0].result.order_num == 30  # 3200 usable: 3 × 1,000 CNY
    assert result.results[0].result.symbol == "131810.SZ"


async def test_buy_all_sell_all(fresh_sim: SimulatorProcess) -> None:
    async with AsyncQMTTradeClient(
        fresh_sim.base_url, client_id=fresh_sim.client_id, secret_key=fresh_sim.secret_key
    ) as c:
        cash = (await c.get_portfolio(0)).cash
        bought = await c.buy_all("000002", price=20.30, trader_index=0)
        order = await c.get_order(bought.order_ids[0], 0)
        assert order.volume == expected_lots(cash, 20.30)
        sold = await c.sell_all("000001.SZ", price=10.50)
        assert [(await c.get_order(r.order_id, r.trader_index)).volume for r in sold.results] == [
            2000,
            1000,
        ]


async def test_wait_and_watch(aclient: AsyncQMTTradeClient, sim: SimulatorProcess) -> None:
    filled = (await aclient.buy("000001", price=10.50, shares=100, trader_index=0)).order_ids[0]
    assert (await aclient.wait_for_order(filled, 0, timeout=5, poll_interval=0.05)).status == 56

    (oid,) = (await aclient.buy("000001", price=10.00, shares=100, trader_index=0)).order_ids
    with pytest.raises(QMTWaitTimeoutError) as info:
        await aclient.wait_for_order(oid, 0, timeout=0.2, poll_interval=0.05)
    assert info.value.last_order.status == 50

    async def cancel_soon() -> None:
        await asyncio.sleep(0.3)
        await aclient.cancel_order(oid, 0)

    canceller = asyncio.create_task(cancel_soon())
    started = time.monotonic()
    events = [
        e async for e in aclient.watch_orders(0, poll_interval=0.05, timeout=10, order_ids=[oid])
    ]
    await canceller
    assert time.monotonic() - started < 5
    assert [e.order.status for e in events] == [50, 54]
    assert events[0].previous is None and events[1].previous.status == 50

    (second,) = (await aclient.buy("000001", price=10.00, shares=100, trader_index=0)).order_ids
    waiter = asyncio.create_task(aclient.wait_for_order(second, 0, timeout=10, poll_interval=0.05))
    await asyncio.sleep(0.2)
    assert not waiter.done()
    await aclient.cancel_order(second, 0)
    assert (await waiter).status == 54


async def test_session_mode(
    session_aclient: AsyncQMTTradeClient, aclient: AsyncQMTTradeClient
) -> None:
    assert "auth='session'" in repr(session_aclient)
    assert len(await session_aclient.get_accounts()) == 2
    bought = await session_aclient.buy("000001", price=10.00, shares=200, trader_index=0)
    assert (await aclient.get_order(bought.order_ids[0], 0)).volume == 200
    stock = await aclient.get_position_by_symbol("600000", 0)
    assert stock is not None
    sent = requests_of(session_aclient)
    sold = await session_aclient.sell("600000", price=16.00, position_pct=0.3)
    assert [r.url.path for r in sent if r.method == "POST"] == ["/qmt/trade/api/sell"]
    assert sold.results[0].result.order_num == math.floor(stock.can_use_volume * 0.3 / 100) * 100
    assert [r.trader_index for r in sold.rejected] == [1]
    await aclient.cancel_all_buy_orders()
    await aclient.cancel_all_sell_orders()
    assert await session_aclient.logout() is True
    with pytest.raises(QMTAuthenticationError):
        await session_aclient.get_accounts()


SIGNATURE_ONLY: list[tuple[str, Callable[[AsyncQMTTradeClient], Awaitable[Any]]]] = [
    ("get_order", lambda c: c.get_order(1, 0)),
    ("get_orders", lambda c: c.get_orders(0)),
    ("cancel_order", lambda c: c.cancel_order(1, 0)),
    ("cancel_all_buy_orders", lambda c: c.cancel_all_buy_orders()),
    ("cancel_all_sell_orders", lambda c: c.cancel_all_sell_orders()),
    ("reverse_repo", lambda c: c.reverse_repo()),
    ("get_order", lambda c: c.wait_for_order(1, 0, timeout=1)),
]


@pytest.mark.parametrize(
    ("name", "call"), SIGNATURE_ONLY, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SIGNATURE_ONLY)]
)
async def test_signature_only_in_session_mode(
    session_aclient: AsyncQMTTradeClient,
    name: str,
    call: Callable[[AsyncQMTTradeClient], Awaitable[Any]],
) -> None:
    sent = requests_of(session_aclient)
    with pytest.raises(QMTAuthenticationError, match=name):
        await call(session_aclient)
    assert sent == []


async def test_watch_orders_in_session_mode(session_aclient: AsyncQMTTradeClient) -> None:
    with pytest.raises(QMTAuthenticationError, match="get_orders"):
        async for _ in session_aclient.watch_orders(0, timeout=1):
            pass


async def test_login_wrong_password(sim: SimulatorProcess) -> None:
    async with AsyncQMTTradeClient(sim.base_url) as c:
        with pytest.raises(QMTAuthenticationError, match="用户名或密码错误"):
            await c.login(sim.username or "", "nope")
        with pytest.raises(QMTAuthenticationError):  # no credentials: refused before sending
            await c.buy("000001", price=10.5, shares=100)


INVALID: list[Callable[[AsyncQMTTradeClient], Awaitable[Any]]] = [
    lambda c: c.buy("000001", price=10.5),
    lambda c: c.buy("000001", price=10.5, position_pct=0.1, shares=100),
    lambda c: c.buy("000001", price=10.5, shares=150),
    lambda c: c.sell("128013", price=125.0, shares=15),
    lambda c: c.buy("000001", price=0, shares=100),
    lambda c: c.sell("000001", price=10.5, position_pct=2),
    lambda c: c.buy("000001", price=10.5, shares=100, price_type=4),
    lambda c: c.buy("bad", price=10.5, shares=100),
    lambda c: c.buy_all("000001", price=-1),
    lambda c: c.sell_all("000001.XX", price=10.5),
    lambda c: c.reverse_repo(reserve_amount=-1),
    lambda c: c.get_portfolio(-1),
    lambda c: c.get_order(0, 0),
    lambda c: c.get_orders(0, cancelable_only=1),
    lambda c: c.cancel_order(1, "0"),
    lambda c: c.cancel_all_buy_orders(trader_index=-1),
    lambda c: c.wait_for_order(1, 0, poll_interval=0),
]


@pytest.mark.parametrize("call", INVALID)
async def test_validation_before_any_request(
    offline: AsyncQMTTradeClient, call: Callable[[AsyncQMTTradeClient], Awaitable[Any]]
) -> None:
    sent = requests_of(offline)
    with pytest.raises(QMTValidationError) as info:
        await call(offline)
    assert isinstance(info.value, ValueError) and sent == []


async def test_connection_refused(offline: AsyncQMTTradeClient) -> None:
    with pytest.raises(QMTConnectionError) as info:
        await offline.get_accounts()
    assert "连接失败，请检查服务器地址" in str(info.value) and offline.base_url in str(info.value)


async def test_secret_never_leaks(sim: SimulatorProcess, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    async with AsyncQMTTradeClient(
        sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key
    ) as c:
        texts.append(repr(c))
        await c.buy("000001", price=10.00, shares=100, trader_index=0)
        await c.sell("000001", price=11.00, shares=100, trader_index=0)
        await c.cancel_all_buy_orders()
        await c.cancel_all_sell_orders()
        for bad in (c.get_order(123456789, 0), c.sell("300750", price=100.0, shares=100)):
            with pytest.raises(Exception) as info:
                await bad
            texts.append(str(info.value))
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    for text in [*texts, caplog.text]:
        assert sim.secret_key not in text
