"""The spec's example messages are the real server's strings, not invented ones.

Clients (and people) match on these texts, so the examples must show the
formats the server really produces (its public source: trade_routes.py and
qmt_trade.py of the qmt_trader_http_server project).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from openapi_support import iter_examples, load_spec

_SPEC = load_spec()
_SCHEMAS = _SPEC["components"]["schemas"]

SUBMITTED = re.compile(
    r"^(买入|卖出)限价单提交成功: \d{6}\.(SH|SZ|BJ) \d+股 @[\d.]+, OrderID: (\d+)$"
)
REPO_SUBMITTED = re.compile(
    r"^逆回购订单提交成功: (\d+)张\(约(\d+)元\), 保留(\d+)元, OrderID: (\d+)$"
)
CANCELLED = re.compile(r"^撤单(成功|失败): OrderID (\d+)$")
# Result messages the server does not produce, once used as examples.
INVENTED = (
    "买入委托已提交",
    "卖出委托已提交",
    "可用资金不足",
    "撤单请求已提交",
    "逆回购委托已提交",
)


def _outcomes(value: Any) -> Iterator[dict[str, Any]]:
    """Every OrderOutcome-looking object nested in an example."""
    if isinstance(value, dict):
        if "success" in value and "message" in value and "symbol" in value:
            yield value
        for child in value.values():
            yield from _outcomes(child)
    elif isinstance(value, list):
        for child in value:
            yield from _outcomes(child)


def test_no_invented_messages() -> None:
    text = str(_SPEC)
    assert [m for m in INVENTED if m in text] == []


def test_submitted_order_messages() -> None:
    seen = 0
    for example in iter_examples(_SPEC):
        for outcome in _outcomes(example.value):
            if not outcome["success"] or outcome["symbol"] == "131810.SZ":
                continue
            match = SUBMITTED.match(outcome["message"])
            assert match, (example.where, outcome["message"])
            assert f" {outcome['order_num']}股 " in outcome["message"]
            assert int(match.group(3)) == outcome["order_id"]
            assert outcome["value"] == outcome["order_num"] * outcome["price"]
            seen += 1
    assert seen >= 3


def test_refused_for_cash_example() -> None:
    result = _SCHEMAS["TraderResult"]["example"]["result"]
    assert result["success"] is False
    assert result["order_num"] == 0
    assert result["value"] == 0
    assert result["order_result"] is None
    assert re.fullmatch(r"资金不足，无法买入: 需要[\d.]+, 可用[\d.]+", result["message"])


def test_reverse_repo_example() -> None:
    (entry,) = _SCHEMAS["ReverseRepoResponse"]["example"]["results"]
    result = entry["result"]
    assert entry["status"] == "success"  # on /trade/nhg status follows result.success
    assert result["success"] is True
    assert "price" not in result  # the reverse repo outcome carries no price
    assert result["symbol"] == "131810.SZ"
    assert result["usable_cash"] == result["available_cash"] - result["reserve_amount"]
    assert result["order_num"] == int(result["usable_cash"] // 1000) * 10
    assert result["order_amount"] == result["order_num"] * 100
    match = REPO_SUBMITTED.match(result["message"])
    assert match, result["message"]
    assert [int(g) for g in match.groups()] == [
        result["order_num"],
        result["order_amount"],
        result["reserve_amount"],
        result["order_id"],
    ]


def test_cancel_result_example() -> None:
    example = _SCHEMAS["CancelResult"]["example"]
    match = CANCELLED.match(example["message"])
    assert match, example["message"]
    assert (match.group(1) == "成功") is example["success"]
    assert int(match.group(2)) == example["order_id"]


def test_fixed_route_messages() -> None:
    assert _SCHEMAS["AllinResponse"]["example"]["message"] == "全仓买入完成"
    assert _SCHEMAS["ReverseRepoResponse"]["example"]["message"] == "逆回购执行完成"
    assert _SCHEMAS["OuterTradeResponse"]["example"]["message"] == "第三方buy交易执行完成"
    paths = _SPEC["paths"]
    for route, message in (
        ("/qmt/trade/api/cancel_orders/buy", "取消所有买单完成"),
        ("/qmt/trade/api/cancel_orders/sale", "取消所有卖单完成"),
        ("/qmt/trade/api/buy", "买入执行完成"),
    ):
        content = paths[route]["post"]["responses"]["200"]["content"]["application/json"]
        assert content["example"]["message"] == message
