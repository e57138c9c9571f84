"""The token buckets behind ``qmt_facade.rate_limit.RateLimit``: pyrate-limiter and its stores.

Imported with the first limiter a client needs, not by ``import qmt_facade``.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

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

from qmt_facade.errors import QMTRateLimitError
from qmt_facade.rate_limit import RateLimit
from qmt_facade.sqlite_files import connect_shared

__all__ = ["SQLiteStateStore", "SlotLimiter", "limiters_for"]


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
        self._db = connect_shared(path, timeout=30.0)
        try:
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
