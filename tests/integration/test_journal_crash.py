"""The order journal survives a kill -9 in the middle of sending.

Two child processes place one order each through the fault proxy, which
holds both requests: the first is forwarded to the simulator (the order
exists, its answer never comes back), the second is never forwarded. Both
children are killed (SIGKILL: no cleanup, no outcome written). A new client
on the same journal file then finds both intents unresolved and resolves
them against the simulator's orders.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fault_proxy import FaultProxy

from qmt_facade import QMTTradeClient
from qmt_facade.journal import OrderJournal
from qmt_sim.testing import SimulatorProcess

CHILD = """
import sys
from qmt_facade import QMTTradeClient

base_url, client_id, secret_key, journal, client_order_id = sys.argv[1:6]
client = QMTTradeClient(
    base_url, client_id, secret_key, timeout=120, journal=journal, server_line="main"
)
client.buy("000001", price=9.7, shares=100, trader_index=0, client_order_id=client_order_id)
print("the call returned", flush=True)  # never reached: the proxy holds the request
"""
# The async client writes the journal on a worker thread: the intent must
# still be on disk before the request leaves.
ASYNC_CHILD = """
import asyncio, sys
from qmt_facade import AsyncQMTTradeClient

base_url, client_id, secret_key, journal, client_order_id = sys.argv[1:6]

async def main():
    client = AsyncQMTTradeClient(
        base_url, client_id, secret_key, timeout=120, journal=journal, server_line="main"
    )
    await client.buy(
        "000001", price=9.7, shares=100, trader_index=0, client_order_id=client_order_id
    )
    print("the call returned", flush=True)  # never reached: the proxy holds the request

asyncio.run(main())
"""


def _wait_for(proxy: FaultProxy, client_order_id: str, forwarded: bool) -> dict[str, Any]:
    """The proxy's log entry once the request is in (and, if forwarded, answered upstream)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for entry in proxy.log():
            if entry["client_order_id"] == client_order_id and (
                not forwarded or entry["upstream_status"] is not None
            ):
                return entry
        time.sleep(0.05)
    raise AssertionError(f"{client_order_id} never reached the proxy")


@pytest.mark.parametrize("child_code", [CHILD, ASYNC_CHILD], ids=["sync", "async"])
def test_kill_9_between_intent_and_answer(tmp_path: Path, child_code: str) -> None:
    journal_path = tmp_path / "orders.sqlite3"
    with SimulatorProcess(tmp_path / "sim") as sim, FaultProxy(sim.base_url) as proxy:
        proxy.configure(
            [
                {
                    "method": "POST",
                    "prefix": "/qmt/trade/api/outer/trade/",
                    "queue": ["delay", "hold"],
                }
            ],
            delay=300,  # far longer than the test: only the kill ends these requests
        )
        children = []
        for client_order_id, forwarded in (("k9-forwarded", True), ("k9-held", False)):
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    child_code,
                    proxy.base_url,
                    sim.client_id,
                    sim.secret_key,
                    str(journal_path),
                    client_order_id,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            children.append(child)
            entry = _wait_for(proxy, client_order_id, forwarded)
            assert entry["forwarded"] is forwarded
        for child in children:
            child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
            out, _ = child.communicate(timeout=10)
            assert child.returncode != 0 and b"returned" not in out

        # What a restarted strategy sees: both intents, no outcome.
        journal = OrderJournal(journal_path)
        try:
            open_ids = [i.client_order_id for i in journal.unresolved()]
            assert open_ids == ["k9-forwarded", "k9-held"]
            assert journal.outcomes("k9-forwarded") == []
        finally:
            journal.close()

        with QMTTradeClient(
            sim.base_url,
            client_id=sim.client_id,
            secret_key=sim.secret_key,
            journal=journal_path,
        ) as client:
            on_server = client.find_order("k9-forwarded", 0)
            assert on_server is not None
            assert client.find_order("k9-held", 0) is None
            resolutions = {r.client_order_id: r for r in client.reconcile_journal()}
            assert resolutions["k9-forwarded"].status == "reconciled"
            assert resolutions["k9-forwarded"].order_ids == ((0, on_server.order_id),)
            assert resolutions["k9-held"].status == "absent"
            assert client.journal is not None
            assert client.journal.unresolved() == []
            assert [o.status for o in client.journal.outcomes("k9-forwarded")] == ["reconciled"]
            assert client.reconcile_journal() == []  # nothing left to do
