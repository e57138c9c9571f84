"""Inputs the client can judge never reach the server; constructor arguments are checked.

Every client here talks to a transport that fails the test if a request
arrives at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from qmt_facade import AsyncQMTTradeClient, QMTTradeClient, QMTValidationError
from qmt_facade.validation import MAX_SHARES

SECRET = "inputs-secret-77"


def _refuse_everything(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing should be sent, got {request.method} {request.url}")


@pytest.fixture
def client() -> Iterator[QMTTradeClient]:
    with QMTTradeClient("http://qmt.test", client_id="c", secret_key=SECRET) as c:
        c._http._transport = httpx.MockTransport(_refuse_everything)
        yield c


BAD_CALLS: list[tuple[str, Callable[[QMTTradeClient], Any], str]] = [
    ("shares", lambda c: c.buy("000001", 10.0, shares=2**63), "shares"),
    ("shares", lambda c: c.buy("000001", 10.0, shares=10**30), "shares"),
    ("shares", lambda c: c.sell("000001", 10.0, shares=MAX_SHARES + 100), "shares"),
    ("price", lambda c: c.buy("000001", float("inf"), shares=100), "price"),
    ("price", lambda c: c.buy("000001", float("nan"), shares=100), "price"),
    ("price", lambda c: c.buy("000001", 10**400, shares=100), "price"),  # OverflowError inside
    ("price", lambda c: c.buy("000001", 1e6, shares=100), "price"),
    ("position_pct", lambda c: c.buy("000001", 10.0, position_pct=10**400), "position_pct"),
    ("order_id", lambda c: c.get_order(2**63, 0), "order_id"),
    ("order_id", lambda c: c.cancel_order(10**40, 0), "order_id"),
    ("trader_index", lambda c: c.get_portfolio(2**63), "trader_index"),
    (
        "trader_index",
        lambda c: c.buy("000001", 10.0, shares=100, trader_index=10**6),
        "trader_index",
    ),
    ("trader_index", lambda c: c.cancel_all_buy_orders(2**64), "trader_index"),
    ("reserve_amount", lambda c: c.reverse_repo(10**400), "reserve_amount"),
    ("reserve_amount", lambda c: c.reverse_repo(1e14), "reserve_amount"),
    (
        "strategy_name",
        lambda c: c.buy("000001", 10.0, shares=100, strategy_name="a\ud800"),
        "strategy_name",
    ),
    (
        "strategy_name",
        lambda c: c.buy("000001", 10.0, shares=100, strategy_name="a\x00b"),
        "strategy_name",
    ),
    ("symbol", lambda c: c.buy("000001\ud800", 10.0, shares=100), "symbol"),
    (
        "client_order_id",
        lambda c: c.buy("000001", 10.0, shares=100, client_order_id="\ud800"),
        "client_order_id",
    ),
    (
        "client_order_id",
        lambda c: c.buy("000001", 10.0, shares=100, client_order_id="x" * 17),
        "client_order_id",
    ),
    ("username", lambda c: c.login("me\udc80", "pw"), "username"),
    ("password", lambda c: c.login("me", "pw\ud800"), "password"),
    # Past 4,300 digits an int cannot even be put into a message (ValueError).
    ("shares", lambda c: c.buy("000001", 10.0, shares=10**5000), "shares"),
    ("order_id", lambda c: c.get_order(10**5000, 0), "order_id"),
    ("trader_index", lambda c: c.get_positions(10**5000), "trader_index"),
    ("position_pct", lambda c: c.buy("000001", 10.0, position_pct=10**5000), "position_pct"),
    ("count", lambda c: c.get_market_data(["000001"], count=10**5000), "count"),
    ("count", lambda c: c.get_market_data(["000001"], count=2**63), "count"),
    ("cancelable_only", lambda c: c.get_orders(0, cancelable_only=10**5000), "cancelable_only"),
    ("timeout", lambda c: c.wait_for_order(1, 0, timeout=10**400), "timeout"),
    (
        "poll_interval",
        lambda c: c.wait_for_order(1, 0, poll_interval=float("inf")),
        "poll_interval",
    ),
]


@pytest.mark.parametrize(("name", "call", "field"), BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_refused_before_sending(
    client: QMTTradeClient, name: str, call: Callable[[QMTTradeClient], Any], field: str
) -> None:
    with pytest.raises(QMTValidationError) as info:
        call(client)
    assert info.value.field == field, info.value
    assert field in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"client_id": "", "secret_key": SECRET}, "client_id"),
        ({"client_id": 123, "secret_key": SECRET}, "client_id"),
        ({"client_id": "客户端", "secret_key": SECRET}, "client_id"),
        ({"client_id": " c", "secret_key": SECRET}, "client_id"),
        ({"client_id": "c", "secret_key": 123}, "secret_key"),
        ({"client_id": "c", "secret_key": ""}, "secret_key"),
        ({"client_id": "c", "secret_key": b""}, "secret_key"),
        ({"client_id": "c", "secret_key": SECRET + "\ud800"}, "secret_key"),
        ({"client_id": "c"}, "secret_key"),
        ({"timeout": 10**400}, "timeout"),
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 2.0}, "max_retries"),
        ({"max_retries": 11}, "max_retries"),
        ({"reconcile_window": -1}, "reconcile_window"),
        ({"reconcile_window": float("nan")}, "reconcile_window"),
        ({"reconcile_window": 301}, "reconcile_window"),
        ({"journal": 5}, "journal"),
        ({"journal": ""}, "journal"),
    ],
)
@pytest.mark.parametrize("cls", [QMTTradeClient, AsyncQMTTradeClient])
def test_constructor_arguments(cls: type[Any], kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(QMTValidationError) as info:
        cls("http://qmt.test", **kwargs)
    assert info.value.field == field
    assert SECRET not in str(info.value)
    if field == "secret_key":  # a secret is never echoed, whatever it is
        assert "123" not in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://user:pw-S3CRET@qmt.test:9091",
        "http://pw-S3CRET@qmt.test",
        "https://a:pw-S3CRET@qmt.test/base",
        "http://qmt.test/?client_secret=pw-S3CRET",
        "http://qmt.test/#pw-S3CRET",
    ],
)
def test_credentials_in_base_url_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(QMTValidationError) as info:
        QMTTradeClient(url, client_id="c", secret_key=SECRET)
    assert info.value.field == "base_url"
    assert "pw-S3CRET" not in str(info.value) and "pw-S3CRET" not in repr(info.value.value)


@pytest.mark.parametrize("url", ["ftp://qmt.test", "http://", "http://qmt.test:99999", 5])
def test_bad_base_urls(url: Any) -> None:
    with pytest.raises(QMTValidationError) as info:
        QMTTradeClient(url)
    assert info.value.field == "base_url"


def test_secret_not_in_vars_repr_or_httpx_logs(caplog: pytest.LogCaptureFixture) -> None:
    def ok(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"accounts": []})

    with (
        caplog.at_level(logging.DEBUG),
        QMTTradeClient("http://qmt.test:9091", client_id="c", secret_key=SECRET) as client,
    ):
        client._http._transport = httpx.MockTransport(ok)
        client.get_accounts()
        shown = repr(vars(client)) + repr(client) + repr(vars(client._settings))
    assert "HTTP Request" in caplog.text  # httpx did log the URL...
    assert SECRET not in caplog.text  # ...and nothing secret with it
    assert SECRET not in shown
