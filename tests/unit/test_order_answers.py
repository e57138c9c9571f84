"""Order answers read leniently: whatever the server sends after placing, nothing raises."""

from __future__ import annotations

from typing import Any

import pytest

from qmt_facade.order_answers import Sent, read_cancel_all_answer, read_trade_answer

SENT = Sent(
    action="buy",
    trader_index=None,
    operation="buy",
    trade_mode="position_pct",
    trade_param=0.1,
    strategy_name="s",
)
PLACED = {
    "success": True,
    "symbol": "000001.SZ",
    "order_num": 900,
    "price": 10.5,
    "order_id": 1001,
    "message": "买入限价单提交成功",
}


def entry(index: int = 0, **fields: Any) -> dict[str, Any]:
    return {"trader_index": index, "status": "success", "result": dict(PLACED), **fields}


def test_upstream_outer_answer_needs_no_trade_mode() -> None:
    answer = {
        "message": "第三方buy交易执行完成",
        "operation": "buy",
        "strategy_name": "s",
        "results": [entry()],
    }
    result = read_trade_answer(answer, SENT, expected=["operation", "strategy_name"])
    assert result.warnings == []
    assert (result.trade_mode, result.trade_param) == ("position_pct", 0.1)  # what was sent
    assert result.order_ids == [1001] and result.results[0].result.order_num == 900


def test_a_field_the_line_should_send_is_a_warning_not_an_error() -> None:
    answer = {"message": "m", "results": [entry()]}
    result = read_trade_answer(answer, SENT, expected=["trade_mode", "trade_param"])
    assert result.order_ids == [1001]
    assert result.trade_mode == "position_pct"
    assert len(result.warnings) == 2
    assert all("缺少字段" in w for w in result.warnings)
    assert "trade_mode" in result.warnings[0] and "trade_param" in result.warnings[1]


def test_unexpected_fields_are_ignored() -> None:
    answer = {
        "message": "m",
        "results": [entry(extra={"a": 1}, result={**PLACED, "broker_note": "x"})],
        "brand_new_field": [1, 2, 3],
    }
    result = read_trade_answer(answer, SENT)
    assert result.warnings == [] and result.order_ids == [1001]
    assert "brand_new_field" not in result


def test_chosen_account_is_mapped_back_from_its_position() -> None:
    """Upstream numbers the chosen account 0 within the chosen ones: trader_index=1 came back 0."""
    answer = {"message": "m", "results": [entry(0)]}
    sent = Sent(action="sell", trader_index=1)
    result = read_trade_answer(answer, sent)
    assert [r.trader_index for r in result.results] == [1]
    assert result.warnings == []


def test_every_account_keeps_its_reported_index_or_its_position() -> None:
    answer = {"message": "m", "results": [entry(0), {"status": "success", "result": PLACED}]}
    result = read_trade_answer(answer, SENT)
    assert [r.trader_index for r in result.results] == [0, 1]
    assert result.warnings == ["服务器应答缺少字段 results[1].trader_index"]


def test_reverse_repo_without_result_is_unknown_and_quiet_when_not_expected() -> None:
    answer = {"message": "逆回购完成", "results": [{"trader_index": 0, "status": "success"}]}
    sent = Sent(action="reverse_repo", trader_index=None, operation="sell", reserve_amount=0.0)
    quiet = read_trade_answer(answer, sent, result_expected=False)
    assert quiet.warnings == [] and quiet.reserve_amount == 0.0
    assert [r.trader_index for r in quiet.unknown] == [0] and quiet.placed == []
    loud = read_trade_answer(answer, sent, result_expected=True)
    assert loud.warnings == ["服务器应答缺少字段 results[0].result"]


def test_allin_null_results_are_unknown() -> None:
    answer = {"message": "全仓买入完成", "results": [entry(0, result=None), entry(1, result=None)]}
    result = read_trade_answer(answer, SENT)
    assert [r.trader_index for r in result.unknown] == [0, 1] and result.warnings == []


@pytest.mark.parametrize(
    "payload",
    [None, [], "Internal", 42, {"results": "x"}, {"message": 5, "results": [7, None]}],
    ids=["null", "list", "text", "number", "results-not-list", "entries-not-objects"],
)
def test_anything_at_all_gives_a_result(payload: object) -> None:
    result = read_trade_answer(payload, SENT)
    assert result.placed == [] and result.warnings
    assert all(r.unknown for r in result.results)


@pytest.mark.parametrize(
    ("value", "read"),
    [("1001", 1001), (1001.0, 1001), (True, None), ("x", None), (10.5, None), (float("nan"), None)],
)
def test_numbers_are_read_when_nothing_is_lost(value: object, read: int | None) -> None:
    answer = {"message": "m", "results": [entry(result={**PLACED, "order_id": value})]}
    result = read_trade_answer(answer, SENT)
    assert result.results[0].result.order_id == read
    assert bool(result.warnings) is (read is None)
    assert result.placed  # success: true is what counts


def test_missing_success_with_an_order_id_counts_as_placed() -> None:
    outcome = {k: v for k, v in PLACED.items() if k != "success"}
    result = read_trade_answer({"message": "m", "results": [entry(result=outcome)]}, SENT)
    assert result.order_ids == [1001]
    assert result.warnings == ["服务器应答缺少字段 results[0].result.success"]


def test_unreadable_success_without_order_id_is_unknown() -> None:
    outcome = {"success": "yes", "message": "?"}
    result = read_trade_answer({"message": "m", "results": [entry(result=outcome)]}, SENT)
    assert result.unknown and not result.placed and not result.rejected
    assert "success" in result.warnings[0] and "'yes'" in result.warnings[0]


def test_a_long_unreadable_value_is_shortened_in_the_warning() -> None:
    result = read_trade_answer({"message": "m", "results": ["z" * 500]}, SENT)
    assert len(result.warnings[0]) < 120 and result.warnings[0].endswith("…")


def test_cancel_all_answer_maps_the_chosen_account() -> None:
    answer = {"message": "取消所有卖单完成", "results": [{"trader_index": 0, "status": "success"}]}
    result, warnings = read_cancel_all_answer(answer, "cancel_all_sell_orders", 1)
    assert [(e.trader_index, e.status) for e in result.results] == [(1, "success")]
    assert warnings == [] and result.all_succeeded


def test_cancel_all_answer_unreadable_parts_are_warnings() -> None:
    result, warnings = read_cancel_all_answer({"results": [3]}, "cancel_all_buy_orders", None)
    assert result.message == "" and result.results == []
    assert len(warnings) == 2
