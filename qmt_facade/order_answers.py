"""Reading the answers to order-placing calls without ever raising.

Such an answer arrives after the server acted: an exception while reading
it would report a placed order as an error, and a caller who retries
doubles the position. So every field is read with a fallback: a field
that is missing or unreadable becomes a warning on the result (and the
value the client sent, where it has one), a field nobody asked for is
ignored, and an account whose outcome cannot be read is reported as
*unknown*, never as refused.

The two server lines answer differently (``server_lines``): the upstream
line sends no ``trade_mode`` / ``trade_param`` and no reverse-repo
``result``, and numbers ``results[].trader_index`` within the accounts the
request chose. The callers say which fields to expect; the index of the
chosen account is mapped back here.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any, Final

import attrs

from qmt_facade.records import CancelAllResult, CancelEntry, OrderOutcome, TradeResult, TraderResult

__all__ = ["Sent", "read_cancel_all_answer", "read_trade_answer"]

_SHOWN_CHARS: Final = 60
_ABSENT: Final = object()


@attrs.frozen
class Sent:
    """What the client asked for: the fallback for fields an answer lacks."""

    action: str
    trader_index: int | None  # None: every account
    operation: str | None = None
    trade_mode: str | None = None
    trade_param: float | None = None
    strategy_name: str | None = None
    reserve_amount: float | None = None


class _Reader:
    """Reads fields of one answer, collecting a warning for each one it cannot read."""

    def __init__(self, action: str) -> None:
        self.action = action
        self.warnings: list[str] = []

    def note(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def absent(self, where: str) -> None:
        self.note(f"服务器应答缺少字段 {where}")

    def unreadable(self, where: str, value: object) -> None:
        shown = repr(value)
        if len(shown) > _SHOWN_CHARS:
            shown = shown[:_SHOWN_CHARS] + "…"
        self.note(f"服务器应答字段 {where} 无法识别: {shown}")

    def field(
        self, data: Mapping[str, Any], key: str, kind: type, where: str, expected: bool = True
    ) -> Any:
        """``data[key]`` as ``kind`` (str, int, float or bool), or None with a warning."""
        value = data.get(key, _ABSENT)
        if type(value) is kind and (kind is not float or math.isfinite(value)):  # type: ignore[arg-type]
            return value  # the common case: the server sent the type the protocol says
        if value is _ABSENT:
            if expected:
                self.absent(where + key)
            return None
        if value is None:
            return None
        converted = _convert(value, kind)
        if converted is None:
            self.unreadable(where + key, value)
        return converted


def _convert(value: object, kind: type) -> Any:
    """``value`` as ``kind`` when that loses nothing, else None."""
    if kind is bool:
        return value if isinstance(value, bool) else None
    if isinstance(value, bool):  # True is an int to Python, never a number here
        return None
    if kind is str:
        return value if isinstance(value, str) else None
    number: float
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    if not math.isfinite(number):
        return None
    if kind is int:
        return int(number) if number.is_integer() else None
    return number


def _outcome(reader: _Reader, data: object, where: str) -> OrderOutcome | None:
    if data is None:
        return None
    if type(data) is not dict and not isinstance(data, Mapping):
        reader.unreadable(where.rstrip("."), data)
        return None
    success = reader.field(data, "success", bool, where)
    order_id = reader.field(data, "order_id", int, where, expected=False)
    if success is None and order_id is not None:
        success = True  # an order id is the broker's receipt
    return OrderOutcome(
        success=success,
        message=reader.field(data, "message", str, where, expected=False) or "",
        symbol=reader.field(data, "symbol", str, where, expected=False),
        order_num=reader.field(data, "order_num", int, where, expected=False),
        price=reader.field(data, "price", float, where, expected=False),
        value=reader.field(data, "value", float, where, expected=False),
        order_id=order_id,
        error=reader.field(data, "error", str, where, expected=False),
        order_amount=reader.field(data, "order_amount", float, where, expected=False),
        available_cash=reader.field(data, "available_cash", float, where, expected=False),
        reserve_amount=reader.field(data, "reserve_amount", float, where, expected=False),
        usable_cash=reader.field(data, "usable_cash", float, where, expected=False),
    )


def _account_index(
    reader: _Reader, item: Mapping[str, Any], where: str, position: int, chosen: int | None
) -> int:
    """The real account index of one ``results`` entry.

    With a chosen account the upstream line numbers it 0 (its position
    among the chosen): the request's index is the truth. Without one every
    account answers, in order, and position and index agree.
    """
    reported = reader.field(item, "trader_index", int, where)
    if chosen is not None:
        return chosen
    return reported if reported is not None else position


def _entries(reader: _Reader, payload: Mapping[str, Any]) -> list[Any]:
    if "results" not in payload:
        reader.absent("results")
        return []
    items = payload["results"]
    if not isinstance(items, list):
        reader.unreadable("results", items)
        return []
    return items


def _trader_results(
    reader: _Reader, payload: Mapping[str, Any], chosen: int | None, result_expected: bool
) -> list[TraderResult]:
    results: list[TraderResult] = []
    for position, item in enumerate(_entries(reader, payload)):
        where = f"results[{position}]."
        if type(item) is not dict and not isinstance(item, Mapping):
            reader.unreadable(where.rstrip("."), item)
            index = chosen if chosen is not None else position
            results.append(TraderResult(trader_index=index, status="unknown", result=None))
            continue
        if "result" not in item and result_expected:
            reader.absent(where + "result")
        results.append(
            TraderResult(
                trader_index=_account_index(reader, item, where, position, chosen),
                status=reader.field(item, "status", str, where) or "unknown",
                result=_outcome(reader, item.get("result"), where + "result."),
                error=reader.field(item, "error", str, where, expected=False),
            )
        )
    if chosen is not None and len(results) > 1:
        reader.note(f"指定了账户 {chosen}，服务器却返回了 {len(results)} 个账户的结果")
    return results


def _as_object(reader: _Reader, payload: object) -> Mapping[str, Any]:
    if type(payload) is dict or isinstance(payload, Mapping):
        return payload
    reader.unreadable("(应答)", payload)
    return {}


def read_trade_answer(
    payload: object,
    sent: Sent,
    expected: Collection[str] = (),
    result_expected: bool = True,
) -> TradeResult:
    """A TradeResult from a trade answer, whatever it holds.

    ``expected`` names the top-level fields (besides ``message`` and
    ``results``) this server line sends: only their absence is worth a
    warning; the others are taken from ``sent``. ``result_expected``: every
    ``results`` entry should carry a ``result``.
    """
    reader = _Reader(sent.action)
    data = _as_object(reader, payload)

    def top(key: str, kind: type, fallback: Any) -> Any:
        value = reader.field(data, key, kind, "", expected=key in expected)
        return fallback if value is None else value

    return TradeResult(
        message=reader.field(data, "message", str, "") or "",
        results=_trader_results(reader, data, sent.trader_index, result_expected),
        operation=top("operation", str, sent.operation),
        trade_mode=top("trade_mode", str, sent.trade_mode),
        trade_param=top("trade_param", float, sent.trade_param),
        strategy_name=top("strategy_name", str, sent.strategy_name),
        reserve_amount=top("reserve_amount", float, sent.reserve_amount),
        warnings=reader.warnings,
    )


def read_cancel_all_answer(
    payload: object, action: str, trader_index: int | None
) -> tuple[CancelAllResult, list[str]]:
    """A CancelAllResult (and the warnings of reading it) from a bulk-cancel answer."""
    reader = _Reader(action)
    data = _as_object(reader, payload)
    entries: list[CancelEntry] = []
    for position, item in enumerate(_entries(reader, data)):
        where = f"results[{position}]."
        if not isinstance(item, Mapping):
            reader.unreadable(where.rstrip("."), item)
            continue
        entries.append(
            CancelEntry(
                trader_index=_account_index(reader, item, where, position, trader_index),
                status=reader.field(item, "status", str, where) or "unknown",
                error=reader.field(item, "error", str, where, expected=False),
            )
        )
    result = CancelAllResult(message=reader.field(data, "message", str, "") or "", results=entries)
    return result, reader.warnings
