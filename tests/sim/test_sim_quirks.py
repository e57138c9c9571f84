"""Quirks both server lines share, run on each line (server-protocol.md, trading rules and §5).

A ratio sell that floors to 0 lots sells the whole sellable position; a failed
notification after a buy by ratio redoes the buy (two orders, one reported);
``status: failed`` does not mean no order; a failed notification stops a bulk
cancel.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from response_contract import ResponseContract
from sim_http import SimHttp, sample_config

from qmt_sim.notifier import FAILURE_TEXT
from qmt_sim.testing import SimulatorProcess

LINES = ("main", "upstream")


@pytest.fixture(params=LINES)
def line(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def any_line(tmp_path: Path, line: str, response_contract: ResponseContract) -> Iterator[SimHttp]:
    with SimulatorProcess(tmp_path / line, line=line) as sim:
        client = SimHttp(sim.base_url, sim.client_id, sim.secret_key, [response_contract.sync_hook])
        yield client
        client.close()


def fail_notifications(http: SimHttp, count: int) -> None:
    armed = http.signed("POST", "/sim/faults", {"notification_failures": count})
    assert armed.json() == {"notification_failures": count}


def orders_of(http: SimHttp, index: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = http.ok("POST", "/orders", {"trader_index": index})
    return found


def test_ratio_sell_rounding_to_zero_sells_the_whole_position(any_line: SimHttp) -> None:
    # Account 1 holds 1,000 sellable 000001: 5 % is 50 shares, 0 lots of 100.
    body = {"symbol": "000001", "trade_price": 10.6, "position_pct": 0.05, "trader_index": 1}
    result = any_line.ok("POST", "/outer/trade/sell", body)["results"][0]["result"]
    assert (result["success"], result["order_num"]) == (True, 1000)
    (order,) = orders_of(any_line, 1)
    assert (order["side"], order["volume"]) == ("sell", 1000)


def test_ratio_sell_of_zero_sells_everything_too(any_line: SimHttp) -> None:
    body = {"symbol": "000001", "trade_price": 10.6, "position_pct": 0, "trader_index": 0}
    assert (
        any_line.ok("POST", "/outer/trade/sell", body)["results"][0]["result"]["order_num"] == 2000
    )


def test_failed_notification_doubles_a_buy_by_ratio(any_line: SimHttp) -> None:
    fail_notifications(any_line, 1)
    body = {"symbol": "000001", "trade_price": 10.0, "position_pct": 0.01, "trader_index": 1}
    answer = any_line.ok("POST", "/outer/trade/buy", body)
    orders = orders_of(any_line, 1)
    assert [(o["side"], o["volume"]) for o in orders] == [("buy", 500), ("buy", 500)]
    # The answer reports the second order only.
    (entry,) = answer["results"]
    assert entry["status"] == "success"
    assert entry["result"]["order_id"] == orders[1]["order_id"] != orders[0]["order_id"]


def test_three_failed_notifications_leave_three_orders_and_a_failure(any_line: SimHttp) -> None:
    fail_notifications(any_line, 3)
    body = {"symbol": "000001", "trade_price": 10.0, "position_pct": 0.01, "trader_index": 1}
    result = any_line.ok("POST", "/outer/trade/buy", body)["results"][0]["result"]
    assert result["success"] is False
    assert result["message"] == f"获取账户信息失败，重试3次后仍然失败: {FAILURE_TEXT}"
    assert len(orders_of(any_line, 1)) == 3


def test_failed_status_after_a_placed_ratio_sell(any_line: SimHttp) -> None:
    fail_notifications(any_line, 1)
    body = {"symbol": "000001", "trade_price": 11.0, "position_pct": 0.5, "trader_index": 1}
    (entry,) = any_line.ok("POST", "/outer/trade/sell", body)["results"]
    assert entry["status"] == "failed" and "result" not in entry
    assert entry["error"].endswith(FAILURE_TEXT)
    (order,) = orders_of(any_line, 1)  # yet the order is live
    assert (order["side"], order["volume"], order["status"]) == ("sell", 500, 50)


def test_failed_notification_stops_a_bulk_cancel(any_line: SimHttp) -> None:
    for price in (9.8, 9.9):
        body = {"symbol": "000001", "trade_price": price, "position_pct": 0.01, "trader_index": 1}
        any_line.ok("POST", "/outer/trade/buy", body)
    fail_notifications(any_line, 1)
    answer = any_line.ok("POST", "/cancel_orders/buy", {"trader_index": 1})
    (entry,) = answer["results"]
    assert (entry["status"], entry["error"]) == ("failed", FAILURE_TEXT)
    # The first cancel went through; the failure skipped the second.
    assert [o["status"] for o in orders_of(any_line, 1)] == [54, 50]


def test_send_msg_relays_and_reports_a_failed_relay(any_line: SimHttp) -> None:
    sent = any_line.signed("POST", "/send_msg", {"msg": "策略启动"})
    assert (sent.status_code, sent.json()) == (
        200,
        {"message": "消息发送成功", "status": "success"},
    )
    fail_notifications(any_line, 1)
    failed = any_line.signed("POST", "/send_msg", {"msg": "x"})
    assert (failed.status_code, failed.json()) == (
        500,
        {"message": FAILURE_TEXT, "status": "error"},
    )
    unsigned = any_line.http.post("/send_msg", json={"msg": "x"})
    assert (unsigned.status_code, unsigned.json()) == (401, {"error": "缺少必要的签名验证参数"})


def test_configured_notification_failures(tmp_path: Path) -> None:
    raw = sample_config()
    raw["server"]["notification_failures"] = 1
    with SimulatorProcess(tmp_path, raw) as sim:
        http = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
        body = {"symbol": "000001", "trade_price": 10.0, "position_pct": 0.01, "trader_index": 1}
        http.ok("POST", "/outer/trade/buy", body)
        assert len(orders_of(http, 1)) == 2
        http.close()
