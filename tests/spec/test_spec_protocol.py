"""Pin openapi/qmt-server.yaml to the server's protocol (shared/reference/server-protocol.md).

Routes and methods, who may call what, which errors each route answers, and
the enumerations, exactly as the real server behaves.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_support import load_spec, resolve_pointer

_SPEC = load_spec()
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

TRADE = "/qmt/trade/api"
DATA = "/qmt/data/api"

# Every route of the trading blueprint, with its method.
TRADE_ROUTES: dict[str, str] = {
    f"{TRADE}/accounts": "get",
    f"{TRADE}/portfolio/{{trader_index}}": "get",
    f"{TRADE}/positions/{{trader_index}}": "get",
    f"{TRADE}/outer/trade/{{operation}}": "post",
    f"{TRADE}/trade/allin": "post",
    f"{TRADE}/trade/nhg": "post",
    f"{TRADE}/cancel_order": "post",
    f"{TRADE}/cancel_orders/buy": "post",
    f"{TRADE}/cancel_orders/sale": "post",
    f"{TRADE}/order": "post",
    f"{TRADE}/orders": "post",
    f"{TRADE}/buy": "post",
    f"{TRADE}/sell": "post",
    f"{TRADE}/trade": "post",
}
SESSION_OR_SIGNATURE = {
    f"{TRADE}/accounts",
    f"{TRADE}/portfolio/{{trader_index}}",
    f"{TRADE}/positions/{{trader_index}}",
}
SESSION_ONLY = {f"{TRADE}/buy", f"{TRADE}/sell", f"{TRADE}/trade"}
PAGES = {"/login", "/logout", "/config"}
SIGNATURE_ONLY = set(TRADE_ROUTES) - SESSION_OR_SIGNATURE - SESSION_ONLY
# Routes where the server checks parameters and answers 400.
VALIDATING = set(TRADE_ROUTES) - {f"{TRADE}/accounts"}

SIGNATURE_HEADERS = frozenset(
    {("header", "X-Client-ID"), ("header", "X-Timestamp"), ("header", "X-Signature")}
)
SESSION_COOKIE = frozenset({("cookie", "session")})

ORDER_STATUS_NAMES = {
    48: "未报",
    49: "待报",
    50: "已报",
    51: "已报待撤",
    52: "部成待撤",
    53: "部撤",
    54: "已撤",
    55: "部成",
    56: "已成",
    57: "废单",
    255: "未知",
}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, item[method])
        for path, item in _SPEC["paths"].items()
        for method in _METHODS
        if method in item
    ]


def _deref(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(_SPEC, node["$ref"])
    return node


def _security(operation: dict[str, Any]) -> set[frozenset[tuple[str, str]]]:
    """The operation's security as a set of requirement objects, each a set of (in, name)."""
    requirements = operation.get("security", _SPEC.get("security", []))
    schemes = _SPEC["components"]["securitySchemes"]
    out = set()
    for requirement in requirements:
        parts = set()
        for name in requirement:
            scheme = schemes[name]
            assert scheme["type"] == "apiKey", name
            parts.add((scheme["in"], scheme["name"]))
        out.add(frozenset(parts))
    return out


def _json_schema_of(response: dict[str, Any]) -> dict[str, Any]:
    return _deref(_deref(response)["content"]["application/json"]["schema"])


# --- the document -------------------------------------------------------------------------


def test_spec_is_valid_openapi() -> None:
    assert _SPEC["openapi"].startswith("3.0.")
    validate(load_spec())


def test_operation_ids_are_unique_and_present() -> None:
    ids = [op.get("operationId") for _, _, op in _operations()]
    assert None not in ids
    assert len(ids) == len(set(ids))


# --- routes -------------------------------------------------------------------------------


def test_trade_routes_and_methods() -> None:
    spec_routes = {
        (path, method) for path, method, _ in _operations() if path.startswith(f"{TRADE}/")
    }
    assert spec_routes == set(TRADE_ROUTES.items())


def test_no_batch_route() -> None:
    assert not [path for path in _SPEC["paths"] if "batch" in path]
    # Nor can `batch` reach /outer/trade/{operation} as an operation name.
    params = _SPEC["paths"][f"{TRADE}/outer/trade/{{operation}}"]["post"]["parameters"]
    (operation,) = [p for p in map(_deref, params) if p["name"] == "operation"]
    assert _deref(operation["schema"])["enum"] == ["buy", "sell"]


def test_login_is_a_form_post_and_a_page() -> None:
    login = _SPEC["paths"]["/login"]
    assert set(login) & set(_METHODS) == {"get", "post"}
    body = login["post"]["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"application/x-www-form-urlencoded"}
    form = _deref(body["content"]["application/x-www-form-urlencoded"]["schema"])
    assert set(form["required"]) == {"username", "password"}
    responses = login["post"]["responses"]
    assert "Location" in responses["302"]["headers"]
    assert "Set-Cookie" in responses["302"]["headers"]
    assert "text/html" in responses["200"]["content"]  # wrong credentials: the page again
    assert "用户名或密码错误" in responses["200"]["description"]


def test_logout_redirects() -> None:
    logout = _SPEC["paths"]["/logout"]
    assert set(logout) & set(_METHODS) == {"get"}
    assert set(logout["get"]["responses"]) == {"302"}


def test_market_data_routes_are_optional_and_tagged_apart() -> None:
    data_ops = [(p, m, op) for p, m, op in _operations() if p.startswith(f"{DATA}/")]
    assert {(p, m) for p, m, _ in data_ops} == {
        (f"{DATA}/get_full_tick", "get"),
        (f"{DATA}/get_market_data_ex", "get"),
    }
    for _, _, op in data_ops:
        assert op["tags"] == ["market-data"]
        assert "OPTIONAL" in op["summary"]
        assert "404" in op["responses"]
        assert _security(op) == {SESSION_COOKIE, SIGNATURE_HEADERS}
    (tag,) = [t for t in _SPEC["tags"] if t["name"] == "market-data"]
    assert "OPTIONAL" in tag["description"]
    for path, _, op in _operations():
        if not path.startswith(f"{DATA}/"):
            assert "market-data" not in op.get("tags", []), path
    assert {path for path in _SPEC["paths"]} <= PAGES | {"/send_msg"} | set(TRADE_ROUTES) | {
        p for p, _, _ in data_ops
    }


# --- security -----------------------------------------------------------------------------


def test_security_schemes() -> None:
    schemes = _SPEC["components"]["securitySchemes"]
    assert {(s["in"], s["name"]) for s in schemes.values()} == SIGNATURE_HEADERS | SESSION_COOKIE


@pytest.mark.parametrize("path", sorted(TRADE_ROUTES))
def test_trade_route_security(path: str) -> None:
    op = _SPEC["paths"][path][TRADE_ROUTES[path]]
    if path in SESSION_OR_SIGNATURE:
        expected = {SESSION_COOKIE, SIGNATURE_HEADERS}
    elif path in SESSION_ONLY:
        expected = {SESSION_COOKIE}
    else:
        assert path in SIGNATURE_ONLY
        expected = {SIGNATURE_HEADERS}
    # All three signature headers sit in ONE requirement object (AND), never in three (OR).
    assert _security(op) == expected


@pytest.mark.parametrize(
    ("path", "method"),
    [("/login", "get"), ("/login", "post"), ("/logout", "get"), ("/config", "get")],
)
def test_session_routes_need_no_auth(path: str, method: str) -> None:
    op = _SPEC["paths"][path][method]
    assert op.get("security") == []


# --- error responses ----------------------------------------------------------------------


def _error_schema_ok(schema: dict[str, Any], *, with_message: bool) -> None:
    assert schema["type"] == "object"
    assert "error" in schema["required"]
    assert schema["properties"]["error"]["type"] == "string"
    if with_message:
        assert schema["properties"]["message"]["type"] == "string"


@pytest.mark.parametrize(("path", "method", "op"), _operations(), ids=lambda v: str(v)[:60])
def test_error_responses(path: str, method: str, op: dict[str, Any]) -> None:
    responses = op["responses"]
    if _security(op):
        assert "401" in responses, f"{method} {path}"
        _error_schema_ok(_json_schema_of(responses["401"]), with_message=False)
    if path in VALIDATING:
        assert "400" in responses, f"{method} {path}"
        _error_schema_ok(_json_schema_of(responses["400"]), with_message=False)
    if path == f"{TRADE}/accounts":
        assert "400" not in responses  # the server never answers 400 there
    if path.startswith("/qmt/"):
        assert "500" in responses, f"{method} {path}"
        _error_schema_ok(_json_schema_of(responses["500"]), with_message=True)


def test_unauthorized_lists_the_server_messages() -> None:
    text = str(_deref({"$ref": "#/components/responses/Unauthorized"}))
    for message in (
        "未登录，请先登录",
        "缺少必要的签名验证参数",
        "请求时间戳过期",
        "无效的客户端ID",
        "签名验证失败",
    ):
        assert message in text


def test_server_error_example_shape() -> None:
    response = _deref({"$ref": "#/components/responses/ServerError"})
    example = response["content"]["application/json"]["example"]
    assert set(example) == {"error", "message"}
    assert example["error"].startswith("接口异常: ")


# --- enumerations -------------------------------------------------------------------------


def _schema(name: str) -> dict[str, Any]:
    return _SPEC["components"]["schemas"][name]


def test_trade_operation_enum() -> None:
    assert _schema("TradeOperation")["enum"] == ["buy", "sell"]


def test_price_type_enum_and_users() -> None:
    price_type = _schema("PriceType")
    assert price_type["type"] == "integer"
    assert price_type["enum"] == [0, 1, 2, 3, 5]
    # The server's default (0, limit) is said in words: a `default` keyword
    # would make generators treat the field as required.
    assert "default" not in price_type and "Omitted, it is 0" in price_type["description"]
    ref = {"$ref": "#/components/schemas/PriceType"}
    assert _schema("OuterTradeRequest")["properties"]["price_type"] == ref
    assert _schema("SessionOrderRequest")["properties"]["price_type"] == ref
    # /trade spells it `pricetype`.
    assert _schema("SessionRatioTradeRequest")["properties"]["pricetype"] == ref
    assert "price_type" not in _schema("SessionRatioTradeRequest")["properties"]


def test_order_status_enum_and_names() -> None:
    status = _schema("OrderStatus")
    assert status["type"] == "integer"
    assert status["enum"] == list(ORDER_STATUS_NAMES)
    named = {
        int(code): name for code, name in re.findall(r"\b(\d+) ([^\s,.;]+)", status["description"])
    }
    assert {code: named.get(code) for code in ORDER_STATUS_NAMES} == ORDER_STATUS_NAMES
    assert _schema("Order")["properties"]["status"] == {"$ref": "#/components/schemas/OrderStatus"}


# --- server lines -------------------------------------------------------------------------

UPSTREAM_ONLY = {f"{DATA}/get_full_tick", f"{DATA}/get_market_data_ex"}
MAIN_ONLY = {f"{TRADE}/buy"}


@pytest.mark.parametrize(("path", "method", "op"), _operations(), ids=lambda v: str(v)[:60])
def test_every_operation_names_its_server_lines(path: str, method: str, op: dict[str, Any]) -> None:
    lines = op["x-server-lines"]
    if path in UPSTREAM_ONLY:
        assert lines == ["upstream"]
        assert "UPSTREAM LINE ONLY" in op["description"]
    elif path in MAIN_ONLY:
        assert lines == ["main"]
        assert "MAIN LINE ONLY" in op["description"]
    else:
        assert lines == ["main", "upstream"], path


def test_fields_the_upstream_line_omits_are_optional() -> None:
    outer = _schema("OuterTradeResponse")
    assert {"trade_mode", "trade_param"} <= set(outer["properties"])
    assert not {"trade_mode", "trade_param"} & set(outer["required"])
    assert "upstream line omits" in outer["description"]
    repo = _schema("ReverseRepoResponse")
    assert "reserve_amount" not in repo["required"]
    assert "Main line only" in repo["properties"]["reserve_amount"]["description"]
    assert "result" not in _schema("TraderResult")["required"]


def test_main_line_quirks_are_in_the_operation_descriptions() -> None:
    outer = _SPEC["paths"][f"{TRADE}/outer/trade/{{operation}}"]["post"]["description"]
    assert "WHOLE sellable position" in outer
    assert "TWO orders" in outer
    assert '`status: "failed"` does not mean that no order was placed' in outer
    for path in (f"{TRADE}/trade/allin", f"{TRADE}/trade"):
        description = _SPEC["paths"][path]["post"]["description"]
        assert "two orders" in description, path


def test_send_msg_is_signed_and_outside_the_prefix() -> None:
    op = _SPEC["paths"]["/send_msg"]["post"]
    assert _security(op) == {SIGNATURE_HEADERS}
    assert _deref(op["requestBody"]["content"]["application/json"]["schema"])["required"] == ["msg"]
    ok = _json_schema_of(op["responses"]["200"])
    assert set(ok["required"]) == {"message", "status"}
    assert _json_schema_of(op["responses"]["500"]) == ok  # {"message", "status": "error"}


def test_config_page_redirects_without_a_session() -> None:
    op = _SPEC["paths"]["/config"]["get"]
    assert op["responses"]["302"]["headers"]["Location"]["schema"]["example"] == "/login"


def test_order_price_type_is_the_broker_code() -> None:
    order = _schema("Order")
    assert order["properties"]["price_type"] == {
        "type": "integer",
        "description": order["properties"]["price_type"]["description"],
    }  # not the request enum: the broker's codes
    text = order["properties"]["price_type"]["description"]
    for mapping in ("0 → 11", "1 → 5", "2 → 42", "47", "3 → 45", "5 → 44"):
        assert mapping in text
    assert order["example"]["price_type"] == 11
