"""QMTTradeClient against a real simulator process: every public method, both auth modes."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from _support import custom_sim, signed_client, tick

from qmt_facade import (
    AccountSummary,
    Order,
    OrderEvent,
    QMTAPIError,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTNotFoundError,
    QMTOrderRejectedError,
    QMTTradeClient,
    QMTValidationError,
    QMTWaitTimeoutError,
    TradeResult,
)
from qmt_sim.testing import SimulatorProcess, free_port

PORTFOLIO_KEYS = ["total_asset", "cash", "frozen_cash", "market_value", "profit", "profit_ratio"]
POSITION_KEYS = [
    "symbol",
    "name",
    "volume",
    "can_use_volume",
    "avg_price",
    "current_price",
    "market_value",
    "profit",
    "profit_ratio",
]


def expected_lots(amount: float, price: float, lot: int = 100) -> int:
    return math.floor(amount / price / lot) * lot


def requests_of(client: QMTTradeClient) -> list[httpx.Request]:
    """Record every request ``client`` sends from now on."""
    sent: list[httpx.Request] = []
    client._http.event_hooks["request"].append(sent.append)
    return sent


def later(seconds: float, action: Callable[[], Any]) -> threading.Thread:
    def run() -> None:
        time.sleep(seconds)
        action()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def session_client(sim: SimulatorProcess) -> Iterator[QMTTradeClient]:
    with QMTTradeClient(sim.base_url) as c:
        assert c.login(sim.username or "", sim.password or "") is True
        yield c


@pytest.fixture
def offline() -> Iterator[QMTTradeClient]:
    """A signed client of a port where nothing listens."""
    with QMTTradeClient(
        f"http://127.0.0.1:{free_port()}", client_id="x", secret_key="offline-secret"
    ) as c:
        yield c


# --- queries ------------------------------------------------------------------


def test_get_accounts(client: QMTTradeClient) -> None:
    accounts = client.get_accounts()
    assert [acc["index"] for acc in accounts] == [0, 1]
    assert [acc["nick_name"] for acc in accounts] == ["账户1", "账户2"]
    assert [acc["account_id"] for acc in accounts] == ["55010001", "55010002"]
    assert accounts[0].to_dict() == {"index": 0, "account_id": "55010001", "nick_name": "账户1"}


def test_get_portfolio_and_positions_are_consistent(client: QMTTradeClient) -> None:
    for index in (0, 1):
        portfolio = client.get_portfolio(index)
        positions = client.get_positions(index)
        for key in PORTFOLIO_KEYS:
            assert isinstance(portfolio[key], int | float)
        assert portfolio["total_asset"] == pytest.approx(
            portfolio["cash"] + portfolio["frozen_cash"] + portfolio["market_value"], abs=0.01
        )
        assert portfolio["market_value"] == pytest.approx(
            sum(p["market_value"] for p in positions), abs=0.01
        )
        for pos in positions:
            assert set(POSITION_KEYS) <= set(pos.keys())
            assert pos["symbol"].endswith((".SZ", ".SH"))
            cost = pos["avg_price"] * pos["volume"]
            assert pos["profit"] == pytest.approx(
                pos["current_price"] * pos["volume"] - cost, abs=1
            )
            assert pos["profit_ratio"] == pytest.approx(pos["profit"] / cost * 100, rel=1e-3)


def test_get_account_summary(client: QMTTradeClient) -> None:
    before = datetime.now().astimezone()
    summary = client.get_account_summary(trader_index=1)
    assert isinstance(summary, AccountSummary)
    assert summary["trader_index"] == 1
    assert summary["portfolio"]["total_asset"] == client.get_portfolio(1)["total_asset"]
    assert [p["symbol"] for p in summary["positions"]] == [
        p.symbol for p in client.get_positions(1)
    ]
    assert before <= summary["timestamp"] <= datetime.now().astimezone()
    assert summary.to_dict()["portfolio"]["cash"] == summary.portfolio.cash


@pytest.mark.parametrize("spelling", ["000001", "000001.SZ", "000001.sz", "sz000001", "SZ000001"])
def test_symbol_spellings(client: QMTTradeClient, spelling: str) -> None:
    pos = client.get_position_by_symbol(spelling)
    assert pos is not None and pos["symbol"] == "000001.SZ"
    assert client.has_position(spelling) is True


def test_position_not_held(client: QMTTradeClient) -> None:
    assert client.get_position_by_symbol("300750", trader_index=1) is None
    assert client.has_position("600000", trader_index=1) is False  # only account 0 holds it
    assert client.has_position("600000", trader_index=0) is True


def test_bad_trader_index_from_server(client: QMTTradeClient) -> None:
    with pytest.raises(QMTAPIError) as info:
        client.get_portfolio(5)
    assert info.value.status_code == 400 and "无效的交易器索引" in str(info.value)


# --- trading (signed) -------------------------------------------------------------


def test_buy_by_position_pct_then_cancel(client: QMTTradeClient) -> None:
    p = client.get_portfolio(0)
    result = client.buy("000001", price=10.00, position_pct=0.05, trader_index=0)
    want = expected_lots(min(p.total_asset * 0.05, p.cash), 10.00)
    assert result["trade_mode"] == "position_pct" and result["trade_param"] == 0.05
    assert result.all_placed and result.warnings == []
    assert result.results[0].result["order_num"] == want
    (oid,) = result.order_ids
    order = client.get_order(oid, 0)
    assert (order["volume"], order["status"], order["side"], order["price"]) == (
        want,
        50,
        "buy",
        10.0,
    )
    assert oid in [o.order_id for o in client.get_orders(0, cancelable_only=True)]
    frozen = client.get_portfolio(0)["frozen_cash"]
    assert frozen >= want * 10.00
    cancel = client.cancel_order(oid, 0)
    assert cancel["success"] is True and cancel["order_id"] == oid
    assert client.get_order(oid, 0)["status"] == 54
    assert client.get_portfolio(0)["cash"] == pytest.approx(p.cash, abs=0.01)
    again = client.cancel_order(oid, 0)  # final orders cannot be cancelled
    assert again.success is False


def test_buy_shares_fans_out_to_every_account(client: QMTTradeClient) -> None:
    result = client.buy("000001.SZ", price=10.50, shares=100, strategy_name="测试策略")
    assert isinstance(result, TradeResult)
    assert [r.trader_index for r in result.results] == [0, 1] and result.all_placed
    for r in result.results:
        order = client.get_order(r.order_id, r.trader_index)
        assert (order.volume, order.strategy_name, order.symbol) == (100, "测试策略", "000001.SZ")
        assert order.status == 56  # at the market price: filled at once


def test_buy_bond_lot_10(client: QMTTradeClient) -> None:
    result = client.buy("128013", price=125.50, shares=10, trader_index=0)
    assert result.results[0].result.symbol == "128013.SZ"
    assert client.get_order(result.order_ids[0], 0).volume == 10
    with pytest.raises(QMTValidationError, match="order_num 必须是 10 的倍数（张）"):
        client.buy("128013", price=125.50, shares=15)


def test_buy_reduced_for_cash_warns(client: QMTTradeClient) -> None:
    cash = client.get_portfolio(1).cash
    result = client.buy("000001", price=10.00, shares=1_000_000, trader_index=1)
    want = expected_lots(cash, 10.00)
    assert result.results[0].result.order_num == want < 1_000_000
    assert len(result.warnings) == 1 and f"减为 {want}" in result.warnings[0]
    client.cancel_order(result.order_ids[0], 1)


def test_rejected_when_no_account_places(client: QMTTradeClient) -> None:
    with pytest.raises(QMTOrderRejectedError) as info:
        client.sell("300750", price=200.0, shares=100)
    error = info.value
    assert [o.trader_index for o in error.outcomes] == [0, 1]
    assert all(not o.placed and "未持有" in o.reason for o in error.outcomes)
    assert "sell 未下单" in str(error)


def test_partial_result(client: QMTTradeClient) -> None:
    result = client.sell("600000", price=16.00, shares=100)  # only account 0 holds it
    assert not result.all_placed
    assert [r.trader_index for r in result.placed] == [0]
    assert [r.trader_index for r in result.rejected] == [1]
    assert len(result.warnings) == 1 and "账户1" in result.warnings[0]
    sells = client.cancel_all_sell_orders(trader_index=0)
    assert [e["trader_index"] for e in sells["results"]] == [0] and sells.all_succeeded
    assert client.get_order(result.order_ids[0], 0).status == 54


def test_cancel_all(client: QMTTradeClient) -> None:
    buys = client.buy("000001", price=10.00, shares=100)
    sells = client.sell("000001", price=11.00, shares=100)
    assert len(buys.order_ids) == len(sells.order_ids) == 2
    result = client.cancel_all_buy_orders()
    assert result["message"] == "取消所有买单完成"
    assert [e.trader_index for e in result.results] == [0, 1] and result.all_succeeded
    for index, oid in enumerate(buys.order_ids):
        assert client.get_order(oid, index).status == 54
    for index, oid in enumerate(sells.order_ids):
        assert client.get_order(oid, index).status == 50  # sells untouched
    client.cancel_all_sell_orders()
    for index in (0, 1):
        assert client.get_orders(index, cancelable_only=True) == []


def test_get_order_unknown(client: QMTTradeClient) -> None:
    with pytest.raises(QMTNotFoundError) as info:
        client.get_order(987654321, 0)
    assert "987654321" in str(info.value)


def test_reverse_repo(client: QMTTradeClient) -> None:
    cash = client.get_portfolio(1).cash
    result = client.reverse_repo(reserve_amount=cash - 5500, trader_index=1)
    outcome = result.results[0].result
    assert outcome["symbol"] == "131810.SZ" and outcome["order_num"] == 50  # 5500 usable: 5 × 1,000
    assert outcome["order_amount"] == 5000 and result["reserve_amount"] == pytest.approx(
        cash - 5500
    )
    # xtquant books lending as a sell at the latest price (type 5), with no strategy name.
    order = client.get_order(outcome.order_id, 1)
    assert (order.symbol, order.side, order.price_type, order.strategy_name) == (
        "131810.SZ",
        "sell",
        5,
        "",
    )


def test_reverse_repo_rejected(client: QMTTradeClient) -> None:
    with pytest.raises(QMTOrderRejectedError) as info:
        client.reverse_repo(reserve_amount=10**9)
    assert len(info.value.outcomes) == 2
    assert all("不足" in o.reason for o in info.value.outcomes)


# --- order lifecycle ----------------------------------------------------------------


def test_wait_for_marketable_order(client: QMTTradeClient) -> None:
    (oid,) = client.buy("000001", price=10.50, shares=100, trader_index=0).order_ids
    order = client.wait_for_order(oid, 0, timeout=5, poll_interval=0.05)
    assert order.status == 56 and order.traded_volume == 100 and order.is_final


def test_wait_for_order_until_cancelled(client: QMTTradeClient, sim: SimulatorProcess) -> None:
    (oid,) = client.buy("000001", price=10.00, shares=100, trader_index=0).order_ids
    with signed_client(sim) as other:
        thread = later(0.3, lambda: other.cancel_order(oid, 0))
        started = time.monotonic()
        order = client.wait_for_order(oid, 0, timeout=10, poll_interval=0.05)
        thread.join()
    assert order.status == 54
    assert time.monotonic() - started >= 0.25  # it really polled


def test_wait_for_order_timeout(client: QMTTradeClient) -> None:
    (oid,) = client.buy("000001", price=10.00, shares=100, trader_index=0).order_ids
    with pytest.raises(QMTWaitTimeoutError) as info:
        client.wait_for_order(oid, 0, timeout=0.3, poll_interval=0.05)
    assert isinstance(info.value, TimeoutError)
    assert info.value.last_order.order_id == oid and info.value.last_order.status == 50
    assert client.wait_for_order(oid, 0, until={50}, timeout=0).status == 50
    client.cancel_order(oid, 0)


def test_watch_orders_stops_when_watched_are_final(
    client: QMTTradeClient, sim: SimulatorProcess
) -> None:
    (oid,) = client.buy("000001", price=10.00, shares=100, trader_index=0).order_ids
    with signed_client(sim) as other:
        thread = later(0.3, lambda: other.cancel_order(oid, 0))
        started = time.monotonic()
        events = list(client.watch_orders(0, poll_interval=0.05, timeout=10, order_ids=[oid]))
        thread.join()
    assert time.monotonic() - started < 5
    assert all(isinstance(e, OrderEvent) and e.order.order_id == oid for e in events)
    assert [e.order.status for e in events] == [50, 54]
    assert events[0].previous is None and events[1].previous is not None
    assert events[1].previous.status == 50


def test_watch_orders_timeout_without_ids(client: QMTTradeClient) -> None:
    started = time.monotonic()
    events = list(client.watch_orders(1, poll_interval=0.05, timeout=0.2))
    assert 0.15 <= time.monotonic() - started < 3
    # the first poll reports every order of the day, once
    ids = [e.order.order_id for e in events]
    assert sorted(ids) == sorted(o.order_id for o in client.get_orders(1))


def test_fills_driven_by_ticks(tmp_path: Path) -> None:
    """A big order fills over several market steps; wait_for_order and watch_orders see it."""

    def thin_market(config: dict[str, Any]) -> None:
        config["market"]["volume_per_tick"] = 1000

    with custom_sim(tmp_path / "sim", thin_market) as sim, signed_client(sim) as c:
        (oid,) = c.buy("000001", price=11.00, shares=5000, trader_index=0).order_ids
        first = c.get_order(oid, 0)
        assert first.status == 55 and first.traded_volume == 1000  # one step's liquidity
        stop = threading.Event()

        def drive() -> None:
            while not stop.is_set():
                tick(sim)
                time.sleep(0.05)

        driver = threading.Thread(target=drive, daemon=True)
        driver.start()
        try:
            events = list(c.watch_orders(0, poll_interval=0.02, timeout=20, order_ids=[oid]))
            order = c.wait_for_order(oid, 0, timeout=5, poll_interval=0.05)
        finally:
            stop.set()
            driver.join()
        assert order.status == 56 and order.traded_volume == 5000
        traded = [e.order.traded_volume for e in events]
        assert traded == sorted(traded) and traded[-1] == 5000
        assert events[-1].order.status == 56
        assert c.get_position_by_symbol("000001").volume == 2000 + 5000


def test_buy_all_and_sell_all(fresh_sim: SimulatorProcess) -> None:
    with signed_client(fresh_sim) as c:
        cash = c.get_portfolio(1).cash
        result = c.buy_all("000001", price=10.50, trader_index=1)
        (oid,) = result.order_ids
        order = c.get_order(oid, 1)
        assert order.volume == expected_lots(cash, 10.50) and order.side == "buy"
        assert oid in [o.order_id for o in c.get_orders(1)]
        # bought today: T+1, so sell_all sells only the starting 1000 shares
        sold = c.sell_all("sz000001", price=10.50, trader_index=1)
        assert c.get_order(sold.order_ids[0], 1).volume == 1000
        assert sold.results[0].result.order_num == 1000
        both = c.sell_all("600000", price=15.20)
        assert [r.trader_index for r in both.placed] == [0] and not both.all_placed


# --- session mode ---------------------------------------------------------------


def test_session_mode(session_client: QMTTradeClient, client: QMTTradeClient) -> None:
    assert "auth='session'" in repr(session_client)
    assert len(session_client.get_accounts()) == 2
    assert session_client.get_portfolio(0)["total_asset"] == client.get_portfolio(0)["total_asset"]
    assert session_client.has_position("000001.SZ")

    bought = session_client.buy("000001", price=10.00, shares=200, trader_index=0)
    assert bought["trade_mode"] == "order_num" and bought.all_placed
    assert client.get_order(bought.order_ids[0], 0).volume == 200

    p = client.get_portfolio(1)
    by_pct = session_client.buy("000001", price=10.00, position_pct=0.02, trader_index=1)
    want = expected_lots(min(p.total_asset * 0.02, p.cash), 10.00)
    assert client.get_order(by_pct.order_ids[0], 1).volume == want

    sold = session_client.sell("600000", price=16.00, shares=100, trader_index=0)
    assert client.get_order(sold.order_ids[0], 0).side == "sell"
    client.cancel_all_buy_orders()
    client.cancel_all_sell_orders()


def test_session_sell_by_ratio_is_sized_client_side(
    session_client: QMTTradeClient, client: QMTTradeClient
) -> None:
    stock = client.get_position_by_symbol("600000", 0)
    bond = client.get_position_by_symbol("128013", 0)
    assert stock is not None and bond is not None
    session_client.detect_server_line()  # its probe is not what this test counts
    sent = requests_of(session_client)
    result = session_client.sell("600000", price=16.00, position_pct=0.55)
    assert all("/outer/" not in r.url.path for r in sent)
    assert [r.url.path for r in sent if r.method == "POST"] == ["/qmt/trade/api/sell"]
    assert result.results[0].result.order_num == math.floor(stock.can_use_volume * 0.55 / 100) * 100
    assert [r.trader_index for r in result.rejected] == [1] and result.warnings
    bond_result = session_client.sell("128013", price=130.0, position_pct=0.35, trader_index=0)
    assert (
        bond_result.results[0].result.order_num == math.floor(bond.can_use_volume * 0.35 / 10) * 10
    )
    client.cancel_all_sell_orders()


SIGNATURE_ONLY: list[tuple[str, Callable[[QMTTradeClient], Any]]] = [
    ("get_order", lambda c: c.get_order(1, 0)),
    ("get_orders", lambda c: c.get_orders(0)),
    ("cancel_order", lambda c: c.cancel_order(1, 0)),
    ("cancel_all_buy_orders", lambda c: c.cancel_all_buy_orders()),
    ("cancel_all_sell_orders", lambda c: c.cancel_all_sell_orders()),
    ("reverse_repo", lambda c: c.reverse_repo()),
    ("get_order", lambda c: c.wait_for_order(1, 0, timeout=1)),
    ("get_orders", lambda c: list(c.watch_orders(0, timeout=1))),
]


@pytest.mark.parametrize(
    ("name", "call"), SIGNATURE_ONLY, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SIGNATURE_ONLY)]
)
def test_signature_only_methods_in_session_mode(
    session_client: QMTTradeClient, name: str, call: Callable[[QMTTradeClient], Any]
) -> None:
    sent = requests_of(session_client)
    with pytest.raises(QMTAuthenticationError) as info:
        call(session_client)
    assert name in str(info.value) and "签名" in str(info.value)
    assert sent == []


def test_logout(sim: SimulatorProcess) -> None:
    c = QMTTradeClient(sim.base_url)
    assert c.login(sim.username or "", sim.password or "")
    assert c.logout() is True
    assert "auth='none'" in repr(c)
    sent = requests_of(c)
    with pytest.raises(QMTAuthenticationError):
        c.get_portfolio(0)
    assert sent == []
    c.close()


def test_login_wrong_password(sim: SimulatorProcess) -> None:
    with (
        QMTTradeClient(sim.base_url) as c,
        pytest.raises(QMTAuthenticationError, match="用户名或密码错误"),
    ):
        c.login(sim.username or "", "not-the-password")


def test_bad_signature_is_authentication_error(sim: SimulatorProcess) -> None:
    secret = "wrong-secret-5f3a9"
    c = QMTTradeClient(sim.base_url, client_id=sim.client_id, secret_key=secret)
    with c, pytest.raises(QMTAuthenticationError) as info:
        c.get_orders(0)
    assert info.value.status_code == 401 and "签名验证失败" in str(info.value)
    assert secret not in str(info.value)


NO_CREDENTIALS: list[Callable[[QMTTradeClient], Any]] = [
    lambda c: c.get_accounts(),
    lambda c: c.get_portfolio(0),
    lambda c: c.get_positions(0),
    lambda c: c.get_account_summary(0),
    lambda c: c.has_position("000001"),
    lambda c: c.buy("000001", price=10.5, shares=100),
    lambda c: c.sell("000001", price=10.5, position_pct=0.5),
    lambda c: c.buy_all("000001", price=10.5),
    lambda c: c.sell_all("000001", price=10.5),
    lambda c: c.reverse_repo(),
    lambda c: c.get_orders(0),
    lambda c: c.cancel_all_sell_orders(),
]


@pytest.mark.parametrize("call", NO_CREDENTIALS)
def test_no_credentials_raise_before_sending(call: Callable[[QMTTradeClient], Any]) -> None:
    c = QMTTradeClient(f"http://127.0.0.1:{free_port()}")
    sent = requests_of(c)
    with c, pytest.raises(QMTAuthenticationError, match="client_id 和 secret_key"):
        call(c)
    assert sent == []


# --- validation before sending ----------------------------------------------------

INVALID: list[Callable[[QMTTradeClient], Any]] = [
    lambda c: c.buy("000001", price=10.5),
    lambda c: c.buy("000001", price=10.5, position_pct=0.1, shares=100),
    lambda c: c.buy("000001", price=10.5, shares=150),
    lambda c: c.buy("000001", price=10.5, shares=0),
    lambda c: c.buy("000001", price=10.5, shares=-100),
    lambda c: c.buy("000001", price=10.5, shares=100.0),
    lambda c: c.buy("000001", price=10.5, shares=True),
    lambda c: c.sell("128013", price=125.0, shares=15),
    lambda c: c.buy("000001", price=0, shares=100),
    lambda c: c.buy("000001", price=-10, shares=150),
    lambda c: c.buy("000001", price=float("nan"), shares=100),
    lambda c: c.buy("000001", price=float("inf"), shares=100),
    lambda c: c.buy("000001", price="10.5", shares=100),
    lambda c: c.buy("000001", price=10.5, position_pct=0),
    lambda c: c.buy("000001", price=10.5, position_pct=1.5),
    lambda c: c.sell("000001", price=10.5, position_pct=-0.1),
    lambda c: c.buy("000001", price=10.5, shares=100, price_type=4),
    lambda c: c.buy("000001", price=10.5, shares=100, price_type=6),
    lambda c: c.buy("000001", price=10.5, shares=100, trader_index=-1),
    lambda c: c.buy("000001", price=10.5, shares=100, trader_index="0"),
    lambda c: c.buy("abc", price=10.5, shares=100),
    lambda c: c.buy("00001", price=10.5, shares=100),
    lambda c: c.buy("000001.XX", price=10.5, shares=100),
    lambda c: c.buy("", price=10.5, shares=100),
    lambda c: c.buy("000001", price=10.5, shares=100, strategy_name=""),
    lambda c: c.buy_all("000001", price=0),
    lambda c: c.sell_all("zz000001", price=10.5),
    lambda c: c.reverse_repo(reserve_amount=-1),
    lambda c: c.reverse_repo(trader_index=-2),
    lambda c: c.get_portfolio(-1),
    lambda c: c.get_positions(1.5),
    lambda c: c.get_account_summary("0"),
    lambda c: c.get_position_by_symbol("bad"),
    lambda c: c.has_position("123"),
    lambda c: c.get_order(0, 0),
    lambda c: c.get_order(-5, 0),
    lambda c: c.get_order("1", 0),
    lambda c: c.get_orders(-1),
    lambda c: c.get_orders(0, cancelable_only="yes"),
    lambda c: c.cancel_order(1, -1),
    lambda c: c.cancel_all_buy_orders(trader_index=-1),
    lambda c: c.cancel_all_sell_orders(trader_index="all"),
    lambda c: c.wait_for_order(1, 0, poll_interval=0),
    lambda c: c.wait_for_order(1, 0, timeout=-1),
    lambda c: list(c.watch_orders(0, poll_interval=-1)),
    lambda c: list(c.watch_orders(0, order_ids=[0])),
    lambda c: c.login("", "x"),
    lambda c: c.login("user", ""),
]


@pytest.mark.parametrize("call", INVALID)
def test_validation_before_any_request(
    offline: QMTTradeClient, call: Callable[[QMTTradeClient], Any]
) -> None:
    sent = requests_of(offline)
    with pytest.raises(QMTValidationError) as info:
        call(offline)
    assert isinstance(info.value, ValueError)
    assert sent == []
    assert "offline-secret" not in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_url": "localhost:9091"},
        {"base_url": "ftp://example.com"},
        {"timeout": 0},
        {"timeout": -5},
        {"timeout": float("nan")},
        {"client_id": "only-id"},
        {"secret_key": "only-secret"},
    ],
)
def test_constructor_validation(kwargs: dict[str, Any]) -> None:
    with pytest.raises(QMTValidationError):
        QMTTradeClient(**kwargs)


def test_connection_refused(offline: QMTTradeClient) -> None:
    with pytest.raises(QMTConnectionError) as info:
        offline.get_portfolio(0)
    text = str(info.value)
    assert "连接失败，请检查服务器地址" in text and offline.base_url in text
    assert "offline-secret" not in text


# --- secrets ------------------------------------------------------------------------


def test_secret_never_leaks(sim: SimulatorProcess, caplog: pytest.LogCaptureFixture) -> None:
    secret = sim.secret_key
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with QMTTradeClient(sim.base_url, client_id=sim.client_id, secret_key=secret) as c:
        texts.append(repr(c))
        texts.append(str(c.__dict__.get("_settings")))
        c.get_portfolio(0)
        result = c.buy("000001", price=10.00, shares=100, trader_index=0)
        c.sell("000001", price=11.00, shares=100, trader_index=0)
        c.get_orders(0)
        c.cancel_all_buy_orders()
        c.cancel_all_sell_orders()
        for call in (
            lambda: c.get_order(123456789, 0),
            lambda: c.sell("300750", price=100.0, shares=100),
            lambda: c.get_portfolio(9),
            lambda: c.buy("000001", price=-1, shares=100),
        ):
            with pytest.raises(Exception) as info:
                call()
            texts.append(str(info.value))
            texts.append(repr(info.value))
        assert result.order_ids
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    for text in [*texts, caplog.text, *(str(r.args) for r in caplog.records)]:
        assert secret not in text


def test_order_record_types(client: QMTTradeClient) -> None:
    orders = client.get_orders(0)
    assert orders and all(isinstance(o, Order) for o in orders)
    order = orders[0]
    assert order["status"] in (48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 255)
    assert order.status_name == order["m_status"]
    assert abs(order.order_time.timestamp() - order["time"]) < 1
