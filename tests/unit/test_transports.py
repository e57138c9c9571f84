"""How aiohttp's failures are sorted into *not sent* and *maybe sent* (qmt_facade.transports).

The faults a local process can produce (a refused port, a connect timeout,
a connection dropped after the request, a held answer) are exercised for
real in tests/integration/test_async_transport.py. This table covers the
rest (DNS, TLS, a reset mid-answer, a garbled status line) by the
exception types aiohttp raises for them, and checks that each lands on the
documented side once the facade classifies it for an order.
"""

from __future__ import annotations

import errno
from typing import Any

import aiohttp
import httpx
import pytest
import yarl
from aiohttp.client_reqrep import ConnectionKey
from multidict import CIMultiDict, CIMultiDictProxy

from qmt_facade import QMTConnectionError, QMTOrderStateUnknownError, QMTTimeoutError
from qmt_facade._transport import ClientSettings, request_failed
from qmt_facade.plans import Call
from qmt_facade.transports import classify_aiohttp_error
from qmt_server_client.api.trade import outer_trade

REQUEST = httpx.Request("POST", "http://127.0.0.1:9/qmt/trade/api/outer/trade/buy")
KEY = ConnectionKey("127.0.0.1", 9, False, True, None, None, None)
REFUSED = OSError(errno.ECONNREFUSED, "Connection refused")
_URL = yarl.URL(str(REQUEST.url))
INFO = aiohttp.RequestInfo(_URL, "POST", CIMultiDictProxy(CIMultiDict()), _URL)

DNS_FAILED = OSError(-2, "Name or service not known")


def _cases(*rows: tuple[str, Exception, type[httpx.TransportError]]) -> list[Any]:
    return [pytest.param(raised, expected, id=name) for name, raised, expected in rows]


# (what happened, what aiohttp raises for it, the httpx error it must become)
NOT_SENT = _cases(
    ("refused", aiohttp.ClientConnectorError(KEY, REFUSED), httpx.ConnectError),
    ("dns", aiohttp.ClientConnectorDNSError(KEY, DNS_FAILED), httpx.ConnectError),
    ("tls", aiohttp.ClientConnectorSSLError(KEY, OSError(1, "handshake")), httpx.ConnectError),
    ("connect-timeout", aiohttp.ConnectionTimeoutError("Connection timeout"), httpx.ConnectTimeout),
)
MAYBE_SENT = _cases(
    ("read-timeout", aiohttp.SocketTimeoutError("Timeout on reading"), httpx.ReadTimeout),
    ("dropped", aiohttp.ServerDisconnectedError("Server disconnected"), httpx.RemoteProtocolError),
    ("reset", aiohttp.ClientOSError(errno.ECONNRESET, "Connection reset"), httpx.ReadError),
    ("truncated-body", aiohttp.ClientPayloadError("payload is not completed"), httpx.ReadError),
    (
        "garbled-answer",
        aiohttp.ClientResponseError(INFO, (), status=400, message="Invalid status line"),
        httpx.RemoteProtocolError,
    ),
)


def _order_error(error: httpx.TransportError) -> Exception:
    settings = ClientSettings("http://127.0.0.1:9", "c", "s", timeout=1.0)
    call = Call(outer_trade, {}, "buy", places_order=True)
    return request_failed(settings, call, error)


@pytest.mark.parametrize(("raised", "expected"), NOT_SENT)
def test_failures_before_a_byte_left_are_not_sent(
    raised: Exception, expected: type[httpx.TransportError]
) -> None:
    error = classify_aiohttp_error(raised, REQUEST, answered=False)
    assert type(error) is expected and error.request is REQUEST
    placed = _order_error(error)
    assert isinstance(placed, QMTConnectionError | QMTTimeoutError)
    assert not isinstance(placed, QMTOrderStateUnknownError)
    assert "not sent" in str(placed)


@pytest.mark.parametrize(("raised", "expected"), MAYBE_SENT)
def test_failures_after_the_connection_opened_are_maybe_placed(
    raised: Exception, expected: type[httpx.TransportError]
) -> None:
    error = classify_aiohttp_error(raised, REQUEST, answered=False)
    assert type(error) is expected
    assert isinstance(_order_error(error), QMTOrderStateUnknownError)


@pytest.mark.parametrize(("raised", "expected"), NOT_SENT + MAYBE_SENT)
def test_a_failure_while_reading_the_answer_is_never_not_sent(
    raised: Exception, expected: type[httpx.TransportError]
) -> None:
    error = classify_aiohttp_error(raised, REQUEST, answered=True)
    assert error is not None
    assert isinstance(_order_error(error), QMTOrderStateUnknownError)


def test_httpx_aiohttp_coarse_mapping_is_undone() -> None:
    # httpx-aiohttp turns a connection dropped after the request into
    # ConnectTimeout ("not sent"); the aiohttp exception it chains decides.
    dropped = aiohttp.ServerDisconnectedError("Server disconnected")
    coarse = httpx.ConnectTimeout(str(dropped))
    coarse.__cause__ = dropped
    error = classify_aiohttp_error(coarse, REQUEST, answered=False)
    assert type(error) is httpx.RemoteProtocolError
    assert "ServerDisconnectedError" in str(error)


def test_what_is_not_a_network_failure_is_left_alone() -> None:
    assert classify_aiohttp_error(ValueError("a bug"), REQUEST, answered=False) is None
    assert classify_aiohttp_error(httpx.UnsupportedProtocol("h2"), REQUEST, answered=False) is None
