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
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Final, Literal

import attrs
from pyrate_limiter import (
    InMemoryStateStore,
    Rate,
    RateItem,
    StateBucket,
    StateStore,
    TokenBucket,
    WallClock,
)
from pyrate_limiter.abstracts.algorithm import Decision, State, StateAlgorithm

from qmt_facade.errors import QMTRateLimitError, QMTValidationError, safe_url
from qmt_facade.validation import validate_non_negative, validate_positive, validate_section

__all__ = ["BACKENDS", "RateLimit", "SlotLimiter", "limiters_for"]

Backend = Literal["memory", "file", "redis"]
BACKENDS: Final = ("memory", "file", "redis")
_MIN_RATE: Final = 0.001  # one request in 1,000 s
_MAX_RATE: Final = 1000.0


def _field_error(name: str, value: object, rule: str) -> QMTValidationError:
    field = f"rate_limit.{name}"
    return QMTValidationError(f"{field}={value!r}: {rule}", field=field, value=value, rule=rule)


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


class SQLiteStateStore(StateStore):
    """pyrate-limiter token-bucket state in one row of a SQLite file, shared by processes.

    ``check`` reads the state, lets the algorithm step it and writes it back
    inside one ``BEGIN IMMEDIATE`` transaction: SQLite's write lock (a file
    lock on every platform) makes it atomic across processes.
    """

    is_async = False
    default_clock = WallClock()  # processes share the state: a monotonic clock is per boot

    def __init__(self, path: str, key: str) -> None:
        self.key = key
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=30.0
        )
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS token_buckets "
                "(key TEXT PRIMARY KEY, state TEXT NOT NULL)"
            )
        except BaseException:
            self._db.close()
            raise

    def _load(self, algorithm: StateAlgorithm, rates: list[Rate]) -> State:
        row = self._db.execute(
            "SELECT state FROM token_buckets WHERE key = ?", (self.key,)
        ).fetchone()
        values = str(row[0]).split(",") if row is not None else []
        return algorithm.decode(values) if len(values) == len(rates) else algorithm.initial(rates)

    def check(
        self, algorithm: StateAlgorithm, rates: list[Rate], now: int, weight: int
    ) -> Decision:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                state, decision = algorithm.step(rates, self._load(algorithm, rates), now, weight)
                if decision.allowed:
                    self._db.execute(
                        "INSERT INTO token_buckets (key, state) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET state = excluded.state",
                        (self.key, ",".join(str(value) for value in state)),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return decision

    def read(self, algorithm: StateAlgorithm, rates: list[Rate]) -> State:
        with self._lock:
            return self._load(algorithm, rates)

    def reset(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM token_buckets WHERE key = ?", (self.key,))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _token_rate(per_second: float, burst: int) -> Rate:
    # limit/interval in milliseconds: per_second × 1000 requests per 1,000 s
    # keeps three decimals of the rate; the algorithm spaces them by
    # ceil(1e6 / per_second) µs (rounded up: never faster than asked).
    return Rate(max(1, round(per_second * 1000)), 1_000_000, burst)


class SlotLimiter:
    """One token bucket: ``try_acquire()`` is 0.0 when a slot was taken, else seconds to wait."""

    def __init__(
        self, bucket: StateBucket, name: str, limit: str, per_second: float, settings: RateLimit
    ) -> None:
        self._bucket = bucket
        self._name = name
        self._lock = threading.Lock()  # the bucket keeps the last failure on itself
        self.limit = limit  # "max_orders_per_second" / "max_reads_per_second"
        self.per_second = per_second
        self.max_wait = settings.max_wait
        self.network = settings.backend == "redis"  # the async client checks it in a thread
        self._where = settings.where()

    def __repr__(self) -> str:
        return f"SlotLimiter({self.limit}={self.per_second:g}, {self._where})"

    def try_acquire(self) -> float:
        try:
            with self._lock:
                now: Any = self._bucket.now()  # type: ignore[no-untyped-call]
                item = RateItem(self._name, int(now), 1)
                if self._bucket.put(item):
                    return 0.0
                wait_ms = self._bucket.waiting(item)
        except (sqlite3.Error, OSError, ConnectionError) as exc:
            raise self.failure(exc) from exc
        except Exception as exc:  # redis raises its own error classes
            if type(exc).__module__.startswith("redis"):
                raise self.failure(exc) from exc
            raise
        return max(int(wait_ms), 1) / 1000  # type: ignore[arg-type]

    def failure(self, exc: BaseException) -> QMTRateLimitError:
        return QMTRateLimitError(
            f"委托频率限制的存储不可用 ({self._where}: {type(exc).__name__})，未发送 "
            "(the rate limit's store failed; nothing sent)",
            max_wait=self.max_wait,
        )

    def refusal(self, action: str) -> QMTRateLimitError:
        return QMTRateLimitError(
            f"{action}: 频率限制 {self.limit}={self.per_second:g} 在 max_wait={self.max_wait:g}s "
            f"内没有空位，未发送 (rate limit: no slot within {self.max_wait:g}s; nothing sent)",
            max_wait=self.max_wait,
        )


_SHARED: dict[tuple[Any, ...], SlotLimiter] = {}
_SHARED_LOCK = threading.Lock()


def _store(settings: RateLimit, name: str) -> StateStore:
    if settings.backend == "file":
        return SQLiteStateStore(str(settings.path), name)
    if settings.backend == "redis":
        try:
            import redis
        except ImportError:  # pragma: no cover - the dev install has it
            raise ImportError(
                "RateLimit(backend='redis') needs the redis package: "
                "pip install 'qmt-facade[redis]'"
            ) from None
        from pyrate_limiter import RedisStateStore

        client = redis.Redis.from_url(str(settings.redis_url), socket_timeout=10)
        return RedisStateStore(client, key=f"qmt_facade:{name}")
    return InMemoryStateStore()


def _limiter(settings: RateLimit, kind: str, limit: str, per_second: float) -> SlotLimiter:
    """The process's one limiter for these settings (created on first use)."""
    name = f"{settings.key}:{kind}"
    location = settings.path or settings.redis_url or ""
    shared = (settings.backend, location, name, per_second, settings.burst, settings.max_wait)
    with _SHARED_LOCK:
        limiter = _SHARED.get(shared)
        if limiter is None:
            store = _store(settings, name)
            bucket = StateBucket([_token_rate(per_second, settings.burst)], TokenBucket(), store)
            limiter = SlotLimiter(bucket, name, limit, per_second, settings)
            _SHARED[shared] = limiter
        return limiter


def limiters_for(settings: RateLimit) -> tuple[SlotLimiter, SlotLimiter | None]:
    """The order limiter and the read limiter (None: reads not limited) of ``settings``."""
    orders = _limiter(settings, "orders", "max_orders_per_second", settings.max_orders_per_second)
    reads = settings.max_reads_per_second
    return orders, (
        _limiter(settings, "reads", "max_reads_per_second", reads) if reads is not None else None
    )
