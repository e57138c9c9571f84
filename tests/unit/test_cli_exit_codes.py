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
    QMTRateLimitError,
    QMTRiskError,
    QMTTimeoutError,
    QMTTradeClientError,
    QMTUnsupportedError,
    QMTValidationError,
)
from qmt_facade.cli import ExitCode
from qmt_facade.cli.exit_codes import exit_code_for

URL = "http://127.0.0.1:9091"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (QMTValidationError("x", field="f", value=1, rule="r"), ExitCode.USAGE),
        (QMTConnectionError(URL), ExitCode.CONNECTION),
        # A timeout the client raises as such settled the order's fate (never
        # sent, or a read such as the line probe): only the unknown state is a 4.
        (QMTTimeoutError(URL, "buy: ConnectTimeout; not sent"), ExitCode.CONNECTION),
        (QMTOrderStateUnknownError("lost", client_order_id="c1"), ExitCode.ORDER_STATE_UNKNOWN),
        (QMTOrderRejectedError("no", outcomes=[]), ExitCode.REFUSED),
        (QMTAuthenticationError("bad signature"), ExitCode.REFUSED),
        (QMTNotFoundError(status_code=404), ExitCode.REFUSED),
        (QMTUnsupportedError("no", capability="market_data"), ExitCode.REFUSED),
        (QMTAPIError("500", status_code=500), ExitCode.REFUSED),
        (QMTRiskError("over", limit="max_order_value", value=2.0, order="buy"), ExitCode.REFUSED),
        (QMTRateLimitError("no slot", max_wait=0.0), ExitCode.REFUSED),
    ],
)
def test_exit_codes(error: QMTTradeClientError, code: ExitCode) -> None:
    assert exit_code_for(error) == code


def test_the_documented_numbers() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4]
