"""The upstream server line (``server.line: upstream``): each difference the reference lists.

Each test states the upstream answer as shared/reference/server-protocol.md
("The upstream server line: how it differs") writes it, and, where the point
is the difference, the main line's answer to the same request.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from response_contract import ResponseContract
from sim_http import API, SimHttp, sign

from qmt_sim.testing import SimulatorProcess, free_port


@pytest.fixture
def upstream_sim(tmp_path: Path) -> Iterator[SimulatorProcess]:
    with SimulatorProcess(tmp_path / "upstream", line="upstream") as process:
        yield process


@pytest.fixture
def up(upstream_sim: SimulatorProcess, response_contract: ResponseContract) -> Iterator[SimHttp]:
    client = SimHttp(
        upstream_sim.base_url,
        upstream_sim.client_id,
        upstream_sim.secret_key,
        [response_contract.sync_hook],
    )
    yield client
    client.close()


def session_of(sim: SimulatorProcess, http: SimHttp) -> httpx.Client:
    assert sim.username and sim.password
    return http.login(sim.username, sim.password)


def orders_of(http: SimHttp, index: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = http.ok("POST", "/orders", {"trader_index": index})
    return found


def sellable(http: SimHttp, index: int, symbol: str) -> int:
    positions = http.ok("GET", f"/positions/{index}")["positions"]
    return next((p["can_use_volume"] for p in positions if p["symbol"] == symbol), 0)


# ------------------------------------------------------------ route inventory
def test_session_buy_does_not_exist(upstream_sim: SimulatorProcess, up: SimHttp) -> None:
    session = session_of(upstream_sim, up)
    response = session.post(f"{API}/buy", json={"symbol": "000001", "price": 10.5, "shares": 100})
    assert (response.status_code, response.text) == (404, "Not Found")
    assert response.headers["content-type"].startswith("text/html")
    session.close()


def test_market_data_and_send_msg_are_served(up: SimHttp) -> None:
    tick = up.signed("GET", "/qmt/data/api/get_full_tick", query="stock_list=000001")
    assert tick.status_code == 200 and "000001.SZ" in tick.json()["data"]
    sent = up.signed("POST", "/send_msg", {"msg": "hello"})
    assert (sent.status_code, sent.json()) == (
        200,
        {"message": "消息发送成功", "status": "success"},
    )


# ------------------------------------------------------------- authentication
def test_url_secret_authenticates_alone(up: SimHttp) -> None:
    secret = {"client_id": up.client_id, "client_secret": up.secret_key}
    accounts = up.http.get(f"{API}/accounts", params=secret)
    assert accounts.status_code == 200 and len(accounts.json()["accounts"]) == 2
    # X-* headers are ignored: a bad signature next to a good URL secret passes ...
    bad_headers = {**up.headers("GET", f"{API}/accounts"), "X-Signature": "0" * 64}
    assert up.http.get(f"{API}/accounts", params=secret, headers=bad_headers).status_code == 200
    # ... and a wrong URL secret next to a valid header signature is refused.
    wrong = {"client_id": up.client_id, "client_secret": "nope"}
    query = httpx.QueryParams(wrong)
    valid = up.headers("GET", f"{API}/accounts", query=str(query))
    refused = up.http.get(f"{API}/accounts", params=query, headers=valid)
    assert (refused.status_code, refused.json()) == (401, {"error": "客户端密钥错误"})
    unknown = up.http.get(f"{API}/accounts", params={"client_id": "x", "client_secret": "y"})
    assert (unknown.status_code, unknown.json()) == (401, {"error": "无效的客户端ID"})


def test_url_secret_works_on_posts_but_not_on_session_routes(up: SimHttp) -> None:
    secret = {"client_id": up.client_id, "client_secret": up.secret_key}
    listed = up.http.post(f"{API}/orders", params=secret, json={"trader_index": 0})
    assert (listed.status_code, listed.json()) == (200, [])
    session_only = up.http.post(
        f"{API}/sell", params=secret, json={"symbol": "000001", "price": 10.5, "shares": 100}
    )
    assert (session_only.status_code, session_only.json()) == (401, {"error": "未登录，请先登录"})


def test_main_line_refuses_the_url_secret(http: SimHttp) -> None:
    secret = {"client_id": http.client_id, "client_secret": http.secret_key}
    listed = http.http.post(f"{API}/orders", params=secret, json={"trader_index": 0})
    assert (listed.status_code, listed.json()) == (401, {"error": "缺少必要的签名验证参数"})


def test_half_a_url_secret_falls_through_to_signatures(up: SimHttp) -> None:
    for params in ({"client_id": up.client_id}, {"client_id": up.client_id, "client_secret": ""}):
        response = up.http.post(f"{API}/orders", params=params, json={"trader_index": 0})
        assert (response.status_code, response.json()) == (
            401,
            {"error": "缺少必要的签名验证参数"},
        )


def signed_with_query_fields(http: SimHttp) -> httpx.Response:
    """Client id and timestamp in the query, only the signature in a header."""
    path = f"{API}/accounts"
    timestamp = str(int(time.time()))
    query = f"client_id={http.client_id}&timestamp={timestamp}"
    # The raw query is still signed, with the fields found there.
    signature = sign(http.secret_key, "GET", path, query, "", timestamp, http.client_id)
    return http.http.get(f"{path}?{query}", headers={"X-Signature": signature})


def test_signature_fields_may_come_from_the_query(up: SimHttp, http: SimHttp) -> None:
    assert signed_with_query_fields(up).status_code == 200
    refused = signed_with_query_fields(http)  # the main line
    assert (refused.status_code, refused.json()) == (
        401,
        {"error": "未登录或缺少必要的签名验证参数"},
    )


# -------------------------------------------------------- signed trade route
def test_outer_trade_requires_position_pct_and_ignores_order_num(up: SimHttp) -> None:
    alone = up.api(
        "POST", "/outer/trade/buy", {"symbol": "000001", "trade_price": 10.5, "order_num": 100}
    )
    assert (alone.status_code, alone.json()) == (
        400,
        {"error": "缺少必要参数: symbol, trade_price, position_pct"},
    )
    both = up.ok(
        "POST",
        "/outer/trade/buy",
        {
            "symbol": "000001",
            "trade_price": 10.5,
            "position_pct": 0.01,
            "order_num": 100,
            "trader_index": 1,
        },
    )
    # 1 % of account 1's 510,500 total assets at 10.5: 400 shares, not the 100 asked for.
    assert both["results"][0]["result"]["order_num"] == 400


def test_outer_trade_answer_is_lean_and_numbers_by_position(up: SimHttp) -> None:
    body = up.ok(
        "POST",
        "/outer/trade/buy",
        {
            "symbol": "000001",
            "trade_price": 10.5,
            "position_pct": 0.01,
            "trader_index": 1,
            "strategy_name": "S1",
        },
    )
    assert set(body) == {"message", "operation", "strategy_name", "results"}
    assert (body["message"], body["operation"], body["strategy_name"]) == (
        "第三方buy交易执行完成",
        "buy",
        "S1",
    )
    (entry,) = body["results"]
    assert entry["trader_index"] == 0  # the position within the chosen accounts, not 1
    (order,) = orders_of(up, 1)
    assert order["strategy_name"] == "quant_1002"  # never the request's strategy_name


def test_outer_trade_has_no_range_check_and_checks_the_index_first(up: SimHttp) -> None:
    capped = up.ok(
        "POST",
        "/outer/trade/buy",
        {"symbol": "000001", "trade_price": 10.5, "position_pct": 1.5, "trader_index": 1},
    )
    assert capped["results"][0]["result"]["order_num"] == 47_600  # capped at the cash: 500,000
    negative = up.ok(
        "POST",
        "/outer/trade/buy",
        {"symbol": "000001", "trade_price": 10.5, "position_pct": -0.5, "trader_index": 0},
    )
    result = negative["results"][0]["result"]
    assert (result["success"], result["error"]) == (False, "Insufficient funds")
    bad_index = up.api(
        "POST",
        "/outer/trade/buy",
        {"symbol": "000001", "trade_price": 10.5, "position_pct": 0.1, "trader_index": 3},
    )
    assert (bad_index.status_code, bad_index.json()) == (400, {"error": "无效的交易器索引: 3"})


def test_string_position_pct_fails_inside_the_retry_loop(up: SimHttp, http: SimHttp) -> None:
    body = up.ok(
        "POST",
        "/outer/trade/buy",
        {"symbol": "000001", "trade_price": 10.5, "position_pct": "0.1", "trader_index": 0},
    )
    assert body["results"][0] == {
        "trader_index": 0,
        "status": "success",
        "result": {
            "success": False,
            "symbol": "000001",  # unsuffixed
            "order_num": 0,
            "price": 10.5,
            "value": 0,
            "order_result": None,
            "message": "获取账户信息失败，重试3次后仍然失败: "
            "can't multiply sequence by non-int of type 'float'",
        },
    }
    assert orders_of(up, 0) == []
    main = http.api(
        "POST", "/outer/trade/buy", {"symbol": "000001", "trade_price": 10.5, "position_pct": "0.1"}
    )
    assert main.status_code == 500 and main.json()["error"] == "接口异常: outer_trade"


# --------------------------------------------------------- sizing: lot of 100
def test_bonds_trade_in_lots_of_100(upstream_sim: SimulatorProcess, up: SimHttp) -> None:
    bond = up.ok(
        "POST",
        "/outer/trade/buy",
        {"symbol": "128013", "trade_price": 125.5, "position_pct": 0.01, "trader_index": 0},
    )["results"][0]["result"]
    assert bond == {
        "success": False,
        "symbol": "128013.SZ",
        "order_num": 0,
        "price": 125.5,
        "error": "Insufficient funds",
        "message": "指定仓位资金不足: 最低100股需要:12550.00, 当前可用:1000000.0",
    }
    session = session_of(upstream_sim, up)
    sold = session.post(f"{API}/sell", json={"symbol": "128013", "price": 125.5, "shares": 50})
    assert sold.json()["results"][0]["result"]["message"] == "卖出股数不足100股: 50"
    session.close()


def test_ratio_sell_of_bonds_rounding_to_zero_sells_all(up: SimHttp, http: SimHttp) -> None:
    body = {"symbol": "128013", "trade_price": 125.5, "position_pct": 0.5, "trader_index": 0}
    upstream = up.ok("POST", "/outer/trade/sell", body)["results"][0]["result"]
    assert upstream["order_num"] == 100  # 0.5 of 100 floors to 0 lots of 100: everything
    main = http.ok("POST", "/outer/trade/sell", body)["results"][0]["result"]
    assert main["order_num"] == 50  # the main line's bond lot is 10


# ------------------------------------------------------------ session routes
def test_session_sell_reads_only_symbol_price_and_shares(
    upstream_sim: SimulatorProcess, up: SimHttp
) -> None:
    session = session_of(upstream_sim, up)
    sold = session.post(
        f"{API}/sell",
        json={
            "symbol": "000001",
            "price": 12.0,
            "shares": 150,
            "price_type": 1,
            "trader_index": 5,
            "strategy_name": "S",
        },
    )
    assert sold.status_code == 200 and sold.json()["message"] == "卖出执行完成"
    assert [r["trader_index"] for r in sold.json()["results"]] == [0, 1]  # every account
    for index, strategy in ((0, "quant_1001"), (1, "quant_1002")):
        (order,) = orders_of(up, index)
        # 150 is sent as is (no lot rounding), always as a limit order (FIX_PRICE 11).
        assert (order["volume"], order["price_type"], order["price"]) == (150, 11, 12.0)
        assert order["strategy_name"] == strategy
    session.close()


def test_session_trade_ignores_strategy_and_index(
    upstream_sim: SimulatorProcess, up: SimHttp
) -> None:
    session = session_of(upstream_sim, up)
    traded = session.post(
        f"{API}/trade",
        json={
            "symbol": "000001",
            "trade_price": 10.5,
            "position_pct": 0.01,
            "trader_index": 7,
            "strategy_name": "S",
        },
    )
    assert traded.status_code == 200 and traded.json()["message"] == "交易执行完成"
    assert [r["trader_index"] for r in traded.json()["results"]] == [0, 1]
    assert [orders_of(up, i)[0]["strategy_name"] for i in (0, 1)] == ["quant_1001", "quant_1002"]
    session.close()


# -------------------------------------------------------------- reverse repo
def test_reverse_repo_lends_all_cash_and_reports_nothing(up: SimHttp) -> None:
    body = up.ok("POST", "/trade/nhg", {"reserve_amount": 499_000, "trader_index": 1})
    assert body == {"message": "逆回购完成", "results": [{"trader_index": 0, "status": "success"}]}
    (order,) = orders_of(up, 1)
    assert (order["symbol"], order["side"], order["volume"]) == ("131810.SZ", "sell", 5000)
    assert (order["price_type"], order["price"], order["strategy_name"]) == (5, 0, "")
    # Nothing left to lend: still "success", and only /orders shows that nothing went in.
    again = up.ok("POST", "/trade/nhg", {"trader_index": 1})
    assert again["results"] == [{"trader_index": 0, "status": "success"}]
    assert len(orders_of(up, 1)) == 1


def test_reverse_repo_needs_a_json_object(up: SimHttp) -> None:
    path = f"{API}/trade/nhg"
    no_type = up.http.post(path, headers=up.headers("POST", path), content=b"{}")
    assert no_type.status_code == 500 and "415 Unsupported Media Type" in no_type.json()["message"]
    null = up.http.post(
        path,
        headers={**up.headers("POST", path), "Content-Type": "application/json"},
        content=b"null",
    )
    assert null.status_code == 500 and null.json()["error"] == "接口异常: nhg"


# --------------------------------------------------------- shared routes, upstream numbering
def test_allin_and_bulk_cancel_number_by_position(up: SimHttp) -> None:
    allin = up.ok(
        "POST", "/trade/allin", {"symbol": "000001", "cur_price": 10.5, "trader_index": 1}
    )
    assert allin == {
        "message": "全仓买入完成",
        "results": [{"trader_index": 0, "result": None, "status": "success"}],
    }
    (order,) = orders_of(up, 1)
    assert (order["strategy_name"], order["volume"]) == ("quant_1002", 47_600)
    cancel = up.ok("POST", "/cancel_orders/buy", {"trader_index": 1})
    assert cancel["results"] == [{"trader_index": 0, "status": "success"}]


def test_cli_plays_the_upstream_line(tmp_path: Path) -> None:
    """``qmt-sim --line upstream`` overrides the config's server.line."""
    sim = SimulatorProcess(tmp_path)  # writes the config; started by hand below
    port = free_port()
    command = [
        sys.executable, "-m", "qmt_sim", "--config", str(sim.config_path),
        "--db", str(sim.db_path), "--port", str(port), "--line", "upstream",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert "upstream line" in banner
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.post(f"http://127.0.0.1:{port}{API}/buy", json={})
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "simulator did not start"
                time.sleep(0.05)
        assert (response.status_code, response.text) == (404, "Not Found")
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
