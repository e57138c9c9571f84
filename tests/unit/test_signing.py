"""Tests for qmt_facade.signing.

The verifier below is written independently of the module under test, the
way the Flask server does it: it works from the bytes on the wire (request
line and body), never from httpx's parsed URL or from the signing helpers.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmt_facade.signing import (
    QMTSignatureAuth,
    canonical_body,
    compute_signature,
    string_to_sign,
)

SECRET = "test_secret"
CLIENT = "test_client"
TS = 1_700_000_000
BUY_URL = "http://qmt.local:9091/qmt/trade/api/outer/trade/buy"
WORKED_BODY = {"symbol": "000001", "trade_price": 10.5, "order_num": 100, "strategy_name": "测试"}
WORKED_STRING = (
    "POST\n/qmt/trade/api/outer/trade/buy\n\n"
    '{"order_num":100,"strategy_name":"\\u6d4b\\u8bd5","symbol":"000001","trade_price":10.5}'
    "\n1700000000\ntest_client"
)
WORKED_DIGEST = "0a89be1076758d7023f02f4f426c2ece527533e0d98a098ef46d5d53e7c4b8e5"


# --- independent server-side verification (Flask style) -------------------


def server_verify(
    request: httpx.Request,
    secrets: dict[str, str],
    now: int,
    window: int = 300,
) -> str | None:
    """Return None if the server would accept ``request``, else its 401 error."""
    client_id = request.headers.get("X-Client-ID")
    timestamp = request.headers.get("X-Timestamp")
    signature = request.headers.get("X-Signature")
    if not (client_id and timestamp and signature):
        return "缺少必要的签名验证参数"
    try:
        if abs(now - int(timestamp)) > window:
            return "请求时间戳过期"
    except ValueError:
        return "无效的时间戳格式"
    if client_id not in secrets:
        return "无效的客户端ID"
    # The request target as it travels on the wire; Werkzeug percent-decodes
    # the path for request.path and keeps the query string raw.
    target = request.url.raw_path
    raw_path, _, raw_query = target.partition(b"?")
    path = unquote(raw_path.decode("ascii"), errors="replace")
    query = raw_query.decode("utf-8")
    body = ""
    content_type = request.headers.get("Content-Type", "")
    is_json = content_type.split(";")[0].strip().lower() == "application/json"
    if request.method != "GET" and is_json:
        data = json.loads(request.content) if request.content else None
        if data:
            body = json.dumps(data, sort_keys=True, separators=(",", ":"))
    sign_string = f"{request.method}\n{path}\n{query}\n{body}\n{timestamp}\n{client_id}"
    expected = hmac.new(
        secrets[client_id].encode("utf-8"), sign_string.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(signature, expected):
        return "签名验证失败"
    return None


def signed(request: httpx.Request, auth: QMTSignatureAuth) -> httpx.Request:
    flow = auth.auth_flow(request)
    out = next(flow)
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200))
    return out


def make_auth(secret: str = SECRET, ts: float = TS) -> QMTSignatureAuth:
    return QMTSignatureAuth(CLIENT, secret, clock=lambda: ts)


def retarget(request: httpx.Request, content: bytes) -> httpx.Request:
    """Same headers (signature included) but a different body."""
    headers = dict(request.headers)
    headers["Content-Length"] = str(len(content))
    return httpx.Request(request.method, request.url, headers=headers, content=content)


# --- worked example ---------------------------------------------------------


def test_worked_example_string_and_digest() -> None:
    body = canonical_body(json.dumps(WORKED_BODY, ensure_ascii=False).encode("utf-8"))
    message = string_to_sign("POST", "/qmt/trade/api/outer/trade/buy", "", body, TS, CLIENT)
    assert message == WORKED_STRING
    assert compute_signature(SECRET, message) == WORKED_DIGEST
    assert compute_signature(SECRET.encode(), message) == WORKED_DIGEST


def test_worked_example_through_auth_flow() -> None:
    request = signed(httpx.Request("POST", BUY_URL, json=WORKED_BODY), make_auth())
    assert request.headers["X-Client-ID"] == CLIENT
    assert request.headers["X-Timestamp"] == "1700000000"
    assert request.headers["X-Signature"] == WORKED_DIGEST
    assert server_verify(request, {CLIENT: SECRET}, now=TS) is None


# --- canonical body -----------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [b"", b"{}", b"[]", b"0", b"null", b"false", b'""', b" {} ", b"0.0"]
)
def test_canonical_body_empty_or_falsy(raw: bytes) -> None:
    assert canonical_body(raw) == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"b": 1, "a": 2}', '{"a":2,"b":1}'),
        (b'{"x": 1.0}', '{"x":1.0}'),  # JSON.stringify would write 1
        (b'{"x": 1e-7}', '{"x":1e-07}'),
        (b'{"x": -0.0}', '{"x":-0.0}'),
        (b'{"x": 1E300}', '{"x":1e+300}'),
        (b'{"x": 12345678901234567890123}', '{"x":12345678901234567890123}'),
        ('{"s": "测试😀"}'.encode(), '{"s":"\\u6d4b\\u8bd5\\ud83d\\ude00"}'),
        (b'{"n": {"z": [1, {"b": 0, "a": null}]}}', '{"n":{"z":[1,{"a":null,"b":0}]}}'),
        (b"[1, 2]", "[1,2]"),
    ],
)
def test_canonical_body_matches_python_repr(raw: bytes, expected: str) -> None:
    assert canonical_body(raw) == expected


def test_canonical_body_rejects_invalid_json() -> None:
    with pytest.raises(ValueError):
        canonical_body(b"{not json")


def test_get_signs_empty_body_even_if_given() -> None:
    assert string_to_sign("get", "/p", "a=1", '{"x":1}', 5, "c") == "GET\n/p\na=1\n\n5\nc"
    assert string_to_sign("POST", "/p", "", '{"x":1}', 5, "c") == 'POST\n/p\n\n{"x":1}\n5\nc'


def test_empty_post_body_signs_empty_string() -> None:
    auth = make_auth()
    request = signed(httpx.Request("POST", BUY_URL, json={}), auth)
    expected = compute_signature(
        SECRET, f"POST\n/qmt/trade/api/outer/trade/buy\n\n\n{TS}\n{CLIENT}"
    )
    assert request.headers["X-Signature"] == expected


def test_non_json_content_type_signs_empty_body() -> None:
    # Flask's request.is_json is false, so the server signs "" for the body.
    request = httpx.Request(
        "POST", BUY_URL, content=b'{"a":1}', headers={"Content-Type": "text/plain"}
    )
    request = signed(request, make_auth())
    expected = compute_signature(
        SECRET, f"POST\n/qmt/trade/api/outer/trade/buy\n\n\n{TS}\n{CLIENT}"
    )
    assert request.headers["X-Signature"] == expected


def test_server_normalises_formatting_so_reformatted_body_still_verifies() -> None:
    request = signed(httpx.Request("POST", BUY_URL, json={"b": 1, "a": "测试"}), make_auth())
    pretty = json.dumps({"a": "测试", "b": 1}, indent=2, ensure_ascii=True).encode()
    assert server_verify(retarget(request, pretty), {CLIENT: SECRET}, now=TS) is None


def test_percent_escaped_path_and_raw_query() -> None:
    url = "http://h/qmt/data/api/get%20full%E6%B5%8B?stock_list=000001.SZ%2C600000.SH&x=%E6%B5%8B"
    request = signed(httpx.Request("GET", url), make_auth())
    expected = compute_signature(
        SECRET,
        "GET\n/qmt/data/api/get full测\nstock_list=000001.SZ%2C600000.SH&x=%E6%B5%8B\n\n"
        f"{TS}\n{CLIENT}",
    )
    assert request.headers["X-Signature"] == expected
    assert server_verify(request, {CLIENT: SECRET}, now=TS) is None


def test_clock_is_truncated_to_whole_seconds() -> None:
    request = signed(httpx.Request("POST", BUY_URL, json={"a": 1}), make_auth(ts=TS + 0.999))
    assert request.headers["X-Timestamp"] == str(TS)


# --- verification failures ------------------------------------------------------


def test_timestamp_window() -> None:
    request = signed(httpx.Request("POST", BUY_URL, json=WORKED_BODY), make_auth())
    assert server_verify(request, {CLIENT: SECRET}, now=TS + 300) is None
    assert server_verify(request, {CLIENT: SECRET}, now=TS - 300) is None
    assert server_verify(request, {CLIENT: SECRET}, now=TS + 301) == "请求时间戳过期"


def test_wrong_secret_tampered_body_unknown_client() -> None:
    request = signed(httpx.Request("POST", BUY_URL, json=WORKED_BODY), make_auth())
    assert server_verify(request, {CLIENT: "other"}, now=TS) == "签名验证失败"
    assert server_verify(request, {"someone": SECRET}, now=TS) == "无效的客户端ID"
    tampered = json.dumps({**WORKED_BODY, "order_num": 200}).encode()
    assert server_verify(retarget(request, tampered), {CLIENT: SECRET}, now=TS) == "签名验证失败"
    bare = httpx.Request("POST", BUY_URL, json=WORKED_BODY)
    assert server_verify(bare, {CLIENT: SECRET}, now=TS) == "缺少必要的签名验证参数"


# --- secrecy ----------------------------------------------------------------------


def test_secret_not_in_repr_str_or_vars() -> None:
    secret = "s3cr3t-VALUE-xyz"
    auth = QMTSignatureAuth("cid", secret)
    assert repr(auth) == "QMTSignatureAuth(client_id='cid')"
    assert secret not in str(auth)
    assert all(secret not in repr(v) for v in vars(auth).values())
    assert secret.encode() not in repr(vars(auth)).encode()


@pytest.mark.parametrize(
    ("client_id", "secret", "exc"),
    [
        ("", "s3cr3t-VALUE", TypeError),
        ("a\nb", "s3cr3t-VALUE", TypeError),
        ("cid", 12345, TypeError),
        ("cid", "", ValueError),
        ("cid", b"", ValueError),
    ],
)
def test_bad_constructor_arguments_do_not_echo_secret(
    client_id: str, secret: Any, exc: type[Exception]
) -> None:
    with pytest.raises(exc) as info:
        QMTSignatureAuth(client_id, secret)
    assert "s3cr3t" not in str(info.value)
    assert "12345" not in str(info.value)


# --- real clients, sync and async ------------------------------------------------


def _verifying_transport(now: int) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        error = server_verify(request, {CLIENT: SECRET}, now=now)
        if error:
            return httpx.Response(401, json={"error": error})
        return httpx.Response(200, json={"ok": True})

    return httpx.MockTransport(handler)


def test_sync_client_requests_verify() -> None:
    with httpx.Client(
        base_url="http://qmt.local:9091", auth=make_auth(), transport=_verifying_transport(TS)
    ) as client:
        assert client.post("/qmt/trade/api/outer/trade/buy", json=WORKED_BODY).status_code == 200
        assert client.get("/qmt/trade/api/accounts", params={"q": "测 试"}).status_code == 200
    with httpx.Client(auth=make_auth(secret="wrong"), transport=_verifying_transport(TS)) as client:
        response = client.post(BUY_URL, json=WORKED_BODY)
        assert response.status_code == 401
        assert response.json() == {"error": "签名验证失败"}


def test_async_client_requests_verify() -> None:
    async def run() -> list[int]:
        async with httpx.AsyncClient(
            base_url="http://qmt.local:9091",
            auth=make_auth(),
            transport=_verifying_transport(TS),
        ) as client:
            ok = await client.post("/qmt/trade/api/trade/nhg", json={"reserve_amount": 1000.0})
            get = await client.get("/qmt/trade/api/positions/0")
        async with httpx.AsyncClient(
            auth=make_auth(), transport=_verifying_transport(TS + 1000)
        ) as client:
            stale = await client.post(BUY_URL, json=WORKED_BODY)
        return [ok.status_code, get.status_code, stale.status_code]

    assert asyncio.run(run()) == [200, 200, 401]


# --- property-based: anything httpx sends, the server accepts -------------------

_special_floats = st.sampled_from([1.0, 0.1, 1e-7, -0.0, 1e300, 2.5e-308, 123456.789])
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _special_floats
    | st.text(max_size=12)
)
_json_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
_strategy_names = st.sampled_from(
    ["测试", "外部策略", "网格🚀策略", "café", "Ünïcödé", "ストラテジー", "\u2028", ""]
) | st.text(max_size=16)
_bodies = st.one_of(
    st.just({}),
    st.fixed_dictionaries(
        {
            "symbol": st.sampled_from(["000001", "600000.SH", "128013"]),
            "trade_price": _special_floats | st.floats(0.001, 1e6),
            "strategy_name": _strategy_names,
        },
        optional={
            "order_num": st.integers(min_value=0, max_value=2**70),
            "position_pct": _special_floats,
            "trader_index": st.none() | st.integers(0, 5),
            "extra": _json_values,
        },
    ),
    st.dictionaries(st.text(max_size=8), _json_values, max_size=5),
)
_segments = st.text(st.characters(codec="utf-8", exclude_characters="/?#"), min_size=1, max_size=10)
_params = st.dictionaries(st.text(max_size=8), st.text(max_size=12), max_size=3)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    body=_bodies,
    segment=_segments,
    params=_params,
    method=st.sampled_from(["POST", "GET"]),
    secret=st.text(min_size=1, max_size=20),
)
def test_property_server_accepts_what_auth_signs(
    body: dict[str, Any], segment: str, params: dict[str, str], method: str, secret: str
) -> None:
    url = f"http://qmt.local:9091/qmt/trade/api/{quote(segment, safe='')}/x%2Fy"
    if method == "GET":
        request = httpx.Request("GET", url, params=params)
    else:
        request = httpx.Request("POST", url, params=params, json=body)
    request = signed(request, make_auth(secret=secret))
    assert server_verify(request, {CLIENT: secret}, now=TS) is None

    # The same headers must not verify under another secret...
    assert server_verify(request, {CLIENT: secret + "x"}, now=TS) == "签名验证失败"
    # ...nor, for a POST, with a body whose canonical form differs.
    if method == "POST":
        tampered = json.dumps({**body, "tamper": 1}).encode()
        assert server_verify(retarget(request, tampered), {CLIENT: secret}, now=TS) == (
            "签名验证失败"
        )
