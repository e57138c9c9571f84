"""The client's business logic, written once for the sync and the async client.

Every public method of QMTTradeClient / AsyncQMTTradeClient is a *plan*
(see ``steps``): a generator that validates its arguments, then yields
steps for a driver to perform. One module per domain:

- ``steps``: Call / Pause / Emit, the ClientContext plans read, credentials checks;
- ``session``: login, logout;
- ``accounts``: accounts, portfolio, positions;
- ``trading``: buy, sell, buy_all, sell_all, reverse_repo;
- ``guards``: risk limits, rate-limit slots, order counts and dry run of an order call;
- ``orders``: get_order(s);
- ``cancels``: cancel_order, cancel_all;
- ``reconcile``: what happened to a request whose answer was lost; find_order,
  reconcile_journal;
- ``lifecycle``: wait_for_order, watch_orders;
- ``market_data``: get_full_tick, get_market_data (ticks and bars);
- ``detect_server_line`` comes from ``qmt_facade.server_lines``.

The names below load with their module on first use (``qmt_facade.lazy_exports``):
a client imports a domain's plans, and the generated endpoints and models
they send, when it first calls one of them.
"""

from typing import TYPE_CHECKING

from qmt_facade.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from qmt_facade.client_order_id import DEFAULT_STRATEGY_NAME
    from qmt_facade.plans.accounts import (
        get_account_summary,
        get_accounts,
        get_portfolio,
        get_position_by_symbol,
        get_positions,
        has_position,
    )
    from qmt_facade.plans.cancels import cancel_all, cancel_order
    from qmt_facade.plans.lifecycle import OrderEvent, wait_for_order, watch_orders
    from qmt_facade.plans.market_data import MarketTime, get_full_tick, get_market_data
    from qmt_facade.plans.orders import get_order, get_orders
    from qmt_facade.plans.reconcile import SentOrder, find_order, reconcile_journal
    from qmt_facade.plans.session import login, logout
    from qmt_facade.plans.steps import (
        Call,
        ClientContext,
        Emit,
        Guard,
        Pause,
        Plan,
        Record,
        Step,
        read,
    )
    from qmt_facade.plans.trading import (
        OrderRequest,
        buy_all,
        check_trade,
        place_order,
        reverse_repo,
        sell_all,
        validate_order,
    )
    from qmt_facade.server_lines import detect_server_line
else:
    # Type checkers read the imports above: a module __getattr__ would pass any name.
    __getattr__, __dir__ = lazy_exports(
        globals(),
        {
            "qmt_facade.client_order_id": ("DEFAULT_STRATEGY_NAME",),
            "qmt_facade.plans.accounts": (
                "get_account_summary",
                "get_accounts",
                "get_portfolio",
                "get_position_by_symbol",
                "get_positions",
                "has_position",
            ),
            "qmt_facade.plans.cancels": ("cancel_all", "cancel_order"),
            "qmt_facade.plans.lifecycle": ("OrderEvent", "wait_for_order", "watch_orders"),
            "qmt_facade.plans.market_data": ("MarketTime", "get_full_tick", "get_market_data"),
            "qmt_facade.plans.orders": ("get_order", "get_orders"),
            "qmt_facade.plans.reconcile": ("SentOrder", "find_order", "reconcile_journal"),
            "qmt_facade.plans.session": ("login", "logout"),
            "qmt_facade.plans.steps": (
                "Call",
                "ClientContext",
                "Emit",
                "Guard",
                "Pause",
                "Plan",
                "Record",
                "Step",
                "read",
            ),
            "qmt_facade.plans.trading": (
                "OrderRequest",
                "buy_all",
                "check_trade",
                "detect_server_line",
                "place_order",
                "reverse_repo",
                "sell_all",
                "validate_order",
            ),
            "qmt_facade.server_lines": ("detect_server_line",),
        },
    )

__all__ = [
    "DEFAULT_STRATEGY_NAME",
    "Call",
    "ClientContext",
    "Emit",
    "Guard",
    "MarketTime",
    "OrderEvent",
    "OrderRequest",
    "Pause",
    "Plan",
    "Record",
    "SentOrder",
    "Step",
    "buy_all",
    "cancel_all",
    "cancel_order",
    "check_trade",
    "detect_server_line",
    "find_order",
    "get_account_summary",
    "get_accounts",
    "get_full_tick",
    "get_market_data",
    "get_order",
    "get_orders",
    "get_portfolio",
    "get_position_by_symbol",
    "get_positions",
    "has_position",
    "login",
    "logout",
    "place_order",
    "read",
    "reconcile_journal",
    "reverse_repo",
    "sell_all",
    "validate_order",
    "wait_for_order",
    "watch_orders",
]
