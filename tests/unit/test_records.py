"""Result records: dict-style access and the TradeResult rules."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from qmt_facade.records import (
    Account,
    AccountSummary,
    CancelAllResult,
    CancelEntry,
    Order,
    OrderOutcome,
    Portfolio,
    Position,
    TradeResult,
    TraderResult,
)
from qmt_server_client import models as wire

PORTFOLIO = Portfolio(
    total_asset=100.5, cash=50.0, frozen_cash=1.5, market_value=49.0, profit=2.0, profit_ratio=4.0
)


def test_getitem_get_contains() -> None:
    assert PORTFOLIO["total_asset"] == 100.5 and PORTFOLIO["cash"] == 50.0
    assert PORTFOLIO.get("frozen_cash") == 1.5
    assert PORTFOLIO.get("nope") is None and PORTFOLIO.get("nope", 7) == 7
    assert "profit_ratio" in PORTFOLIO and "nope" not in PORTFOLIO and 3 not in PORTFOLIO
    with pytest.raises(KeyError):
        PORTFOLIO["nope"]
    with pytest.raises(KeyError):
        PORTFOLIO["keys"]  # a method name is not a key


def test_keys_items_len_iter_to_dict() -> None:
    keys = ("total_asset", "cash", "frozen_cash", "market_value", "profit", "profit_ratio")
    assert tuple(PORTFOLIO.keys()) == keys
    assert list(PORTFOLIO) == list(keys) and len(PORTFOLIO) == 6
    assert PORTFOLIO.items() == [(k, getattr(PORTFOLIO, k)) for k in keys]
    assert PORTFOLIO.to_dict() == dict(zip(keys, (100.5, 50.0, 1.5, 49.0, 2.0, 4.0), strict=True))
    assert dict(PORTFOLIO.items()) == PORTFOLIO.to_dict()


def test_frozen() -> None:
    with pytest.raises(AttributeError):
        PORTFOLIO.cash = 1.0  # type: ignore[misc]


def test_nested_to_dict() -> None:
    position = Position("000001.SZ", "平安银行", 100, 100, 0, 1050.0, 10.2, 10.2, 10.5, 30.0, 2.94)
    when = datetime(2024, 1, 2, 9, 30, tzinfo=UTC)
    summary = AccountSummary(
        trader_index=0, portfolio=PORTFOLIO, positions=[position], timestamp=when
    )
    assert summary["portfolio"]["total_asset"] == 100.5
    assert summary["positions"][0]["profit_ratio"] == 2.94
    plain = summary.to_dict()
    assert plain["portfolio"] == PORTFOLIO.to_dict()
    assert plain["positions"][0]["symbol"] == "000001.SZ"
    assert plain["timestamp"] == "2024-01-02T09:30:00+00:00"


def test_from_wire_unset_and_enums_become_plain() -> None:
    model = wire.TraderResult.from_dict(
        {
            "trader_index": 1,
            "status": "success",
            "result": {"success": True, "message": "ok", "order_id": 9},
        }
    )
    result = TraderResult.from_wire(model)
    assert result["status"] == "success" and type(result.status) is str
    assert result["result"]["order_id"] == 9 and result["result"]["symbol"] is None
    assert result.error is None
    account = Account.from_wire(
        wire.Account.from_dict({"index": 0, "account_id": "1", "nick_name": "n"})
    )
    assert (account["index"], account["nick_name"]) == (0, "n")


def trader(
    index: int, success: bool | None, status: str = "success", order_id: int | None = None
) -> TraderResult:
    result = (
        None
        if success is None
        else OrderOutcome(success=success, message=f"msg{index}", order_id=order_id)
    )
    return TraderResult(
        trader_index=index,
        status=status,
        result=result,
        error="err" if status == "failed" else None,
    )


def test_trader_result_placed_and_reason() -> None:
    assert trader(0, True, order_id=5).placed and trader(0, True, order_id=5).reason == ""
    assert not trader(0, False).placed and trader(0, False).reason == "msg0"
    # "failed" only says an exception escaped on the server: a success outcome still placed
    assert trader(0, True, status="failed").placed
    assert not trader(0, None).placed and trader(0, None).reason == "服务器未返回委托结果"
    assert trader(0, None).unknown and not trader(0, False).unknown
    assert not trader(0, True, order_id=5).unknown
    failed = trader(0, None, status="failed")
    assert failed.unknown and not failed.placed and failed.reason == "err"
    unsaid = TraderResult(0, "success", OrderOutcome(success=None, message=""))
    assert unsaid.unknown and unsaid.reason == "服务器未说明委托是否成功"
    with_error = TraderResult(0, "success", OrderOutcome(success=False, message="m", error="e"))
    assert with_error.reason == "e"
    assert trader(3, True, order_id=77).order_id == 77 and trader(3, None).order_id is None


def test_trade_result_properties() -> None:
    result = TradeResult(
        message="m",
        results=[
            trader(0, True, order_id=5),
            trader(1, False),
            trader(2, True, order_id=None),
            trader(3, None),
        ],
    )
    assert [r.trader_index for r in result.placed] == [0, 2]
    assert [r.trader_index for r in result.rejected] == [1]
    assert [r.trader_index for r in result.unknown] == [3]
    assert result.all_placed is False
    assert result.order_ids == [5]  # placed but without an id: not listed
    assert result.warnings == [] and result["warnings"] == []
    full = TradeResult(
        message="m", results=[trader(0, True, order_id=1), trader(1, True, order_id=2)]
    )
    assert full.all_placed and full.order_ids == [1, 2]
    assert TradeResult(message="m", results=[]).all_placed is False
    assert full.to_dict()["results"][1]["result"]["order_id"] == 2


def test_order_properties() -> None:
    order = Order(1, "000001.SZ", "buy", 55, "部成", 100, 1700000000, 10.0, 0, 40, 10.0, "s")
    assert order.status_name == "部成" and order.is_cancelable and not order.is_final
    final = Order(1, "000001.SZ", "buy", 57, "废单", 100, 1700000000, 10.0, 0, 0, 0.0, "s")
    assert final.is_final and not final.is_cancelable and final.status_name == "废单"
    unknown = Order(1, "000001.SZ", "buy", 99, "奇怪", 100, 1700000000, 10.0, 0, 0, 0.0, "s")
    assert unknown.status_name == "奇怪"
    limit = Order(1, "000001.SZ", "buy", 50, "已报", 100, 1700000000, 10.0, 11, 0, 0.0, "s")
    best_five_sz = attrs.evolve(limit, price_type=47)
    assert (limit.price_type_name, best_five_sz.price_type_name) == ("限价", "五档即成剩撤")
    assert order.price_type_name == "其他"  # 0 is the API's code, never an order's
    assert order.order_time == datetime.fromtimestamp(1700000000)


def test_cancel_all_result() -> None:
    ok = CancelAllResult("m", [CancelEntry(0, "success"), CancelEntry(1, "success")])
    bad = CancelAllResult("m", [CancelEntry(0, "success"), CancelEntry(1, "failed", "boom")])
    assert ok.all_succeeded and not bad.all_succeeded
    assert bad["results"][1]["error"] == "boom"
