"""get_full_tick / get_market_data of both clients against a real simulator, on both lines.

The simulator serves the data routes in the upstream line's shapes on both
of its lines (on main as a documented superset), and drops them with
``server.market_data: false``, which is how the real main line answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from _support import custom_sim, next_day, tick
from response_contract import ResponseContract

from qmt_facade import (
    SHANGHAI,
    AsyncQMTTradeClient,
    Bar,
    BarMap,
    QMTTradeClient,
    QMTUnsupportedError,
    QMTValidationError,
    Tick,
    TickMap,
)
from qmt_facade.plans import Call, ClientContext, get_market_data
from qmt_facade.signing import QMTSignatureAuth
from qmt_server_client import models as wire
from qmt_sim.testing import SimulatorProcess

FIRST_DAY = date(2024, 1, 2)  # the simulator's day 1
OPEN = datetime(2024, 1, 2, 9, 30, tzinfo=SHANGHAI)
SECONDS_PER_TICK = 3  # the simulator's snapshot interval, as xtquant's


@pytest.fixture(params=["main", "upstream"])
def line_sim(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SimulatorProcess]:
    """A fresh simulator playing each server line in turn."""
    with SimulatorProcess(tmp_path / "sim", line=request.param) as process:
        yield process


@pytest.fixture
def data_client(
    line_sim: SimulatorProcess, response_contract: ResponseContract
) -> Iterator[QMTTradeClient]:
    """A signed client of ``line_sim``; its answers are checked against the spec."""
    with QMTTradeClient(
        line_sim.base_url, client_id=line_sim.client_id, secret_key=line_sim.secret_key
    ) as c:
        c._http.event_hooks["response"].append(response_contract.sync_hook)
        yield c


def requests_of(client: QMTTradeClient) -> list[httpx.Request]:
    sent: list[httpx.Request] = []
    client._http.event_hooks["request"].append(sent.append)
    return sent


def test_full_tick_is_typed_and_follows_the_market(
    line_sim: SimulatorProcess, data_client: QMTTradeClient
) -> None:
    ticks = data_client.get_full_tick(["000001", "sh600000", "128013.SZ", "600000.SZ"])
    assert isinstance(ticks, TickMap)
    assert sorted(ticks) == ["000001.SZ", "128013.SZ", "600000.SH"]  # a wrong suffix corrected
    quote = ticks["000001.SZ"]
    assert isinstance(quote, Tick) and quote.symbol == "000001.SZ"
    assert quote.last_price == 10.5 and quote.last_close == 10.5  # the sample config's price
    assert quote.time == OPEN and quote.time.utcoffset() == timedelta(hours=8)
    assert len(quote.bid_prices) == 5 and len(quote.ask_volumes) == 5
    assert quote.bid_prices[0] < quote.last_price < quote.ask_prices[0]
    assert isinstance(quote.volume, int) and quote.volume == 0
    tick(line_sim, 40)
    moved = data_client.get_full_tick("000001")["000001.SZ"]
    assert moved.time == OPEN + timedelta(seconds=40 * SECONDS_PER_TICK)
    held = data_client.get_position_by_symbol("000001", 0)
    assert held is not None and moved.last_price == held.current_price
    assert moved.high >= moved.last_price >= moved.low


def test_bars_grow_by_one_each_trading_day(
    line_sim: SimulatorProcess, data_client: QMTTradeClient
) -> None:
    first = data_client.get_market_data("000001")
    assert isinstance(first, BarMap) and [b.date for b in first["000001.SZ"]] == [FIRST_DAY]
    closes = []
    for _ in range(2):
        tick(line_sim, 10)
        closes.append(data_client.get_full_tick("000001")["000001.SZ"].last_price)
        next_day(line_sim)
    bars = data_client.get_market_data(["000001"], period="1d", count=-1)["000001.SZ"]
    assert [b.date for b in bars] == [FIRST_DAY, date(2024, 1, 3), date(2024, 1, 4)]
    assert all(isinstance(b, Bar) and b.time.tzinfo == SHANGHAI for b in bars)
    assert [b.close for b in bars[:2]] == closes  # a finished day closes at its last price
    assert bars[1].pre_close == bars[0].close
    assert all(b.low <= b.close <= b.high for b in bars if None not in (b.low, b.high, b.close))
    last_two = data_client.get_market_data("000001", count=2)["000001.SZ"]
    assert [b.date for b in last_two] == [date(2024, 1, 3), date(2024, 1, 4)]
    window = data_client.get_market_data("000001", start_time="20240103", end_time=date(2024, 1, 3))
    assert [b.date for b in window["000001.SZ"]] == [date(2024, 1, 3)]


def test_fields_limit_what_comes_back(data_client: QMTTradeClient) -> None:
    (only,) = data_client.get_market_data("000001", fields=["close", "preClose"])["000001.SZ"]
    assert only.close == 10.5 and only.pre_close == 10.5
    assert only.open is None and only.volume is None and only.date == FIRST_DAY


def test_both_answer_forms_of_the_simulator_read_the_same(line_sim: SimulatorProcess) -> None:
    """Ask the real route for columns (json=0) and rows (json=1); the plan reads both alike."""
    next_day(line_sim)
    auth = QMTSignatureAuth(line_sim.client_id, line_sim.secret_key)
    read: list[Any] = []
    with httpx.Client(base_url=line_sim.base_url, auth=auth, timeout=10) as http:
        for form in ("0", "1"):
            answer = http.get(
                "/qmt/data/api/get_market_data_ex",
                params={"stock_list": "000001.SZ,600000.SH", "count": "5", "json": form},
            )
            assert answer.status_code == 200, answer.text
            payload = answer.json()["data"]["000001.SZ"]
            assert isinstance(payload, dict if form == "0" else list)  # the form asked for
            plan = get_market_data(ClientContext(signed=True), ["000001", "600000"], count=5)
            assert isinstance(next(plan), Call)
            with pytest.raises(StopIteration) as done:
                plan.send(wire.MarketDataResponse.from_dict(answer.json()))
            read.append(done.value.value)
    columns, rows = read
    assert columns == rows and len(columns["000001.SZ"]) == 2 and len(columns["600000.SH"]) == 2
    assert all(isinstance(b.volume, int) for b in columns["000001.SZ"])


def test_bad_arguments_send_nothing(data_client: QMTTradeClient) -> None:
    sent = requests_of(data_client)
    with pytest.raises(QMTValidationError, match="count"):
        data_client.get_market_data("000001", count=0)
    with pytest.raises(QMTValidationError, match="start_time"):
        data_client.get_market_data("000001", start_time="2024-01-02")
    with pytest.raises(QMTValidationError, match="symbol"):
        data_client.get_full_tick("not a symbol")
    assert sent == []


def test_frames_of_real_answers(line_sim: SimulatorProcess, data_client: QMTTradeClient) -> None:
    next_day(line_sim)
    frame = data_client.get_market_data(["000001", "600000"], count=5).to_frame()
    assert frame.index.names == ["symbol", "time"]
    assert sorted(set(frame.index.get_level_values("symbol"))) == ["000001.SZ", "600000.SH"]
    assert len(frame.loc["000001.SZ"]) == 2
    ticks = data_client.get_full_tick("000001,600000").to_frame()
    assert ticks.loc["600000.SH", "last_price"] == 15.2
    assert "000001.SZ" in data_client.get_positions(0).to_frame()["symbol"].tolist()
    data_client.buy("000001", price=9.9, position_pct=0.01, trader_index=0)
    assert data_client.get_orders(0).to_frame()["price"].tolist() == [9.9]


async def test_async_client_reads_the_same(
    line_sim: SimulatorProcess, data_client: QMTTradeClient
) -> None:
    next_day(line_sim)
    async with AsyncQMTTradeClient(
        line_sim.base_url, client_id=line_sim.client_id, secret_key=line_sim.secret_key
    ) as aclient:
        ticks = await aclient.get_full_tick(["000001", "600000"])
        bars = await aclient.get_market_data("000001", start_time=FIRST_DAY, count=10)
    assert ticks == data_client.get_full_tick(["000001", "600000"])
    assert bars == data_client.get_market_data("000001", start_time=FIRST_DAY, count=10)
    assert [b.date for b in bars["000001.SZ"]] == [FIRST_DAY, FIRST_DAY + timedelta(days=1)]


# --- a server without the data routes (what the real main line is) -------------------


@pytest.fixture
def no_data_sim(tmp_path: Path) -> Iterator[SimulatorProcess]:
    def without_market_data(config: dict[str, Any]) -> None:
        config.setdefault("server", {})["market_data"] = False

    with custom_sim(tmp_path / "sim", without_market_data) as process:
        yield process


def test_no_data_routes_is_unsupported_once_then_nothing_is_sent(
    no_data_sim: SimulatorProcess,
) -> None:
    with QMTTradeClient(
        no_data_sim.base_url, client_id=no_data_sim.client_id, secret_key=no_data_sim.secret_key
    ) as client:
        sent = requests_of(client)
        with pytest.raises(QMTUnsupportedError) as caught:
            client.get_full_tick("000001")
        assert caught.value.capability == "market_data" and caught.value.alternative
        assert "market_data" in str(caught.value)
        assert "服务器答复 404" in str(caught.value)  # it did send this one read
        assert len(sent) == 1
        with pytest.raises(QMTUnsupportedError) as learned:
            client.get_market_data("000001")
        assert "未发送任何请求" in str(learned.value)
        with pytest.raises(QMTUnsupportedError):
            client.get_full_tick("600000")
        assert len(sent) == 1  # learned: nothing more was sent
        assert client.get_portfolio(0).cash > 0  # the trading routes still work


async def test_no_data_routes_async(no_data_sim: SimulatorProcess) -> None:
    async with AsyncQMTTradeClient(
        no_data_sim.base_url, client_id=no_data_sim.client_id, secret_key=no_data_sim.secret_key
    ) as client:
        with pytest.raises(QMTUnsupportedError) as caught:
            await client.get_market_data("000001", count=3)
        assert caught.value.capability == "market_data"
        with pytest.raises(QMTUnsupportedError):
            await client.get_full_tick("000001")
