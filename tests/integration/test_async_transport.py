"""The async client's aiohttp transport against real sockets: what it keeps of httpx, how it fails.

Failures are produced for real: a port nothing listens on and a listener
whose accept queue is full (nothing was sent), the fault proxy
(tests/fault_proxy.py) closing or holding a connection after it read the
whole request (it may have been placed). The simulator's order book says
whether the order exists.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fault_proxy import FaultProxy
from httpx_aiohttp import AiohttpTransport

from qmt_facade import (
    AsyncQMTTradeClient,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTOrderStateUnknownError,
    QMTTimeoutError,
    QMTTradeClient,
    QMTValidationError,
)
from qmt_sim.testing import SimulatorProcess

ORDER_ROUTE = "/qmt/trade/api/outer/trade/"


@pytest.fixture(scope="module")
def proxy_and_sim(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SimulatorProcess, FaultProxy]]:
    with SimulatorProcess(tmp_path_factory.mktemp("aio")) as sim, FaultProxy(sim.base_url) as proxy:
        yield sim, proxy


@pytest.fixture
def proxy(proxy_and_sim: tuple[SimulatorProcess, FaultProxy]) -> FaultProxy:
    _, fault_proxy = proxy_and_sim
    fault_proxy.configure([])
    fault_proxy.reset()
    return fault_proxy


@pytest.fixture
async def proxied(
    proxy_and_sim: tuple[SimulatorProcess, FaultProxy], proxy: FaultProxy
) -> AsyncIterator[AsyncQMTTradeClient]:
    """A signed async client that talks to the simulator through the fault proxy."""
    sim, _ = proxy_and_sim
    async with AsyncQMTTradeClient(
        proxy.base_url,
        client_id=sim.client_id,
        secret_key=sim.secret_key,
        timeout=1.0,
        reconcile_window=1.0,
        server_line="main",
        max_retries=0,
    ) as client:
        yield client


async def test_the_default_transport_is_aiohttp_and_keeps_httpx_settings(
    sim: SimulatorProcess,
) -> None:
    async with AsyncQMTTradeClient(
        sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key, timeout=7.5
    ) as client:
        assert isinstance(client._http._transport, AiohttpTransport)
        sent: list[httpx.Request] = []

        async def record(request: httpx.Request) -> None:
            sent.append(request)

        client._http.event_hooks["request"].append(record)
        portfolio = await client.get_portfolio(0)
        assert portfolio.total_asset > 0
        # Signed by httpx's auth flow, with the facade's timeout and User-Agent.
        headers = sent[0].headers
        assert headers["X-Client-ID"] == sim.client_id and len(headers["X-Signature"]) == 64
        assert headers["User-Agent"].startswith("qmt-facade/")
        assert sent[0].extensions["timeout"] == httpx.Timeout(7.5).as_dict()


async def test_a_signed_query_reaches_the_server_as_signed(sim: SimulatorProcess) -> None:
    # httpx encodes the comma of stock_list as %2C and signs that; aiohttp
    # would re-quote it to "," unless told the URL is already encoded.
    async with AsyncQMTTradeClient(
        sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key
    ) as client:
        ticks = await client.get_full_tick(["000001", "600000"])
    assert sorted(ticks) == ["000001.SZ", "600000.SH"]


async def test_a_refused_port_is_not_sent() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with AsyncQMTTradeClient(
        f"http://127.0.0.1:{port}", client_id="c", secret_key="s", max_retries=0, server_line="main"
    ) as client:
        with pytest.raises(QMTConnectionError) as info:
            await client.buy("000001", price=10.5, shares=100, trader_index=0)
    assert not isinstance(info.value, QMTOrderStateUnknownError)
    assert "not sent" in str(info.value) and "ConnectError" in str(info.value)


@pytest.fixture
def full_listener() -> Iterator[int]:
    """A port whose accept queue is full: a new connection is never accepted (connect times out)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        fillers = []
        try:
            for _ in range(8):  # Linux queues backlog + 1 connections; fill whatever it queues
                probe = socket.socket()
                probe.settimeout(0.3)
                fillers.append(probe)
                try:
                    probe.connect(("127.0.0.1", port))
                except TimeoutError:
                    break
            else:
                pytest.fail(
                    "this OS accepts every connection to a full listener: no connect timeout"
                )
            yield port
        finally:
            for probe in fillers:
                probe.close()


async def test_a_connect_timeout_is_not_sent(full_listener: int) -> None:
    async with AsyncQMTTradeClient(
        f"http://127.0.0.1:{full_listener}",
        client_id="c",
        secret_key="s",
        timeout=0.3,
        max_retries=0,
        server_line="main",
    ) as client:
        with pytest.raises(QMTTimeoutError) as info:
            await client.buy("000001", price=10.5, shares=100, trader_index=0)
    assert not isinstance(info.value, QMTOrderStateUnknownError)
    assert "not sent" in str(info.value) and "ConnectTimeout" in str(info.value)


async def test_a_connection_closed_after_the_request_was_read_is_maybe_placed(
    proxied: AsyncQMTTradeClient,
    proxy: FaultProxy,
    proxy_and_sim: tuple[SimulatorProcess, FaultProxy],
) -> None:
    # The proxy read the whole request, then closed without forwarding it:
    # the client cannot know that, so the order's fate is unknown (and it is not placed).
    proxy.configure([{"method": "POST", "prefix": ORDER_ROUTE, "queue": ["drop_before"]}])
    with pytest.raises(QMTOrderStateUnknownError) as info:
        await proxied.buy(
            "000001", price=9.61, shares=100, trader_index=0, client_order_id="aio-db"
        )
    assert info.value.fault is not None and "RemoteProtocolError" in info.value.fault
    assert info.value.candidates == ()
    sim, _ = proxy_and_sim
    with QMTTradeClient(sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key) as c:
        assert c.find_order("aio-db", 0) is None
    assert [e["fault"] for e in proxy.log() if e["path"].startswith(ORDER_ROUTE)] == ["drop_before"]


@pytest.mark.parametrize(
    ("fault", "named"), [("drop_after", "RemoteProtocolError"), ("delay", "ReadTimeout after 1s")]
)
async def test_an_answer_lost_after_the_order_was_placed_is_reconciled(
    proxied: AsyncQMTTradeClient, proxy: FaultProxy, fault: str, named: str
) -> None:
    proxy.configure([{"method": "POST", "prefix": ORDER_ROUTE, "queue": [fault]}], delay=2.0)
    coid = f"aio-{fault.replace('_', '')}"
    result = await proxied.buy(
        "000001", price=9.62, shares=100, trader_index=0, client_order_id=coid
    )
    assert result.reconciled and len(result.order_ids) == 1
    assert any(named in w for w in result.warnings), result.warnings
    sent = [e for e in proxy.log() if e["path"].startswith(ORDER_ROUTE)]
    assert [(e["fault"], e["client_order_id"]) for e in sent] == [(fault, coid)]


async def test_aiohttp_does_not_resend_a_read_on_its_own(
    proxied: AsyncQMTTradeClient, proxy: FaultProxy
) -> None:
    # aiohttp resends a GET once when its connection drops; with max_retries=0
    # the facade's policy says: no second try.
    path = "/qmt/trade/api/portfolio/0"
    proxy.configure([{"method": "GET", "prefix": path, "queue": ["drop_after"]}])
    with pytest.raises(QMTConnectionError):
        await proxied.get_portfolio(0)
    assert [e["fault"] for e in proxy.log() if e["path"] == path] == ["drop_after"]


async def test_cookies_are_kept_by_httpx_alone(sim: SimulatorProcess) -> None:
    # logout() clears httpx's cookie jar; a jar of aiohttp's own would go on
    # sending the session cookie. Here the server still honours it: only the
    # client can forget it. (A host name: aiohttp's own jar ignores cookies of IP addresses.)
    async with AsyncQMTTradeClient(sim.base_url.replace("127.0.0.1", "localhost")) as client:
        assert await client.login(sim.username or "", sim.password or "")
        assert (await client.get_portfolio(0)).total_asset > 0
        client._http.cookies.clear()
        with pytest.raises(QMTAuthenticationError):
            await client.get_portfolio(0)


async def test_a_given_httpx_async_client_is_used_and_left_open(sim: SimulatorProcess) -> None:
    async with httpx.AsyncClient() as given:  # httpx's own asyncio stack
        async with AsyncQMTTradeClient(
            sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key, http_client=given
        ) as client:
            assert client._http is given
            assert not isinstance(given._transport, AiohttpTransport)
            assert (await client.get_portfolio(0)).total_asset > 0
            placed = await client.buy("000001", price=9.63, shares=100, trader_index=0)
            assert len(placed.order_ids) == 1
        assert not given.is_closed
        assert str(given.base_url).rstrip("/") == sim.base_url.rstrip("/")


def test_a_given_httpx_client_serves_the_blocking_client_too(sim: SimulatorProcess) -> None:
    with httpx.Client() as given:
        with QMTTradeClient(
            sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key, http_client=given
        ) as client:
            assert client._http is given
            assert client.get_portfolio(0).total_asset > 0
        assert not given.is_closed


@pytest.mark.parametrize(
    ("cls", "given"),
    [
        (AsyncQMTTradeClient, httpx.Client()),
        (QMTTradeClient, httpx.AsyncClient()),
        (QMTTradeClient, "x"),
    ],
    ids=["sync-client-to-async", "async-client-to-sync", "str"],
)
def test_a_wrong_http_client_is_refused_naming_the_field(cls: type, given: object) -> None:
    with pytest.raises(QMTValidationError) as info:
        cls("http://127.0.0.1:9", client_id="c", secret_key="s", http_client=given)
    assert info.value.field == "http_client"


async def test_journal_writes_run_off_the_event_loop(sim: SimulatorProcess, tmp_path: Path) -> None:
    async with AsyncQMTTradeClient(
        sim.base_url,
        client_id=sim.client_id,
        secret_key=sim.secret_key,
        journal=tmp_path / "orders.sqlite3",
    ) as client:
        journal = client.journal
        assert journal is not None
        writers: list[tuple[str, int]] = []
        record = journal.record

        def spy(entry: object) -> None:
            writers.append((type(entry).__name__, threading.get_ident()))
            record(entry)  # type: ignore[arg-type]

        journal.record = spy  # type: ignore[method-assign]
        placed = await client.buy("000001", price=9.64, shares=100, trader_index=0)
        loop_thread = threading.get_ident()
    assert [kind for kind, _ in writers] == ["JournalIntent", "JournalOutcome"]
    assert all(thread != loop_thread for _, thread in writers)
    assert placed.client_order_id is not None
