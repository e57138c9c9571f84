"""Market data: the upstream line's routes and answer shapes (server-protocol.md §6).

The real main line has no such routes; the simulator serves them on both lines
(a documented superset) unless ``server.market_data`` is false.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sim_http import SimHttp, sample_config

from qmt_sim.testing import SimulatorProcess

TICK = "/qmt/data/api/get_full_tick"
BARS = "/qmt/data/api/get_market_data_ex"
TICK_FIELDS = {
    "amount", "askPrice", "askVol", "bidPrice", "bidVol", "high", "lastClose", "lastPrice",
    "lastSettlementPrice", "low", "open", "openInt", "pvolume", "settlementPrice", "stockStatus",
    "time", "timeFmt", "timetag", "transactionNum", "volume",
}  # fmt: skip
ALL_COLUMNS = [
    "time", "open", "high", "low", "close", "volume", "amount", "settelementPrice",
    "openInterest", "preClose", "suspendFlag", "timeFmt",
]  # fmt: skip


def local_date(milliseconds: float) -> str:
    return dt.datetime.fromtimestamp(milliseconds / 1000).strftime("%Y%m%d")


def test_full_tick_shape_and_codes(http: SimHttp) -> None:
    body = http.signed("GET", TICK, query="stock_list=000001,%20600000.SZ,999,000001").json()
    assert body["status"] == "success"
    # Trimmed, suffixed by prefix (a wrong suffix is replaced), unknown codes left out.
    assert set(body["data"]) == {"000001.SZ", "600000.SH"}
    tick = body["data"]["000001.SZ"]
    assert set(tick) == TICK_FIELDS
    assert (tick["lastPrice"], tick["lastClose"], tick["timetag"]) == (
        10.5,
        10.5,
        "20240102 09:30:00",
    )
    assert tick["timeFmt"] == tick["timetag"] and len(tick["askPrice"]) == 5
    # 09:30 Beijing time on the simulated day 1, in milliseconds.
    assert tick["time"] == 1704159000000


def test_stock_list_errors(http: SimHttp) -> None:
    missing = http.signed("GET", TICK)
    assert (missing.status_code, missing.json()) == (400, {"error": "缺少必要参数: stock_list"})
    empty = http.signed("GET", TICK, query="stock_list=,,")
    assert (empty.status_code, empty.json()) == (
        500,
        {"error": "接口异常: get_full_tick", "message": "stock_list 不能为空"},
    )
    bad_count = http.signed("GET", BARS, query="stock_list=000001&count=abc")
    assert (bad_count.status_code, bad_count.json()) == (
        500,
        {
            "error": "接口异常: get_market_data_ex",
            "message": "invalid literal for int() with base 10: 'abc'",
        },
    )


def test_bars_column_form(http: SimHttp) -> None:
    http.next_day()
    http.next_day()
    body = http.signed("GET", BARS, query="stock_list=000001&count=2").json()
    bars = body["data"]["000001.SZ"]
    assert bars["columns"] == ALL_COLUMNS
    assert bars["index"] == ["20240103", "20240104"]
    first = dict(zip(bars["columns"], bars["data"][0], strict=True))
    assert all(isinstance(v, float) for k, v in first.items() if k != "timeFmt")
    assert first["close"] == 10.5 and first["preClose"] == 10.5
    assert first["timeFmt"] == local_date(first["time"])  # the server host's timezone


def test_bars_row_form_with_fields(http: SimHttp) -> None:
    body = http.signed(
        "GET", BARS, query="stock_list=000001,600000&count=1&json=1&field_list=close,volume"
    ).json()
    assert body["data"] == {
        "000001.SZ": [{"close": 10.5, "volume": 0.0}],
        "600000.SH": [{"close": 15.2, "volume": 0.0}],
    }
    with_time = http.signed("GET", BARS, query="stock_list=000001&json=1&field_list=time")
    (row,) = with_time.json()["data"]["000001.SZ"]
    assert set(row) == {"time", "timeFmt"}


def test_bars_outside_the_dates_are_empty(http: SimHttp) -> None:
    query = "stock_list=000001&start_time=20200101&end_time=20200102"
    assert http.signed("GET", BARS, query=query).json()["data"] == {
        "000001.SZ": {"columns": [], "index": [], "data": []}
    }
    rows = http.signed("GET", BARS, query=query + "&json=1").json()["data"]
    assert rows == {"000001.SZ": []}


@pytest.mark.parametrize("line", ["main", "upstream"])
def test_market_data_can_be_switched_off(tmp_path: Path, line: str) -> None:
    raw = sample_config()
    raw["server"]["market_data"] = False
    with SimulatorProcess(tmp_path, raw, line=line) as sim:
        http = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
        for path in (TICK, BARS):
            response = http.signed("GET", path, query="stock_list=000001")
            assert (response.status_code, response.text) == (404, "Not Found")
            assert response.headers["content-type"].startswith("text/html")
        http.close()
