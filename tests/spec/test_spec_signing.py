"""The worked signing example in the spec's description must be right.

Teams in other languages implement the signature from `info.description`
alone, so the example there is recomputed here with the standard library only
(no SDK code): the canonical body, the string to sign and the digest.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

import pytest
from openapi_support import load_spec

# HMAC-SHA256("test_secret", string to sign of the worked example), computed once
# by hand from the protocol reference and pinned; the spec must state the same.
PINNED_DIGEST = "0a89be1076758d7023f02f4f426c2ece527533e0d98a098ef46d5d53e7c4b8e5"

_DESCRIPTION: str = load_spec()["info"]["description"]


def _one(pattern: str, text: str = _DESCRIPTION) -> str:
    matches = re.findall(pattern, text, flags=re.DOTALL)
    assert len(matches) == 1, f"{pattern!r} matched {len(matches)} times"
    return matches[0]


@pytest.fixture(scope="module")
def worked_example() -> dict[str, Any]:
    start = _DESCRIPTION.index("Worked example")
    end = _DESCRIPTION.find("\n## ", start)
    text = _DESCRIPTION[start : end if end != -1 else None]
    method, path = _one(r"`(GET|POST) (/\S+?)`", text)
    # The string to sign is shown as an indented literal line with `\n` for line feeds.
    literal = _one(r"string to sign is[^\n]*:\n\n[ \t]+(\S[^\n]*)\n", text)
    return {
        "secret": _one(r"secret `([^`]+)`", text),
        "client": _one(r"client `([^`]+)`", text),
        "timestamp": _one(r"timestamp\s+`(\d+)`", text),
        "method": method,
        "path": path,
        "body": json.loads(_one(r"body object\s+`(\{.*?\})`", text)),
        "fields": literal.split("\\n"),
        "digest": _one(r"`X-Signature` is\s+`([0-9a-f]+)`", text),
    }


def test_example_values(worked_example: dict[str, Any]) -> None:
    assert worked_example["secret"] == "test_secret"
    assert worked_example["client"] == "test_client"
    assert worked_example["timestamp"] == "1700000000"
    assert (worked_example["method"], worked_example["path"]) == (
        "POST",
        "/qmt/trade/api/outer/trade/buy",
    )
    assert worked_example["body"] == {
        "symbol": "000001",
        "trade_price": 10.5,
        "order_num": 100,
        "strategy_name": "测试",
    }


def test_string_to_sign_has_the_six_fields(worked_example: dict[str, Any]) -> None:
    fields = worked_example["fields"]
    assert len(fields) == 6, fields
    method, path, query, body, timestamp, client = fields
    assert method == worked_example["method"]
    assert path == worked_example["path"]
    assert query == ""
    assert timestamp == worked_example["timestamp"]
    assert client == worked_example["client"]
    # BODY is Python's canonical JSON of the parsed body: sorted keys, no spaces, ASCII only.
    canonical = json.dumps(worked_example["body"], sort_keys=True, separators=(",", ":"))
    assert body == canonical
    assert "\\u6d4b\\u8bd5" in body


def test_digest_recomputed_with_the_stdlib(worked_example: dict[str, Any]) -> None:
    string_to_sign = "\n".join(worked_example["fields"])
    digest = hmac.new(
        worked_example["secret"].encode("utf-8"),
        string_to_sign.encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()
    assert digest == PINNED_DIGEST
    assert worked_example["digest"] == PINNED_DIGEST


def test_request_example_is_the_signed_body(worked_example: dict[str, Any]) -> None:
    example = load_spec()["components"]["schemas"]["OuterTradeRequest"]["example"]
    assert example == worked_example["body"]


def test_signature_scheme_descriptions() -> None:
    # The six fields, in order, and the canonical JSON recipe are stated.
    assert "METHOD \\n PATH \\n QUERY_STRING \\n BODY \\n TIMESTAMP \\n CLIENT_ID" in _DESCRIPTION
    assert "json.dumps(obj, sort_keys=True, separators=(',', ':'))" in _DESCRIPTION
    for header in ("X-Client-ID", "X-Timestamp", "X-Signature"):
        assert header in _DESCRIPTION
