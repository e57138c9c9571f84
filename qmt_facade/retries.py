"""When a read is retried, and how long to wait in between (tenacity's policy objects).

Reads (accounts, portfolio, positions, orders, order, market data) change
nothing on the server, so a read that met a transient fault is sent again:
after a connection error, a timeout, or a 502/503/504 (a proxy or a server
that is restarting), with jittered exponential backoff, at most
``max_retries`` more times. Orders are never retried: the SDK never sends
an order twice.

tenacity decides (stop, wait, which errors); the *plan* performs the waits
as ``Pause`` steps (``qmt_facade.plans.steps.read``), so the blocking and the
asyncio client sleep their own way under one policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from qmt_facade.errors import QMTAPIError, QMTConnectionError, QMTValidationError

if TYPE_CHECKING:
    import tenacity

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "RETRIED_STATUSES",
    "RetryPolicy",
    "is_retryable_read",
    "validate_max_retries",
]

DEFAULT_MAX_RETRIES: Final = 2
# More would keep a strategy waiting on a server that is plainly down.
_MAX_RETRIES_CAP: Final = 10
# Gateway answers: the request did not get through, or the server is restarting.
RETRIED_STATUSES: Final = frozenset({502, 503, 504})


def is_retryable_read(error: BaseException) -> bool:
    """A fault that another try may not meet: no answer at all, or a gateway error."""
    if isinstance(error, QMTConnectionError):  # refused, reset, dropped, timed out
        return True
    return isinstance(error, QMTAPIError) and error.status_code in RETRIED_STATUSES


@attrs.frozen
class RetryPolicy:
    """``max_retries`` extra tries; waits ``first_wait`` × 2^n + jitter, at most ``max_wait``."""

    max_retries: int = DEFAULT_MAX_RETRIES
    first_wait: float = 0.2
    max_wait: float = 2.0

    def retrying(self) -> tenacity.Retrying:
        """A fresh tenacity controller for one read (its statistics are per call)."""
        import tenacity  # only after a read failed: most processes never need it

        return tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_retries + 1),
            wait=tenacity.wait_exponential_jitter(
                multiplier=self.first_wait, max=self.max_wait, jitter=self.first_wait
            ),
            retry=tenacity.retry_if_exception(is_retryable_read),
            reraise=True,  # the caller sees the last QMT error, not tenacity.RetryError
        )


def validate_max_retries(value: object) -> int:
    """The constructor's ``max_retries``: an int, 0 (no retries) .. 10."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_RETRIES_CAP:
        return value
    rule = f"must be an int with 0 <= max_retries <= {_MAX_RETRIES_CAP} (0 disables retries)"
    raise QMTValidationError.of("max_retries", value, rule)
