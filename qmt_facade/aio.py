"""AsyncQMTTradeClient: QMTTradeClient's methods as coroutines, for asyncio.

Same arguments, results and exceptions as the blocking client: both run the
same plans (``qmt_facade.plans``); only the I/O differs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Collection, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from qmt_facade import plans
from qmt_facade._transport import (
    FAILURES,
    ClientBase,
    inspect_answer,
    interpret,
    refused_answer,
    request_failed,
)
from qmt_facade.client_order_id import DEFAULT_STRATEGY_NAME
from qmt_facade.errors import QMTTradeClientError
from qmt_facade.plans.steps import Call, Emit, Guard, Pause, Record
from qmt_facade.transports import FacadeAsyncHttpxClient, aiohttp_transport

if TYPE_CHECKING:
    from qmt_facade.frames import BarMap, OrderList, PositionList, TickMap
    from qmt_facade.journal import JournalResolution
    from qmt_facade.plans import MarketTime, OrderEvent, Plan
    from qmt_facade.records import (
        Account,
        AccountSummary,
        CancelAllResult,
        CancelResult,
        Order,
        Portfolio,
        Position,
        TradeResult,
    )
    from qmt_facade.server_lines import ServerLine

logger = logging.getLogger("qmt_facade")
T = TypeVar("T")


class AsyncQMTTradeClient(ClientBase):
    """The asyncio twin of :class:`qmt_facade.QMTTradeClient` (see its docs).

    Use ``async with AsyncQMTTradeClient(...) as client:`` or ``await
    client.aclose()``. Calls may run concurrently (``asyncio.gather``) over
    one pooled connection set.

    Requests go through an ``httpx.AsyncClient`` on aiohttp's transport
    (``qmt_facade.transports``): httpx's API, auth and timeouts, aiohttp's
    connection pool, about a third of the CPU per call of httpx's own
    asyncio stack. ``http_client``: an ``httpx.AsyncClient`` of yours to send
    through instead (httpx's default stack, your proxies, TLS settings or
    transport); the facade sets its base_url, auth, timeout, redirects and
    User-Agent, adds its answer hook, and never closes it.
    """

    _http: httpx.AsyncClient

    def _open_http(self, given: Any) -> None:
        if given is None:
            self._http = FacadeAsyncHttpxClient(
                **self._settings.httpx_options(),
                event_hooks={"response": [self._inspect_answer]},
                transport=aiohttp_transport(),
            )
        elif isinstance(given, httpx.AsyncClient):
            self._settings.adopt(given, self._inspect_answer)
            self._http = given
        else:
            raise self._refuse_http_client(given, httpx.AsyncClient)
        self._api.set_async_httpx_client(self._http)

    # --- plumbing ---------------------------------------------------------

    async def _inspect_answer(self, response: httpx.Response) -> None:
        if inspect_answer(self._settings.clock, response):
            await response.aread()
            raise refused_answer(response)

    async def _perform(self, call: Call) -> Any:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s: %s", call.action, call.endpoint.__name__.rsplit(".", 1)[-1])
        try:
            response = await call.endpoint.asyncio_detailed(client=self._api, **call.kwargs)
        except FAILURES as exc:
            raise request_failed(self._settings, call, exc) from exc
        return interpret(self._settings, call, response)

    async def _steps(self, plan: Plan[Any]) -> AsyncIterator[Any]:
        """Run ``plan`` to its end, yielding what it emits (watch_orders)."""
        outcome: Any = None
        error: QMTTradeClientError | None = None
        while True:
            try:
                step = plan.throw(error) if error is not None else plan.send(outcome)
            except StopIteration:
                return
            if isinstance(step, Emit):
                outcome, error = None, None
                yield step.value
            else:
                outcome, error = await self._perform_step(step)

    async def _run(self, plan: Plan[T]) -> T:
        outcome: Any = None
        error: QMTTradeClientError | None = None
        while True:
            try:
                step = plan.throw(error) if error is not None else plan.send(outcome)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            if isinstance(step, Emit):  # pragma: no cover - only watch_orders emits
                raise TypeError("this plan emits values: iterate it with _steps")
            outcome, error = await self._perform_step(step)

    async def _perform_step(
        self, step: Call | Pause | Record | Guard
    ) -> tuple[Any, QMTTradeClientError | None]:
        """Do one step; an error is handed back to be thrown into the plan."""
        try:
            if isinstance(step, Call):
                return await self._perform(step), None
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
                return None, None
            if isinstance(step, Record):
                if self._journal is None:
                    return None, None
                # An fsync'ed SQLite commit takes milliseconds: it runs on a worker
                # thread so that other calls go on meanwhile. The plan waits for
                # it, so an intent is on disk before its request is sent.
                return None, await asyncio.to_thread(self._record, step.entry)
            # Local guards (a lock, a SQLite file) inline; Redis off the event loop.
            if step.network:
                return await asyncio.to_thread(step.check), None
            return step.check(), None
        except QMTTradeClientError as exc:
            return None, exc

    # --- session ----------------------------------------------------------

    async def login(self, username: str, password: str) -> bool:
        """See QMTTradeClient.login."""
        self._ctx.logged_in = await self._run(plans.login(username, password))
        return self._ctx.logged_in

    async def logout(self) -> bool:
        """See QMTTradeClient.logout."""
        try:
            await self._run(plans.logout())
        finally:
            self._ctx.logged_in = False
            self._http.cookies.clear()
        return True

    async def aclose(self) -> None:
        """Close the connection pool (and a journal opened from a path).

        An ``http_client`` you gave stays open: it is yours to close.
        """
        if self._owns_http:
            await self._http.aclose()
        self._close_journal()

    async def __aenter__(self) -> AsyncQMTTradeClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._ctx.logged_in:
                await self.logout()
        except QMTTradeClientError as error:
            logger.warning("logout on exit failed: %s", error)
        finally:
            await self.aclose()

    async def detect_server_line(self) -> ServerLine:
        """See QMTTradeClient.detect_server_line."""
        return await self._run(plans.detect_server_line(self._ctx))

    # --- queries ----------------------------------------------------------

    async def get_accounts(self) -> list[Account]:
        return await self._run(plans.get_accounts(self._ctx))

    async def get_portfolio(self, trader_index: int | None = None) -> Portfolio:
        return await self._run(plans.get_portfolio(self._ctx, trader_index))

    async def get_positions(self, trader_index: int | None = None) -> PositionList:
        return await self._run(plans.get_positions(self._ctx, trader_index))

    async def get_account_summary(self, trader_index: int | None = None) -> AccountSummary:
        return await self._run(plans.get_account_summary(self._ctx, trader_index))

    async def get_position_by_symbol(
        self, symbol: str, trader_index: int | None = None
    ) -> Position | None:
        return await self._run(plans.get_position_by_symbol(self._ctx, symbol, trader_index))

    async def has_position(self, symbol: str, trader_index: int | None = None) -> bool:
        return await self._run(plans.has_position(self._ctx, symbol, trader_index))

    # --- trading ----------------------------------------------------------

    async def buy(
        self,
        symbol: str,
        price: float,
        position_pct: float | None = None,
        shares: int | None = None,
        price_type: int = 0,
        trader_index: int | None = None,
        strategy_name: str = DEFAULT_STRATEGY_NAME,
        client_order_id: str | None = None,
    ) -> TradeResult:
        order = plans.validate_order(
            "buy", symbol, price, position_pct, shares, price_type, trader_index, strategy_name
        )
        return await self._run(plans.place_order(self._ctx, order, "buy", client_order_id))

    async def sell(
        self,
        symbol: str,
        price: float,
        position_pct: float | None = None,
        shares: int | None = None,
        price_type: int = 0,
        trader_index: int | None = None,
        strategy_name: str = DEFAULT_STRATEGY_NAME,
        client_order_id: str | None = None,
    ) -> TradeResult:
        order = plans.validate_order(
            "sell", symbol, price, position_pct, shares, price_type, trader_index, strategy_name
        )
        return await self._run(plans.place_order(self._ctx, order, "sell", client_order_id))

    async def buy_all(
        self,
        symbol: str,
        price: float,
        trader_index: int | None = None,
        client_order_id: str | None = None,
    ) -> TradeResult:
        return await self._run(
            plans.buy_all(self._ctx, symbol, price, trader_index, client_order_id)
        )

    async def sell_all(
        self,
        symbol: str,
        price: float,
        trader_index: int | None = None,
        client_order_id: str | None = None,
    ) -> TradeResult:
        return await self._run(
            plans.sell_all(self._ctx, symbol, price, trader_index, client_order_id)
        )

    async def reverse_repo(
        self,
        reserve_amount: float = 0,
        trader_index: int | None = None,
        client_order_id: str | None = None,
    ) -> TradeResult:
        return await self._run(
            plans.reverse_repo(self._ctx, reserve_amount, trader_index, client_order_id)
        )

    # --- orders -----------------------------------------------------------

    async def get_order(self, order_id: int, trader_index: int) -> Order:
        return await self._run(plans.get_order(self._ctx, order_id, trader_index))

    async def get_orders(self, trader_index: int, cancelable_only: bool = False) -> OrderList:
        return await self._run(plans.get_orders(self._ctx, trader_index, cancelable_only))

    async def find_order(self, client_order_id: str, trader_index: int) -> Order | None:
        return await self._run(plans.find_order(self._ctx, client_order_id, trader_index))

    async def reconcile_journal(self) -> list[JournalResolution]:
        journal = self._require_journal("reconcile_journal")
        return await self._run(plans.reconcile_journal(self._ctx, journal.unresolved()))

    async def cancel_order(self, order_id: int, trader_index: int) -> CancelResult:
        return await self._run(plans.cancel_order(self._ctx, order_id, trader_index))

    async def cancel_all_buy_orders(self, trader_index: int | None = None) -> CancelAllResult:
        return await self._run(plans.cancel_all(self._ctx, "buy", trader_index))

    async def cancel_all_sell_orders(self, trader_index: int | None = None) -> CancelAllResult:
        return await self._run(plans.cancel_all(self._ctx, "sell", trader_index))

    # --- market data --------------------------------------------------------

    async def get_full_tick(self, symbols: str | Iterable[str]) -> TickMap:
        """See QMTTradeClient.get_full_tick."""
        return await self._run(plans.get_full_tick(self._ctx, symbols))

    async def get_market_data(
        self,
        symbols: str | Iterable[str],
        period: str = "1d",
        start_time: MarketTime = None,
        end_time: MarketTime = None,
        count: int = -1,
        fields: Iterable[str] | None = None,
        dividend_type: str = "front",
    ) -> BarMap:
        """See QMTTradeClient.get_market_data."""
        return await self._run(
            plans.get_market_data(
                self._ctx, symbols, period, start_time, end_time, count, fields, dividend_type
            )
        )

    # --- order lifecycle ----------------------------------------------------

    async def wait_for_order(
        self,
        order_id: int,
        trader_index: int,
        timeout: float = 60.0,
        until: Collection[int] | None = None,
        poll_interval: float = 0.5,
    ) -> Order:
        return await self._run(
            plans.wait_for_order(self._ctx, order_id, trader_index, timeout, poll_interval, until)
        )

    def watch_orders(
        self,
        trader_index: int,
        poll_interval: float = 1.0,
        timeout: float | None = None,
        order_ids: Collection[int] | None = None,
    ) -> AsyncIterator[OrderEvent]:
        """``async for event in client.watch_orders(0): ...`` — see QMTTradeClient.watch_orders."""
        return self._steps(
            plans.watch_orders(self._ctx, trader_index, poll_interval, timeout, order_ids)
        )
