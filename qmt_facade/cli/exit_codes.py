"""The `qmt` exit codes, and which error gives which.

0 ok; 1 the server said no (order rejected, cancel refused, unknown order,
authentication refused, capability missing), a risk or rate limit refused
the order, or the operator declined; 2 usage or validation error (nothing
sent); 3 no connection or a timeout the client could settle (nothing
happened); 4 an order's state is unknown (``QMTOrderStateUnknownError``):
check `qmt orders` before sending again.
"""

from __future__ import annotations

import enum

from qmt_facade import (
    QMTConnectionError,
    QMTOrderStateUnknownError,
    QMTTradeClientError,
    QMTValidationError,
)


class ExitCode(enum.IntEnum):
    OK = 0
    REFUSED = 1
    USAGE = 2
    CONNECTION = 3
    ORDER_STATE_UNKNOWN = 4


def exit_code_for(error: QMTTradeClientError) -> ExitCode:
    """The exit code of a command that failed with ``error``.

    Only ``QMTOrderStateUnknownError`` is a 4: the client raises it exactly
    when an order or cancel may have reached the server and could not be
    found. A plain ``QMTTimeoutError`` / ``QMTConnectionError`` of an order
    call means the request provably never left (or failed on a read before
    it, such as the server-line probe): a 3, like on any read.
    """
    if isinstance(error, QMTOrderStateUnknownError):
        return ExitCode.ORDER_STATE_UNKNOWN
    if isinstance(error, QMTConnectionError):
        return ExitCode.CONNECTION
    if isinstance(error, QMTValidationError):
        return ExitCode.USAGE
    return ExitCode.REFUSED
