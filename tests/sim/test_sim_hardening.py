"""The simulator refuses what a paper-trading server left running should refuse (issue 10).

Sessions (secret, logout, removed users, future cookies), text that cannot be
stored, numbers that would overflow the book, the cost of /sim/tick, the
command line's port and config checks, and the answers the spec lists.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_support import load_spec
from response_contract import ResponseContract
from sim_http import API, SimHttp, run_cli, sample_config

from qmt_sim.auth import SessionSigner
from qmt_sim.calls import MAX_PRICE
from qmt_sim.shared_routes import MAX_TICK_STEPS
from qmt_sim.testing import SimulatorProcess

NOT_LOGGED_IN = {"error": "未登录或缺少必要的签名验证参数"}
SECRET = "a-secret-of-this-test"


def accounts_with_cookie(base_url: str, cookie: str) -> httpx.Response:
    return httpx.get(f"{base_url}{API}/accounts", headers={"Cookie": f"session={cookie}"})


def login_cookie(sim: SimulatorProcess) -> str:
    response = httpx.post(
        f"{sim.base_url}/login", data={"username": sim.username, "password": sim.password}
    )
    assert response.status_code == 302, response.text
    return response.cookies["session"]


def with_secret(secret: str | None) -> dict[str, Any]:
    raw = sample_config()
    raw["server"] = {**(raw.get("server") or {}), "session_secret": secret}
    return raw


# ------------------------------------------------------------------ sessions
def test_without_a_configured_secret_each_database_has_its_own(tmp_path: Path) -> None:
    assert "session_secret" not in (sample_config().get("server") or {})
    first = SimulatorProcess(tmp_path / "first")
    with first:
        cookie = login_cookie(first)
        assert accounts_with_cookie(first.base_url, cookie).status_code == 200
        # The sample's old public secret no longer signs anything.
        forged = SessionSigner("change-me", ["demo"]).issue("demo")
        refused = accounts_with_cookie(first.base_url, forged)
        assert (refused.status_code, refused.json()) == (401, NOT_LOGGED_IN)
    with first:  # the secret is kept in the database: the cookie survives a restart
        assert accounts_with_cookie(first.base_url, cookie).status_code == 200
    with SimulatorProcess(tmp_path / "second") as second:  # another database, another secret
        assert accounts_with_cookie(second.base_url, cookie).status_code == 401


def test_the_sample_secret_draws_a_warning(tmp_path: Path) -> None:
    with SimulatorProcess(tmp_path / "public", with_secret("change-me")) as sim:
        assert "session_secret is the public sample value" in sim.log_tail()
    with SimulatorProcess(tmp_path / "own", with_secret(SECRET)) as sim:
        assert "session_secret" not in sim.log_tail()


def test_logout_revokes_the_cookie_for_good(tmp_path: Path) -> None:
    sim = SimulatorProcess(tmp_path)
    with sim:
        captured = login_cookie(sim)
        other = login_cookie(sim)  # a second login of the same user stays valid
        logout = httpx.get(f"{sim.base_url}/logout", headers={"Cookie": f"session={captured}"})
        assert logout.status_code == 302
        replayed = accounts_with_cookie(sim.base_url, captured)
        assert (replayed.status_code, replayed.json()) == (401, NOT_LOGGED_IN)
        buy = httpx.post(
            f"{sim.base_url}{API}/buy",
            json={"symbol": "000001", "price": 10.5, "shares": 100},
            headers={"Cookie": f"session={captured}"},
        )
        assert (buy.status_code, buy.json()) == (401, {"error": "未登录，请先登录"})
        assert accounts_with_cookie(sim.base_url, other).status_code == 200
    with sim:  # the revocation is on disk
        assert accounts_with_cookie(sim.base_url, captured).status_code == 401
        assert accounts_with_cookie(sim.base_url, other).status_code == 200


def test_a_refreshed_cookie_is_revoked_with_its_login(tmp_path: Path) -> None:
    with SimulatorProcess(tmp_path) as sim:
        first = login_cookie(sim)
        time.sleep(1.1)  # a refresh re-signs with a new issue time
        refreshed = accounts_with_cookie(sim.base_url, first).cookies["session"]
        assert refreshed != first
        httpx.get(f"{sim.base_url}/logout", headers={"Cookie": f"session={refreshed}"})
        assert accounts_with_cookie(sim.base_url, first).status_code == 401
        assert accounts_with_cookie(sim.base_url, refreshed).status_code == 401


def test_a_cookie_of_a_user_no_longer_configured_is_refused(tmp_path: Path) -> None:
    raw = with_secret(SECRET)
    sim = SimulatorProcess(tmp_path, raw)
    with sim:
        cookie = login_cookie(sim)
        assert accounts_with_cookie(sim.base_url, cookie).status_code == 200
        # Signed with the right secret, for a user that was never configured.
        ghost = SessionSigner(SECRET, ["ghost"]).issue("ghost")
        assert accounts_with_cookie(sim.base_url, ghost).status_code == 401
    raw["users"] = [{"username": "someone-else", "password": "pw"}]
    with SimulatorProcess(tmp_path, raw) as renamed:  # same database, demo removed
        assert accounts_with_cookie(renamed.base_url, cookie).status_code == 401


def test_a_cookie_issued_in_the_future_is_refused(tmp_path: Path) -> None:
    with SimulatorProcess(tmp_path, with_secret(SECRET)) as sim:
        now = SessionSigner(SECRET, ["demo"]).issue("demo")
        assert accounts_with_cookie(sim.base_url, now).status_code == 200
        later = SessionSigner(SECRET, ["demo"], now=lambda: time.time() + 3600).issue("demo")
        refused = accounts_with_cookie(sim.base_url, later)
        assert (refused.status_code, refused.json()) == (401, NOT_LOGGED_IN)


# ------------------------------------------------------- text and numbers
LONE_SURROGATE = "\ud800"


def signed_raw(http: SimHttp, path: str, body: dict[str, Any]) -> httpx.Response:
    """A signed POST whose body keeps the JSON escape ``\\ud800`` as sent."""
    text = json.dumps(body)  # ensure_ascii: the surrogate travels as an escape
    headers = http.headers("POST", path, body)
    headers["Content-Type"] = "application/json"
    return http.http.post(path, headers=headers, content=text.encode())


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/outer/trade/buy",
            {"symbol": "000001", "trade_price": 10.5, "order_num": 100, "strategy_name": "S"},
            "strategy_name",
        ),
        (
            "/outer/trade/buy",
            {"symbol": "000001", "trade_price": 10.5, "position_pct": 0.01, "strategy_name": "S"},
            "strategy_name",
        ),
        (
            "/outer/trade/sell",
            {"symbol": "000001", "trade_price": 10.5, "order_num": 100, "strategy_name": "S"},
            "strategy_name",
        ),
        ("/outer/trade/buy", {"symbol": "S", "trade_price": 10.5, "order_num": 100}, "symbol"),
    ],
)
def test_a_lone_surrogate_is_a_clean_400(
    http: SimHttp, path: str, body: dict[str, Any], field: str
) -> None:
    sent = {k: (f"x{LONE_SURROGATE}" if v == "S" else v) for k, v in body.items()}
    response = signed_raw(http, API + path, sent)
    assert response.status_code == 400
    assert response.json() == {"error": f"{field} 含有无法编码的字符（孤立的 UTF-16 代理项）"}
    assert http.ok("POST", "/orders", {"trader_index": 0}) == []  # nothing placed
    # The connection was not reset: the same client goes on.
    assert http.ok("GET", "/accounts")["accounts"][0]["index"] == 0


def test_a_lone_surrogate_on_a_session_route_is_a_clean_400(
    sim: SimulatorProcess, http: SimHttp
) -> None:
    assert sim.username and sim.password
    session = http.login(sim.username, sim.password)
    for path, body in (
        ("/buy", {"symbol": "000001", "price": 10.5, "shares": 100}),
        ("/sell", {"symbol": "000001", "price": 10.5, "shares": 100}),
        ("/trade", {"symbol": "000001", "trade_price": 10.5, "position_pct": 0.01}),
    ):
        text = json.dumps({**body, "strategy_name": LONE_SURROGATE})
        response = session.post(
            API + path, content=text.encode(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, (path, response.text)
        assert response.json()["error"].startswith("strategy_name 含有无法编码的字符")
    session.close()


def trade(price: float, quantity: float) -> dict[str, Any]:
    return {"symbol": "000001", "trade_price": price, "order_num": quantity}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/outer/trade/buy", trade(1e308, 100), "trade_price"),
        ("/outer/trade/sell", trade(1e308, 100), "trade_price"),
        ("/outer/trade/sell", trade(1e15, 100), "trade_price"),
        ("/outer/trade/buy", trade(10.5, 10**20), "order_num"),
        ("/outer/trade/sell", trade(10.5, 1e20), "order_num"),
        ("/trade/allin", {"symbol": "000001", "cur_price": 1e308}, "cur_price"),
        ("/cancel_order", {"order_id": 2**63}, "order_id"),
        ("/cancel_order", {"order_id": -(2**63) - 1}, "order_id"),
        ("/order", {"order_id": 2**63}, "order_id"),
        ("/order", {"order_id": 10**30}, "order_id"),
    ],
)
def test_overflowing_numbers_are_clean_400s_naming_the_field(
    http: SimHttp, path: str, body: dict[str, Any], field: str
) -> None:
    response = http.api("POST", path, {**body, "trader_index": 0})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error.startswith(f"{field} 超出范围"), error
    assert "convert" not in error and "too large" not in error
    assert http.ok("POST", "/orders", {"trader_index": 0}) == []


def test_the_largest_price_still_trades(http: SimHttp) -> None:
    body = {"symbol": "000001", "trade_price": MAX_PRICE, "order_num": 100, "trader_index": 0}
    result = http.ok("POST", "/outer/trade/sell", body)["results"][0]["result"]
    assert result["success"] is True  # placed; the broker then rejects the price (57)
    (order,) = http.ok("POST", "/orders", {"trader_index": 0})
    assert order["status"] == 57


def test_session_shares_overflow_is_a_clean_400(sim: SimulatorProcess, http: SimHttp) -> None:
    assert sim.username and sim.password
    session = http.login(sim.username, sim.password)
    response = session.post(
        f"{API}/sell", json={"symbol": "000001", "price": 10.5, "shares": 1e300}
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("shares 超出范围")
    session.close()


# ----------------------------------------------------------------- /sim/tick
def test_sim_tick_is_capped_at_one_trading_day(http: SimHttp) -> None:
    for steps in (MAX_TICK_STEPS + 1, 100_000):
        refused = http.signed("POST", "/sim/tick", {"steps": steps})
        assert (refused.status_code, refused.json()) == (
            400,
            {"error": f"steps 必须是 1 到 {MAX_TICK_STEPS} 之间的整数"},
        )
    assert http.tick(MAX_TICK_STEPS)["tick"] == MAX_TICK_STEPS


# ------------------------------------------------------------ command line
def test_cli_refuses_an_invalid_port_before_creating_anything(tmp_path: Path) -> None:
    db = tmp_path / "never.sqlite3"
    result = run_cli("--port", "70000", "--db", str(db))
    assert result.returncode == 2
    assert "--port" in result.stderr and "70000" in result.stderr
    assert "Traceback" not in result.stderr
    assert "listening" not in result.stdout
    assert not db.exists()


def test_cli_refuses_a_taken_port_before_creating_anything(tmp_path: Path) -> None:
    db = tmp_path / "never.sqlite3"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port), "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.startswith(f"qmt-sim: cannot listen on 127.0.0.1:{port}: ")
    assert "Traceback" not in result.stderr
    assert "listening" not in result.stdout
    assert not db.exists()


@pytest.mark.parametrize(
    ("yaml_text", "named"),
    [
        (
            "accounts: [{account_id: '1', cash: 5, postions: []}]\n",
            "unknown key accounts[0].postions (known: account_id, nick_name, cash, positions,"
            " account_type)",
        ),
        (
            "accounts: [{account_id: '1', cash: 5}]\nmarket: {tick_second: 0}\n",
            "unknown key market.tick_second (known: seed, tick_seconds,",
        ),
        (
            "accounts: [{account_id: '1', cash: 5}]\nserver: {latency: 20, line: main}\n",
            "unknown key server.latency (known:",
        ),
        ("accounts: [{account_id: '1', cash: 5}]\nmarkets: {}\n", "unknown key markets (known:"),
    ],
)
def test_cli_rejects_unknown_config_keys_naming_them(
    tmp_path: Path, yaml_text: str, named: str
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("outer_api_clients: [{client_id: a, secret_key: b}]\n" + yaml_text)
    db = tmp_path / "never.sqlite3"
    result = run_cli("--config", str(config), "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.startswith(f"qmt-sim: config.yaml: {named}"), result.stderr
    assert not db.exists()


# -------------------------------------------------- answers the spec lists
def spec_statuses(path: str, method: str) -> dict[int, set[str]]:
    """Status -> media types the spec lists for one operation."""
    spec = load_spec()
    operation = spec["paths"][path][method]
    listed: dict[int, set[str]] = {}
    for status, answer in operation["responses"].items():
        if "$ref" in answer:
            answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
        listed[int(status)] = set(answer.get("content", {}))
    return listed


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


def test_market_data_bad_count_and_missing_stock_list_are_listed(
    http: SimHttp, response_contract: ResponseContract
) -> None:
    path = "/qmt/data/api/get_market_data_ex"
    listed = spec_statuses(path, "get")
    bad_count = http.signed("GET", path, query="stock_list=000001&count=abc")
    assert (bad_count.status_code, bad_count.json()) == (
        500,
        {
            "error": "接口异常: get_market_data_ex",
            "message": "invalid literal for int() with base 10: 'abc'",
        },
    )
    missing = http.signed("GET", path)
    assert (missing.status_code, missing.json()) == (400, {"error": "缺少必要参数: stock_list"})
    for answer in (bad_count, missing):
        assert media_type(answer) in listed[answer.status_code]
    assert not response_contract.violations  # and their bodies match the listed schemas


def test_a_negative_index_in_the_path_is_the_listed_404(http: SimHttp) -> None:
    for route in ("portfolio", "positions"):
        answer = http.signed("GET", f"{API}/{route}/-1")
        assert (answer.status_code, answer.text) == (404, "Not Found")
        listed = spec_statuses(f"{API}/{route}/{{trader_index}}", "get")
        assert media_type(answer) in listed[404]


@pytest.mark.parametrize("order_id", ["abc", "1000001", 1000001.0, True, None, [1]])
def test_cancel_order_never_echoes_a_non_integer_id(http: SimHttp, order_id: Any) -> None:
    response = http.api("POST", "/cancel_order", {"order_id": order_id, "trader_index": 0})
    assert (response.status_code, response.json()) == (400, {"error": "order_id 必须是整数"})


def test_cancel_order_of_an_unknown_integer_id_still_answers_the_real_failure(
    http: SimHttp,
) -> None:
    answer = http.ok("POST", "/cancel_order", {"order_id": 42, "trader_index": 0})
    assert answer == {"success": False, "order_id": 42, "message": "撤单失败: OrderID 42"}


# --------------------------------------------------------------- OPTIONS
def test_options_lists_every_method_of_the_path_like_flask(http: SimHttp) -> None:
    cases = {
        "/login": "GET, HEAD, OPTIONS, POST",
        "/config": "GET, HEAD, OPTIONS, POST",
        "/logout": "GET, HEAD, OPTIONS",
        f"{API}/orders": "OPTIONS, POST",
        f"{API}/portfolio/0": "GET, HEAD, OPTIONS",
    }
    for path, allow in cases.items():
        answer = http.http.options(path)
        assert (answer.status_code, answer.headers["allow"], answer.text) == (200, allow, "")
    assert http.http.options("/nowhere").status_code == 404
