"""The simulator over real HTTP: auth, every route's shape, the quirks, bad input."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sim_http import API, SimHttp, canonical, sign

from qmt_sim.testing import SimulatorProcess

ORDER_KEYS = {
    "order_id", "symbol", "side", "status", "m_status", "volume", "time", "price", "price_type",
    "traded_volume", "traded_price", "strategy_name",
}  # fmt: skip


def no_traceback(response: httpx.Response) -> None:
    assert "Traceback" not in response.text and 'File "' not in response.text


# ------------------------------------------------------------------- signing
def test_worked_example_signature_is_pinned() -> None:
    body = {"symbol": "000001", "trade_price": 10.5, "order_num": 100, "strategy_name": "测试"}
    assert canonical(body) == (
        '{"order_num":100,"strategy_name":"\\u6d4b\\u8bd5","symbol":"000001","trade_price":10.5}'
    )
    digest = sign(
        "test_secret",
        "POST",
        "/qmt/trade/api/outer/trade/buy",
        "",
        canonical(body),
        "1700000000",
        "test_client",
    )
    assert digest == "0a89be1076758d7023f02f4f426c2ece527533e0d98a098ef46d5d53e7c4b8e5"


def test_signature_errors_have_the_real_messages(http: SimHttp) -> None:
    path = f"{API}/orders"
    body = {"trader_index": 0}
    good = http.headers("POST", path, body)
    cases = {
        "缺少必要的签名验证参数": {k: v for k, v in good.items() if k != "X-Signature"},
        "无效的时间戳格式": {**good, "X-Timestamp": "soon"},
        "请求时间戳过期": http.headers("POST", path, body, timestamp=int(time.time()) - 301),
        "无效的客户端ID": {**good, "X-Client-ID": "nobody"},
        "签名验证失败": {**good, "X-Signature": "0" * 64},
    }
    for message, headers in cases.items():
        response = http.http.post(
            path, headers={**headers, "Content-Type": "application/json"}, content=json.dumps(body)
        )
        assert (response.status_code, response.json()) == (401, {"error": message})
    inside_window = http.headers("POST", path, body, timestamp=int(time.time()) - 250)
    response = http.http.post(
        path,
        headers={**inside_window, "Content-Type": "application/json"},
        content=json.dumps(body),
    )
    assert response.status_code == 200


def test_signature_covers_the_canonical_body(http: SimHttp) -> None:
    body = {
        "symbol": "000001",
        "trade_price": 10.5,
        "order_num": 100,
        "strategy_name": "中文策略",
        "trader_index": 1,
    }
    ok = http.api("POST", "/outer/trade/buy", body)
    assert ok.status_code == 200 and ok.json()["strategy_name"] == "中文策略"
    # A signer that does not escape non-ASCII (like JSON.stringify) is refused.
    path = f"{API}/outer/trade/buy"
    ts = str(int(time.time()))
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    headers = {
        "X-Client-ID": http.client_id,
        "X-Timestamp": ts,
        "Content-Type": "application/json",
        "X-Signature": sign(http.secret_key, "POST", path, "", raw, ts, http.client_id),
    }
    response = http.http.post(path, headers=headers, content=raw.encode())
    assert (response.status_code, response.json()) == (401, {"error": "签名验证失败"})
    # The server re-serialises: spacing and key order of the raw bytes do not matter.
    pretty = json.dumps(body, indent=2, ensure_ascii=False).encode()
    headers = {**http.headers("POST", path, body), "Content-Type": "application/json"}
    assert http.http.post(path, headers=headers, content=pretty).status_code == 200


def test_query_string_is_signed_on_market_data(http: SimHttp) -> None:
    path = "/qmt/data/api/get_full_tick"
    response = http.signed("GET", path, query="stock_list=000001,600000")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "success" and data["data"]["000001.SZ"]["lastPrice"] == 10.5
    headers = http.headers("GET", path, query="stock_list=000001")
    tampered = http.http.get(f"{path}?stock_list=600000", headers=headers)
    assert (tampered.status_code, tampered.json()) == (401, {"error": "签名验证失败"})
    bars = http.signed("GET", "/qmt/data/api/get_market_data_ex", query="stock_list=000001&json=1")
    assert bars.status_code == 200 and bars.json()["data"]["000001.SZ"][-1]["close"] == 10.5


# -------------------------------------------------------------------- session
def test_form_login_session_and_logout(sim: SimulatorProcess, http: SimHttp) -> None:
    assert sim.username and sim.password
    page = http.http.get("/login")
    assert page.status_code == 200 and "<form" in page.text
    wrong = http.http.post("/login", data={"username": sim.username, "password": "nope"})
    assert wrong.status_code == 200 and "用户名或密码错误" in wrong.text
    response = http.http.post("/login", data={"username": sim.username, "password": sim.password})
    assert response.status_code == 302 and response.headers["location"] == "/trading"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session=") and "httponly" in cookie.lower()
    session = http.login(sim.username, sim.password)
    assert session.get(f"{API}/accounts").status_code == 200
    assert session.get(f"{API}/portfolio/1").json()["portfolio"]["cash"] == 500_000
    bought = session.post(
        f"{API}/buy", json={"symbol": "000002", "price": 20.30, "shares": 100, "trader_index": 1}
    )
    assert bought.status_code == 200 and bought.json()["message"] == "买入执行完成"
    assert bought.json()["results"][0]["result"]["success"] is True
    logout = session.get("/logout")
    assert logout.status_code == 302 and logout.headers["location"] == "/login"
    assert session.post(f"{API}/buy", json={"symbol": "000002"}).status_code == 401
    session.close()


def test_forged_cookie_and_json_login_are_refused(http: SimHttp) -> None:
    forged = http.http.get(f"{API}/accounts", headers={"Cookie": "session=e30.1.deadbeef"})
    assert (forged.status_code, forged.json()) == (401, {"error": "未登录或缺少必要的签名验证参数"})
    as_json = http.http.post("/login", json={"username": "demo", "password": "demo-password"})
    assert as_json.status_code == 400 and "error" in as_json.json()


def test_session_only_routes_refuse_signatures(http: SimHttp) -> None:
    for path in ("/buy", "/sell", "/trade"):
        response = http.api("POST", path, {"symbol": "000001", "price": 10.5, "shares": 100})
        assert (response.status_code, response.json()) == (401, {"error": "未登录，请先登录"})


def test_session_trade_uses_pricetype_and_sell_fans_out(
    sim: SimulatorProcess, http: SimHttp
) -> None:
    assert sim.username and sim.password
    session = http.login(sim.username, sim.password)
    traded = session.post(
        f"{API}/trade",
        json={"symbol": "000001", "trade_price": 10.5, "position_pct": 0.01, "pricetype": 9},
    )
    body = traded.json()
    assert body["message"] == "交易执行完成" and len(body["results"]) == 2
    assert all("不支持的价格类型" in r["result"]["message"] for r in body["results"])
    sold = session.post(f"{API}/sell", json={"symbol": "000001", "price": 10.5, "shares": 100})
    assert sold.json()["message"] == "卖出执行完成"
    assert [r["trader_index"] for r in sold.json()["results"]] == [0, 1]
    missing = session.post(f"{API}/sell", json={"symbol": "000001"})
    assert (missing.status_code, missing.json()) == (
        400,
        {"error": "缺少必要参数: symbol, price, shares"},
    )
    session.close()


# --------------------------------------------------------------- query shapes
def test_accounts_portfolio_positions_shapes(http: SimHttp) -> None:
    accounts = http.ok("GET", "/accounts")["accounts"]
    assert accounts[0] == {"index": 0, "account_id": "55010001", "nick_name": "账户1"}
    portfolio = http.ok("GET", "/portfolio/0")["portfolio"]
    assert set(portfolio) == {
        "total_asset",
        "cash",
        "frozen_cash",
        "market_value",
        "profit",
        "profit_ratio",
    }
    assert portfolio["total_asset"] == pytest.approx(
        portfolio["cash"] + portfolio["frozen_cash"] + portfolio["market_value"]
    )
    positions = http.ok("GET", "/positions/0")["positions"]
    first = next(p for p in positions if p["symbol"] == "000001.SZ")
    assert set(first) == {
        "symbol",
        "name",
        "volume",
        "can_use_volume",
        "frozen_volume",
        "market_value",
        "avg_price",
        "open_price",
        "current_price",
        "profit",
        "profit_ratio",
    }
    # avg 10.20, price 10.50: +2.94 percent
    assert first["profit_ratio"] == pytest.approx((10.5 - 10.2) / 10.2 * 100, rel=1e-3)
    bad = http.api("GET", "/portfolio/5")
    assert (bad.status_code, bad.json()) == (400, {"error": "无效的交易器索引"})
    assert http.api("GET", "/positions/abc").status_code == 404


# -------------------------------------------------------------- outer trading
def test_outer_trade_fan_out_and_shape(http: SimHttp) -> None:
    body = http.ok(
        "POST", "/outer/trade/sell", {"symbol": "000001", "trade_price": 10.6, "order_num": 500}
    )
    assert body["message"] == "第三方sell交易执行完成"
    assert (body["operation"], body["trade_mode"], body["trade_param"]) == (
        "sell",
        "order_num",
        500,
    )
    assert body["strategy_name"] == "外部策略"
    assert [(r["trader_index"], r["status"]) for r in body["results"]] == [
        (0, "success"),
        (1, "success"),
    ]
    order_id = body["results"][0]["result"]["order_id"]
    order = http.ok("POST", "/order", {"order_id": order_id, "trader_index": 0})
    assert set(order) == ORDER_KEYS and (order["status"], order["m_status"]) == (50, "已报")
    one = http.ok(
        "POST",
        "/outer/trade/buy",
        {"symbol": "000001", "trade_price": 10.5, "position_pct": 0.1, "trader_index": 1},
    )
    assert one["trade_mode"] == "position_pct" and [r["trader_index"] for r in one["results"]] == [
        1
    ]


def test_refused_order_is_still_status_success(http: SimHttp) -> None:
    body = http.ok(
        "POST",
        "/outer/trade/buy",
        {"symbol": "000001", "trade_price": 9999, "order_num": 100, "trader_index": 1},
    )
    result = body["results"][0]
    assert result["status"] == "success" and result["result"]["success"] is False


def test_orders_is_a_bare_list_and_cancel_flow(http: SimHttp) -> None:
    placed = http.ok(
        "POST",
        "/outer/trade/buy",
        {"symbol": "000001", "trade_price": 10.0, "order_num": 100, "trader_index": 0},
    )
    order_id = placed["results"][0]["result"]["order_id"]
    orders = http.ok("POST", "/orders", {"trader_index": 0})
    assert isinstance(orders, list) and set(orders[0]) == ORDER_KEYS
    assert [
        o["order_id"]
        for o in http.ok("POST", "/orders", {"trader_index": 0, "cancelable_only": True})
    ] == [order_id]
    cancelled = http.ok("POST", "/cancel_order", {"order_id": order_id, "trader_index": 0})
    assert cancelled == {
        "success": True,
        "order_id": order_id,
        "message": f"撤单成功: OrderID {order_id}",
    }
    again = http.ok("POST", "/cancel_order", {"order_id": order_id, "trader_index": 0})
    assert again["success"] is False
    assert http.ok("POST", "/orders", {"trader_index": 0, "cancelable_only": True}) == []


def test_cancel_all_by_side_uses_sale(http: SimHttp) -> None:
    http.ok(
        "POST", "/outer/trade/sell", {"symbol": "000001", "trade_price": 11.0, "order_num": 100}
    )
    http.ok("POST", "/outer/trade/buy", {"symbol": "000001", "trade_price": 10.0, "order_num": 100})
    sale = http.ok("POST", "/cancel_orders/sale", {})
    assert sale == {
        "message": "取消所有卖单完成",
        "results": [
            {"trader_index": 0, "status": "success"},
            {"trader_index": 1, "status": "success"},
        ],
    }
    remaining = http.ok("POST", "/orders", {"trader_index": 0, "cancelable_only": True})
    assert [o["side"] for o in remaining] == ["buy"]
    assert (
        http.ok("POST", "/cancel_orders/buy", {"trader_index": 0})["message"] == "取消所有买单完成"
    )
    assert http.ok("POST", "/orders", {"trader_index": 0, "cancelable_only": True}) == []
    assert http.api("POST", "/cancel_orders/sell", {}).status_code == 404


def test_allin_results_are_null(http: SimHttp) -> None:
    body = http.ok(
        "POST", "/trade/allin", {"symbol": "000001", "cur_price": 10.5, "trader_index": 1}
    )
    assert body == {
        "message": "全仓买入完成",
        "results": [{"trader_index": 1, "result": None, "status": "success"}],
    }
    assert http.ok("GET", "/portfolio/1")["portfolio"]["cash"] < 10.5 * 100
    missing = http.api("POST", "/trade/allin", {"symbol": "000001", "price": 10.5})
    assert (missing.status_code, missing.json()) == (
        400,
        {"error": "缺少必要参数: symbol, cur_price"},
    )


def test_reverse_repo_route(http: SimHttp) -> None:
    body = http.ok("POST", "/trade/nhg", {"trader_index": 1, "reserve_amount": 499_500})
    result = body["results"][0]
    assert body["reserve_amount"] == 499_500 and result["status"] == "failed"
    assert result["result"]["success"] is False
    body = http.ok("POST", "/trade/nhg", {"trader_index": 1, "reserve_amount": 1000})
    result = body["results"][0]["result"]
    assert body["results"][0]["status"] == "success"
    assert {"order_amount", "available_cash", "reserve_amount", "usable_cash"} <= set(result)
    assert result["order_num"] == 4990
    negative = http.api("POST", "/trade/nhg", {"reserve_amount": -1})
    assert (negative.status_code, negative.json()) == (400, {"error": "保留金额不能为负数"})


# ------------------------------------------------------------ 400 validation
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "请求数据不能为空"),
        ({"symbol": "000001"}, "缺少必要参数: symbol, trade_price"),
        ({"symbol": "000001", "trade_price": 10.5}, "必须提供 position_pct 或 order_num 其中之一"),
        (
            {"symbol": "000001", "trade_price": 10.5, "position_pct": 0.1, "order_num": 100},
            "position_pct 和 order_num 不能同时提供，请选择其中一个",
        ),
        (
            {"symbol": "000001", "trade_price": 10.5, "position_pct": 1.5},
            "position_pct 必须在 0 到 1 之间",
        ),
        ({"symbol": "000001", "trade_price": 10.5, "order_num": 0}, "order_num 必须大于 0"),
        (
            {"symbol": "000001", "trade_price": 10.5, "order_num": 150},
            "order_num 必须是 100 的倍数（股）",
        ),
        (
            {"symbol": "128013", "trade_price": 125.5, "order_num": 15},
            "order_num 必须是 10 的倍数（张）",
        ),
        (
            {"symbol": "000001", "trade_price": 10.5, "order_num": 100, "trader_index": 5},
            "无效的交易器索引: 5",
        ),
    ],
)
def test_outer_trade_validation_messages(
    http: SimHttp, body: dict[str, object], message: str
) -> None:
    response = http.api("POST", "/outer/trade/buy", body)
    assert (response.status_code, response.json()) == (400, {"error": message})


def test_wrong_operation_and_index_required(http: SimHttp) -> None:
    response = http.api("POST", "/outer/trade/hold", {"symbol": "000001"})
    assert (response.status_code, response.json()) == (400, {"error": "操作类型必须是 buy 或 sell"})
    for path in ("/order", "/orders", "/cancel_order"):
        response = http.api("POST", path, {"order_id": 1})
        assert (response.status_code, response.json()) == (400, {"error": "无效的交易器索引: None"})


def test_real_server_500s_are_reproduced_as_json(http: SimHttp) -> None:
    string_index = http.api(
        "POST",
        "/outer/trade/buy",
        {"symbol": "000001", "trade_price": 10.5, "order_num": 100, "trader_index": "0"},
    )
    assert string_index.status_code == 500
    assert string_index.json() == {
        "error": "接口异常: outer_trade",
        "message": "'>=' not supported between instances of 'str' and 'int'",
    }
    unknown = http.api("POST", "/order", {"order_id": 424242, "trader_index": 0})
    assert unknown.status_code == 500 and unknown.json()["error"] == "接口异常: order"
    path = f"{API}/orders"
    no_type = http.http.post(
        path, headers=http.headers("POST", path), content=b'{"trader_index": 0}'
    )
    assert no_type.status_code == 500 and "415 Unsupported Media Type" in no_type.json()["message"]
    for response in (string_index, unknown, no_type):
        no_traceback(response)


def test_bad_input_never_yields_a_traceback(http: SimHttp) -> None:
    path = f"{API}/outer/trade/buy"
    malformed = http.http.post(
        path,
        headers={**http.headers("POST", path), "Content-Type": "application/json"},
        content=b'{"symbol": "000001", ',
    )
    # The signature check fails to parse it: Flask's HTML error page (issue 14 item 6).
    assert (malformed.status_code, malformed.text) == (500, "Internal Server Error")
    huge = {
        "symbol": "000001",
        "trade_price": 10.5,
        "order_num": 100,
        "strategy_name": "x" * 70_000,
    }
    oversize = http.api("POST", "/outer/trade/buy", huge)
    assert oversize.status_code == 413 and "error" in oversize.json()
    wrong_type = http.api(
        "POST", "/outer/trade/buy", {"symbol": "000001", "trade_price": "cheap", "order_num": 100}
    )
    assert wrong_type.status_code == 400 and "trade_price" in wrong_type.json()["error"]
    a_list = http.api("POST", "/orders", [1, 2])
    assert a_list.status_code == 500 and a_list.json()["error"] == "接口异常: orders"
    unknown = http.http.get("/qmt/trade/api/nothing")
    assert (unknown.status_code, unknown.text) == (404, "Not Found")
    for response in (malformed, oversize, wrong_type, a_list, unknown):
        no_traceback(response)


# ------------------------------------------------------------------ admin
def test_sim_admin_routes(http: SimHttp) -> None:
    health = http.http.get("/sim/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert http.http.get("/sim/clock").status_code == 401
    assert http.signed("GET", "/sim/clock").json()["tick"] == 0
    assert http.tick(5)["tick"] == 5
    bad = http.signed("POST", "/sim/tick", {"steps": 0})
    assert bad.status_code == 400
    assert http.next_day()["trading_day"] == 2


def test_resting_limit_order_fills_on_later_ticks(http: SimHttp) -> None:
    quote = http.signed("GET", "/qmt/data/api/get_full_tick", query="stock_list=600000").json()
    price = quote["data"]["600000.SH"]["lastPrice"]
    body = http.ok(
        "POST",
        "/outer/trade/buy",
        {
            "symbol": "600000",
            "trade_price": round(price - 0.01, 2),
            "order_num": 100,
            "trader_index": 1,
        },
    )
    order_id = body["results"][0]["result"]["order_id"]
    assert http.ok("POST", "/order", {"order_id": order_id, "trader_index": 1})["status"] == 50
    for _ in range(40):
        http.tick(5)
        order = http.ok("POST", "/order", {"order_id": order_id, "trader_index": 1})
        if order["status"] == 56:
            break
    assert order["status"] == 56 and order["traded_price"] <= price - 0.01
