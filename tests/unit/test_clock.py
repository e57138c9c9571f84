"""The server clock estimate, and the resend of a request refused for an expired timestamp."""

from __future__ import annotations

import time
from email.utils import formatdate

import httpx
import pytest
from test_signing import server_verify  # the independent Flask-style verifier

from qmt_facade import AsyncQMTTradeClient, QMTAuthenticationError, QMTTradeClient
from qmt_facade.clock import ServerClock, parse_http_date

SECRET = "clock-secret-3f"


def test_parse_http_date() -> None:
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777.0
    for bad in (None, "", "yesterday", "Sun, 99 Nov 1994 08:49:37 GMT"):
        assert parse_http_date(bad) is None


def test_offset_learned_from_date_ignores_rounding() -> None:
    clock = ServerClock(local_time=lambda: 1_000_000.2)
    assert not clock.observe(formatdate(1_000_000, usegmt=True))  # same second: no drift
    assert clock.offset == 0.0
    assert clock.observe(formatdate(1_000_600, usegmt=True))
    assert clock.offset == pytest.approx(600.3)
    assert clock.now() == pytest.approx(1_000_600.5)
    assert not clock.observe("garbage") and clock.offset == pytest.approx(600.3)


def test_describe_names_both_clocks() -> None:
    clock = ServerClock(local_time=lambda: 1_000_000.0)
    assert "Date" in clock.describe()
    clock.observe(formatdate(1_000_600, usegmt=True))
    text = clock.describe()
    assert "本机时钟" in text and "+600s" in text and "1970-01-12" in text


def _skewed_server(server_offset: float, send_date: bool = True) -> httpx.MockTransport:
    """A server whose clock is ``server_offset`` s ahead, checking signatures like QMT."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        now = time.time() + server_offset
        seen.append(request.headers["X-Timestamp"])
        headers = {"Date": formatdate(now, usegmt=True)} if send_date else {}
        error = server_verify(request, {"c": SECRET}, now=int(now))
        if error:
            return httpx.Response(401, json={"error": error}, headers=headers)
        return httpx.Response(200, json={"accounts": []}, headers=headers)

    transport = httpx.MockTransport(handler)
    transport.seen = seen  # type: ignore[attr-defined]
    return transport


@pytest.mark.parametrize("offset", [600.0, -600.0, 3600.0 * 5])
def test_expired_timestamp_is_corrected_and_resent_once(offset: float) -> None:
    transport = _skewed_server(offset)
    with QMTTradeClient("http://qmt.test", client_id="c", secret_key=SECRET) as client:
        client._http._transport = transport
        assert client.get_accounts() == []
        assert client.get_accounts() == []
    first, second, third = (int(t) for t in transport.seen)  # type: ignore[attr-defined]
    assert abs(first - time.time()) < 5  # signed with the local clock: refused
    assert abs(second - (time.time() + offset)) < 5  # re-signed with the learned offset
    assert abs(third - second) < 5  # and every request after that


async def test_async_client_corrects_its_clock_too() -> None:
    transport = _skewed_server(-700.0)
    async with AsyncQMTTradeClient("http://qmt.test", client_id="c", secret_key=SECRET) as c:
        c._http._transport = transport
        assert await c.get_accounts() == []
    assert len(transport.seen) == 2  # type: ignore[attr-defined]


def test_still_expired_error_names_the_clock() -> None:
    transport = _skewed_server(900.0, send_date=False)  # nothing to learn from
    with QMTTradeClient("http://qmt.test", client_id="c", secret_key=SECRET) as client:
        client._http._transport = transport
        with pytest.raises(QMTAuthenticationError) as info:
            client.get_accounts()
    text = str(info.value)
    assert "请求时间戳过期" in text and "本机时钟" in text and "client clock" in text
    assert len(transport.seen) == 2  # type: ignore[attr-defined]  # resent once, not more
    assert SECRET not in text


def test_a_moment_stamped_before_calibration_converts_later() -> None:
    clock = ServerClock(local_time=lambda: 2_000_600.0)  # 600 s ahead of the server
    local, offset = clock.stamp()
    assert (local, offset) == (2_000_600.0, None) and not clock.calibrated
    clock.observe(formatdate(2_000_000, usegmt=True))
    assert clock.calibrated
    assert clock.server_times(local, offset) == [pytest.approx(2_000_000.5)]
    later = clock.stamp()
    assert later[1] == pytest.approx(-599.5)
    assert len(clock.server_times(*later)) == 2
