"""How failures are classified, injected under the client's transport (respx).

Only faults a real process cannot easily produce belong here (a connect
timeout, a write error, a non-standard status, exact answer shapes); the
proxy tests in tests/integration/test_network_faults.py drop, delay and
garble real connections to the simulator.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from qmt_facade import (
    AsyncQMTTradeClient,
    QMTAPIError,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTNotFoundError,
    QMTOrderStateUnknownError,
    QMTTimeoutError,
    QMTTradeClient,
    QMTUnsupportedError,
)
from qmt_facade.errors import DO_NOT_RESEND_TEXT
from qmt_facade.retries import RetryPolicy
from qmt_facade.server_lines import ServerLine

BASE = "http://qmt.test:9091"
API = f"{BASE}/qmt/trade/api"
SECRET = "fault-secret-9c1"
FAST_RETRY = RetryPolicy(max_retries=2, first_wait=0.001, max_wait=0.002)
FLASK_500 = (
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to "
    "complete your request. Either the server is overloaded or there is an error in the "
    "application.</p>\n"
)
COID = "unit-coid-1"


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    # using="httpx": routes are matched in httpx itself, whatever the transport
    # (the async client sends through aiohttp, which respx's default does not see).
    with respx.mock(assert_all_called=False, using="httpx") as router:
        yield router


def fast(client: Any) -> Any:
    client._ctx.retry = FAST_RETRY
    return client


@pytest.fixture
def client() -> Iterator[QMTTradeClient]:
    with QMTTradeClient(
        BASE,
        client_id="c",
        secret_key=SECRET,
        timeout=5,
        server_line="main",
        reconcile_window=0.05,
    ) as c:
        yield fast(c)


def wire_order(order_id: int, strategy_name: str, status: int = 50) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "symbol": "000001.SZ",
        "side": "buy",
        "status": status,
        "m_status": "已报",
        "volume": 100,
        "time": 4_000_000_000,  # far ahead of any clock: always "after the request was sent"
        "price": 10.5,
        "price_type": 0,
        "traded_volume": 0,
        "traded_price": 0.0,
        "strategy_name": strategy_name,
    }


def html(status: int, page: str = "<html><title>Bad Gateway</title></html>") -> httpx.Response:
    return httpx.Response(status, text=page, headers={"content-type": "text/html"})


# --- orders: not sent vs maybe placed ----------------------------------------------

MAYBE_PLACED = [
    pytest.param(httpx.ReadTimeout("timed out"), "ReadTimeout", id="read-timeout"),
    pytest.param(httpx.ReadError("Connection reset by peer"), "ReadError", id="reset"),
    pytest.param(
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        "RemoteProtocolError",
        id="dropped",
    ),
    pytest.param(httpx.WriteError("broken pipe"), "WriteError", id="write-error"),
    pytest.param(httpx.WriteTimeout("timed out"), "WriteTimeout", id="write-timeout"),
    pytest.param(html(502), "HTTP 502", id="502-html"),
    pytest.param(html(503), "HTTP 503", id="503-html"),
    pytest.param(html(504), "HTTP 504", id="504-html"),
    pytest.param(html(500, FLASK_500), "HTTP 500", id="500-html"),
    pytest.param(
        httpx.Response(500, json={"error": "接口异常: outer_trade", "message": "boom"}),
        "HTTP 500",
        id="500-json",
    ),
    pytest.param(httpx.Response(599, text="?"), "HTTP 599", id="599"),
    pytest.param(
        httpx.Response(200, text="<html>hi</html>", headers={"content-type": "text/html"}),
        "HTTP 200",
        id="200-html",
    ),
    pytest.param(
        httpx.Response(
            200, content=b'{"message": "x", "res', headers={"content-type": "application/json"}
        ),
        "does not parse",
        id="200-truncated",
    ),
    pytest.param(httpx.Response(200, json={"message": "x"}), "lists no account", id="200-shape"),
]


@pytest.mark.parametrize(("fault", "named"), MAYBE_PLACED)
def test_maybe_placed_order_not_found_is_state_unknown(
    mock: respx.MockRouter, client: QMTTradeClient, fault: Any, named: str
) -> None:
    route = mock.post(f"{API}/outer/trade/buy").mock(side_effect=[fault])
    orders = mock.post(f"{API}/orders").mock(return_value=httpx.Response(200, json=[]))
    with pytest.raises(QMTOrderStateUnknownError) as info:
        client.buy("000001", price=10.5, shares=100, trader_index=0, client_order_id=COID)
    error = info.value
    assert route.call_count == 1, "an order must never be sent twice"
    assert orders.call_count >= 1, "the client looked the order up"
    assert isinstance(error, QMTAPIError) and not isinstance(error, QMTConnectionError)
    assert error.client_order_id == COID and error.candidates == ()
    assert error.fault is not None and named in error.fault
    assert DO_NOT_RESEND_TEXT in str(error) and COID in str(error)
    assert SECRET not in str(error)


@pytest.mark.parametrize(("fault", "named"), MAYBE_PLACED[:6])
def test_maybe_placed_order_found_is_reconciled(
    mock: respx.MockRouter, client: QMTTradeClient, fault: Any, named: str
) -> None:
    route = mock.post(f"{API}/outer/trade/buy").mock(side_effect=[fault])
    # Another order (not ours), then ours, tagged with our id by the server.
    listed = [wire_order(7, "外部策略"), wire_order(8, f"客户端交易#{COID}")]
    mock.post(f"{API}/orders").mock(return_value=httpx.Response(200, json=listed))
    result = client.buy("000001", price=10.5, shares=100, trader_index=0, client_order_id=COID)
    assert route.call_count == 1
    assert result.reconciled and result.order_ids == [8] and result.client_order_id == COID
    assert result.strategy_name == "客户端交易"
    assert any(named in w and "reconcil" in w for w in result.warnings), result.warnings


@pytest.mark.parametrize(
    "fault",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ConnectTimeout("timed out"),
        httpx.PoolTimeout("no connection free"),
    ],
    ids=["refused", "connect-timeout", "pool-timeout"],
)
def test_not_sent_order_is_a_plain_connection_error(
    mock: respx.MockRouter, client: QMTTradeClient, fault: Exception
) -> None:
    route = mock.post(f"{API}/outer/trade/sell").mock(side_effect=[fault])
    orders = mock.post(f"{API}/orders")
    with pytest.raises(QMTConnectionError) as info:
        client.sell("000001", price=10.5, shares=100, trader_index=0)
    assert not isinstance(info.value, QMTOrderStateUnknownError)
    assert "请求未发出" in str(info.value) and "not sent" in str(info.value)
    assert route.call_count == 1 and orders.call_count == 0


def test_refused_by_a_real_closed_port_is_not_sent() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        QMTTradeClient(
            f"http://127.0.0.1:{port}",
            client_id="c",
            secret_key=SECRET,
            max_retries=0,
            server_line="main",
        ) as c,
        pytest.raises(QMTConnectionError) as info,
    ):
        c.buy("000001", price=10.5, shares=100, trader_index=0)
    assert not isinstance(info.value, QMTOrderStateUnknownError)
    assert "请求未发出" in str(info.value)


@pytest.mark.parametrize(
    ("answer", "cls"),
    [
        (httpx.Response(400, json={"error": "order_num 必须大于 0"}), QMTAPIError),
        (httpx.Response(401, json={"error": "签名验证失败"}), QMTAuthenticationError),
        (
            httpx.Response(404, text="Not Found", headers={"content-type": "text/plain"}),
            QMTNotFoundError,
        ),
        (httpx.Response(413, json={"error": "too large"}), QMTAPIError),
    ],
    ids=["400", "401", "404", "413"],
)
def test_4xx_on_an_order_is_a_refusal_not_an_unknown(
    mock: respx.MockRouter, client: QMTTradeClient, answer: httpx.Response, cls: type[Exception]
) -> None:
    mock.post(f"{API}/outer/trade/buy").mock(return_value=answer)
    orders = mock.post(f"{API}/orders")
    with pytest.raises(cls) as info:
        client.buy("000001", price=10.5, shares=100, trader_index=0)
    assert not isinstance(info.value, QMTOrderStateUnknownError)
    assert orders.call_count == 0


def test_ambiguous_field_match_on_upstream_is_unknown_with_candidates(
    mock: respx.MockRouter, client: QMTTradeClient
) -> None:
    client._ctx.server_line = ServerLine.UPSTREAM
    mock.post(f"{API}/outer/trade/buy").mock(side_effect=httpx.ReadError("reset"))
    twins = [wire_order(21, "quant_1001"), wire_order(22, "quant_1001")]
    mock.post(f"{API}/orders").mock(return_value=httpx.Response(200, json=twins))
    with pytest.raises(QMTOrderStateUnknownError) as info:
        client.buy("000001", price=10.5, position_pct=0.1, trader_index=0)
    assert sorted(o.order_id for o in info.value.candidates) == [21, 22]
    assert "#21" in str(info.value) and DO_NOT_RESEND_TEXT in str(info.value)


def test_unique_field_match_on_upstream_is_reconciled(
    mock: respx.MockRouter, client: QMTTradeClient
) -> None:
    client._ctx.server_line = ServerLine.UPSTREAM
    mock.post(f"{API}/outer/trade/buy").mock(side_effect=httpx.ReadError("reset"))
    other_price = {**wire_order(30, "quant_1001"), "price": 10.4}
    old = {**wire_order(31, "quant_1001"), "time": 1_000_000_000}  # long before the request
    listed = [other_price, old, wire_order(32, "quant_1001")]
    mock.post(f"{API}/orders").mock(return_value=httpx.Response(200, json=listed))
    result = client.buy("000001", price=10.5, position_pct=0.1, trader_index=0)
    assert result.reconciled and result.order_ids == [32]
    # The same order is never handed to a second call.
    mock.post(f"{API}/outer/trade/buy").mock(side_effect=httpx.ReadError("reset"))
    with pytest.raises(QMTOrderStateUnknownError):
        client.buy("000001", price=10.5, position_pct=0.1, trader_index=0)


def test_cancel_order_answer_lost_reads_the_status(
    mock: respx.MockRouter, client: QMTTradeClient
) -> None:
    route = mock.post(f"{API}/cancel_order").mock(side_effect=httpx.ReadTimeout("timed out"))
    mock.post(f"{API}/order").mock(
        return_value=httpx.Response(200, json=wire_order(5, "s", status=54))
    )
    result = client.cancel_order(5, 0)
    assert route.call_count == 1
    assert result.reconciled and result.success and "已撤" in result.message


def test_cancel_order_still_open_is_unknown(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.post(f"{API}/cancel_order").mock(return_value=html(502))
    mock.post(f"{API}/order").mock(return_value=httpx.Response(200, json=wire_order(5, "s")))
    with pytest.raises(QMTOrderStateUnknownError) as info:
        client.cancel_order(5, 0)
    assert [o.order_id for o in info.value.candidates] == [5]


async def test_async_cancel_all_answer_lost_is_reconciled(mock: respx.MockRouter) -> None:
    route = mock.post(f"{API}/cancel_orders/sale").mock(side_effect=httpx.ReadTimeout("timed out"))
    mock.get(f"{API}/accounts").mock(
        return_value=httpx.Response(
            200, json={"accounts": [{"index": 0, "account_id": "a", "nick_name": "n"}]}
        )
    )
    open_buy = wire_order(9, "s")  # a buy: cancel_all_sell_orders leaves it alone
    mock.post(f"{API}/orders").mock(return_value=httpx.Response(200, json=[open_buy]))
    async with AsyncQMTTradeClient(
        BASE, client_id="c", secret_key=SECRET, server_line="main", reconcile_window=0.05
    ) as c:
        result = await c.cancel_all_sell_orders()
    assert route.call_count == 1
    assert result.reconciled and [e.trader_index for e in result.results] == [0]


async def test_async_order_fault_is_reconciled_too(mock: respx.MockRouter) -> None:
    route = mock.post(f"{API}/outer/trade/sell").mock(return_value=html(503))
    listed = [{**wire_order(4, f"客户端交易#{COID}"), "side": "sell"}]
    mock.post(f"{API}/orders").mock(return_value=httpx.Response(200, json=listed))
    async with AsyncQMTTradeClient(
        BASE, client_id="c", secret_key=SECRET, server_line="main", reconcile_window=0.05
    ) as c:
        result = await c.sell("000001", 10.5, shares=100, trader_index=0, client_order_id=COID)
    assert route.call_count == 1 and result.reconciled and result.order_ids == [4]


# --- reads: retried on transient faults ------------------------------------------------


@pytest.mark.parametrize(
    "faults",
    [
        [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")],
        [html(503), html(502)],
        [httpx.RemoteProtocolError("dropped"), html(504)],
    ],
    ids=["connect+timeout", "503+502", "dropped+504"],
)
def test_read_survives_two_faults(
    mock: respx.MockRouter, client: QMTTradeClient, faults: list[Any]
) -> None:
    portfolio = {
        "portfolio": {
            "total_asset": 1.0,
            "cash": 1.0,
            "frozen_cash": 0.0,
            "market_value": 0.0,
            "profit": 0.0,
            "profit_ratio": 0.0,
        }
    }
    route = mock.get(f"{API}/portfolio/0").mock(
        side_effect=[*faults, httpx.Response(200, json=portfolio)]
    )
    assert client.get_portfolio(0).cash == 1.0
    assert route.call_count == 3


def test_read_gives_up_after_max_retries(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    route = mock.post(f"{API}/orders").mock(side_effect=httpx.ReadError("reset"))
    with pytest.raises(QMTConnectionError) as info:
        client.get_orders(0)
    assert not isinstance(info.value, QMTTimeoutError)
    assert "连接失败，请检查服务器地址" in str(info.value) and BASE in str(info.value)
    assert route.call_count == 3  # the first try and max_retries=2 more


def test_max_retries_zero_disables_retries(mock: respx.MockRouter) -> None:
    route = mock.get(f"{API}/accounts").mock(return_value=html(503))
    with (
        QMTTradeClient(BASE, client_id="c", secret_key=SECRET, max_retries=0) as c,
        pytest.raises(QMTAPIError) as info,
    ):
        c.get_accounts()
    assert info.value.status_code == 503 and route.call_count == 1


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, json={"error": "接口异常: positions", "message": "boom"}),
        httpx.Response(400, json={"error": "无效的交易器索引: 5"}),
    ],
    ids=["500", "400"],
)
def test_server_errors_on_reads_are_not_retried(
    mock: respx.MockRouter, client: QMTTradeClient, answer: httpx.Response
) -> None:
    route = mock.get(f"{API}/positions/0").mock(return_value=answer)
    with pytest.raises(QMTAPIError):
        client.get_positions(0)
    assert route.call_count == 1


async def test_async_read_retries_under_the_same_policy(mock: respx.MockRouter) -> None:
    accounts = {"accounts": [{"index": 0, "account_id": "a", "nick_name": "n"}]}
    route = mock.get(f"{API}/accounts").mock(
        side_effect=[html(502), httpx.ReadTimeout("slow"), httpx.Response(200, json=accounts)]
    )
    async with AsyncQMTTradeClient(BASE, client_id="c", secret_key=SECRET) as c:
        fast(c)
        assert [a.index for a in await c.get_accounts()] == [0]
    assert route.call_count == 3


# --- answers that are not what the protocol says -------------------------------------------


def test_html_500_page_on_a_read(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.get(f"{API}/positions/0").mock(return_value=html(500, FLASK_500))
    with pytest.raises(QMTAPIError) as info:
        client.get_positions(0)
    text = str(info.value)
    assert info.value.status_code == 500
    assert "Internal Server Error" in text
    assert "<" not in text and "Traceback" not in text and len(text) < 400


def test_non_standard_status_keeps_its_code(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    mock.get(f"{API}/accounts").mock(return_value=httpx.Response(599, json={"error": "odd"}))
    with pytest.raises(QMTAPIError) as info:
        client.get_accounts()
    assert info.value.status_code == 599 and "599" in str(info.value)


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


def test_401_json(mock: respx.MockRouter, client: QMTTradeClient) -> None:
    route = mock.get(f"{API}/accounts").mock(
        return_value=httpx.Response(401, json={"error": "无效的客户端ID"})
    )
    with pytest.raises(QMTAuthenticationError) as info:
        client.get_accounts()
    assert info.value.status_code == 401 and "无效的客户端ID" in str(info.value)
    assert "认证失败，请检查登录状态或API密钥" in str(info.value)
    assert SECRET not in str(info.value)
    assert route.call_count == 1  # only an expired timestamp is re-signed and resent


def test_find_order_on_the_upstream_line_says_why_not(
    mock: respx.MockRouter, client: QMTTradeClient
) -> None:
    client._ctx.server_line = ServerLine.UPSTREAM
    orders = mock.post(f"{API}/orders")
    with pytest.raises(QMTUnsupportedError) as info:
        client.find_order(COID, 0)
    assert info.value.capability == "strategy_name_on_order" and orders.call_count == 0
