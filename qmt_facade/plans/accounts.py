"""Read-only queries of accounts, assets and positions."""

from __future__ import annotations

from datetime import datetime

from qmt_facade.errors import QMTValidationError
from qmt_facade.frames import PositionList
from qmt_facade.plans.steps import Call, ClientContext, Plan, read, require_any_auth
from qmt_facade.records import Account, AccountSummary, Portfolio, Position
from qmt_facade.symbols import normalize_symbol
from qmt_facade.validation import validate_trader_index
from qmt_server_client import models as wire
from qmt_server_client.api.account import get_accounts as accounts_route
from qmt_server_client.api.account import get_portfolio as portfolio_route
from qmt_server_client.api.account import get_positions as positions_route


def get_accounts(ctx: ClientContext) -> Plan[list[Account]]:
    require_any_auth(ctx, "get_accounts")
    answer: wire.AccountList = yield from read(ctx, Call(accounts_route, {}, "get_accounts"))
    return [Account.from_wire(a) for a in answer.accounts]


def _account(ctx: ClientContext, trader_index: int | None) -> int:
    """The account a query is about: the one asked for, else the client's default."""
    return validate_trader_index(ctx.default_trader_index if trader_index is None else trader_index)


def get_portfolio(ctx: ClientContext, trader_index: int | None) -> Plan[Portfolio]:
    index = _account(ctx, trader_index)
    require_any_auth(ctx, "get_portfolio")
    answer: wire.PortfolioResponse = yield from read(
        ctx, Call(portfolio_route, {"trader_index": index}, "get_portfolio")
    )
    return Portfolio.from_wire(answer.portfolio)


def get_positions(ctx: ClientContext, trader_index: int | None) -> Plan[PositionList]:
    index = _account(ctx, trader_index)
    require_any_auth(ctx, "get_positions")
    answer: wire.PositionList = yield from read(
        ctx, Call(positions_route, {"trader_index": index}, "get_positions")
    )
    return PositionList(Position.from_wire(p) for p in answer.positions)


def get_account_summary(ctx: ClientContext, trader_index: int | None) -> Plan[AccountSummary]:
    index = _account(ctx, trader_index)
    timestamp = datetime.now().astimezone()
    portfolio = yield from get_portfolio(ctx, index)
    positions = yield from get_positions(ctx, index)
    return AccountSummary(
        trader_index=index, portfolio=portfolio, positions=positions, timestamp=timestamp
    )


def same_symbol(reported: str, wanted: str) -> bool:
    """Whether a position's reported symbol is ``wanted`` (normalised CODE.EX)."""
    try:
        return normalize_symbol(reported) == wanted
    except QMTValidationError:  # a symbol this client does not understand
        return reported.upper() == wanted


def get_position_by_symbol(
    ctx: ClientContext, symbol: str, trader_index: int | None
) -> Plan[Position | None]:
    wanted = normalize_symbol(symbol)
    positions = yield from get_positions(ctx, trader_index)
    return next((p for p in positions if same_symbol(p.symbol, wanted)), None)


def has_position(ctx: ClientContext, symbol: str, trader_index: int | None) -> Plan[bool]:
    position = yield from get_position_by_symbol(ctx, symbol, trader_index)
    return position is not None and position.volume > 0
