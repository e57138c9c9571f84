"""Which client error gives which `qmt` exit code (the integration tests run each for real)."""

from __future__ import annotations

import pytest

from qmt_facade import (
    QMTAPIError,
    QMTAuthenticationError,
    QMTConnectionError,
    QMTNotFoundError,
    QMTOrderRejectedError,
    QMTOrderStateUnknownError,
    QMTTimeoutError,
    QMTTradeClientError,
    QMTUnsupportedError,
    QMTValidationError,
)
from qmt_facade.cli import ExitCode
from qmt_facade.cli.exit_codes import exit_code_for

URL = "http://127.0.0.1:9091"


@pytest.mark.parametrize(
    ("error", "reading", "placing"),
    [
        (QMTValidationError("x", field="f", value=1, rule="r"), ExitCode.USAGE, ExitCode.USAGE),
        (QMTConnectionError(URL), ExitCode.CONNECTION, ExitCode.CONNECTION),
        (QMTTimeoutError(URL), ExitCode.CONNECTION, ExitCode.ORDER_STATE_UNKNOWN),
        (
            QMTOrderStateUnknownError("lost", client_order_id="c1"),
            ExitCode.ORDER_STATE_UNKNOWN,
            ExitCode.ORDER_STATE_UNKNOWN,
        ),
        (QMTOrderRejectedError("no", outcomes=[]), ExitCode.REFUSED, ExitCode.REFUSED),
        (QMTAuthenticationError("bad signature"), ExitCode.REFUSED, ExitCode.REFUSED),
        (QMTNotFoundError(status_code=404), ExitCode.REFUSED, ExitCode.REFUSED),
        (QMTUnsupportedError("no", capability="market_data"), ExitCode.REFUSED, ExitCode.REFUSED),
        (QMTAPIError("500", status_code=500), ExitCode.REFUSED, ExitCode.REFUSED),
    ],
)
def test_exit_codes(error: QMTTradeClientError, reading: ExitCode, placing: ExitCode) -> None:
    assert exit_code_for(error, places_order=False) == reading
    assert exit_code_for(error, places_order=True) == placing


def test_the_documented_numbers() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4]
