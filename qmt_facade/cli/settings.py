"""Where `qmt` gets its connection settings: ``qmt_facade.config``, as the library does.

Each setting comes from the first source that has it:

1. a flag: ``--base-url``, ``--client-id``, ``--secret-key``, ``--timeout``;
2. the YAML file named by ``--config`` (the keys of ``QMTTradeClient.from_config``,
   its ``risk:`` and ``rate_limit:`` sections included);
3. the environment: ``QMT_BASE_URL``, ``QMT_CLIENT_ID``, ``QMT_SECRET_KEY``,
   ``QMT_TIMEOUT``, ``QMT_TRADER_INDEX``, ``QMT_SERVER_LINE``;
4. a ``.env`` file in the working directory;
5. the defaults (``http://localhost:9091``, 30 s, account 0, line auto).

A file named on the command line beats the environment, as the arguments
of ``from_config`` do in the library.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from qmt_facade import QMTTradeClient
from qmt_facade.config import ClientConfig, load_config_file, resolve_config


@attrs.frozen
class ConnectionFlags:
    """The connection flags given on the command line (None: not given)."""

    base_url: str | None = None
    client_id: str | None = None
    secret_key: str | None = attrs.field(default=None, repr=False)
    timeout: float | None = None
    config_file: Path | None = None

    def resolve(self) -> ClientConfig:
        """The settings, flags first; raises QMTValidationError naming a bad source."""
        arguments = load_config_file(self.config_file) if self.config_file is not None else {}
        given = {
            "base_url": self.base_url,
            "client_id": self.client_id,
            "secret_key": self.secret_key,
            "timeout": self.timeout,
        }
        arguments.update({name: value for name, value in given.items() if value is not None})
        return resolve_config(arguments)


def client_for(config: ClientConfig, dry_run: bool = False) -> QMTTradeClient:
    """A client with exactly the resolved settings (nothing read again)."""
    return QMTTradeClient(
        base_url=config.base_url,
        client_id=config.client_id,
        secret_key=config.secret_key,
        timeout=config.timeout,
        trader_index=config.trader_index,
        env_file=None,
        server_line=config.server_line.value if config.server_line is not None else "auto",
        risk=config.risk,
        rate_limit=config.rate_limit,
        dry_run=dry_run,
    )


def trader_index_configured(config: ClientConfig) -> bool:
    """Whether an account was chosen (file, environment, .env) rather than defaulted."""
    return config.sources.get("trader_index", "default") != "default"
