"""QMTTradeClient: the blocking client the user manual documents."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterable, Iterator
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
from qmt_facade.transports import FacadeHttpxClient

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


class QMTTradeClient(ClientBase):
    """A client of the QMT trading server.

    Give ``client_id`` and ``secret_key`` to sign every request (recommended,
    every method works), or call :meth:`login` for a cookie session (queries
    and buy/sell work; order queries, cancels and reverse repo need a
    signature). One pooled HTTP connection per client; not thread-safe for
    login/logout, safe for concurrent calls otherwise.

    Settings not given come from the ``QMT_*`` environment variables, then
    from ``env_file`` (``.env`` in the working directory; None reads none),
    then the defaults (``qmt_facade.config``); ``from_config(path)`` reads a
    YAML file. ``trader_index`` is the query methods' default account; the
    trading methods without one still act on every account. ``server_line``
    (``"auto"``, ``"main"``, ``"upstream"``) says which line of the server
    this is; with ``"auto"`` the first order-placing call finds out.

    ``max_retries`` (default 2, 0 disables): extra tries of a read after a
    connection fault, a timeout or a 502/503/504; orders are never resent.
    ``reconcile_window`` (seconds, default 5): how long an order whose answer
    was lost is looked for in ``get_orders``. ``journal``: a SQLite file that
    records every order's intent before it is sent and its outcome after
    (``client.journal``, ``reconcile_journal()``). ``http_client``: an
    ``httpx.Client`` of yours to send through (your transport, proxies, TLS
    settings); the facade sets its base_url, auth, timeout, redirects and
    User-Agent, adds its answer hook, and never closes it.

    Guard rails (README "Guard rails"): ``risk=RiskLimits(...)`` refuses an
    order over a limit with QMTRiskError before sending; ``rate_limit=
    RateLimit(...)`` spaces order requests (shared by processes through a
    file or Redis); ``dry_run=True`` checks every order call and sends none.
    """

    _http: httpx.Client

    def _open_http(self, given: Any) -> None:
        if given is None:
            self._http = FacadeHttpxClient(
                **self._settings.httpx_options(), event_hooks={"response": [self._inspect_answer]}
            )
        elif isinstance(given, httpx.Client):
            self._settings.adopt(given, self._inspect_answer)
            self._http = given
        else:
            raise self._refuse_http_client(given, httpx.Client)
        self._api.set_httpx_client(self._http)

    # --- plumbing ---------------------------------------------------------

    def _inspect_answer(self, response: httpx.Response) -> None:
        if inspect_answer(self._settings.clock, response):
            response.read()
            raise refused_answer(response)

    def _perform(self, call: Call) -> Any:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s: %s", call.action, call.endpoint.__name__.rsplit(".", 1)[-1])
        try:
            response = call.endpoint.sync_detailed(client=self._api, **call.kwargs)
        except FAILURES as exc:
            raise request_failed(self._settings, call, exc) from exc
        return interpret(self._settings, call, response)

    def _steps(self, plan: Plan[Any]) -> Iterator[Any]:
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
                outcome, error = self._perform_step(step)

    def _run(self, plan: Plan[T]) -> T:
        outcome: Any = None
        error: QMTTradeClientError | None = None
        while True:
            try:
                step = plan.throw(error) if error is not None else plan.send(outcome)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            if isinstance(step, Emit):  # pragma: no cover - only watch_orders emits
                raise TypeError("this plan emits values: iterate it with _steps")
            outcome, error = self._perform_step(step)

    def _perform_step(
        self, step: Call | Pause | Record | Guard
    ) -> tuple[Any, QMTTradeClientError | None]:
        """Do one step; an error is handed back to be thrown into the plan."""
        try:
            if isinstance(step, Call):
                return self._perform(step), None
            if isinstance(step, Pause):
                time.sleep(step.seconds)
                return None, None
            if isinstance(step, Record):
                return None, self._record(step.entry)
            return step.check(), None
        except QMTTradeClientError as exc:
            return None, exc

    # --- session ----------------------------------------------------------

    def login(self, username: str, password: str) -> bool:
        """Log in with the server's form login; raises QMTAuthenticationError on bad credentials."""
        self._ctx.logged_in = self._run(plans.login(username, password))
        return self._ctx.logged_in

    def logout(self) -> bool:
        """End the session (the server forgets it, the client drops the cookie)."""
        try:
            self._run(plans.logout())
        finally:
            self._ctx.logged_in = False
            self._http.cookies.clear()
        return True

    def close(self) -> None:
        """Close the connection pool (and a journal opened from a path); the client is done.

        An ``http_client`` you gave stays open: it is yours to close.
        """
        if self._owns_http:
            self._http.close()
        self._close_journal()

    def __enter__(self) -> QMTTradeClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._ctx.logged_in:
                self.logout()
        except QMTTradeClientError as error:  # leaving the block must not mask the real error
            logger.warning("logout on exit failed: %s", error)
        finally:
            self.close()

    def detect_server_line(self) -> ServerLine:
        """The server's line, ``main`` or ``upstream``: as configured, or probed once.

        The probe (``POST /qmt/trade/api/buy`` with ``{}``) cannot place an
        order; the first order-placing call runs it anyway when needed.
        """
        return self._run(plans.detect_server_line(self._ctx))

    # --- queries ----------------------------------------------------------

    def get_accounts(self) -> list[Account]:
        """Every account the server trades, with its ``index`` (the trader_index)."""
        return self._run(plans.get_accounts(self._ctx))

    def get_portfolio(self, trader_index: int | None = None) -> Portfolio:
        """Assets of one account (total_asset, cash, frozen_cash, market_value, profit...)."""
        return self._run(plans.get_portfolio(self._ctx, trader_index))

    def get_positions(self, trader_index: int | None = None) -> PositionList:
        """Positions of one account; symbols come back suffixed (``000001.SZ``)."""
        return self._run(plans.get_positions(self._ctx, trader_index))

    def get_account_summary(self, trader_index: int | None = None) -> AccountSummary:
        """Portfolio and positions together, with the time of the query."""
        return self._run(plans.get_account_summary(self._ctx, trader_index))

    def get_position_by_symbol(
        self, symbol: str, trader_index: int | None = None
    ) -> Position | None:
        """The position in ``symbol`` (any accepted spelling), or None."""
        return self._run(plans.get_position_by_symbol(self._ctx, symbol, trader_index))

    def has_position(self, symbol: str, trader_index: int | None = None) -> bool:
        """Whether the account holds a non-zero volume of ``symbol``."""
        return self._run(plans.has_position(self._ctx, symbol, trader_index))

    # --- trading ----------------------------------------------------------

    def buy(
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
        """Buy by position ratio (0 < position_pct <= 1 of total assets) or by shares.

        Without ``trader_index`` every account buys. Raises QMTOrderRejectedError
        when no account placed an order; see TradeResult for partial results.
        ``client_order_id`` (1-16 of ``A-Z a-z 0-9 _ -``, generated when None)
        marks the orders of this call: ``result.client_order_id``,
        ``find_order``. If the answer is lost after the request may have
        arrived, the order is looked up, never sent again: a result with
        ``reconciled=True``, or QMTOrderStateUnknownError.
        """
        order = plans.validate_order(
            "buy", symbol, price, position_pct, shares, price_type, trader_index, strategy_name
        )
        return self._run(plans.place_order(self._ctx, order, "buy", client_order_id))

    def sell(
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
        """Sell by ratio of the sellable volume (0 < position_pct <= 1) or by shares."""
        order = plans.validate_order(
            "sell", symbol, price, position_pct, shares, price_type, trader_index, strategy_name
        )
        return self._run(plans.place_order(self._ctx, order, "sell", client_order_id))

    def buy_all(
        self,
        symbol: str,
        price: float,
        trader_index: int | None = None,
        client_order_id: str | None = None,
    ) -> TradeResult:
        """Buy ``symbol`` with all available cash, at ``price``."""
        return self._run(plans.buy_all(self._ctx, symbol, price, trader_index, client_order_id))

    def sell_all(
        self,
        symbol: str,
        price: float,
        trader_index: int | None = None,
        client_order_id: str | None = None,
    ) -> TradeResult:
        """Sell the whole sellable position in ``symbol``, at ``price``."""
        return self._run(plans.sell_all(self._ctx, symbol, price, trader_index, client_order_id))

    def reverse_repo(
        self,
        reserve_amount: float = 0,
        trader_index: int | None = None,
        client_order_id: str | None = None,
    ) -> TradeResult:
        """Put the cash (minus ``reserve_amount`` CNY) into 1-day reverse repo (131810.SZ)."""
        return self._run(
            plans.reverse_repo(self._ctx, reserve_amount, trader_index, client_order_id)
        )

    # --- orders -----------------------------------------------------------

    def get_order(self, order_id: int, trader_index: int) -> Order:
        """One order; QMTNotFoundError when the account has no such order."""
        return self._run(plans.get_order(self._ctx, order_id, trader_index))

    def get_orders(self, trader_index: int, cancelable_only: bool = False) -> OrderList:
        """Today's orders of one account (only cancelable ones when asked)."""
        return self._run(plans.get_orders(self._ctx, trader_index, cancelable_only))

    def find_order(self, client_order_id: str, trader_index: int) -> Order | None:
        """The order of account ``trader_index`` that carries ``client_order_id``, or None.

        ``TradeResult.client_order_id`` is the id of a call's orders. Main
        server line only (the upstream line does not keep strategy_name).
        """
        return self._run(plans.find_order(self._ctx, client_order_id, trader_index))

    def reconcile_journal(self) -> list[JournalResolution]:
        """Look up every unresolved journal intent in today's orders and record the outcome.

        Needs ``journal=``. Each resolution's ``status`` is ``reconciled``
        (found: ``order_ids``), ``absent`` (no such order: it was never
        placed), ``unknown`` (ambiguous, or orders could not be read) or
        ``unverifiable`` (an intent from an earlier trading day).
        """
        journal = self._require_journal("reconcile_journal")
        return self._run(plans.reconcile_journal(self._ctx, journal.unresolved()))

    def cancel_order(self, order_id: int, trader_index: int) -> CancelResult:
        """Ask the broker to cancel one order; ``success`` says whether it was accepted."""
        return self._run(plans.cancel_order(self._ctx, order_id, trader_index))

    def cancel_all_buy_orders(self, trader_index: int | None = None) -> CancelAllResult:
        """Cancel every open buy order (of every account without ``trader_index``)."""
        return self._run(plans.cancel_all(self._ctx, "buy", trader_index))

    def cancel_all_sell_orders(self, trader_index: int | None = None) -> CancelAllResult:
        """Cancel every open sell order (of every account without ``trader_index``)."""
        return self._run(plans.cancel_all(self._ctx, "sell", trader_index))

    # --- market data (upstream line, qmt-sim) -------------------------------

    def get_full_tick(self, symbols: str | Iterable[str]) -> TickMap:
        """The latest tick of each symbol: ``{"000001.SZ": Tick, ...}``.

        ``symbols`` is one symbol, a comma-separated str or a list, in any
        spelling ``normalize_symbol`` accepts. Keys are the server's codes;
        symbols it has no data for are left out. A server without market
        data raises QMTUnsupportedError (capability ``market_data``).
        """
        return self._run(plans.get_full_tick(self._ctx, symbols))

    def get_market_data(
        self,
        symbols: str | Iterable[str],
        period: str = "1d",
        start_time: MarketTime = None,
        end_time: MarketTime = None,
        count: int = -1,
        fields: Iterable[str] | None = None,
        dividend_type: str = "front",
    ) -> BarMap:
        """Bars of each symbol, oldest first: ``{"000001.SZ": [Bar, ...], ...}``.

        ``start_time`` / ``end_time``: a date, a datetime (naive means Beijing
        time) or ``"YYYYMMDD"``; ``count`` -1 means every bar in the range;
        ``fields`` limits the columns (Bar names or xtquant names; ``time`` is
        always fetched); ``dividend_type`` is xtquant's (``none``, ``front``,
        ``back``, ``front_ratio``, ``back_ratio``).
        """
        return self._run(
            plans.get_market_data(
                self._ctx, symbols, period, start_time, end_time, count, fields, dividend_type
            )
        )

    # --- order lifecycle (polling: the server pushes nothing) ----------------

    def wait_for_order(
        self,
        order_id: int,
        trader_index: int,
        timeout: float = 60.0,
        until: Collection[int] | None = None,
        poll_interval: float = 0.5,
    ) -> Order:
        """Poll until the order's status is in ``until`` (default: a final status).

        Raises QMTWaitTimeoutError after ``timeout`` seconds.
        """
        return self._run(
            plans.wait_for_order(self._ctx, order_id, trader_index, timeout, poll_interval, until)
        )

    def watch_orders(
        self,
        trader_index: int,
        poll_interval: float = 1.0,
        timeout: float | None = None,
        order_ids: Collection[int] | None = None,
    ) -> Iterator[OrderEvent]:
        """Yield an OrderEvent whenever an order appears or its status / fill changes.

        Ends after ``timeout`` seconds (None: never), or once every one of
        ``order_ids`` (when given) is final.
        """
        yield from self._steps(
            plans.watch_orders(self._ctx, trader_index, poll_interval, timeout, order_ids)
        )
