"""The server's time, as the client estimates it from the ``Date`` header of every answer.

The server refuses a signature whose ``X-Timestamp`` is more than 300 s off
its own clock (401 ``请求时间戳过期``). A PC whose clock drifted 10 minutes
would then fail every signed call, so the client keeps an offset learned
from each answer's ``Date`` header (HTTP dates have whole seconds) and signs
with local time + offset. The first signed request of a skewed client still
fails; its 401 carries a ``Date`` too, the offset is corrected, and that
request is signed again and resent once (the server did nothing with it).

The same estimate dates the order journal and bounds the order times that
reconciliation accepts, since ``Order.time`` is the server's clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Final

__all__ = ["TIMESTAMP_EXPIRED", "ServerClock", "parse_http_date"]

TIMESTAMP_EXPIRED: Final = "请求时间戳过期"
# Offsets closer than this to the current one are HTTP-date rounding, not drift.
_RESOLUTION: Final = 1.0


def parse_http_date(value: str | None) -> float | None:
    """Unix seconds of an HTTP ``Date`` header value, or None if absent or unparseable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # RFC 9110 dates are GMT; a bare one is read as such
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


class ServerClock:
    """Local time plus the offset last learned from the server.

    ``local_time`` is the client's own clock (``time.time``); tests replace
    it with a skewed one.
    """

    def __init__(self, local_time: Callable[[], float] = time.time) -> None:
        self.local_time = local_time
        self.offset = 0.0
        self.last_server_date: float | None = None
        self._last_header: str | None = None

    def now(self) -> float:
        """The server's current Unix time, as far as the client can tell."""
        return self.local_time() + self.offset

    @property
    def calibrated(self) -> bool:
        """Whether any answer has told the server's time yet."""
        return self.last_server_date is not None

    def stamp(self) -> tuple[float, float | None]:
        """``(local time, offset or None if not calibrated yet)``: a moment to convert later.

        A request may leave before the client has seen any ``Date`` (the
        first call of a client with a skewed clock); an answer later tells
        the offset, and :meth:`server_times` converts the moment then.
        """
        return self.local_time(), self.offset if self.calibrated else None

    def server_times(self, local: float, offset_then: float | None) -> list[float]:
        """The server time of a stamped moment, by every offset known for it."""
        times = [local + self.offset]
        if offset_then is not None:
            times.append(local + offset_then)
        return times

    def observe(self, date_header: str | None) -> bool:
        """Learn from one answer's ``Date``; True when the offset changed."""
        if date_header == self._last_header:  # same second as the last answer: nothing new
            return False
        self._last_header = date_header
        server = parse_http_date(date_header)
        if server is None:
            return False
        self.last_server_date = server
        # The header truncates to the second: the server's time was in [server, server + 1).
        candidate = server + 0.5 - self.local_time()
        if abs(candidate - self.offset) < _RESOLUTION:
            return False
        self.offset = candidate
        return True

    def describe(self) -> str:
        """The clocks in words, for a message about an expired timestamp."""
        local = _iso(self.local_time())
        if self.last_server_date is None:
            return f"本机时钟 {local}，服务器未提供 Date 头，无法校准 (client clock {local})"
        return (
            f"本机时钟 {local}，服务器时钟 {_iso(self.last_server_date)}，请校准本机时钟 "
            f"(server clock minus client clock: {self.offset:+.0f}s)"
        )


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
