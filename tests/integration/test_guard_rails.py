"""Guard rails against a real simulator: risk limits, dry run, the order rate limit.

Every request goes through a counting proxy (``fault_proxy.py`` with no
faults): a refused order must never reach it, and the simulator's order
book must not change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _support import ORDER_PATHS, custom_sim, order_requests, orders_at
from fault_proxy import FaultProxy

from qmt_facade import (
    AsyncQMTTradeClient,
    QMTRateLimitError,
    QMTRiskError,
    QMTTradeClient,
    QMTValidationError,
    RateLimit,
    RiskLimits,
)
from qmt_sim.testing import SimulatorProcess

PROBE = "/qmt/trade/api/buy"


def reads(proxy: FaultProxy) -> list[str]:
    """The paths of everything but orders and the line probe, in order."""
    return [
        e["path"]
        for e in proxy.log()
        if not e["path"].startswith(ORDER_PATHS) and e["path"] != PROBE
    ]


@pytest.fixture(scope="module")
def proxy(sim: SimulatorProcess) -> Iterator[FaultProxy]:
    with FaultProxy(sim.base_url) as running:
        yield running


@pytest.fixture
def counted(proxy: FaultProxy) -> FaultProxy:
    proxy.reset()
    return proxy


def guarded(sim: SimulatorProcess, proxy: FaultProxy, **options: Any) -> QMTTradeClient:
    return QMTTradeClient(
        proxy.base_url,
        client_id=sim.client_id,
        secret_key=sim.secret_key,
        server_line="main",
        **options,
    )


# Each limit, and an order over it: (limits, call, limit named, value named).
OVER_THE_LIMIT = [
    pytest.param(
        RiskLimits(max_order_value=5000),
        ("buy", "000001", 10.5, None, 1000),
        "max_order_value",
        10500.0,
        id="max_order_value-shares",
    ),
    pytest.param(
        RiskLimits(max_order_shares=500),
        ("sell", "000001", 10.5, None, 1000),
        "max_order_shares",
        1000,
        id="max_order_shares",
    ),
    pytest.param(
        RiskLimits(max_position_value=30_000),
        ("buy", "000001", 10.5, None, 1000),  # 2,000 held at about 10.5, plus 10,500
        "max_position_value",
        None,
        id="max_position_value",
    ),
    pytest.param(
        RiskLimits(max_position_pct=0.015),  # 1,000 600000.SH held, ~1.05M total assets
        ("buy", "600000", 15.2, None, 100),
        "max_position_pct",
        None,
        id="max_position_pct",
    ),
    pytest.param(
        RiskLimits(allowed_symbols=["60*", "000002"]),
        ("buy", "000001", 10.5, None, 100),
        "allowed_symbols",
        "000001.SZ",
        id="allowed_symbols",
    ),
    pytest.param(
        RiskLimits(blocked_symbols=["*.BJ", "68*"]),
        ("buy", "688001", 50.0, None, 200),
        "blocked_symbols",
        "688001.SH",
        id="blocked_symbols",
    ),
    pytest.param(
        RiskLimits(price_band_pct=0.05),  # the tick's last price is about 10.5
        ("buy", "000001", 12.0, None, 100),
        "price_band_pct",
        12.0,
        id="price_band_pct",
    ),
]


@pytest.mark.parametrize(("limits", "order", "limit", "value"), OVER_THE_LIMIT)
def test_each_limit_refuses_before_sending(
    sim: SimulatorProcess,
    counted: FaultProxy,
    limits: RiskLimits,
    order: tuple[str, str, float, float | None, int | None],
    limit: str,
    value: object,
) -> None:
    side, symbol, price, pct, shares = order
    before = orders_at(sim)
    with guarded(sim, counted, risk=limits) as client, pytest.raises(QMTRiskError) as refused:
        getattr(client, side)(symbol, price, position_pct=pct, shares=shares, trader_index=0)
    error = refused.value
    assert error.limit == limit and limit in str(error) and "未发送" in str(error)
    if value is not None:
        assert error.value == value
    assert isinstance(error.order, str) and str(error.order) in str(error)
    assert order_requests(counted) == [] and orders_at(sim) == before


def test_an_order_within_every_limit_is_sent(sim: SimulatorProcess, counted: FaultProxy) -> None:
    limits = RiskLimits(
        max_order_value=5000,
        max_order_shares=500,
        max_position_value=40_000,
        max_position_pct=0.05,
        allowed_symbols=["00*", "60*"],
        blocked_symbols=["*.BJ"],
        price_band_pct=0.05,
        max_orders_per_minute=5,
        max_orders_per_day=5,
    )
    with guarded(sim, counted, risk=limits) as client:
        result = client.buy("000001", 10.4, shares=100, trader_index=0)
    assert result.order_ids and len(order_requests(counted)) == 1


def test_a_position_pct_order_is_sized_per_account_before_sending(
    sim: SimulatorProcess, counted: FaultProxy
) -> None:
    """Without trader_index every account is checked: account 0's 10% is over, account 1's not."""
    before = orders_at(sim)
    limits = RiskLimits(max_order_value=80_000)
    with guarded(sim, counted, risk=limits) as client, pytest.raises(QMTRiskError) as refused:
        client.buy("000001", 10.5, position_pct=0.1)
    assert refused.value.limit == "max_order_value" and "账户0" in str(refused.value)
    assert 100_000 <= float(refused.value.value) <= 110_000  # what 10% of ~1.05M buys
    assert order_requests(counted) == [] and orders_at(sim) == before
    # One read of the accounts, one portfolio per account, shared by the checks.
    assert reads(counted) == [
        "/qmt/trade/api/accounts",
        "/qmt/trade/api/portfolio/0",
    ]  # account 0 already refuses: account 1 is not read


def test_limits_on_a_shares_order_cost_no_read(sim: SimulatorProcess, counted: FaultProxy) -> None:
    limits = RiskLimits(
        max_order_value=50_000,
        max_order_shares=1000,
        allowed_symbols=["00*"],
        blocked_symbols=["68*"],
    )
    with guarded(sim, counted, risk=limits) as client:
        client.buy("000001", 10.3, shares=100, trader_index=1)
    assert reads(counted) == [] and len(order_requests(counted)) == 1


@pytest.mark.parametrize(
    ("limits", "limit"),
    [
        (RiskLimits(max_orders_per_minute=2), "max_orders_per_minute"),
        (RiskLimits(max_orders_per_day=2), "max_orders_per_day"),
    ],
)
def test_order_counts_refuse_the_order_past_the_limit(
    sim: SimulatorProcess, counted: FaultProxy, limits: RiskLimits, limit: str
) -> None:
    with guarded(sim, counted, risk=limits) as client:
        for _ in range(2):
            client.buy("000001", 10.2, shares=100, trader_index=1)
        with pytest.raises(QMTRiskError) as refused:
            client.buy("000001", 10.2, shares=100, trader_index=1)
        # Per account: account 0 has sent nothing yet.
        client.buy("000001", 10.2, shares=100, trader_index=0)
    assert refused.value.limit == limit and refused.value.value == 3
    assert "账户1" in str(refused.value)
    assert len(order_requests(counted)) == 3


def test_price_band_falls_back_to_the_position_then_says_once_it_cannot_check(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def no_market_data(config: dict[str, Any]) -> None:
        config.setdefault("server", {})["market_data"] = False

    with custom_sim(tmp_path, no_market_data) as process:
        client = QMTTradeClient(
            process.base_url,
            client_id=process.client_id,
            secret_key=process.secret_key,
            risk=RiskLimits(price_band_pct=0.05),
        )
        with client:
            # 000001.SZ is held: its current price is the reference.
            with pytest.raises(QMTRiskError, match="持仓现价") as refused:
                client.buy("000001", 12.0, shares=100, trader_index=0)
            assert refused.value.limit == "price_band_pct"
            # 000002.SZ is not held and there is no tick: not checked, said once.
            with caplog.at_level(logging.WARNING, logger="qmt_facade"):
                client.buy("000002", 99.0, shares=100, trader_index=0)
                client.buy("000002", 98.0, shares=100, trader_index=0)
            said = [r for r in caplog.records if "price_band_pct not checked" in r.getMessage()]
            assert len(said) == 1 and "000002.SZ" in said[0].getMessage()


def test_dry_run_sends_no_order(sim: SimulatorProcess, counted: FaultProxy) -> None:
    before = orders_at(sim)
    with guarded(sim, counted, dry_run=True) as client:
        results = [
            client.buy("000001", 10.5, shares=100, trader_index=0),
            client.buy("000001", 10.5, position_pct=0.01),
            client.sell("000001", 10.5, position_pct=0.5, trader_index=0),
            client.buy_all("600000", 15.0, trader_index=1),
            client.sell_all("600000", 15.0, trader_index=0),
            client.reverse_repo(1000, trader_index=0),
        ]
        cancel = client.cancel_order(123, 0)
        cancel_all = client.cancel_all_sell_orders()
        # The ratio-sell guard still reads the position: 1% of 2,000 is 0 lots.
        with pytest.raises(QMTValidationError, match="position_pct"):
            client.sell("000001", 10.5, position_pct=0.01, trader_index=0)
    assert all(r.dry_run and r.order_ids == [] and r.client_order_id for r in results)
    assert "POST /qmt/trade/api/outer/trade/sell" in results[2].message
    assert '"position_pct":0.5' in results[2].message
    assert "/qmt/trade/api/trade/nhg" in results[5].message
    assert cancel.dry_run and not cancel.success and "cancel_order" in cancel.message
    assert cancel_all.dry_run and cancel_all.results == []
    assert order_requests(counted) == [] and orders_at(sim) == before
    assert "/qmt/trade/api/positions/0" in reads(counted)  # reads are allowed


def test_dry_run_applies_the_risk_limits(sim: SimulatorProcess, counted: FaultProxy) -> None:
    limits = RiskLimits(max_order_value=1000, max_orders_per_day=1)
    with guarded(sim, counted, dry_run=True, risk=limits) as client:
        with pytest.raises(QMTRiskError, match="max_order_value"):
            client.buy("000001", 10.5, shares=100, trader_index=0)
        # A dry run checks the order counts without using them up.
        for _ in range(3):
            assert client.buy("000001", 5.0, shares=100, trader_index=0).dry_run
    assert order_requests(counted) == []


async def test_the_async_client_has_the_same_guards(
    sim: SimulatorProcess, counted: FaultProxy
) -> None:
    async with AsyncQMTTradeClient(
        counted.base_url,
        client_id=sim.client_id,
        secret_key=sim.secret_key,
        risk={"max_order_shares": 100},
        rate_limit={"max_orders_per_second": 0.01, "max_wait": 0, "key": "async-test"},
    ) as client:
        with pytest.raises(QMTRiskError, match="max_order_shares"):
            await client.sell("000001", 10.5, shares=200, trader_index=0)
        await client.buy("000001", 10.1, shares=100, trader_index=0)
        with pytest.raises(QMTRateLimitError) as limited:
            await client.buy("000001", 10.1, shares=100, trader_index=0)
    assert limited.value.max_wait == 0 and "max_orders_per_second" in str(limited.value)
    assert len(order_requests(counted)) == 1


def test_rate_limit_refuses_after_max_wait_and_sends_nothing(
    sim: SimulatorProcess, counted: FaultProxy
) -> None:
    limit = RateLimit(max_orders_per_second=0.01, max_wait=0.5, key="refusal-test")
    with guarded(sim, counted, rate_limit=limit) as client:
        client.buy("000001", 10.1, shares=100, trader_index=1)
        with pytest.raises(QMTRateLimitError, match=r"max_wait=0\.5s"):
            client.cancel_all_buy_orders(1)  # cancels share the order budget
        client.get_positions(1)  # reads are not limited unless asked
    assert len(order_requests(counted)) == 1


def test_reads_limited_only_when_asked(sim: SimulatorProcess, counted: FaultProxy) -> None:
    limit = RateLimit(
        max_orders_per_second=100, max_reads_per_second=0.01, max_wait=0.2, key="read-test"
    )
    with guarded(sim, counted, rate_limit=limit) as client:
        client.get_portfolio(1)
        with pytest.raises(QMTRateLimitError, match="max_reads_per_second"):
            client.get_positions(1)
        client.buy("000001", 10.12, shares=100, trader_index=1)  # orders have their own budget
    assert reads(counted) == ["/qmt/trade/api/portfolio/1"]
    assert len(order_requests(counted)) == 1
