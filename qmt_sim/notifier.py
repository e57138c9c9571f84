"""The real server's DingTalk notifications, reduced to what a client can observe.

The real server sends a message after a buy or sell by ratio and after each
cancel of a bulk cancel, and relays ``/send_msg``. Nothing is sent anywhere
here; the notifications matter only when they FAIL, because the real server
then redoes a buy by ratio (one call, two orders) or reports a sell that was
placed as ``status: failed`` (server-protocol.md §5). Configure failures with
``server.notification_failures`` or arm them at run time with ``POST /sim/faults``.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("qmt_sim")

# What the real notifier raises when the messaging service drops the connection.
FAILURE_TEXT = (
    "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))"
)


class NotificationError(ConnectionError):
    """A notification that did not go out."""


class Notifier:
    """Counts notifications; the next ``failures`` of them raise."""

    def __init__(self, failures: int = 0) -> None:
        self._lock = threading.Lock()
        self._failures = failures
        self.sent = 0

    @property
    def failures(self) -> int:
        with self._lock:
            return self._failures

    def arm(self, failures: int) -> None:
        """Make the next ``failures`` notifications fail (0 disarms)."""
        with self._lock:
            self._failures = failures

    def send(self, text: str) -> None:
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                log.info("notification failed on purpose (%s more to fail)", self._failures)
                raise NotificationError(FAILURE_TEXT)
            self.sent += 1
        log.debug("notification: %s", text)
