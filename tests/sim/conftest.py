"""Fixtures: a real simulator subprocess per test (state is not shared between tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from response_contract import ResponseContract
from sim_http import SimHttp

from qmt_sim.testing import SimulatorProcess


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimulatorProcess]:
    with SimulatorProcess(tmp_path / "sim") as process:
        yield process


@pytest.fixture
def http(sim: SimulatorProcess, response_contract: ResponseContract) -> Iterator[SimHttp]:
    client = SimHttp(sim.base_url, sim.client_id, sim.secret_key, [response_contract.sync_hook])
    yield client
    client.close()
