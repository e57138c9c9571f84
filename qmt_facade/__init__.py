"""qmt_facade: a safe, typed Python SDK for the QMT trading server.

    from qmt_facade import QMTTradeClient
    client = QMTTradeClient("http://localhost:9091", client_id="...", secret_key="...")
    client.buy("000001", price=10.50, shares=500)

The user manual's spelling ``from qmt_trade_client import QMTTradeClient``
works too.
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from qmt_facade.client import QMTTradeClient
from qmt_facade.errors import (
    QMTAPIError,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTNotFoundError,
    QMTOrderRejectedError,
    QMTOrderStateUnknownError,
    QMTRateLimitError,
    QMTRiskError,
    QMTTimeoutError,
    QMTTradeClientError,
    QMTUnsupportedError,
    QMTValidationError,
    QMTWaitTimeoutError,
)
from qmt_facade.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from qmt_facade.aio import AsyncQMTTradeClient
    from qmt_facade.frames import BarMap, OrderList, PositionList, TickMap
    from qmt_facade.journal import (
        JournalIntent,
        JournalOutcome,
        JournalResolution,
        OrderJournal,
    )
    from qmt_facade.plans.lifecycle import OrderEvent
    from qmt_facade.quotes import SHANGHAI, Bar, Tick
    from qmt_facade.rate_limit import RateLimit
    from qmt_facade.records import (
        CANCELABLE_STATUSES,
        FINAL_STATUSES,
        STATUS_NAMES,
        Account,
        AccountSummary,
        CancelAllResult,
        CancelEntry,
        CancelResult,
        Order,
        OrderOutcome,
        Portfolio,
        Position,
        TradeResult,
        TraderResult,
    )
    from qmt_facade.risk import RiskLimits
    from qmt_facade.server_lines import Capability, ServerLine
    from qmt_facade.symbols import lot_size, normalize_symbol
else:
    # The blocking client and the errors load with the package; the rest when
    # first named (the async client brings asyncio and aiohttp, market data and
    # frames their own classes), so that `import qmt_facade` stays cheap. Type
    # checkers read the imports above: a module __getattr__ would pass any name.
    __getattr__, __dir__ = lazy_exports(
        globals(),
        {
            "qmt_facade.aio": ("AsyncQMTTradeClient",),
            "qmt_facade.frames": ("BarMap", "OrderList", "PositionList", "TickMap"),
            "qmt_facade.journal": (
                "JournalIntent",
                "JournalOutcome",
                "JournalResolution",
                "OrderJournal",
            ),
            "qmt_facade.plans.lifecycle": ("OrderEvent",),
            "qmt_facade.quotes": ("SHANGHAI", "Bar", "Tick"),
            "qmt_facade.rate_limit": ("RateLimit",),
            "qmt_facade.records": (
                "CANCELABLE_STATUSES",
                "FINAL_STATUSES",
                "STATUS_NAMES",
                "Account",
                "AccountSummary",
                "CancelAllResult",
                "CancelEntry",
                "CancelResult",
                "Order",
                "OrderOutcome",
                "Portfolio",
                "Position",
                "TradeResult",
                "TraderResult",
            ),
            "qmt_facade.risk": ("RiskLimits",),
            "qmt_facade.server_lines": ("Capability", "ServerLine"),
            "qmt_facade.symbols": ("lot_size", "normalize_symbol"),
        },
    )

__all__ = [
    "CANCELABLE_STATUSES",
    "FINAL_STATUSES",
    "SHANGHAI",
    "STATUS_NAMES",
    "Account",
    "AccountSummary",
    "AsyncQMTTradeClient",
    "Bar",
    "BarMap",
    "CancelAllResult",
    "CancelEntry",
    "CancelResult",
    "Capability",
    "JournalIntent",
    "JournalOutcome",
    "JournalResolution",
    "Order",
    "OrderEvent",
    "OrderJournal",
    "OrderList",
    "OrderOutcome",
    "Portfolio",
    "Position",
    "PositionList",
    "QMTAPIError",
    "QMTAuthenticationError",
    "QMTConnectionError",
    "QMTNotFoundError",
    "QMTOrderRejectedError",
    "QMTOrderStateUnknownError",
    "QMTRateLimitError",
    "QMTRiskError",
    "QMTTimeoutError",
    "QMTTradeClient",
    "QMTTradeClientError",
    "QMTUnsupportedError",
    "QMTValidationError",
    "QMTWaitTimeoutError",
    "RateLimit",
    "RiskLimits",
    "ServerLine",
    "Tick",
    "TickMap",
    "TradeResult",
    "TraderResult",
    "__version__",
    "lot_size",
    "normalize_symbol",
]
