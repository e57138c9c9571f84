"""Fixtures shared by the SDK's tests: a real simulator process over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from response_contract import ResponseContract

from qmt_facade import AsyncQMTTradeClient, QMTTradeClient
from qmt_facade.config import ENV_VARS
from qmt_sim.testing import SimulatorProcess


@pytest.fixture(autouse=True)
def no_client_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients built by the tests read their settings from their arguments only.

    A developer's QMT_* variables must not change what a test talks to; the
    configuration tests set the ones they test themselves.
    """
    for variable in ENV_VARS.values():
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(scope="session")
def response_contract() -> Iterator[ResponseContract]:
    """Every JSON answer the fixture clients receive must match the spec's schemas."""
    contract = ResponseContract.from_spec()
    yield contract
    assert not contract.violations, "responses outside the spec:\n" + "\n".join(
        contract.violations[:50]
    )


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
def client(sim: SimulatorProcess, response_contract: ResponseContract) -> Iterator[QMTTradeClient]:
    """A signed client of the module's simulator; its responses are checked against the spec."""
    with QMTTradeClient(sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key) as c:
        c._http.event_hooks["response"].append(response_contract.sync_hook)
        yield c


@pytest.fixture
async def aclient(
    sim: SimulatorProcess, response_contract: ResponseContract
) -> AsyncIterator[AsyncQMTTradeClient]:
    """A signed async client of the module's simulator; responses checked against the spec."""
    async with AsyncQMTTradeClient(
        sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key
    ) as c:
        c._http.event_hooks["response"].append(response_contract.async_hook)
        yield c
