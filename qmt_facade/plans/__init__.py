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
- ``market_data``: get_full_tick, get_market_data (ticks and bars).
"""

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
    DEFAULT_STRATEGY_NAME,
    OrderRequest,
    buy_all,
    check_trade,
    place_order,
    reverse_repo,
    sell_all,
    validate_order,
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
