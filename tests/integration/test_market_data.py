"""get_full_tick / get_market_data of both clients against a real simulator process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from _support import next_day, tick
from response_contract import ResponseContract

from qmt_facade import (
    Bar,
    BarMap,
    QMTTradeClient,
    QMTValidationError,
    Tick,
    TickMap,
)
from qmt_facade.quotes import SHANGHAI
from qmt_sim.testing import SimulatorProcess

FIRST_DAY = date(2024, 1, 2)  # the simulator's day 1


@pytest.fixture
def own_client(
    fresh_sim: SimulatorProcess, response_contract: ResponseContract
) -> Iterator[QMTTradeClient]:
    """A signed client of a fresh simulator; its answers are checked against the spec."""
    with QMTTradeClient(
        fresh_sim.base_url, client_id=fresh_sim.client_id, secret_key=fresh_sim.secret_key
    ) as c:
        c._http.event_hooks["response"].append(response_contract.sync_hook)
        yield c


def test_full_tick_is_typed_and_follows_the_market(
    fresh_sim: SimulatorProcess, own_client: QMTTradeClient
) -> None:
    ticks = own_client.get_full_tick(["000001", "sh600000", "128013.SZ"])
    assert isinstance(ticks, TickMap)
    assert sorted(ticks) == ["000001.SZ", "128013.SZ", "600000.SH"]
    quote = ticks["000001.SZ"]
    assert isinstance(quote, Tick) and quote.symbol == "000001.SZ"
    assert quote.last_price == 10.5 and quote.last_close == 10.5  # the sample config's price
    assert len(quote.bid_prices) == 5 and len(quote.ask_volumes) == 5
    assert quote.bid_prices[0] < quote.last_price < quote.ask_prices[0]
    assert isinstance(quote.volume, int)
    tick(fresh_sim, 40)
    moved = own_client.get_full_tick("000001")["000001.SZ"]
    held = own_client.get_position_by_symbol("000001", 0)
    assert held is not None and moved.last_price == held.current_price
    assert moved.high >= moved.last_price >= moved.low


def test_bars_grow_by_one_each_trading_day(
    fresh_sim: SimulatorProcess, own_client: QMTTradeClient
) -> None:
    first = own_client.get_market_data("000001")
    assert isinstance(first, BarMap) and [b.date for b in first["000001.SZ"]] == [FIRST_DAY]
    closes = []
    for _ in range(2):
        tick(fresh_sim, 10)
        closes.append(own_client.get_full_tick("000001")["000001.SZ"].last_price)
        next_day(fresh_sim)
    bars = own_client.get_market_data(["000001"], period="1d", count=-1)["000001.SZ"]
    assert [b.date for b in bars] == [FIRST_DAY, date(2024, 1, 3), date(2024, 1, 4)]
    assert all(isinstance(b, Bar) and b.time.tzinfo == SHANGHAI for b in bars)
    assert [b.close for b in bars[:2]] == closes  # a finished day closes at its last price
    assert all(b.low <= b.close <= b.high for b in bars if None not in (b.low, b.high, b.close))
    last_two = own_client.get_market_data("000001", count=2)["000001.SZ"]
    assert [b.date for b in last_two] == [date(2024, 1, 3), date(2024, 1, 4)]


def test_fields_limit_what_comes_back(own_client: QMTTradeClient) -> None:
    (only,) = own_client.get_market_data("000001", fields=["close"])["000001.SZ"]
    assert only.close == 10.5 and only.open is None and only.volume is None
    assert only.date == FIRST_DAY


def test_bad_arguments_send_nothing(own_client: QMTTradeClient) -> None:
    sent: list[httpx.Request] = []
    own_client._http.event_hooks["request"].append(sent.append)
    with pytest.raises(QMTValidationError, match="count"):
        own_client.get_market_data("000001", count=0)
    with pytest.raises(QMTValidationError, match="start_time"):
        own_client.get_market_data("000001", start_time="2024-01-02")
    with pytest.raises(QMTValidationError, match="symbol"):
        own_client.get_full_tick("not a symbol")
    assert sent == []


def test_frames_of_real_answers(fresh_sim: SimulatorProcess, own_client: QMTTradeClient) -> None:
    next_day(fresh_sim)
    frame = own_client.get_market_data(["000001", "600000"], count=5).to_frame()
    assert frame.index.names == ["symbol", "time"]
    assert sorted(set(frame.index.get_level_values("symbol"))) == ["000001.SZ", "600000.SH"]
    assert len(frame.loc["000001.SZ"]) == 2
    ticks = own_client.get_full_tick("000001,600000").to_frame()
    assert ticks.loc["600000.SH", "last_price"] == 15.2
    positions = own_client.get_positions(0).to_frame()
    assert "000001.SZ" in positions["symbol"].tolist()
    own_client.buy("000001", price=9.0, shares=100, trader_index=0)
    orders = own_client.get_orders(0).to_frame()
    assert orders["price"].tolist() == [9.0]


async def test_async_client_reads_the_same(
    fresh_sim: SimulatorProcess, own_client: QMTTradeClient
) -> None:
    from qmt_facade import AsyncQMTTradeClient

    next_day(fresh_sim)
    async with AsyncQMTTradeClient(
        fresh_sim.base_url, client_id=fresh_sim.client_id, secret_key=fresh_sim.secret_key
    ) as aclient:
        ticks = await aclient.get_full_tick(["000001", "600000"])
        bars = await aclient.get_market_data("000001", start_time=FIRST_DAY, count=10)
    assert ticks == own_client.get_full_tick(["000001", "600000"])
    assert bars == own_client.get_market_data("000001", start_time=FIRST_DAY, count=10)
    assert [b.date for b in bars["000001.SZ"]] == [FIRST_DAY, FIRST_DAY + timedelta(days=1)]
