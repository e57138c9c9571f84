"""Faults a real server cannot easily produce, injected under the client's transport (respx)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx

from qmt_facade import (
    AsyncQMTTradeClient,
    QMTAPIError,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTNotFoundError,
    QMTTimeoutError,
    QMTTradeClient,
)

BASE = "http://qmt.test:9091"
API = f"{BASE}/qmt/trade/api"
SECRET = "fault-secret-9c1"
FLASK_500 = (
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to "
    "complete your request. Either the server is overloaded or there is an error in the "
    "application.</p>\n"
)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def client() -> Iterator[QMTTradeClient]:
    with QMTTradeClient(BASE, client_id="c", secret_key=SECRET, timeout=5, server_line="main") as c:
        yield c


def test_timeout_on_order_post_is_not_retried(
    mock: respx.MockRouter, client: QMTTradeClient
) -> None:
    route = mock.post(f"{API}/outer/trade/buy").mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(QMTTimeoutError) as info:
        client.buy("000001", price=10.5, shares=100)
    assert route.call_count == 1
    text = str(info.value)
    assert isinstance(info.value, QMTConnectionError)
    assert "服务器可能已执行该请求" in text and "get_orders" in text and "不要直接重试" in text
    assert SECRET not in text


def test_timeout_on_a_query_does_not_warn_about_orders(
    mock: respx.MockRouter, client: QMTTradeClient
) -> None:
    route = mock.get(f"{API}/portfolio/0").mock(side_effect=httpx.ConnectTimeout("timed out"))
    with pytest.raises(QMTTimeoutError) as info:
        client.get_portfolio(0)
    assert route.call_count == 1 and "服务器可能已执行该请求" not in str(info.value)


async def test_async_timeout_on_order_post_is_not_retried(mock: respx.MockRouter) -> None:
    route = mock.post(f"{API}/cancel_orders/sale").mock(side_effect=httpx.ReadTimeout("timed out"))
    async with AsyncQMTTradeClient(BASE, client_id="c", secret_key=SECRET, server_line="main") as c:
        with pytest.raises(QMTTimeoutError, match="服务器可能已执行该请求"):
            await c.cancel_all_sell_orders()
    assert route.call_count == 1


def test_connection_reset(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    route = mock.post(f"{API}/orders").mock(side_effect=httpx.ReadError("Connection reset by peer"))
    with pytest.raises(QMTConnectionError) as info:
        client.get_orders(0)
    assert not isinstance(info.value, QMTTimeoutError)
    assert "连接失败，请检查服务器地址" in str(info.value) and BASE in str(info.value)
    assert route.call_count == 1


def test_html_500_page(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.post(f"{API}/outer/trade/sell").mock(
        return_value=httpx.Response(
            500, text=FLASK_500, headers={"content-type": "text/html; charset=utf-8"}
        )
    )
    with pytest.raises(QMTAPIError) as info:
        client.sell("000001", price=10.5, shares=100)
    text = str(info.value)
    assert info.value.status_code == 500
    assert "Internal Server Error" in text
    assert "<" not in text and "Traceback" not in text and len(text) < 400


def test_text_404(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.post(f"{API}/cancel_order").mock(
        return_value=httpx.Response(404, text="Not Found", headers={"content-type": "text/plain"})
    )
    with pytest.raises(QMTNotFoundError) as info:
        client.cancel_order(5, 0)
    assert info.value.status_code == 404 and "Not Found" in str(info.value)


def test_200_missing_field_is_api_error(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.get(f"{API}/portfolio/0").mock(
        return_value=httpx.Response(200, json={"portfolio": {"cash": 1.0}})
    )
    with pytest.raises(QMTAPIError) as info:
        client.get_portfolio(0)
    assert not isinstance(info.value, KeyError)
    assert info.value.status_code == 200 and "协议" in str(info.value)


def test_200_wrong_shape_is_api_error(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.post(f"{API}/orders").mock(return_value=httpx.Response(200, json={"orders": "nope"}))
    with pytest.raises(QMTAPIError):
        client.get_orders(0)


def test_200_html_on_api_route_is_api_error(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.get(f"{API}/accounts").mock(
        return_value=httpx.Response(
            200, text="<html>login</html>", headers={"content-type": "text/html"}
        )
    )
    with pytest.raises(QMTAPIError) as info:
        client.get_accounts()
    assert info.value.status_code == 200


def test_200_invalid_json_is_api_error(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.get(f"{API}/positions/0").mock(
        return_value=httpx.Response(
            200, content=b'{"positions": [', headers={"content-type": "application/json"}
        )
    )
    with pytest.raises(QMTAPIError):
        client.get_positions(0)


def test_401_json(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.get(f"{API}/accounts").mock(
        return_value=httpx.Response(401, json={"error": "请求时间戳过期"})
    )
    with pytest.raises(QMTAuthenticationError) as info:
        client.get_accounts()
    assert info.value.status_code == 401 and "请求时间戳过期" in str(info.value)
    assert "认证失败，请检查登录状态或API密钥" in str(info.value)
    assert SECRET not in str(info.value)


def test_500_json_carries_server_message(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.post(f"{API}/trade/nhg").mock(
        return_value=httpx.Response(500, json={"error": "接口异常: nhg", "message": "boom"})
    )
    with pytest.raises(QMTAPIError) as info:
        client.reverse_repo()
    assert (info.value.error, info.value.server_message, info.value.status_code) == (
        "接口异常: nhg",
        "boom",
        500,
    )
