"""Fixtures for the tests that pin openapi/qmt-server.yaml to the protocol reference."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_support import load_spec


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return load_spec()
