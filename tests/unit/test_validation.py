"""Tests for qmt_facade.validation."""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import pytest

from qmt_facade.errors import QMTTradeClientError, QMTValidationError
from qmt_facade.validation import (
    validate_optional_trader_index,
    validate_order_id,
    validate_position_pct,
    validate_price,
    validate_price_type,
    validate_quantity_choice,
    validate_reserve_amount,
    validate_shares,
    validate_strategy_name,
    validate_trader_index,
)

# Verbatim from the manual's 常见错误 table.
MANUAL_NEITHER = "必须提供 position_pct 或 shares 其中之一"
MANUAL_BOTH = "position_pct 和 shares 不能同时提供"
MANUAL_LOT_100 = "order_num 必须是 100 的倍数（股）"
MANUAL_LOT_10 = "order_num 必须是 10 的倍数（张）"


class FakeInt:
    """Registered as Integral, like numpy.int64, without needing numpy."""

    def __init__(self, v: int) -> None:
        self.v = v

    def __int__(self) -> int:
        return self.v

    def __index__(self) -> int:
        return self.v


numbers.Integral.register(FakeInt)


def test_errors_are_value_errors_and_client_errors() -> None:
    with pytest.raises(ValueError):
        validate_price(-1)
    with pytest.raises(QMTTradeClientError):
        validate_price(-1)


# --- position_pct / shares choice -----------------------------------------------


def test_neither_given() -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_quantity_choice(None, None)
    assert str(info.value).startswith(MANUAL_NEITHER)
    assert "position_pct" in info.value.field and "shares" in info.value.field


def test_both_given() -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_quantity_choice(0.1, 500)
    assert str(info.value) == f"{MANUAL_BOTH} (position_pct=0.1, shares=500): give exactly one"
    assert info.value.value == (0.1, 500)


@pytest.mark.parametrize(("pct", "shares"), [(0.1, None), (None, 500), (0, None)])
def test_exactly_one_given(pct: float | None, shares: int | None) -> None:
    # 0 is "given" (and later refused by validate_position_pct), not "missing".
    validate_quantity_choice(pct, shares)  # must not raise


# --- shares ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shares", "symbol"),
    [(100, "000001"), (500, "600000.SH"), (200, "688981"), (10, "128013"), (30, "sh110043")],
)
def test_shares_ok(shares: int, symbol: str) -> None:
    assert validate_shares(shares, symbol) == shares


def test_shares_accepts_integral_types_and_returns_int() -> None:
    result = validate_shares(FakeInt(300), "000001")
    assert result == 300 and type(result) is int


def test_shares_not_multiple_of_stock_lot() -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_shares(150, "000001")
    message = str(info.value)
    assert message.startswith(f"{MANUAL_LOT_100}: shares=150 for 000001.SZ")
    assert "multiple of 100" in info.value.rule
    assert info.value.field == "shares" and info.value.value == 150


def test_star_market_uses_100_lot() -> None:
    with pytest.raises(QMTValidationError, match="100 的倍数"):
        validate_shares(250, "688981")


def test_shares_not_multiple_of_bond_lot() -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_shares(15, "128013")
    assert str(info.value).startswith(f"{MANUAL_LOT_10}: shares=15 for 128013.SZ")
    assert "multiple of 10" in info.value.rule


@pytest.mark.parametrize("bad", [0, -100])
def test_shares_must_be_positive(bad: int) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_shares(bad, "000001")
    assert "order_num 必须大于 0" in str(info.value)
    assert f"shares={bad}" in str(info.value)


@pytest.mark.parametrize("bad", [True, 500.0, "500", None, 1e2])
def test_shares_must_be_int(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_shares(bad, "000001")
    assert "must be an int" in str(info.value)
    assert type(bad).__name__ in str(info.value)


def test_shares_bad_symbol_is_reported_as_symbol() -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_shares(150, "bogus")
    assert info.value.field == "symbol"


# --- price ------------------------------------------------------------------------


@pytest.mark.parametrize("price", [10.5, 1, 0.001, 1e5, Fraction(21, 2)])
def test_price_ok(price: float) -> None:
    result = validate_price(price)
    assert result == float(price) and type(result) is float


@pytest.mark.parametrize("bad", [0, 0.0, -0.0, -1.5, math.inf, -math.inf, math.nan])
def test_price_bad_values(bad: float) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_price(bad)
    assert info.value.field == "price"
    assert "finite number > 0" in str(info.value)
    assert f"price={bad!r}" in str(info.value)


@pytest.mark.parametrize("bad", [True, False, "10.5", None, b"1", [1]])
def test_price_bad_types(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_price(bad)
    assert type(bad).__name__ in str(info.value)


def test_price_field_name_is_configurable() -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_price(-1, field="cur_price")
    assert info.value.field == "cur_price" and "cur_price=-1" in str(info.value)


# --- position_pct -----------------------------------------------------------------


@pytest.mark.parametrize("pct", [1.0, 1, 0.5, 1e-9, 0.1])
def test_pct_ok(pct: float) -> None:
    assert validate_position_pct(pct) == pct


@pytest.mark.parametrize("bad", [0, 0.0, -0.1, 1.0000001, 2, math.inf, math.nan, True, "0.5"])
def test_pct_bad(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_position_pct(bad)
    message = str(info.value)
    assert message.startswith("position_pct 必须在 0 到 1 之间")
    assert "0 < position_pct <= 1" in message
    assert info.value.field == "position_pct"


# --- price_type -------------------------------------------------------------------


@pytest.mark.parametrize("price_type", [0, 1, 2, 3, 5])
def test_price_type_ok(price_type: int) -> None:
    assert validate_price_type(price_type) == price_type


@pytest.mark.parametrize("bad", [4, 6, -1, True, False, 0.0, "0", None])
def test_price_type_bad(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_price_type(bad)
    assert info.value.field == "price_type"
    assert "0 (限价)" in str(info.value) and f"price_type={bad!r}" in str(info.value)


# --- trader_index -----------------------------------------------------------------


def test_trader_index() -> None:
    assert validate_trader_index(0) == 0
    assert validate_trader_index(3) == 3
    assert validate_optional_trader_index(None) is None
    assert validate_optional_trader_index(2) == 2


@pytest.mark.parametrize("bad", [-1, True, 1.0, "0", None])
def test_trader_index_bad(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_trader_index(bad)
    assert info.value.field == "trader_index"
    assert "0 <= trader_index <= 999" in str(info.value)


@pytest.mark.parametrize("bad", [-1, False, "1"])
def test_optional_trader_index_bad(bad: object) -> None:
    with pytest.raises(QMTValidationError, match="or None"):
        validate_optional_trader_index(bad)


# --- reserve_amount ---------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, 0.0, 1000, 1234.5])
def test_reserve_ok(amount: float) -> None:
    assert validate_reserve_amount(amount) == amount


@pytest.mark.parametrize("bad", [-0.01, -1, math.inf, math.nan, None, True, "1000"])
def test_reserve_bad(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_reserve_amount(bad)
    assert info.value.field == "reserve_amount"
    assert ">= 0" in info.value.rule


# --- order_id ---------------------------------------------------------------------


def test_order_id_ok() -> None:
    assert validate_order_id(12345) == 12345
    assert validate_order_id(2**40) == 2**40


@pytest.mark.parametrize("bad", [0, -5, True, 12345.0, "12345", None])
def test_order_id_bad(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_order_id(bad)
    assert info.value.field == "order_id" and "0 < order_id <= 2**63-1" in str(info.value)


# --- strategy_name ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["测试", "外部策略", "grid 🚀", "a"])
def test_strategy_name_ok(name: str) -> None:
    assert validate_strategy_name(name) == name


@pytest.mark.parametrize("bad", ["", "   ", None, 1, b"x"])
def test_strategy_name_bad(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        validate_strategy_name(bad)
    assert info.value.field == "strategy_name" and "non-empty str" in str(info.value)
