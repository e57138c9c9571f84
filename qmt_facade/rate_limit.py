"""The order rate limit: one token bucket shared by a process, a machine, or several machines.

QMT serialises orders (a few per second per terminal). ``RateLimit`` (given
as ``rate_limit=`` to a client, or ``rate_limit:`` in its YAML file) spaces
the requests that place or cancel orders to ``max_orders_per_second``, and
reads too when ``max_reads_per_second`` is set. A caller over the limit
waits (the plan's ``Pause`` step, so either client sleeps its own way) up to
``max_wait`` seconds, then gets ``QMTRateLimitError``; nothing is dropped.

The algorithm is pyrate-limiter's ``TokenBucket`` (GCRA: ``burst`` slots,
refilled at the rate; ``burst=1`` spaces requests evenly) in a
``StateBucket``; only the place its state is kept differs:

- ``backend="memory"``: pyrate-limiter's ``InMemoryStateStore``, one per
  ``key`` in the process, so every client, thread and task of the process
  with the same settings shares it;
- ``backend="file"``: a SQLite file (``path``) that every process on the
  machine opens; the state is one row, read and written in one
  ``BEGIN IMMEDIATE`` transaction (SQLite's own file locking, which works on
  Windows as on POSIX; pyrate-limiter's SQLiteBucket keeps a log rather than
  token-bucket state and needs the ``filelock`` package to be atomic across
  processes);
- ``backend="redis"``: pyrate-limiter's ``RedisStateStore`` (one Lua
  script per check) at ``redis_url``, for processes on several machines
  (optional extra ``qmt-facade[redis]``). Shared buckets use the wall clock:
  keep the machines' clocks in sync (NTP).

The buckets themselves are in ``qmt_facade.rate_buckets``, imported with
the first limiter: pyrate-limiter (and the asyncio it imports) costs
``import qmt_facade`` some 35 ms that a client without a rate limit need
not pay.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import attrs

from qmt_facade.errors import QMTValidationError, safe_url
from qmt_facade.validation import validate_non_negative, validate_positive, validate_section

if TYPE_CHECKING:
    from qmt_facade.rate_buckets import SlotLimiter

__all__ = ["BACKENDS", "RateLimit", "limiters_for"]

Backend = Literal["memory", "file", "redis"]
BACKENDS: Final = ("memory", "file", "redis")
_MIN_RATE: Final = 0.001  # one request in 1,000 s
_MAX_RATE: Final = 1000.0


def _field_error(name: str, value: object, rule: str) -> QMTValidationError:
    return QMTValidationError.of(f"rate_limit.{name}", value, rule)


def _rate(name: str, value: object) -> float:
    try:
        rate = validate_positive(value, name)
    except QMTValidationError as exc:
        raise _field_error(name, value, exc.rule) from None
    if not _MIN_RATE <= rate <= _MAX_RATE:
        raise _field_error(name, value, f"must be between {_MIN_RATE} and {_MAX_RATE:g}")
    return rate


def _order_rate(value: object) -> float:
    return _rate("max_orders_per_second", value)


def _read_rate(value: object) -> float | None:
    return None if value is None else _rate("max_reads_per_second", value)


def _burst(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise _field_error("burst", value, "must be an int from 1 to 1000")
    return value


def _max_wait(value: object) -> float:
    try:
        return validate_non_negative(value, "max_wait")
    except QMTValidationError as exc:
        raise _field_error("max_wait", value, exc.rule) from None


def _backend(value: object) -> str:
    if value not in BACKENDS:
        raise _field_error("backend", value, f"must be one of {', '.join(BACKENDS)}")
    return str(value)


def _optional_text(name: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Path):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise _field_error(
            name, value if not isinstance(value, str) else "", "must be a non-empty str"
        )
    return value


def _path(value: object) -> str | None:
    return _optional_text("path", value)


def _redis_url(value: object) -> str | None:
    return _optional_text("redis_url", value)


def _key(value: object) -> str:
    if not isinstance(value, str) or not value or not value.isprintable():
        raise _field_error("key", value, "must be a non-empty printable str")
    return value


@attrs.frozen(kw_only=True)
class RateLimit:
    """How fast a client may send orders (and reads, when asked), and with whom it shares that.

    ``max_orders_per_second``: requests that place or cancel orders;
    ``max_reads_per_second``: every other request (None: reads are not
    limited); ``burst``: slots available at once after a quiet spell (1:
    evenly spaced); ``max_wait``: seconds a caller may wait for a slot
    before ``QMTRateLimitError`` (0: never wait). ``backend`` is where the
    budget lives (``memory``, ``file`` with ``path``, ``redis`` with
    ``redis_url``); clients with the same ``key`` there share one budget.
    """

    max_orders_per_second: float = attrs.field(converter=_order_rate)
    max_reads_per_second: float | None = attrs.field(default=None, converter=_read_rate)
    burst: int = attrs.field(default=1, converter=_burst)
    max_wait: float = attrs.field(default=10.0, converter=_max_wait)
    backend: str = attrs.field(default="memory", converter=_backend)
    path: str | None = attrs.field(default=None, converter=_path)
    redis_url: str | None = attrs.field(default=None, converter=_redis_url, repr=False)
    key: str = attrs.field(default="qmt", converter=_key)

    def __attrs_post_init__(self) -> None:
        if (self.backend == "file") != (self.path is not None):
            raise _field_error("path", self.path, "is needed with backend 'file', and only there")
        if (self.backend == "redis") != (self.redis_url is not None):
            shown = safe_url(self.redis_url) if self.redis_url else None
            raise _field_error("redis_url", shown, "is needed with backend 'redis', and only there")

    @classmethod
    def from_mapping(cls, values: object, source: str = "rate_limit") -> RateLimit:
        """The settings of a YAML ``rate_limit:`` section; an unknown key is an error."""
        settings = validate_section(cls, values, "rate_limit", source)
        if "max_orders_per_second" not in settings:
            raise _field_error("max_orders_per_second", None, "is required")
        return cls(**settings)

    def where(self) -> str:
        """The backend in words, without any secret of the Redis URL."""
        if self.backend == "file":
            return f"file {self.path}"
        if self.backend == "redis":
            return f"redis {safe_url(self.redis_url or '')}"
        return "memory"


def limiters_for(settings: RateLimit) -> tuple[SlotLimiter, SlotLimiter | None]:
    """The order limiter and the read limiter (None: reads not limited) of ``settings``."""
    from qmt_facade.rate_buckets import limiters_for as buckets_for

    return buckets_for(settings)
