"""Issue 14: the simulator answers like a real main-line server, item by item.

Run on the book the issue compared against a real server: one account, cash
1,000,000, 000001.SZ 1000 @ 10.0 and 128013.SZ 100 @ 120.0, no fees, a frozen
market (nothing moves, nothing fills). Each test asserts the real server's
answer as the issue writes it. Also issue 13 items 1-4 and the switches that
make such a frozen book.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from response_contract import ResponseContract
from sim_http import API, SimHttp

from qmt_sim.testing import SimulatorProcess

FROZEN_BOOK: dict[str, Any] = {
    "outer_api_clients": [{"client_id": "c1", "secret_key": "s1"}],
    "users": [{"username": "u1", "password": "p1"}],
    "accounts": [
        {
            "account_id": "80000001",
            "cash": 1_000_000,
            "positions": [
                {"symbol": "000001.SZ", "volume": 1000, "avg_price": 10.0},
                {"symbol": "128013.SZ", "volume": 100, "avg_price": 120.0},
            ],
        }
    ],
    "market": {
        "prices": {"000001.SZ": 10.5, "128013.SZ": 125.5},
        "moves": False,
        "fills": False,
    },
    "fees": {"enabled": False},
}


@pytest.fixture
def book(tmp_path: Path) -> Iterator[SimulatorProcess]:
    with SimulatorProcess(tmp_path / "book", FROZEN_BOOK) as sim:
        yield sim


@pytest.fixture
def real(book: SimulatorProcess, response_contract: ResponseContract) -> Iterator[SimHttp]:
    client = SimHttp(book.base_url, book.client_id, book.secret_key, [response_contract.sync_hook])
    yield client
    client.close()


def outcome(http: SimHttp, path: str, body: dict[str, Any]) -> Any:
    return http.ok("POST", path, body)["results"][0]["result"]


def orders(http: SimHttp) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = http.ok("POST", "/orders", {"trader_index": 0})
    return found


# ---------------------------------------------------------------- answers
def test_1_send_msg_and_config_redirect(real: SimHttp, book: SimulatorProcess) -> None:
    sent = real.signed("POST", "/send_msg", {"msg": "hello"})
    assert (sent.status_code, sent.json()) == (
        200,
        {"message": "消息发送成功", "status": "success"},
    )
    config = real.http.get("/config")
    assert (config.status_code, config.headers["location"]) == (302, "/login")
    session = real.login("u1", "p1")
    assert session.get("/config").status_code == 200
    session.close()


def test_2_position_profit_ratio_is_unrounded(real: SimHttp) -> None:
    positions = real.ok("GET", "/positions/0")["positions"]
    bond = next(p for p in positions if p["symbol"] == "128013.SZ")
    assert bond["profit_ratio"] == 4.583333333333333
    assert bond["profit"] == 550.0


def test_3_reverse_repo_number_types(real: SimHttp) -> None:
    refused = real.api("POST", "/trade/nhg", {"reserve_amount": 5_000_000, "trader_index": 0})
    result = refused.json()["results"][0]["result"]
    assert "order_amount" not in result
    assert '"reserve_amount":5000000,' in refused.text  # the integer sent, not 5000000.0
    assert result["usable_cash"] == -4_000_000.0
    assert result["message"] == "逆回购资金不足: 最低需要1000元, 当前可用-4000000.0元"
    placed = real.api("POST", "/trade/nhg", {"reserve_amount": 500_000, "trader_index": 0})
    assert '"order_amount":500000,' in placed.text  # an integer when whole
    assert placed.json()["results"][0]["result"]["order_num"] == 5000


def test_4_ratio_buy_of_zero_lots_is_insufficient_funds(real: SimHttp) -> None:
    body = {"symbol": "000001", "trade_price": 10.5, "position_pct": 0.0001, "trader_index": 0}
    result = outcome(real, "/outer/trade/buy", body)
    assert result["error"] == "Insufficient funds"
    assert "value" not in result and "order_result" not in result
    assert result["message"] == "指定仓位资金不足: 最低100股需要:1050.00, 当前可用:1000000.0"


def test_5_unsupported_price_type_is_exactly_two_keys(real: SimHttp) -> None:
    body = {"symbol": "000001", "trade_price": 10.5, "order_num": 100, "price_type": 4}
    assert outcome(real, "/outer/trade/buy", body) == {
        "success": False,
        "message": "错误：不支持的价格类型 4",
    }


def test_6_malformed_json_is_a_500(real: SimHttp, book: SimulatorProcess) -> None:
    path = f"{API}/outer/trade/buy"
    for content in (b'{"symbol": ', b""):
        headers = {**real.headers("POST", path), "Content-Type": "application/json"}
        response = real.http.post(path, headers=headers, content=content)
        assert (response.status_code, response.text) == (500, "Internal Server Error")
        assert response.headers["content-type"].startswith("text/html")
    session = real.login("u1", "p1")
    in_session = session.post(
        f"{API}/sell", headers={"Content-Type": "application/json"}, content=b"{"
    )
    assert in_session.status_code == 500
    assert in_session.json()["error"] == "接口异常: sell_stock"
    session.close()


def test_6_credentials_are_checked_before_the_body_is_read(real: SimHttp) -> None:
    # The real decorator checks headers, timestamp and client id before get_json().
    path = f"{API}/orders"
    json_type = {"Content-Type": "application/json"}
    unsigned = real.http.post(path, headers=json_type, content=b'{"trader_index":')
    assert (unsigned.status_code, unsigned.json()) == (401, {"error": "缺少必要的签名验证参数"})
    stale = {"X-Client-ID": "c1", "X-Timestamp": "1", "X-Signature": "0" * 64, **json_type}
    expired = real.http.post(path, headers=stale, content=b"{")
    assert (expired.status_code, expired.json()) == (401, {"error": "请求时间戳过期"})
    stranger = {**real.headers("POST", path), "X-Client-ID": "nobody", **json_type}
    unknown = real.http.post(path, headers=stranger, content=b"{")
    assert (unknown.status_code, unknown.json()) == (401, {"error": "无效的客户端ID"})


def test_issue13_body_without_json_content_type_is_signed_as_empty(real: SimHttp) -> None:
    # The server sees no body without the JSON content type: it signs "" and
    # the client's signature over the body fails; signed over "" it gets further.
    path = f"{API}/orders"
    body = b'{"trader_index":0}'
    text_type = {"Content-Type": "text/plain"}
    over_body = {**real.headers("POST", path, {"trader_index": 0}), **text_type}
    refused = real.http.post(path, headers=over_body, content=body)
    assert (refused.status_code, refused.json()) == (401, {"error": "签名验证失败"})
    over_empty = {**real.headers("POST", path), **text_type}
    unsupported = real.http.post(path, headers=over_empty, content=body)
    assert unsupported.status_code == 500 and "415" in unsupported.text


def test_7_non_json_answers_are_html(real: SimHttp) -> None:
    missing = real.http.get("/qmt/trade/api/nothing")
    assert (missing.status_code, missing.text) == (404, "Not Found")
    wrong_method = real.http.get(f"{API}/orders")
    assert (wrong_method.status_code, wrong_method.text) == (500, "Internal Server Error")
    redirect = real.http.get("/logout")
    assert redirect.status_code == 302 and '<a href="/login">' in redirect.text
    for response in (missing, wrong_method, redirect):
        assert response.headers["content-type"].startswith("text/html")


def test_8_session_cookie_is_re_sent_with_an_expiry(real: SimHttp) -> None:
    login = httpx.post(f"{real.base_url}/login", data={"username": "u1", "password": "p1"})
    cookie = login.headers["set-cookie"]
    assert re.fullmatch(
        r"session=[^;]+; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; HttpOnly; Path=/",
        cookie,
    )
    session = real.login("u1", "p1")
    for path in (f"{API}/accounts", f"{API}/positions/0", "/trading"):
        again = session.get(path)
        assert again.headers["set-cookie"].startswith("session="), path
    assert "set-cookie" not in real.http.get(f"{API}/accounts").headers  # no session, no cookie
    session.close()


# ------------------------------------------------------ orders on /orders
def test_9_orders_carry_xtquant_price_types(real: SimHttp) -> None:
    for price_type in (0, 1, 2, 3, 5):
        body = {"symbol": "000001", "trade_price": 10.4, "order_num": 100, "price_type": price_type}
        real.ok("POST", "/outer/trade/buy", body)
    real.ok(
        "POST",
        "/outer/trade/buy",
        {"symbol": "600000", "trade_price": 9.0, "order_num": 100, "price_type": 2},
    )
    seen = [(o["symbol"], o["price_type"], o["price"]) for o in orders(real)]
    assert seen == [
        ("000001.SZ", 11, 10.4),  # FIX_PRICE at the limit
        ("000001.SZ", 5, 0.0),  # LATEST_PRICE, sent with price 0
        ("000001.SZ", 47, 0.0),  # best five IOC, Shenzhen
        ("000001.SZ", 45, 0.0),  # own side best
        ("000001.SZ", 44, 0.0),  # counter side best
        ("600000.SH", 42, 0.0),  # best five IOC, Shanghai
    ]


def test_10_result_messages_use_the_real_templates(real: SimHttp) -> None:
    buy = outcome(
        real, "/outer/trade/buy", {"symbol": "000001", "trade_price": 10.4, "order_num": 100}
    )
    assert (
        buy["message"] == f"买入限价单提交成功: 000001.SZ 100股 @10.4, OrderID: {buy['order_id']}"
    )
    bond = outcome(
        real, "/outer/trade/sell", {"symbol": "128013", "trade_price": 126, "order_num": 10}
    )
    assert (
        bond["message"] == f"卖出限价单提交成功: 128013.SZ 10股 @126, OrderID: {bond['order_id']}"
    )
    reduced = outcome(
        real, "/outer/trade/buy", {"symbol": "000001", "trade_price": 10.0, "order_num": 200_000}
    )
    assert reduced["order_num"] == 99_800  # what 998,960 of cash buys, silently
    assert reduced["message"].startswith("买入限价单提交成功: 000001.SZ 99800股 @10.0")


def test_11_allin_and_reverse_repo_orders(real: SimHttp) -> None:
    repo = outcome(real, "/trade/nhg", {"reserve_amount": 500_000})
    real.ok("POST", "/trade/allin", {"symbol": "000001", "cur_price": 10.5})
    (allin,) = [o for o in orders(real) if o["symbol"] == "000001.SZ"]
    assert (allin["strategy_name"], allin["side"]) == ("quant_1001", "buy")
    order = real.ok("POST", "/order", {"order_id": repo["order_id"], "trader_index": 0})
    assert (order["symbol"], order["side"], order["price_type"], order["strategy_name"]) == (
        "131810.SZ", "sell", 5, "",
    )  # fmt: skip
    assert order["status"] == 50  # resting like any order
    real.ok("POST", "/cancel_orders/sale", {"trader_index": 0})
    assert (
        real.ok("POST", "/order", {"order_id": repo["order_id"], "trader_index": 0})["status"] == 54
    )


def test_12_ratio_sell_rounding_to_zero_sells_everything(real: SimHttp) -> None:
    body = {"symbol": "000001", "trade_price": 10.6, "position_pct": 0.05, "trader_index": 0}
    assert outcome(real, "/outer/trade/sell", body)["order_num"] == 1000


# ------------------------------------------------- a frozen paper book
def test_frozen_book_executes_nothing(real: SimHttp) -> None:
    for price_type in (1, 2):  # a market order and an IOC rest instead of filling
        body = {"symbol": "000001", "trade_price": 10.5, "order_num": 100, "price_type": price_type}
        real.ok("POST", "/outer/trade/buy", body)
    real.tick(20)
    assert [o["status"] for o in orders(real)] == [50, 50]
    portfolio = real.ok("GET", "/portfolio/0")["portfolio"]
    # Frozen at the last price, without any fee.
    assert (portfolio["cash"], portfolio["frozen_cash"]) == (997_900.0, 2_100.0)
    quote = real.signed("GET", "/qmt/data/api/get_full_tick", query="stock_list=000001").json()
    assert quote["data"]["000001.SZ"]["lastPrice"] == 10.5


# -------------------------------------------------------------- issue 13
def test_issue13_allin_sized_to_the_last_yuan_becomes_junk(tmp_path: Path) -> None:
    """Sizing leaves nothing for the commission: 1,200 × 7.78 = 9,336 + 5 > 9,338.76."""
    raw = {
        **FROZEN_BOOK,
        "accounts": [{"account_id": "80000002", "cash": 9338.76}],
        "market": {"prices": {"000002.SZ": 7.78}},
        "fees": {"enabled": True},
    }
    with SimulatorProcess(tmp_path, raw) as sim:
        http = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
        answer = http.ok("POST", "/trade/allin", {"symbol": "000002", "cur_price": 7.78})
        assert answer["results"] == [{"trader_index": 0, "result": None, "status": "success"}]
        (order,) = orders(http)
        assert (order["volume"], order["status"], order["m_status"]) == (1200, 57, "废单")
        http.close()
