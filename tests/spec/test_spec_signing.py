"""The signing text of the spec (`info.description`) must be right, examples and traps alike.

Teams in other languages implement the signature from that text alone, so
every worked example is recomputed here with the standard library only (no
SDK code): the body as sent is parsed and re-serialised as the server does,
the string to sign is rebuilt from the request line, and the digest from the
string to sign. The number formats the prose quotes are checked the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from openapi_support import load_spec

# HMAC-SHA256("test_secret", string to sign of example 1), computed once by hand
# from the protocol reference and pinned; the spec must state the same.
PINNED_DIGEST = "0a89be1076758d7023f02f4f426c2ece527533e0d98a098ef46d5d53e7c4b8e5"

_DESCRIPTION: str = load_spec()["info"]["description"]


def _section(heading: str) -> str:
    start = _DESCRIPTION.index(f"\n### {heading}\n")
    end = re.search(r"\n##+ ", _DESCRIPTION[start + 1 :])
    return _DESCRIPTION[start : start + 1 + end.start() if end else None]


def _one(pattern: str, text: str) -> Any:
    """The single match of `pattern` (a tuple when it has several groups)."""
    matches = re.findall(pattern, text, flags=re.DOTALL)
    assert len(matches) == 1, f"{pattern!r} matched {len(matches)} times"
    return matches[0]


@dataclass(frozen=True)
class WorkedExample:
    title: str
    method: str
    path: str
    query: str
    sent_body: str | None  # the bytes sent, as text; None when there is no body
    lines: list[str]  # the string to sign as the spec shows it, one field per line
    digest: str


def _canonical_body(sent: str | None) -> str:
    """The server's BODY field: its own re-serialisation of what it parsed."""
    if sent is None:
        return ""
    parsed: Any = json.loads(sent)
    if not parsed:
        return ""
    return json.dumps(parsed, sort_keys=True, separators=(",", ":"))


def _worked_examples() -> tuple[dict[str, str], list[WorkedExample]]:
    text = _section("Worked examples")
    shared = {
        "secret": _one(r"secret `([^`]+)`", text),
        "client": _one(r"client `([^`]+)`", text),
        "timestamp": _one(r"timestamp `(\d+)`", text),
    }
    chunks = re.split(r"\n(?=\*\*Example \d+: )", text)[1:]
    examples = []
    for chunk in chunks:
        method, target = _one(r"\n`(GET|POST) (/[^`\s]+)`", chunk)
        path, _, query = target.partition("?")
        bodies = re.findall(r"```json\n(.*?)\n```", chunk, flags=re.DOTALL)
        assert len(bodies) <= 1, chunk
        examples.append(
            WorkedExample(
                title=_one(r"^\*\*Example \d+: ([^*]+)\.\*\*", chunk),
                method=method,
                path=path,
                query=query,
                sent_body=bodies[0] if bodies else None,
                lines=_one(r"```text\n(.*?)\n```", chunk).split("\n"),
                digest=_one(r"`X-Signature`: `([0-9a-f]{64})`", chunk),
            )
        )
    return shared, examples


SHARED, EXAMPLES = _worked_examples()


def test_examples_are_found() -> None:
    # A parser that finds nothing would make the recomputation below pass vacuously.
    assert len(EXAMPLES) >= 6, [e.title for e in EXAMPLES]
    assert SHARED == {"secret": "test_secret", "client": "test_client", "timestamp": "1700000000"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.title)
def test_string_to_sign_is_rebuilt_from_the_request(example: WorkedExample) -> None:
    assert example.lines == [
        example.method,
        example.path,
        example.query,
        "" if example.method == "GET" else _canonical_body(example.sent_body),
        SHARED["timestamp"],
        SHARED["client"],
    ]
    assert all(ord(ch) < 128 for ch in "\n".join(example.lines))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.title)
def test_digest_is_recomputed_with_the_stdlib(example: WorkedExample) -> None:
    digest = hmac.new(
        SHARED["secret"].encode("utf-8"),
        "\n".join(example.lines).encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()
    assert example.digest == digest


def test_first_digest_is_the_pinned_one() -> None:
    assert EXAMPLES[0].digest == PINNED_DIGEST
    assert (EXAMPLES[0].method, EXAMPLES[0].path) == ("POST", "/qmt/trade/api/outer/trade/buy")


def _whole_float_tokens(sent: str) -> list[str]:
    """Number tokens of the sent text that are floats with a zero fraction, e.g. `10.0`."""
    return re.findall(r"(?<=[:\[,])-?\d+\.0+(?=[,}\]])", sent)


def _has_nested_object(node: Any) -> bool:
    return isinstance(node, dict) and any(isinstance(v, dict) for v in node.values())


def test_examples_cover_every_trap() -> None:
    sent = [(e, e.sent_body) for e in EXAMPLES if e.sent_body is not None]
    whole = [(e, t) for e, raw in sent for t in _whole_float_tokens(raw)]
    assert whole, "whole floats"
    assert all(f":{token}" in e.lines[3] for e, token in whole)  # still a float when signed
    assert any(_has_nested_object(json.loads(raw)) for _, raw in sent), "a nested object"
    assert any(0x7F < ord(ch) <= 0xFFFF for _, raw in sent for ch in raw), "CJK text"
    assert any(ord(ch) > 0xFFFF for _, raw in sent for ch in raw), "a character outside the BMP"
    assert any(re.search(r"\de[-+]\d\d", e.lines[3]) for e, _ in sent), "an exponent"
    assert any(e.method == "GET" and e.query for e in EXAMPLES), "a GET with a query string"


def test_request_example_is_the_first_signed_body() -> None:
    example = load_spec()["components"]["schemas"]["OuterTradeRequest"]["example"]
    assert EXAMPLES[0].sent_body is not None
    assert example == json.loads(EXAMPLES[0].sent_body)


# --- the prose around the examples --------------------------------------------------------


def test_string_to_sign_fields_are_a_fenced_block() -> None:
    block = _one(r"\n```text\n(METHOD\n.*?)\n```", _DESCRIPTION)
    assert block.split("\n") == ["METHOD", "PATH", "QUERY_STRING", "BODY", "TIMESTAMP", "CLIENT_ID"]
    assert "json.dumps(obj, sort_keys=True, separators=(',', ':'))" in _DESCRIPTION
    for header in ("X-Client-ID", "X-Timestamp", "X-Signature"):
        assert header in _DESCRIPTION


def _python_form(sent: str) -> str:
    return json.dumps(json.loads(sent))


def test_quoted_number_forms_are_what_python_writes() -> None:
    traps = _section("The canonical BODY")
    # "`10.5` for `10.50`": the canonical form, then the form sent.
    pairs = re.findall(r"`([^`\s]+)` for `([^`\s]+)`", traps)
    # "`0.00001` sent is signed as `1e-05`": the form sent, then the canonical form.
    pairs += [
        (signed, sent)
        for sent, signed in re.findall(r"`([^`\s]+)` sent is signed as\s+`([^`\s]+)`", traps)
    ]
    assert len(pairs) >= 5, pairs
    for signed, sent in pairs:
        assert _python_form(sent) == signed, (sent, signed)
    # The exponent forms quoted for Python are reprs of floats, and the
    # JavaScript forms quoted next to them are not what Python writes.
    for python_form in ("1e-05", "1.5e-07", "1e+16"):
        assert f"`{python_form}`" in traps
        assert repr(float(python_form)) == python_form
    for js_form in ("0.00001", "1e-7", "10000000000000000"):
        assert f"`{js_form}`" in traps
        assert repr(float(js_form)) != js_form


def test_escapes_quoted_are_what_python_writes() -> None:
    traps = " ".join(_section("The canonical BODY").split())
    for text, escaped in (
        ("测试", "\\u6d4b\\u8bd5"),
        ("🚀", "\\ud83d\\ude80"),
        ("\x7f", "\\u007f"),
    ):
        assert json.dumps(text) == f'"{escaped}"'
    assert "`测试` becomes `\\u6d4b\\u8bd5`" in traps
    assert "(`🚀` is `\\ud83d\\ude80`)" in traps
    assert "U+007F become `\\u00XX`" in traps


def test_content_type_trap_is_stated() -> None:
    traps = _section("The canonical BODY")
    assert "Content-Type: application/json" in traps
    assert "401 `签名验证失败`" in traps
    assert "415 Unsupported Media Type" in traps
