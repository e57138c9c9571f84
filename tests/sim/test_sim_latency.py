"""``server.latency_ms``: an emulated xtquant round trip that holds up no other request."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sim_http import API, SimHttp, sample_config

from qmt_sim.config import ConfigError, parse_config
from qmt_sim.testing import SimulatorProcess

LATENCY_MS = 1500


def test_latency_delays_api_answers_and_blocks_nothing_else(tmp_path: Path) -> None:
    with SimulatorProcess(tmp_path, latency_ms=LATENCY_MS) as sim:
        answers: dict[str, Any] = {}

        def slow(name: str) -> None:
            client = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
            started = time.monotonic()
            response = client.signed("GET", f"{API}/portfolio/0")
            answers[name] = (response.status_code, time.monotonic() - started)
            client.close()

        threads = [threading.Thread(target=slow, args=(name,)) for name in ("a", "b")]
        for thread in threads:
            thread.start()
        time.sleep(0.3)  # both are now waiting out their round trip on the server
        # /sim/health calls no xtquant: it is answered while the other two wait.
        health = httpx.get(f"{sim.base_url}/sim/health", timeout=30)
        assert health.status_code == 200
        assert answers == {}, "the emulated round trip blocked the event loop"
        for thread in threads:
            thread.join()
        for status, elapsed in answers.values():
            assert status == 200
            assert elapsed >= LATENCY_MS / 1000


def test_latency_is_zero_by_default_and_must_not_be_negative() -> None:
    assert parse_config(sample_config()).server.latency_ms == 0
    raw = sample_config()
    raw["server"] = {"latency_ms": 20}
    assert parse_config(raw).server.latency_ms == 20
    raw["server"] = {"latency_ms": -1}
    with pytest.raises(ConfigError, match=r"server\.latency_ms must be a number >= 0"):
        parse_config(raw, source="x.yaml")
