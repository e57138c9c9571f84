"""The `qmt` exit codes, and which error gives which.

0 ok; 1 the server said no (order rejected, cancel refused, unknown order,
authentication refused, capability missing) or the operator declined;
2 usage or validation error (nothing sent); 3 no connection (nothing
happened); 4 an order's state is unknown: check `qmt orders` before
sending again.
"""

from __future__ import annotations

import enum

from qmt_facade import (
    QMTConnectionError,
    QMTOrderStateUnknownError,
    QMTTimeoutError,
    QMTTradeClientError,
    QMTValidationError,
)


class ExitCode(enum.IntEnum):
    OK = 0
    REFUSED = 1
    USAGE = 2
    CONNECTION = 3
    ORDER_STATE_UNKNOWN = 4


def exit_code_for(error: QMTTradeClientError, places_order: bool) -> ExitCode:
    """The exit code of a command that failed with ``error``.

    A timeout while placing or cancelling leaves the order's state unknown
    (the server may have acted after the client gave up), so it is a 4
    there; on a read it is a connection problem like any other.
    """
    if isinstance(error, QMTOrderStateUnknownError):
        return ExitCode.ORDER_STATE_UNKNOWN
    if isinstance(error, QMTTimeoutError) and places_order:
        return ExitCode.ORDER_STATE_UNKNOWN
    if isinstance(error, QMTConnectionError):
        return ExitCode.CONNECTION
    if isinstance(error, QMTValidationError):
        return ExitCode.USAGE
    return ExitCode.REFUSED
