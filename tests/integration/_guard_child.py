"""A strategy process for the guard-rail tests: places orders, prints what happened as JSON.

Run as ``python _guard_child.py '<json settings>'``; the settings name the
server, the client's ``risk`` / ``rate_limit`` / ``journal`` and the orders
(``count`` buys of ``shares`` at ``price`` on ``trader_index``).
"""

from __future__ import annotations

import json
import sys

from qmt_facade import QMTRiskError, QMTTradeClient


def main() -> None:
    settings = json.loads(sys.argv[1])
    outcomes: list[dict[str, object]] = []
    with QMTTradeClient(
        settings["base_url"],
        client_id=settings["client_id"],
        secret_key=settings["secret_key"],
        server_line="main",
        env_file=None,
        risk=settings.get("risk"),
        rate_limit=settings.get("rate_limit"),
        journal=settings.get("journal"),
    ) as client:
        for _ in range(settings["count"]):
            try:
                result = client.buy(
                    "000001",
                    settings["price"],
                    shares=settings["shares"],
                    trader_index=settings["trader_index"],
                )
            except QMTRiskError as refused:
                outcomes.append({"refused": refused.limit, "message": str(refused)})
            else:
                outcomes.append({"placed": result.order_ids})
    print(json.dumps(outcomes, ensure_ascii=False))


if __name__ == "__main__":
    main()
