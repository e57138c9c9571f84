"""The user manual's import path: ``from qmt_trade_client import QMTTradeClient``.

Everything here is qmt_facade's; see that package.
"""

from qmt_facade import *  # noqa: F403
from qmt_facade import __all__ as __all__
