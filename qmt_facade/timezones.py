"""Beijing time, the exchanges' and the server's: trading days, order and quote times.

A module of its own so that only what needs it (quotes, risk limits) loads
zoneinfo and the time zone data.
"""

from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI"]

# Needs the tzdata package on Windows (a dependency there, see pyproject.toml).
SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
