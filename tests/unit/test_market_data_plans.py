"""The market-data plans driven by hand: validation, both answer forms, the capability cache.

The answers below are the protocol reference's own examples
(server-protocol.md, upstream line, section 6), parsed by the generated
client's model as the drivers would hand them to the plan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from qmt_facade import (
    SHANGHAI,
    Bar,
    QMTAPIError,
    QMTNotFoundError,
    QMTUnsupportedError,
    QMTValidationError,
    Tick,
)
from qmt_facade.plans import Call, ClientContext, get_full_tick, get_market_data
from qmt_facade.server_lines import Capability
from qmt_server_client import models as wire
from qmt_server_client.api.market_data import get_full_tick as full_tick_route
from qmt_server_client.api.market_data import get_market_data_ex as bars_route
from qmt_server_client.types import UNSET

REFERENCE_TICK: dict[str, Any] = {
    "amount": 1000000.0,
    "askPrice": [10.51, 10.52, 10.53, 10.54, 10.55],
    "askVol": [100, 200, 300, 400, 500],
    "bidPrice": [10.5, 10.49, 10.48, 10.47, 10.46],
    "bidVol": [110, 210, 310, 410, 510],
    "high": 10.5,
    "lastClose": 10.4,
    "lastPrice": 10.5,
    "lastSettlementPrice": 0.0,
    "low": 10.4,
    "open": 10.4,
    "openInt": 13,
    "pvolume": 1000000,
    "settlementPrice": 0.0,
    "stockStatus": 0,
    "time": 1735781400000,
    "timeFmt": "20250102 09:30:00",
    "timetag": "20250102 09:30:00",
    "transactionNum": 0,
    "volume": 10000,
}
# The reference's column list, "settelementPrice" (sic) included.
COLUMNS = ["time", "open", "high", "low", "close", "volume", "amount",
           "settelementPrice", "openInterest", "preClose", "suspendFlag", "timeFmt"]  # fmt: skip
# Midnight Beijing time of 2024-12-31, 2025-01-01, 2025-01-02, in ms, as floats.
MIDNIGHTS = [1735574400000.0, 1735660800000.0, 1735747200000.0]
OPEN_HIGH_LOW_CLOSE = [
    (10.4, 10.4, 10.39, 10.39),
    (10.39, 10.45, 10.38, 10.4),
    (10.4, 10.5, 10.4, 10.5),
]
COLUMN_FORM: dict[str, Any] = {
    "columns": COLUMNS,
    "index": ["20241231", "20250101", "20250102"],
    "data": [
        [ms, *ohlc, 10000.0, round(ohlc[3] * 10000, 2), 0.0, 0.0, 10.4, float(i == 2), day_early]
        for i, (ms, ohlc, day_early) in enumerate(
            zip(MIDNIGHTS, OPEN_HIGH_LOW_CLOSE, ["20241230", "20241231", "20250101"], strict=True)
        )
    ],
}


def signed() -> ClientContext:
    return ClientContext(signed=True)


def answer(data: dict[str, Any]) -> wire.MarketDataResponse:
    return wire.MarketDataResponse.from_dict({"status": "success", "data": data})


def run(plan: Any, reply: Any) -> tuple[Call, Any]:
    """Start the plan, check it asks for one call, answer it; return (call, result)."""
    call = next(plan)
    assert isinstance(call, Call)
    with pytest.raises(StopIteration) as stop:
        plan.send(reply)
    return call, stop.value.value


def not_found() -> QMTNotFoundError:
    return QMTNotFoundError(status_code=404, error="Not Found", method="GET", path="/qmt/data")


# --- get_full_tick -------------------------------------------------------------


def test_full_tick_reads_the_reference_snapshot() -> None:
    call, ticks = run(get_full_tick(signed(), ["000001", "sh600000"]), answer({
        "000001.SZ": REFERENCE_TICK, "600000.SH": {},
    }))  # fmt: skip
    assert call.endpoint is full_tick_route
    assert call.kwargs == {"stock_list": "000001.SZ,600000.SH"}
    assert list(ticks) == ["000001.SZ"]  # {} = no snapshot: left out
    tick = ticks["000001.SZ"]
    assert isinstance(tick, Tick)
    assert tick.time == datetime(2025, 1, 2, 9, 30, tzinfo=SHANGHAI)
    assert tick.time.utcoffset() == timedelta(hours=8)
    assert (tick.last_price, tick.open, tick.high, tick.low, tick.last_close) == (
        10.5,
        10.4,
        10.5,
        10.4,
        10.4,
    )
    assert tick.volume == 10000 and type(tick.volume) is int and tick.amount == 1000000.0
    assert tick.ask_prices == (10.51, 10.52, 10.53, 10.54, 10.55)
    assert tick.bid_volumes == (110, 210, 310, 410, 510)
    assert tick["last_price"] == 10.5  # dict style too
    assert tick.to_dict()["time"] == "2025-01-02T09:30:00+08:00"


def test_full_tick_time_falls_back_to_timetag_in_beijing_time() -> None:
    snapshot = {**REFERENCE_TICK, "time": 0, "timetag": "20250102 14:59:57"}
    _, ticks = run(get_full_tick(signed(), "000001"), answer({"000001.SZ": snapshot}))
    assert ticks["000001.SZ"].time == datetime(2025, 1, 2, 6, 59, 57, tzinfo=UTC)


def test_full_tick_without_a_price_is_a_protocol_error() -> None:
    snapshot = {k: v for k, v in REFERENCE_TICK.items() if k != "lastPrice"}
    plan = get_full_tick(signed(), "000001")
    next(plan)
    with pytest.raises(QMTAPIError, match="lastPrice"):
        plan.send(answer({"000001.SZ": snapshot}))


@pytest.mark.parametrize(
    ("symbols", "field"),
    [([], "symbols"), ("", "symbols"), (600000, "symbols"), (["000001", "12345"], "symbol")],
)
def test_full_tick_refuses_bad_symbols_before_sending(symbols: Any, field: str) -> None:
    with pytest.raises(QMTValidationError) as caught:
        next(get_full_tick(signed(), symbols))
    assert caught.value.field == field


# --- get_market_data: both answer forms ------------------------------------------


def test_column_form_of_the_reference() -> None:
    _, bars = run(get_market_data(signed(), "000001", count=3), answer({"000001.SZ": COLUMN_FORM}))
    series = bars["000001.SZ"]
    assert [b.date for b in series] == [date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 2)]
    # timeFmt says 20241230 (a server host on UTC): the facade trusts time, not timeFmt.
    assert series[0].time == datetime(2024, 12, 31, tzinfo=SHANGHAI)
    first, last = series[0], series[-1]
    assert isinstance(first, Bar) and first.symbol == "000001.SZ"
    assert (first.open, first.high, first.low, first.close) == (10.4, 10.4, 10.39, 10.39)
    assert first.volume == 10000 and type(first.volume) is int
    assert first.amount == 103900.0 and first.pre_close == 10.4
    assert first.settlement_price == 0.0 and first.open_interest == 0.0
    assert first.suspend_flag == 0 and last.suspend_flag == 1


def test_column_form_without_time_uses_the_index() -> None:
    form = {
        "columns": ["close", "volume"],
        "index": ["20250102"],
        "data": [[10.5, 10000.0]],
    }
    _, bars = run(get_market_data(signed(), "000001"), answer({"000001.SZ": form}))
    (bar,) = bars["000001.SZ"]
    assert bar.time == datetime(2025, 1, 2, tzinfo=SHANGHAI)
    assert bar.close == 10.5 and bar.volume == 10000 and bar.open is None


def test_row_form() -> None:
    rows = [
        {"time": MIDNIGHTS[1], "close": 10.4, "volume": 10000.0, "timeFmt": "20250101"},
        {"time": MIDNIGHTS[2], "close": 10.5, "volume": 10000.0, "timeFmt": "20250102"},
    ]
    _, bars = run(get_market_data(signed(), "000001"), answer({"000001.SZ": rows}))
    assert [(b.date, b.close, b.volume) for b in bars["000001.SZ"]] == [
        (date(2025, 1, 1), 10.4, 10000),
        (date(2025, 1, 2), 10.5, 10000),
    ]
    assert bars["000001.SZ"][0].open is None  # not asked for


@pytest.mark.parametrize("empty", [[], {"columns": [], "index": [], "data": []}])
def test_a_symbol_with_no_data_has_no_bars(empty: Any) -> None:
    _, bars = run(get_market_data(signed(), "000001"), answer({"000001.SZ": empty}))
    assert bars == {"000001.SZ": []}


@pytest.mark.parametrize(
    "payload",
    [
        {"close": [10.4]},  # neither form
        [{"close": 10.4}],  # a row without any time
        {"columns": ["time", "close"], "index": [], "data": [[MIDNIGHTS[0]]]},  # short row
        ["not a row"],
    ],
)
def test_unreadable_bars_are_a_protocol_error(payload: Any) -> None:
    plan = get_market_data(signed(), "000001")
    next(plan)
    with pytest.raises(QMTAPIError, match="服务器响应与协议不符"):
        plan.send(answer({"000001.SZ": payload}))


# --- get_market_data: what is sent ------------------------------------------------


def test_request_parameters() -> None:
    plan = get_market_data(
        signed(),
        ["000001", "600000"],
        period="5m",
        start_time=date(2025, 1, 2),
        end_time="20250103",
        count=20,
        fields=["close", "pre_close", "volume", "close"],
        dividend_type="none",
    )
    call = next(plan)
    assert isinstance(call, Call) and call.endpoint is bars_route
    assert call.kwargs == {
        "stock_list": "000001.SZ,600000.SH",
        "period": "5m",
        "start_time": "20250102",
        "end_time": "20250103",
        "count": 20,
        "field_list": "time,close,preClose,volume",
        "dividend_type": wire.DividendType.NONE,
        "json": wire.BarAnswerForm.VALUE_1,
    }


def test_defaults_leave_times_and_fields_to_the_server() -> None:
    call = next(get_market_data(signed(), "000001"))
    assert isinstance(call, Call)
    assert call.kwargs["start_time"] is UNSET and call.kwargs["end_time"] is UNSET
    assert call.kwargs["field_list"] is UNSET and call.kwargs["count"] == -1
    assert call.kwargs["period"] == "1d"
    assert call.kwargs["dividend_type"] == wire.DividendType.FRONT


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        (datetime(2025, 1, 2, 9, 30), "20250102093000"),  # naive: Beijing time
        (datetime(2025, 1, 2, 1, 30, tzinfo=UTC), "20250102093000"),
        (datetime(2025, 1, 2, 9, 30, tzinfo=timezone(timedelta(hours=9))), "20250102083000"),
        ("20250102093000", "20250102093000"),
        (" 20250102 ", "20250102"),
    ],
)
def test_times_are_sent_in_beijing_time(given: Any, sent: str) -> None:
    call = next(get_market_data(signed(), "000001", start_time=given))
    assert isinstance(call, Call) and call.kwargs["start_time"] == sent


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"period": "tick"}, "period"),
        ({"period": "1D"}, "period"),
        ({"start_time": "2025-01-02"}, "start_time"),
        ({"start_time": "20250230"}, "start_time"),
        ({"end_time": 20250102}, "end_time"),
        ({"start_time": "20250103", "end_time": date(2025, 1, 2)}, "start_time"),
        ({"count": 0}, "count"),
        ({"count": -2}, "count"),
        ({"count": True}, "count"),
        ({"count": 2.0}, "count"),
        ({"fields": ["close", "vwap"]}, "fields"),
        ({"fields": []}, "fields"),
        ({"fields": 5}, "fields"),
        ({"dividend_type": "forward"}, "dividend_type"),
    ],
)
def test_bad_arguments_are_refused_before_sending(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(QMTValidationError) as caught:
        next(get_market_data(signed(), "000001", **kwargs))
    assert caught.value.field == field
    assert field in str(caught.value) and caught.value.rule in str(caught.value)


def test_same_day_start_and_end_is_fine() -> None:
    call = next(get_market_data(signed(), "000001", start_time="20250102", end_time="20250102"))
    assert isinstance(call, Call)


# --- the market_data capability -----------------------------------------------------


def test_a_404_makes_the_capability_unsupported_and_it_is_remembered() -> None:
    ctx = signed()
    plan = get_full_tick(ctx, "000001")
    next(plan)
    with pytest.raises(QMTUnsupportedError) as caught:
        plan.throw(not_found())
    assert caught.value.capability == "market_data"
    assert "market_data" in str(caught.value) and caught.value.alternative
    assert isinstance(caught.value.__cause__, QMTNotFoundError)
    assert Capability.MARKET_DATA in ctx.unsupported
    # Later calls of either data method raise before yielding any request.
    for later in (get_full_tick(ctx, "000001"), get_market_data(ctx, "000001")):
        with pytest.raises(QMTUnsupportedError):
            next(later)


def test_other_errors_pass_through_and_learn_nothing() -> None:
    ctx = signed()
    plan = get_market_data(ctx, "000001")
    next(plan)
    failure = QMTAPIError("get_market_data 失败: HTTP 500", status_code=500)
    with pytest.raises(QMTAPIError) as caught:
        plan.throw(failure)
    assert caught.value is failure and not ctx.unsupported


def test_a_session_may_read_market_data_and_no_credentials_may_not() -> None:
    assert isinstance(
        next(get_full_tick(ClientContext(signed=False, logged_in=True), "000001")), Call
    )
    with pytest.raises(QMTAPIError, match="get_full_tick"):
        next(get_full_tick(ClientContext(signed=False), "000001"))
