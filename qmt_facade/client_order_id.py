"""Client order ids, and how they ride inside ``strategy_name``.

The QMT server stores and echoes exactly one free-text field of an order:
``strategy_name`` (xtquant's ``order_stock(..., strategy_name, order_remark)``;
the server passes the request's ``strategy_name`` through on the main line).
So the client order id travels there, as a tag after the user's name::

    客户端交易#Xk3p9Q_a

Length: miniQMT keeps at most 24 bytes of an order's free-text fields (24
ASCII characters, 8 Chinese characters at 3 bytes each) and silently drops
the rest. That limit is documented for ``order_remark`` (迅投 knowledge base,
dict.thinktrader.net, XtQuant FAQ: "极简客户端的 order_remark 字段最大24个英文字符
（一个中文占3个），超出部分会被丢弃"); xtquant publishes no separate limit for
``strategy_name``, so the same 24-byte budget is applied to it. A dropped
tail would lose the tag, so the tag always fits: the user's name is cut (at
a character boundary) to the bytes the tag leaves, and the tag goes last.

The upstream server line replaces ``strategy_name`` with
``quant_<account_type>``: there the id never reaches the order, and the
client reconciles by symbol, side, price, volume and time instead.
"""

from __future__ import annotations

import re
import secrets
from typing import Final

from qmt_facade.errors import QMTValidationError

__all__ = [
    "CLIENT_ORDER_ID_ALPHABET",
    "DEFAULT_STRATEGY_NAME",
    "MAX_CLIENT_ORDER_ID_LENGTH",
    "STRATEGY_NAME_MAX_BYTES",
    "TAG_SEPARATOR",
    "new_client_order_id",
    "split_strategy_name",
    "tag_strategy_name",
    "validate_client_order_id",
]

# The strategy_name of an order call that names none (the manual's default).
DEFAULT_STRATEGY_NAME: Final = "客户端交易"
STRATEGY_NAME_MAX_BYTES: Final = 24
TAG_SEPARATOR: Final = "#"
CLIENT_ORDER_ID_ALPHABET: Final = "A-Z a-z 0-9 _ -"  # URL-safe base64, for messages
# Leaves at least 7 bytes (two Chinese characters) of the user's name.
MAX_CLIENT_ORDER_ID_LENGTH: Final = 16
# 6 random bytes = 48 bits = 8 URL-safe characters: a collision among one
# account's orders of one day (the span reconciliation looks at) is
# negligible (10,000 orders: ~2e-7).
_GENERATED_BYTES: Final = 6

_ID_PATTERN: Final = f"[A-Za-z0-9_-]{{1,{MAX_CLIENT_ORDER_ID_LENGTH}}}"
_ID = re.compile(_ID_PATTERN)
_TAGGED = re.compile(f"(.*){re.escape(TAG_SEPARATOR)}({_ID_PATTERN})", re.S)


def new_client_order_id() -> str:
    """A fresh id: 8 URL-safe characters from a cryptographic random source."""
    return secrets.token_urlsafe(_GENERATED_BYTES)


def validate_client_order_id(value: object) -> str:
    """A caller's id: 1..16 URL-safe characters (letters, digits, ``_``, ``-``)."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return value
    rule = f"must be 1..{MAX_CLIENT_ORDER_ID_LENGTH} characters of {CLIENT_ORDER_ID_ALPHABET}"
    raise QMTValidationError(
        f"client_order_id={value!r}: {rule}", field="client_order_id", value=value, rule=rule
    )


def _cut_to_bytes(text: str, budget: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 encoding fits ``budget`` bytes."""
    encoded = text.encode("utf-8")
    if len(encoded) <= budget:
        return text
    return encoded[:budget].decode("utf-8", "ignore")


def tag_strategy_name(strategy_name: str, client_order_id: str) -> str:
    """``<name>#<id>`` within STRATEGY_NAME_MAX_BYTES, the name cut if it must be."""
    tag = TAG_SEPARATOR + client_order_id
    return _cut_to_bytes(strategy_name, STRATEGY_NAME_MAX_BYTES - len(tag)) + tag


def split_strategy_name(wire_name: str) -> tuple[str, str | None]:
    """``(name, client_order_id)`` from a stored strategy_name; id None when untagged."""
    match = _TAGGED.fullmatch(wire_name)
    if match is None:
        return wire_name, None
    return match.group(1), match.group(2)
