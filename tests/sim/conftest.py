"""Fixtures: a real simulator subprocess per test (state is not shared between tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sim_http import SimHttp

from qmt_sim.config import sample_config_path
from qmt_sim.testing import SimulatorProcess


def sample_config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(sample_config_path().read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimulatorProcess]:
    with SimulatorProcess(tmp_path / "sim") as process:
        yield process


@pytest.fixture
def http(sim: SimulatorProcess) -> Iterator[SimHttp]:
    client = SimHttp(sim.base_url, sim.client_id, sim.secret_key)
    yield client
    client.close()
