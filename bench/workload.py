"""What every benchmark sends: one account, one GET and one resting limit buy.

Shared by the client rows (``runner``) and the simulator's own rows
(``server_cpu``), so both measure the same two requests, and by any scenario
that needs a simulator with an emulated xtquant round trip (``latency_ms``).
"""

from __future__ import annotations

from typing import Any

import yaml

from qmt_sim.config import sample_config_path

SYMBOL = "000001"
# Previous close 10.50 in the sample config: 9.50 is inside the ±10% band
# (>= 9.45) and far below the market, so every order rests (never fills).
REST_PRICE = 9.50
SHARES = 100
CASH = 10_000_000_000  # ~955 CNY frozen per order: room for ten million orders
LATENCY_MS = 20.0  # the emulated xtquant round trip of the latency scenarios


def sim_config(latency_ms: float = 0.0) -> dict[str, Any]:
    """The sample config with a bottomless account 0 (and an optional emulated latency)."""
    raw: dict[str, Any] = yaml.safe_load(sample_config_path().read_text(encoding="utf-8"))
    raw["accounts"][0]["cash"] = CASH
    if latency_ms:
        raw["server"] = {**(raw.get("server") or {}), "latency_ms": latency_ms}
    return raw
