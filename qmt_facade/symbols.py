"""Security codes: parsing, exchange suffixes, lot sizes.

The exchange rules mirror the server's own prefix table so that a bare code
gets the same suffix here as it would there.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from qmt_facade.errors import QMTValidationError

__all__ = [
    "EXCHANGES",
    "board_of",
    "infer_exchange",
    "is_convertible_bond",
    "lot_size",
    "normalize_symbol",
    "split_symbol",
]

EXCHANGES: Final = frozenset({"SH", "SZ", "BJ"})

# The server checks its Shanghai tuple before its Shenzhen tuple. Sorting by
# length gives the same answers (132 beats 13, 204 beats 20, 1318 beats 13)
# and makes the precedence explicit instead of depending on tuple order.
_PREFIX_RULES: Final[tuple[tuple[str, str], ...]] = tuple(
    sorted(
        [(p, "SH") for p in ("50", "51", "60", "73", "90", "110", "113", "132", "204", "78")]
        + [
            (p, "SZ") for p in ("00", "12", "13", "15", "16", "18", "20", "30", "39", "115", "1318")
        ],
        key=lambda rule: -len(rule[0]),
    )
)

_SYMBOL_RULE: Final = "a 6-digit code, optionally with exchange SH/SZ/BJ as 'CODE.EX' or 'exCODE'"
# [0-9], not \d: \d also matches full-width and other Unicode digits.
_SUFFIXED = re.compile(r"([0-9]{6})\.([A-Za-z]{2})")
_PREFIXED = re.compile(r"([A-Za-z]{2})([0-9]{6})")
_BARE = re.compile(r"[0-9]{6}")


def infer_exchange(code: str) -> str:
    """Exchange (``SH``/``SZ``/``BJ``) the server assigns to a bare code."""
    for prefix, exchange in _PREFIX_RULES:
        if code.startswith(prefix):
            return exchange
    first = code[:1]
    if first in ("5", "6"):
        return "SH"
    if first in ("8", "4", "9"):
        return "BJ"
    return "SZ"


def _invalid(symbol: object, why: str) -> QMTValidationError:
    return QMTValidationError(
        f"无效的证券代码 symbol={symbol!r}: {why}; expected {_SYMBOL_RULE}",
        field="symbol",
        value=symbol,
        rule=_SYMBOL_RULE,
    )


def split_symbol(symbol: str) -> tuple[str, str | None]:
    """Return ``(code, exchange or None)``; raise ``QMTValidationError`` if malformed."""
    if not isinstance(symbol, str):
        raise _invalid(symbol, f"not a str but {type(symbol).__name__}")
    return _split_text(symbol)


# Strategies trade a handful of symbols over and over: remember the answers.
@functools.lru_cache(maxsize=4096)
def _split_text(symbol: str) -> tuple[str, str | None]:
    text = symbol.strip()
    if _BARE.fullmatch(text):
        return text, None
    match = _SUFFIXED.fullmatch(text)
    if match is None:
        match = _PREFIXED.fullmatch(text)
        if match is not None:
            exchange, code = match.group(1), match.group(2)
        else:
            raise _invalid(symbol, "unrecognised format")
    else:
        code, exchange = match.group(1), match.group(2)
    exchange = exchange.upper()
    if exchange not in EXCHANGES:
        raise _invalid(symbol, f"unknown exchange {exchange!r}")
    return code, exchange


def normalize_symbol(symbol: str) -> str:
    """Return ``CODE.EX``; an exchange given by the caller is kept as given."""
    if type(symbol) is str:
        return _normalize_text(symbol)
    code, exchange = split_symbol(symbol)  # raises: not a str
    return f"{code}.{exchange or infer_exchange(code)}"


@functools.lru_cache(maxsize=4096)
def _normalize_text(symbol: str) -> str:
    code, exchange = _split_text(symbol)
    return f"{code}.{exchange or infer_exchange(code)}"


def is_convertible_bond(symbol: str) -> bool:
    """True for convertible bonds: codes starting ``11`` or ``12``."""
    code, _ = split_symbol(symbol)
    return code.startswith(("11", "12"))


def lot_size(symbol: str) -> int:
    """Trading unit the server enforces: 10 (张) for bonds, else 100 (股)."""
    return 10 if is_convertible_bond(symbol) else 100


def board_of(symbol: str) -> str:
    """Coarse board name, for messages and logs (not used by the server)."""
    code, exchange = split_symbol(symbol)
    exchange = exchange or infer_exchange(code)
    if code.startswith(("11", "12")):
        return "convertible_bond"
    if exchange == "BJ":
        return "bse"
    if code.startswith(("688", "689")):
        return "star"
    if code.startswith(("300", "301")):
        return "chinext"
    if code.startswith(("60", "00")):
        return "main"
    if code.startswith(("15", "16", "50", "51", "56", "58")):
        return "fund"
    if code.startswith(("204", "1318")):
        return "repo"
    return "other"
