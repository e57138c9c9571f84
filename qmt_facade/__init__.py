"""qmt_facade: a safe, typed Python SDK for the QMT trading server.

    from qmt_facade import QMTTradeClient
    client = QMTTradeClient("http://localhost:9091", client_id="...", secret_key="...")
    client.buy("000001", price=10.50, shares=500)

The user manual's spelling ``from qmt_trade_client import QMTTradeClient``
works too.
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

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
from qmt_facade.frames import BarMap, OrderList, PositionList, TickMap
from qmt_facade.journal import JournalIntent, JournalOutcome, JournalResolution, OrderJournal
from qmt_facade.plans import OrderEvent
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

if TYPE_CHECKING:
    from qmt_facade.aio import AsyncQMTTradeClient


def __getattr__(name: str) -> Any:
    # The async client brings asyncio and aiohttp: loaded when first named,
    # so that a blocking client's `import qmt_facade` does without them.
    if name == "AsyncQMTTradeClient":
        from qmt_facade.aio import AsyncQMTTradeClient

        return AsyncQMTTradeClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
