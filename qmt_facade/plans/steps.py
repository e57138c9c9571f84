"""The steps a plan yields to its driver, and the credentials check every plan starts with.

A *plan* is a generator that validates its arguments, then yields steps and
receives their results:

- ``Call``: one HTTP request through the generated client. The driver sends
  back the parsed 200 body, or throws the mapped ``QMTTradeClientError`` into
  the plan at the ``yield`` (so a plan can react to an error).
- ``Pause``: sleep (time.sleep or asyncio.sleep).
- ``Emit``: hand a value to the caller of an iterating method (watch_orders).
- ``Record``: write an entry to the client's order journal, if it has one
  (``qmt_facade.journal``); the driver does the file I/O.
- ``Guard``: ask the client's shared guard state (the order rate limiter,
  the order counter of the risk limits) and hand back its answer; the
  driver runs it (a local file or lock, or Redis).

Plans compose with ``yield from``. The drivers (client.py, aio.py) contain
no business rules; no plan does I/O itself.

``read`` is how plans send a read: the Call, retried on transient faults
under the client's RetryPolicy (``qmt_facade.retries``); ``throttle`` waits
for a slot of a rate limiter (``qmt_facade.rate_limit``).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Generator, Hashable, Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

import attrs

from qmt_facade.clock import ServerClock
from qmt_facade.errors import QMTAuthenticationError, QMTTradeClientError
from qmt_facade.json_routes import JsonRoute
from qmt_facade.retries import RetryPolicy, is_retryable_read
from qmt_server_client.types import UNSET

if TYPE_CHECKING:
    from qmt_facade.errors import QMTRateLimitError
    from qmt_facade.risk import OrderCounter, RiskLimits
    from qmt_facade.server_lines import Capability, ServerLine

logger = logging.getLogger("qmt_facade")
T = TypeVar("T")
Side = Literal["buy", "sell"]


@attrs.frozen
class Call:
    """One request: a generated endpoint module (or a JsonRoute) and its keyword arguments."""

    endpoint: ModuleType | JsonRoute
    kwargs: dict[str, Any]
    action: str  # the facade method, for errors and logs
    places_order: bool = False  # a timeout then leaves the order state unknown
    raw: bool = False  # hand the plan the generated Response, whatever its status


@attrs.frozen
class Pause:
    seconds: float


@attrs.frozen
class Emit:
    value: Any


@attrs.frozen
class Record:
    """Persist ``entry`` (a journal intent or outcome) before the plan goes on.

    Without a journal the driver skips it. If an *intent* cannot be
    written, the driver throws the error into the plan, which then sends
    nothing; an outcome that cannot be written is logged, never raised.
    """

    entry: Any


@attrs.frozen
class Guard:
    """Run ``check`` (a rate limiter's or order counter's method); its result goes to the plan.

    A ``QMTTradeClientError`` it raises is thrown into the plan. ``network``:
    the check talks to another machine (Redis), so the async client runs it
    in a worker thread rather than on the event loop.
    """

    check: Callable[[], Any]
    network: bool = False


Step = Call | Pause | Emit | Record | Guard
Plan = Generator[Step, Any, T]

# How long reconciliation looks for an order whose answer was lost (seconds).
DEFAULT_RECONCILE_WINDOW = 5.0


class RecentSet:
    """A set that forgets its oldest members past ``limit``.

    A strategy runs for months: what a client remembers of its orders must
    not grow with them. Thread-safe (the blocking client may be shared).
    """

    def __init__(self, limit: int = 100_000) -> None:
        self._items: dict[Hashable, None] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def add(self, item: Hashable) -> None:
        with self._lock:
            self._items[item] = None
            if len(self._items) > self._limit:
                del self._items[next(iter(self._items))]

    def update(self, items: Iterable[Hashable]) -> None:
        for item in items:
            self.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __len__(self) -> int:
        return len(self._items)


@attrs.define
class ClientContext:
    """What plans know of their client: its credentials and what it learned of the server.

    One per client, long-lived; plans read it and may record what they
    learn (state, never I/O). ``logged_in`` follows login()/logout().
    ``server_line`` is the configured line, or None until detected
    (``server_lines.detect_server_line``); ``unsupported`` holds what the
    server was found to lack (market data); ``default_trader_index`` is the
    account the query methods use when called without one.
    ``clock`` estimates the server's time (from answers' Date headers).
    ``claimed_orders`` holds (trader_index, order_id) of orders this client
    already attributed to a call, so reconciliation never hands one order
    to two calls; ``used_client_order_ids`` the ids callers chose (the
    latest 100,000 of each).
    """

    signed: bool
    logged_in: bool = False
    server_line: ServerLine | None = None
    unsupported: set[Capability] = attrs.field(factory=set)
    default_trader_index: int = 0
    clock: ServerClock = attrs.field(factory=ServerClock)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    reconcile_window: float = DEFAULT_RECONCILE_WINDOW
    claimed_orders: RecentSet = attrs.field(factory=RecentSet)
    used_client_order_ids: RecentSet = attrs.field(factory=RecentSet)
    journaling: bool = False  # the client has an order journal: order plans yield Record steps
    # Guard rails (qmt_facade.risk, qmt_facade.rate_limit); None: not configured, no work.
    risk: RiskLimits | None = None
    order_counter: OrderCounter | None = None  # with risk limits that count orders
    order_slots: Slots | None = None  # the order rate limiter
    read_slots: Slots | None = None  # the read rate limiter, when reads are limited too
    dry_run: bool = False  # order plans check everything, then send no order
    risk_notes: RecentSet = attrs.field(factory=lambda: RecentSet(10_000))  # said-once log lines


class Slots(Protocol):
    """A rate limiter as plans see it (``qmt_facade.rate_buckets.SlotLimiter``)."""

    max_wait: float
    network: bool

    def try_acquire(self) -> float:
        """0.0 when a slot was taken, else the seconds until one may be free."""

    def refusal(self, action: str) -> QMTRateLimitError:
        """The error of a caller that found no slot within ``max_wait``."""


def throttle(slots: Slots, action: str) -> Plan[None]:
    """Wait (Pause steps) for a slot of ``slots``; QMTRateLimitError past its max_wait.

    The wait the limiter names is exact for its own bucket; other processes
    sharing it can only make the next one longer, so a wait that would end
    past ``max_wait`` is refused at once rather than slept.
    """
    waited = 0.0
    while True:
        wait: float = yield Guard(slots.try_acquire, slots.network)
        if wait <= 0:
            return
        if waited + wait > slots.max_wait:
            raise slots.refusal(action)
        yield Pause(wait)
        waited += wait


def require_any_auth(ctx: ClientContext, action: str) -> None:
    if not (ctx.signed or ctx.logged_in):
        raise QMTAuthenticationError(
            f"{action} 需要先 login() 或在创建客户端时提供 client_id 和 secret_key"
        )


def require_signature(ctx: ClientContext, action: str) -> None:
    if not ctx.signed:
        raise QMTAuthenticationError(
            f"{action} 只接受API签名认证：请在创建客户端时提供 client_id 和 secret_key"
            "（服务器对该接口不接受登录会话）"
        )


def optional(value: Any) -> Any:
    """None as the generated client's UNSET: the field is left out of the request."""
    return UNSET if value is None else value


def read(ctx: ClientContext, call: Call) -> Plan[Any]:
    """Send a read, retried under ``ctx.retry`` on connection faults and 502/503/504.

    The first try costs nothing extra (unless reads are rate limited: then it
    waits for a slot first). After a retryable failure, tenacity's
    controller decides whether and how long to wait (the loop is tenacity's
    own ``Retrying.__iter__``, with the sleep turned into a ``Pause`` step so
    that either driver sleeps its own way); the last error is re-raised.
    """
    if ctx.read_slots is not None:
        yield from throttle(ctx.read_slots, call.action)
    try:
        return (yield call)
    except QMTTradeClientError as error:
        if ctx.retry.max_retries == 0 or not is_retryable_read(error):
            raise
        first_failure = error
    import tenacity  # imported once a read failed, not by `import qmt_facade`

    retrying = ctx.retry.retrying()
    retrying.begin()
    state = tenacity.RetryCallState(retrying, fn=None, args=(), kwargs={})
    state.set_exception((type(first_failure), first_failure, first_failure.__traceback__))
    while True:
        action = retrying.iter(state)
        if isinstance(action, tenacity.DoSleep):
            failed = state.outcome.exception() if state.outcome is not None else None
            logger.info(
                "%s: %s; retry %d of %d in %.2fs",
                call.action,
                failed,
                state.attempt_number,
                ctx.retry.max_retries,
                float(action),
            )
            state.prepare_for_next_attempt()
            yield Pause(float(action))
        elif isinstance(action, tenacity.DoAttempt):
            try:
                result = yield call
            except QMTTradeClientError:
                state.set_exception(sys.exc_info())  # type: ignore[arg-type]
            else:
                state.set_result(result)
        else:
            return action
