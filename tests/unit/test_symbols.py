"""Tests for qmt_facade.symbols."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qmt_facade.errors import QMTValidationError
from qmt_facade.symbols import (
    board_of,
    infer_exchange,
    is_convertible_bond,
    lot_size,
    normalize_symbol,
    split_symbol,
)


@pytest.mark.parametrize(
    ("given_symbol", "expected"),
    [
        ("000001", "000001.SZ"),
        ("000001.SZ", "000001.SZ"),
        ("000001.sz", "000001.SZ"),
        ("sz000001", "000001.SZ"),
        ("SZ000001", "000001.SZ"),
        ("600000.SH", "600000.SH"),
        ("sh600000", "600000.SH"),
        ("bj430047", "430047.BJ"),
        ("  600000\t", "600000.SH"),
        (" sh600000 ", "600000.SH"),
        ("430047.bj", "430047.BJ"),
    ],
)
def test_normalize_accepted_forms(given_symbol: str, expected: str) -> None:
    assert normalize_symbol(given_symbol) == expected


@pytest.mark.parametrize(
    ("code", "exchange"),
    [
        # Shanghai prefixes
        ("500001", "SH"),
        ("510300", "SH"),
        ("600000", "SH"),
        ("730001", "SH"),
        ("900901", "SH"),
        ("110043", "SH"),
        ("113050", "SH"),
        ("132001", "SH"),
        ("204001", "SH"),
        ("780001", "SH"),
        # Shenzhen prefixes
        ("000001", "SZ"),
        ("128013", "SZ"),
        ("123001", "SZ"),
        ("131810", "SZ"),
        ("159915", "SZ"),
        ("161725", "SZ"),
        ("184801", "SZ"),
        ("200002", "SZ"),
        ("300750", "SZ"),
        ("399001", "SZ"),
        ("115001", "SZ"),
        ("131800", "SZ"),
        # longest prefix wins over a shorter one of the other exchange
        ("132500", "SH"),  # 132 (SH) beats 13 (SZ)
        ("204999", "SH"),  # 204 (SH) beats 20 (SZ)
        ("131899", "SZ"),  # 1318 (SZ)
        # fallbacks by first digit
        ("588000", "SH"),
        ("688981", "SH"),
        ("830799", "BJ"),
        ("430047", "BJ"),
        ("920001", "BJ"),
        ("111001", "SZ"),
        ("118000", "SZ"),
        ("700001", "SZ"),
    ],
)
def test_bare_code_suffix_rules(code: str, exchange: str) -> None:
    assert infer_exchange(code) == exchange
    assert normalize_symbol(code) == f"{code}.{exchange}"


def test_explicit_exchange_is_kept_even_if_rules_disagree() -> None:
    assert normalize_symbol("000001.SH") == "000001.SH"
    assert normalize_symbol("sh000001") == "000001.SH"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "00001",
        "0000001",
        "000001.",
        ".SZ",
        "000001.SS",
        "000001.XSHE",
        "hk000001",
        "000001SZ",
        "sz.000001",
        "00000a",
        "０００００１",
        "000001.SZ.SZ",
        "sz 000001",
        "000 001",
    ],
)
def test_rejects_malformed(bad: str) -> None:
    with pytest.raises(QMTValidationError) as info:
        normalize_symbol(bad)
    err = info.value
    assert err.field == "symbol"
    assert err.value == bad
    assert "6-digit" in err.rule
    assert "symbol=" in str(err) and repr(bad) in str(err)
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("bad", [1, None, 600000.0, b"600000"])
def test_rejects_non_str(bad: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        normalize_symbol(bad)  # type: ignore[arg-type]
    assert info.value.field == "symbol"
    assert type(bad).__name__ in str(info.value)


def test_split_symbol() -> None:
    assert split_symbol("000001") == ("000001", None)
    assert split_symbol("sz000001") == ("000001", "SZ")
    assert split_symbol("600000.sh") == ("600000", "SH")


@pytest.mark.parametrize(
    ("symbol", "bond", "lot"),
    [
        ("128013", True, 10),
        ("110043.SH", True, 10),
        ("sz123001", True, 10),
        ("113050", True, 10),
        ("000001", False, 100),
        ("688981", False, 100),
        ("600000.SH", False, 100),
        ("131810", False, 100),
        ("510300", False, 100),
        ("430047", False, 100),
    ],
)
def test_bonds_and_lots(symbol: str, bond: bool, lot: int) -> None:
    assert is_convertible_bond(symbol) is bond
    assert lot_size(symbol) == lot


@pytest.mark.parametrize(
    ("symbol", "board"),
    [
        ("128013", "convertible_bond"),
        ("430047", "bse"),
        ("688981", "star"),
        ("300750", "chinext"),
        ("600000", "main"),
        ("000001", "main"),
        ("510300", "fund"),
        ("131810", "repo"),
        ("204001", "repo"),
    ],
)
def test_board_of(symbol: str, board: str) -> None:
    assert board_of(symbol) == board


@given(st.from_regex(r"[0-9]{6}", fullmatch=True), st.sampled_from(["", ".SH", ".sz", "bj"]))
def test_normalize_is_idempotent(code: str, form: str) -> None:
    symbol = form + code if form == "bj" else code + form
    once = normalize_symbol(symbol)
    assert normalize_symbol(once) == once
    assert once[:6] == code and once[6] == "." and once[7:] in {"SH", "SZ", "BJ"}
