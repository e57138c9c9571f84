"""The two public lines of the real server, as the simulator plays them (``server.line``).

Everything that differs between the lines is decided here, once: which
trading routes exist (and with which handlers), how orders are sized, how
``results[].trader_index`` is numbered, and which extra ways of
authenticating the line accepts. The routes themselves are in ``main_line``,
``upstream_line`` and (identical on both) ``shared_routes``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import main_line, upstream_line
from .calls import Api
from .engine import Sizing


@dataclass(frozen=True)
class ServerLine:
    name: str
    trade_routes: tuple[Api, ...]  # routes whose handlers (or existence) differ by line
    sizing: Sizing
    results_by_position: bool  # results[].trader_index = position among the chosen accounts
    url_secret: bool  # ?client_id=&client_secret= authenticates on its own
    signature_fields_in_query: bool  # client_id / timestamp / signature may come from the query


MAIN = ServerLine(
    name="main",
    trade_routes=main_line.TRADE_ROUTES,
    sizing=main_line.SIZING,
    results_by_position=False,
    url_secret=False,
    signature_fields_in_query=False,
)

UPSTREAM = ServerLine(
    name="upstream",
    trade_routes=upstream_line.TRADE_ROUTES,
    sizing=upstream_line.SIZING,
    results_by_position=True,
    url_secret=True,
    signature_fields_in_query=True,
)

LINES = {line.name: line for line in (MAIN, UPSTREAM)}


def line_named(name: str) -> ServerLine:
    """The line of a validated config (``server.line``)."""
    return LINES[name]
