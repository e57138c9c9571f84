"""Parameter checks run before any request is sent.

Each check returns the value in the type the wire expects, or raises
``QMTValidationError`` (a ``ValueError``) whose message starts with the
manual's or the server's own Chinese wording where one exists, followed by
the field, the value and the rule.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any, Final

import attrs

from qmt_facade.errors import QMTValidationError, shown_value
from qmt_facade.symbols import is_convertible_bond, lot_size, normalize_symbol

__all__ = [
    "MAX_CASH",
    "MAX_ORDER_ID",
    "MAX_PRICE",
    "MAX_SHARES",
    "MAX_TRADER_INDEX",
    "PRICE_TYPES",
    "validate_non_negative",
    "validate_optional_trader_index",
    "validate_order_id",
    "validate_position_pct",
    "validate_positive",
    "validate_price",
    "validate_price_type",
    "validate_quantity_choice",
    "validate_reserve_amount",
    "validate_section",
    "validate_shares",
    "validate_strategy_name",
    "validate_text",
    "validate_trader_index",
]

# 0 limit, 1 latest, 2 best-five IOC, 3 own-side best, 5 counter-side best.
PRICE_TYPES: Final = frozenset({0, 1, 2, 3, 5})

# Sanity caps: inputs past these are mistakes (a unit error, an uninitialised
# variable), never real orders, and some would not even fit the server's
# integers. They are checked before anything is sent.
# The largest single order any A-share board accepts is 1,000,000 股 (a
# main-board limit order); ten times that cannot be a real order.
MAX_SHARES: Final = 10_000_000
# No A-share or convertible bond trades anywhere near 100,000 CNY a unit.
MAX_PRICE: Final = 100_000.0
# Cash amounts (reserve_amount): 10^13 CNY is more than any account holds.
MAX_CASH: Final = 1e13
# xtquant order ids are signed 64-bit integers.
MAX_ORDER_ID: Final = 2**63 - 1
# A QMT server trades a handful of accounts; an index past 999 is a bug.
MAX_TRADER_INDEX: Final = 999

# Wording from the manual's 常见错误 table (or the server, marked).
MSG_NEITHER: Final = "必须提供 position_pct 或 shares 其中之一"
MSG_BOTH: Final = "position_pct 和 shares 不能同时提供"
MSG_LOT_SHARES: Final = "order_num 必须是 100 的倍数（股）"
MSG_LOT_BONDS: Final = "order_num 必须是 10 的倍数（张）"
MSG_NOT_POSITIVE: Final = "order_num 必须大于 0"  # server
MSG_PCT_RANGE: Final = "position_pct 必须在 0 到 1 之间"  # server


def _fail(field: str, value: object, rule: str, prefix: str | None = None) -> QMTValidationError:
    return QMTValidationError.of(field, value, rule, prefix)


def _as_int(value: object) -> int | None:
    """``int(value)`` for integers, else None.

    bool is an int subclass but True is never a meaningful quantity;
    numbers.Integral also admits numpy integers, common in strategy code.
    A float such as 500.0 is refused rather than silently truncated.
    """
    if type(value) is int:  # the common case, without the ABC check below
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return None
    return int(value)


def _as_real(value: object, field: str, rule: str, prefix: str | None = None) -> float:
    if type(value) is float and math.isfinite(value):  # the common case, without the ABC check
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _fail(field, value, f"{rule} (got {type(value).__name__})", prefix)
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float, e.g. 10**400
        raise _fail(field, value, rule, prefix) from None
    if not math.isfinite(number):
        raise _fail(field, value, rule, prefix)
    return number


def validate_quantity_choice(position_pct: object, shares: object) -> None:
    """Exactly one of ``position_pct`` and ``shares`` must be given."""
    if position_pct is None and shares is None:
        rule = "give exactly one of position_pct or shares"
        raise QMTValidationError(
            f"{MSG_NEITHER} (position_pct=None, shares=None): {rule}",
            field="position_pct/shares",
            value=(None, None),
            rule=rule,
        )
    if position_pct is not None and shares is not None:
        rule = "give exactly one"
        raise QMTValidationError(
            f"{MSG_BOTH} (position_pct={shown_value(position_pct)}, "
            f"shares={shown_value(shares)}): {rule}",
            field="position_pct/shares",
            value=(position_pct, shares),
            rule=rule,
        )


def validate_shares(shares: object, symbol: str) -> int:
    """A positive int that is a multiple of the symbol's lot (100 股 / 10 张)."""
    count = _as_int(shares)
    if count is None:
        raise _fail("shares", shares, f"must be an int, not {type(shares).__name__}")
    if count <= 0:
        raise _fail("shares", shares, "must be > 0", MSG_NOT_POSITIVE)
    if count > MAX_SHARES:
        raise _fail("shares", shares, f"must be <= {MAX_SHARES:,} (no real order is larger)")
    lot = lot_size(symbol)
    if count % lot:
        code = normalize_symbol(symbol)
        prefix = MSG_LOT_BONDS if is_convertible_bond(symbol) else MSG_LOT_SHARES
        rule = f"must be a multiple of {lot}"
        raise QMTValidationError(
            f"{prefix}: shares={count} for {code}: {rule}",
            field="shares",
            value=shares,
            rule=rule,
        )
    return count


def validate_positive(value: object, field: str) -> float:
    """A finite real number > 0 (int or float; bool refused)."""
    rule = "must be a finite number > 0"
    number = _as_real(value, field, rule)
    if number <= 0:
        raise _fail(field, value, rule)
    return number


def validate_non_negative(value: object, field: str) -> float:
    """A finite real number >= 0 (int or float; bool refused)."""
    rule = "must be a finite number >= 0"
    number = _as_real(value, field, rule)
    if number < 0:
        raise _fail(field, value, rule)
    return number


def validate_price(price: object, field: str = "price") -> float:
    """A price in CNY: a finite number with 0 < price <= MAX_PRICE."""
    number = validate_positive(price, field)
    if number > MAX_PRICE:
        raise _fail(field, price, f"must be <= {MAX_PRICE:,.0f} CNY (no A-share trades that high)")
    return number


def validate_position_pct(position_pct: object) -> float:
    """A finite fraction with 0 < position_pct <= 1 (0.1 means 10%)."""
    rule = "must be a number with 0 < position_pct <= 1"
    pct = _as_real(position_pct, "position_pct", rule, MSG_PCT_RANGE)
    if not 0 < pct <= 1:
        raise _fail("position_pct", position_pct, rule, MSG_PCT_RANGE)
    return pct


def validate_price_type(price_type: object) -> int:
    """One of the server's supported price types: 0, 1, 2, 3, 5."""
    rule = "must be one of 0 (限价), 1 (最新价), 2 (最优五档), 3 (本方最优), 5 (对方最优)"
    code = _as_int(price_type)
    if code is None or code not in PRICE_TYPES:
        raise _fail("price_type", price_type, rule, "不支持的价格类型")
    return code


def validate_trader_index(trader_index: object) -> int:
    """An account index: an int with 0 <= trader_index <= MAX_TRADER_INDEX."""
    index = _as_int(trader_index)
    if index is None or not 0 <= index <= MAX_TRADER_INDEX:
        rule = f"must be an int with 0 <= trader_index <= {MAX_TRADER_INDEX}"
        raise _fail("trader_index", trader_index, rule, "无效的交易器索引")
    return index


def validate_optional_trader_index(trader_index: object) -> int | None:
    """An account index, or None, which makes the server act on every account."""
    if trader_index is None:
        return None
    index = _as_int(trader_index)
    if index is None or not 0 <= index <= MAX_TRADER_INDEX:
        rule = (
            f"must be an int with 0 <= trader_index <= {MAX_TRADER_INDEX}, "
            "or None for every account"
        )
        raise _fail("trader_index", trader_index, rule, "无效的交易器索引")
    return index


def validate_reserve_amount(reserve_amount: object) -> float:
    """Cash (CNY) to keep out of a reverse repo: a finite number, 0 <= amount <= MAX_CASH."""
    amount = validate_non_negative(reserve_amount, "reserve_amount")
    if amount > MAX_CASH:
        raise _fail("reserve_amount", reserve_amount, f"must be <= {MAX_CASH:.0e} CNY")
    return amount


def validate_order_id(order_id: object) -> int:
    """A positive int that fits the broker's signed 64-bit order ids."""
    rule = "must be an int with 0 < order_id <= 2**63-1"
    number = _as_int(order_id)
    if number is None or not 0 < number <= MAX_ORDER_ID:
        raise _fail("order_id", order_id, rule)
    return number


def validate_text(value: object, field: str) -> str:
    """A non-empty str that can be sent: valid Unicode, no control characters.

    A lone surrogate (``"\\ud800"``, what a bad decode leaves behind) cannot
    be encoded as UTF-8, so the request could not even be written.
    """
    if not isinstance(value, str) or not value.strip():
        raise _fail(field, value, "must be a non-empty str")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail(
            field, value, "must be valid Unicode text (it holds a lone surrogate)"
        ) from None
    if not value.isprintable():
        raise _fail(field, value, "must not contain control characters (newline, tab, NUL...)")
    return value


def validate_strategy_name(strategy_name: object) -> str:
    """A non-empty, printable str (the broker shows it on the order)."""
    return validate_text(strategy_name, "strategy_name")


def validate_section(cls: type, values: object, section: str, source: str) -> dict[str, Any]:
    """The keyword arguments of attrs class ``cls`` in a YAML ``section`` (``risk:``...).

    An unknown key is an error naming it (a typo must not turn a limit off).
    """
    if not isinstance(values, Mapping):
        rule = "must be a mapping"
        raise QMTValidationError(f"{source}: {rule}", field=section, value=None, rule=rule)
    known = sorted(field.name for field in attrs.fields(cls))
    unknown = sorted(str(key) for key in values if key not in known)
    if unknown:
        rule = f"known keys: {', '.join(known)}"
        raise QMTValidationError(
            f"{source}: unknown key {unknown[0]!r}; {rule}",
            field=f"{section}.{unknown[0]}",
            value=None,
            rule=rule,
        )
    return {str(key): value for key, value in values.items()}
