"""Where `qmt` gets its connection settings from.

For now only the command-line flags; the environment, ``.env`` and the
YAML file come from ``qmt_facade.config`` once it exists (issue 8), so that
the CLI and the library resolve settings the same way.
"""

from __future__ import annotations

import attrs

from qmt_facade import QMTTradeClient

DEFAULT_BASE_URL = "http://localhost:9091"


@attrs.frozen
class ConnectionFlags:
    """The connection flags given on the command line (None: not given)."""

    base_url: str | None = None
    client_id: str | None = None
    secret_key: str | None = attrs.field(default=None, repr=False)
    timeout: float | None = None

    @property
    def signed(self) -> bool:
        return bool(self.client_id) and bool(self.secret_key)

    def client(self) -> QMTTradeClient:
        return QMTTradeClient(
            self.base_url or DEFAULT_BASE_URL,
            client_id=self.client_id,
            secret_key=self.secret_key,
            timeout=self.timeout if self.timeout is not None else 30,
        )

    def default_trader_index(self) -> int | None:
        return None
