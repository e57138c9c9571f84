"""The user manual's import path: ``from qmt_trade_client import QMTTradeClient``.

Everything here is qmt_facade's; see that package.
"""

from typing import TYPE_CHECKING

from qmt_facade import __all__ as __all__
from qmt_facade.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from qmt_facade import *  # noqa: F403
else:
    # Bound from qmt_facade when first used, as there: a star import here would
    # load the async client (asyncio, aiohttp) and everything else at once.
    # Type checkers read the star import: a module __getattr__ would pass any name.
    __getattr__, __dir__ = lazy_exports(globals(), {"qmt_facade": __all__})
