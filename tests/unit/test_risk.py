"""Risk limits, their settings and the reads they cost: plans driven by hand, no HTTP."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _wire import accounts, positions

from qmt_facade import (
    QMTRiskError,
    QMTTradeClient,
    QMTValidationError,
    RateLimit,
    RiskLimits,
    plans,
)
from qmt_facade.config import load_config_file
from qmt_facade.plans import Call, ClientContext, Guard, Pause, Record
from qmt_facade.plans.steps import throttle
from qmt_facade.rate_limit import limiters_for
from qmt_facade.risk import MemoryOrderCounter, check_price_band, check_symbol, trading_day
from qmt_facade.server_lines import Capability, ServerLine
from qmt_server_client import models as wire

DAY_ONE = 1704182340.0  # 2024-01-02 15:59 in Beijing


# --- the settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_order_value", 0),
        ("max_order_value", float("nan")),
        ("max_order_shares", 100.0),
        ("max_order_shares", True),
        ("max_position_pct", 1.5),
        ("price_band_pct", 5),
        ("max_orders_per_day", -1),
        ("allowed_symbols", []),
        ("blocked_symbols", ["not a symbol"]),
    ],
)
def test_a_bad_limit_names_its_field(field: str, value: object) -> None:
    with pytest.raises(QMTValidationError) as refused:
        RiskLimits(**{field: value})
    assert refused.value.field == f"risk.{field}" and f"risk.{field}" in str(refused.value)


def test_symbol_patterns_match_the_normalised_code() -> None:
    limits = RiskLimits(allowed_symbols=["600000", "00*"], blocked_symbols=["*.bj", "688*"])
    assert limits.allowed_symbols == ("600000.SH", "00*")
    assert limits.blocked_symbols == ("*.BJ", "688*")
    check_symbol(limits, "000001.SZ", "o")
    check_symbol(limits, "600000.SH", "o")
    for symbol, limit in [
        ("600001.SH", "allowed_symbols"),
        ("830799.BJ", "blocked_symbols"),
        ("000001.BJ", "blocked_symbols"),
    ]:
        with pytest.raises(QMTRiskError) as refused:
            check_symbol(limits, symbol, "the order")
        assert refused.value.limit == limit and refused.value.value == symbol


def test_the_price_band_edge_passes() -> None:
    limits = RiskLimits(price_band_pct=0.1)
    check_price_band(limits, 11.0, 10.0, "tick", "o")
    check_price_band(limits, 9.0, 10.0, "tick", "o")
    with pytest.raises(QMTRiskError, match=r"10\.10%"):
        check_price_band(limits, 11.01, 10.0, "tick", "o")


def test_yaml_sections_and_their_typos(tmp_path: Path) -> None:
    config = tmp_path / "qmt.yaml"
    config.write_text(
        "base_url: http://127.0.0.1:1\n"
        "risk:\n  max_order_value: 50000\n  blocked_symbols: ['*.BJ']\n"
        "rate_limit:\n  max_orders_per_second: 2\n  backend: file\n"
        f"  path: {tmp_path / 'rate.sqlite3'}\n",
        encoding="utf-8",
    )
    settings = load_config_file(config)
    assert settings["risk"] == RiskLimits(max_order_value=50000, blocked_symbols=["*.BJ"])
    assert settings["rate_limit"].backend == "file"
    with QMTTradeClient.from_config(config, env_file=None) as client:
        assert client.risk == settings["risk"] and client.rate_limit == settings["rate_limit"]
    config.write_text("risk:\n  max_order_valu: 1\n", encoding="utf-8")
    with pytest.raises(QMTValidationError, match="unknown key 'max_order_valu'"):
        load_config_file(config)


def test_rate_limit_settings() -> None:
    with pytest.raises(QMTValidationError, match=r"rate_limit\.path"):
        RateLimit(max_orders_per_second=1, backend="file")
    with pytest.raises(QMTValidationError, match=r"rate_limit\.max_orders_per_second"):
        RateLimit(max_orders_per_second=0)
    with pytest.raises(QMTValidationError, match=r"rate_limit\.backend"):
        RateLimit(max_orders_per_second=1, backend="fcntl")
    secret = RateLimit(max_orders_per_second=1, backend="redis", redis_url="redis://:pw1@h:6379")
    assert "pw1" not in repr(secret) and "pw1" not in secret.where()
    with pytest.raises(QMTValidationError) as refused:
        RateLimit(max_orders_per_second=1, redis_url="redis://:pw1@h:6379")
    assert "pw1" not in str(refused.value)


# --- order counts -----------------------------------------------------------------------------


def test_memory_counts_per_account_per_minute_and_per_day() -> None:
    counter = MemoryOrderCounter()
    limits = RiskLimits(max_orders_per_minute=2, max_orders_per_day=3)
    counter.take_order_slots([0], DAY_ONE, limits, "o", record=False)  # a dry run counts nothing
    counter.take_order_slots([0, 1], DAY_ONE, limits, "o", record=True)
    counter.take_order_slots([0], DAY_ONE + 1, limits, "o", record=True)
    with pytest.raises(QMTRiskError) as refused:
        counter.take_order_slots([1, 0], DAY_ONE + 2, limits, "o", record=True)
    assert refused.value.limit == "max_orders_per_minute" and "账户0" in str(refused.value)
    counter.take_order_slots([1], DAY_ONE + 3, limits, "o", record=True)  # nothing was counted
    counter.take_order_slots([0], DAY_ONE + 61, limits, "o", record=True)  # the minute rolled
    with pytest.raises(QMTRiskError, match="max_orders_per_day"):
        counter.take_order_slots([0], DAY_ONE + 200, limits, "o", record=True)
    next_day = DAY_ONE + 24 * 3600
    assert trading_day(next_day) != trading_day(DAY_ONE)
    counter.take_order_slots([0], next_day, limits, "o", record=True)


def test_the_trading_day_is_beijings() -> None:
    # 2024-01-01 17:00 UTC is already 2024-01-02 in Beijing.
    assert trading_day(1704128400.0) == "2024-01-02"


# --- what the checks read -------------------------------------------------------------------


def _portfolio(total: float, cash: float) -> wire.PortfolioResponse:
    return wire.PortfolioResponse.from_dict(
        {
            "portfolio": {
                "total_asset": total,
                "cash": cash,
                "frozen_cash": 0,
                "market_value": total - cash,
                "profit": 0,
                "profit_ratio": 0,
            }
        }
    )


def _tick(last: float) -> wire.MarketDataResponse:
    snapshot = {
        "lastPrice": last,
        "open": last,
        "high": last,
        "low": last,
        "lastClose": last,
        "amount": 0,
        "volume": 0,
    }
    return wire.MarketDataResponse.from_dict({"status": "success", "data": {"000001.SZ": snapshot}})


ANSWERS: dict[str, Callable[[Call], Any]] = {
    "get_accounts": lambda call: accounts(2),
    "get_portfolio": lambda call: _portfolio(1_000_000, 800_000),
    "get_positions": lambda call: positions(("000001.SZ", 2000, 2000)),
    "get_full_tick": lambda call: _tick(10.0),
}


def reads_before_the_order(
    ctx: ClientContext, order: plans.OrderRequest, made: list[str] | None = None
) -> list[str]:
    """Drive ``place_order`` up to its order request; the reads it made, by action."""
    made = [] if made is None else made
    plan = plans.place_order(ctx, order, order.side)
    step = next(plan)
    while True:
        if isinstance(step, Call):
            if step.places_order:
                return made
            made.append(step.action)
            answer = ANSWERS[step.action](step)
        elif isinstance(step, Guard):
            answer = step.check()
        else:
            assert isinstance(step, Pause | Record)
            answer = None
        step = plan.send(answer)


def ctx_with(limits: RiskLimits | None, **fields: Any) -> ClientContext:
    ctx = ClientContext(signed=True, server_line=ServerLine.MAIN, risk=limits, **fields)
    if limits is not None and limits.counts_orders:
        ctx.order_counter = MemoryOrderCounter()
    return ctx


BUY_SHARES = ("buy", 10.0, None, 100, 0)
BUY_PCT = ("buy", 10.0, 0.1, None, 0)
SELL_PCT = ("sell", 10.0, 0.5, None, 0)


@pytest.mark.parametrize(
    ("limits", "order", "expected"),
    [
        (None, BUY_SHARES, []),
        (None, SELL_PCT, ["get_positions"]),  # the ratio-sell guard
        (RiskLimits(max_order_value=1e6, max_order_shares=10**6), BUY_SHARES, []),
        (RiskLimits(allowed_symbols=["00*"], max_orders_per_day=5), BUY_SHARES, []),
        (RiskLimits(max_order_value=1e6, max_order_shares=10**6), BUY_PCT, ["get_portfolio"]),
        (RiskLimits(max_order_value=1e6), SELL_PCT, ["get_positions"]),  # shared with the guard
        (RiskLimits(max_position_value=1e6), BUY_SHARES, ["get_positions"]),
        (
            RiskLimits(max_order_value=1e6, max_position_pct=1.0),
            BUY_PCT,
            ["get_portfolio", "get_positions"],
        ),
        (RiskLimits(max_position_pct=1.0), SELL_PCT, ["get_positions"]),  # sells never add
        (RiskLimits(price_band_pct=0.5), BUY_SHARES, ["get_full_tick"]),
        (RiskLimits(price_band_pct=0.5), ("buy", 10.0, None, 100, 0, 1), []),  # not a limit price
    ],
)
def test_each_check_reads_at_most_once_and_nothing_when_unset(
    limits: RiskLimits | None, order: tuple[Any, ...], expected: list[str]
) -> None:
    side, price, pct, shares, index, *price_type = order
    request = plans.validate_order(
        side, "000001", price, pct, shares, price_type[0] if price_type else 0, index, "s"
    )
    assert reads_before_the_order(ctx_with(limits), request) == expected


def test_every_account_is_read_once_for_an_order_on_all_accounts() -> None:
    limits = RiskLimits(max_order_value=1e6, max_position_value=1e7, max_orders_per_day=9)
    request = plans.validate_order("buy", "000001", 10.0, 0.1, None, 0, None, "s")
    assert reads_before_the_order(ctx_with(limits), request) == [
        "get_accounts",
        "get_portfolio",
        "get_positions",
        "get_portfolio",
        "get_positions",
    ]


def test_price_band_reference_falls_back_to_the_position_without_market_data() -> None:
    ctx = ctx_with(RiskLimits(price_band_pct=0.05))
    ctx.unsupported.add(Capability.MARKET_DATA)
    request = plans.validate_order("buy", "000001", 10.0, None, 100, 0, 0, "s")
    made: list[str] = []
    with pytest.raises(QMTRiskError, match="持仓现价") as refused:  # _wire's current_price is 1
        reads_before_the_order(ctx, request, made)
    assert refused.value.limit == "price_band_pct" and made == ["get_positions"]


def test_throttle_waits_then_refuses_past_max_wait() -> None:
    class Slots:
        max_wait = 1.0
        network = False

        def __init__(self, waits: list[float]) -> None:
            self.waits = waits

        def try_acquire(self) -> float:
            return self.waits.pop(0)

        def refusal(self, action: str) -> QMTRiskError:  # any error will do here
            return QMTRiskError(action, limit="x", value=None, order=action)

    plan = throttle(Slots([0.4, 0.4, 0.0]), "buy")
    steps = [next(plan)]
    for answer in (0.4, None, 0.4, None):
        steps.append(plan.send(answer))
    assert [type(s).__name__ for s in steps] == ["Guard", "Pause", "Guard", "Pause", "Guard"]
    with pytest.raises(StopIteration):
        plan.send(0.0)
    refusing = throttle(Slots([]), "buy")
    next(refusing)
    with pytest.raises(QMTRiskError):
        refusing.send(1.5)  # a wait past max_wait is refused at once, not slept


def test_clients_and_threads_of_a_process_share_one_memory_bucket() -> None:
    settings = RateLimit(max_orders_per_second=0.5, key="shared-by-threads")
    first, _ = limiters_for(settings)
    second, reads = limiters_for(RateLimit(max_orders_per_second=0.5, key="shared-by-threads"))
    assert first is second and reads is None  # a second client gets the same bucket
    waits: list[float] = []
    threads = [threading.Thread(target=lambda: waits.append(first.try_acquire())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One slot (burst 1) for four threads at once: the other three are told to wait ~2 s.
    assert sorted(waits)[0] == 0.0 and all(1.5 < w <= 2.0 for w in sorted(waits)[1:])
    other, _ = limiters_for(RateLimit(max_orders_per_second=0.5, key="another-terminal"))
    assert other.try_acquire() == 0.0  # another key is another budget
