"""Fixtures shared by the SDK's tests: a real simulator process over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from qmt_facade import AsyncQMTTradeClient, QMTTradeClient
from qmt_sim.testing import SimulatorProcess


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorProcess]:
    """One simulator per test module (sample config, market moved only by /sim/tick)."""
    directory: Path = tmp_path_factory.mktemp("sim")
    with SimulatorProcess(directory) as process:
        yield process


@pytest.fixture
def fresh_sim(tmp_path: Path) -> Iterator[SimulatorProcess]:
    """A simulator of its own, for tests that need a known starting state."""
    with SimulatorProcess(tmp_path / "sim") as process:
        yield process


@pytest.fixture
def client(sim: SimulatorProcess) -> Iterator[QMTTradeClient]:
    """A signed client of the module's simulator."""
    with QMTTradeClient(sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key) as c:
        yield c


@pytest.fixture
async def aclient(sim: SimulatorProcess) -> AsyncIterator[AsyncQMTTradeClient]:
    """A signed async client of the module's simulator."""
    async with AsyncQMTTradeClient(
        sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key
    ) as c:
        yield c
