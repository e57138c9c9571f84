"""The user manual's import path: ``from qmt_trade_client import QMTTradeClient``.

Everything here is qmt_facade's; see that package.
"""

from typing import TYPE_CHECKING, Any

import qmt_facade
from qmt_facade import __all__ as __all__

if TYPE_CHECKING:
    from qmt_facade import *  # noqa: F403
else:
    # A star import would load the async client (asyncio, aiohttp) too: take
    # what qmt_facade has bound; the rest comes through __getattr__ when named.
    loaded = vars(qmt_facade)
    globals().update({name: loaded[name] for name in __all__ if name in loaded})


def __getattr__(name: str) -> Any:
    return getattr(qmt_facade, name)
