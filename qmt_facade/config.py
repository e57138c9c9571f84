"""Where a client's settings come from: arguments, the environment, a .env file, a YAML file.

The names are those of the main-line project's own client, so scripts
written for it run unchanged::

    QMT_BASE_URL      base_url       default http://localhost:9091
    QMT_CLIENT_ID     client_id      (signature auth, with the secret)
    QMT_SECRET_KEY    secret_key
    QMT_TIMEOUT       timeout        default 30 (seconds)
    QMT_TRADER_INDEX  trader_index   default 0 (the query methods' account)
    QMT_SERVER_LINE   server_line    default auto (main | upstream | auto)

Each setting is taken from the first source that has it: the argument,
then the process environment, then the ``.env`` file (``env_file``, read
from the working directory by default; ``None`` reads none), then the
default. An empty value counts as unset. ``load_config_file`` reads a YAML
file with the same keys (either spelling), or the server's own
``config.yaml`` with its ``outer_api_clients`` list; ``from_config`` treats
what it finds as arguments. The guard rails have no variables: a YAML
``risk:`` section (``risk.RiskLimits``) and ``rate_limit:`` section
(``rate_limit.RateLimit``) come from the file or from arguments only.

Nothing here prints, and the secret never appears in a repr, a log line
or an exception.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from qmt_facade.errors import QMTValidationError
from qmt_facade.validation import validate_positive, validate_trader_index

if TYPE_CHECKING:
    from qmt_facade.rate_limit import RateLimit
    from qmt_facade.risk import RiskLimits
    from qmt_facade.server_lines import ServerLine

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_ENV_FILE",
    "ENV_VARS",
    "GUARD_SECTIONS",
    "ClientConfig",
    "load_config_file",
    "resolve_config",
]

logger = logging.getLogger("qmt_facade")

DEFAULT_BASE_URL: Final = "http://localhost:9091"
DEFAULT_ENV_FILE: Final = ".env"
ENV_VARS: Final[Mapping[str, str]] = {
    "base_url": "QMT_BASE_URL",
    "client_id": "QMT_CLIENT_ID",
    "secret_key": "QMT_SECRET_KEY",
    "timeout": "QMT_TIMEOUT",
    "trader_index": "QMT_TRADER_INDEX",
    "server_line": "QMT_SERVER_LINE",
}
_DEFAULTS: Final[Mapping[str, object]] = {
    "base_url": DEFAULT_BASE_URL,
    "client_id": None,
    "secret_key": None,
    "timeout": 30,
    "trader_index": 0,
    "server_line": None,
}
_SECRET: Final = "secret_key"
# Settings given as arguments or YAML sections only (no environment variable).
GUARD_SECTIONS: Final = ("risk", "rate_limit")


@attrs.frozen
class ClientConfig:
    """A client's settings, resolved; ``sources`` says where each came from."""

    base_url: str
    client_id: str | None
    secret_key: str | None = attrs.field(repr=False)
    timeout: float
    trader_index: int
    server_line: ServerLine | None  # None: detect
    sources: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    risk: RiskLimits | None = None
    rate_limit: RateLimit | None = None


def _shown(name: str, value: object) -> str:
    return "***" if name == _SECRET else repr(value)


def _typed(name: str, value: object, source: str) -> object:
    """``value`` (a string from the environment, or a YAML value) in the setting's type."""
    where = f"{ENV_VARS[name]} ({source})" if source != "argument" else name
    try:
        if name == "timeout":
            number = float(value) if isinstance(value, str) else value
            return validate_positive(number, name)
        if name == "trader_index":
            index = int(value) if isinstance(value, str) and value.strip().isdigit() else value
            return validate_trader_index(index)
        if name == "server_line":
            # The lines' table loads where a line is named (auto-detection loads it later).
            from qmt_facade.server_lines import parse_server_line

            return parse_server_line(value)
    except (QMTValidationError, ValueError) as exc:
        rule = exc.rule if isinstance(exc, QMTValidationError) else "must be a number"
        raise QMTValidationError(
            f"{where}={_shown(name, value)}: {rule}", field=name, value=value, rule=rule
        ) from None
    if not isinstance(value, str):
        rule = "must be a str"
        raise QMTValidationError(
            f"{where}={_shown(name, value)}: {rule}",
            field=name,
            value=None if name == _SECRET else value,
            rule=rule,
        )
    return value


def _read_env_file(env_file: str | os.PathLike[str] | None) -> tuple[dict[str, str], str]:
    """The non-empty QMT_* values of ``env_file`` and how to name the file in messages."""
    if env_file is None:
        return {}, ""
    path = Path(env_file)
    if not path.is_file():
        if os.fspath(env_file) != DEFAULT_ENV_FILE:
            rule = "must be an existing file (or None)"
            raise QMTValidationError(
                f"env_file={os.fspath(env_file)!r}: {rule}",
                field="env_file",
                value=os.fspath(env_file),
                rule=rule,
            )
        return {}, ""
    from dotenv import dotenv_values  # only where a .env file exists (import cost)

    values = dotenv_values(path, encoding="utf-8")
    wanted = set(ENV_VARS.values())
    found = {k: v for k, v in values.items() if k in wanted and v}
    return found, f".env file {os.fspath(env_file)}"


def resolve_config(
    arguments: Mapping[str, object],
    env_file: str | os.PathLike[str] | None = DEFAULT_ENV_FILE,
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Settings from ``arguments`` (None: not given) > environment > ``env_file`` > default."""
    unknown = set(arguments) - set(ENV_VARS) - set(GUARD_SECTIONS)
    if unknown:
        raise TypeError(f"unknown client settings: {', '.join(sorted(unknown))}")
    environ = os.environ if environ is None else environ
    from_file, file_label = _read_env_file(env_file)
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    for name, variable in ENV_VARS.items():
        given = arguments.get(name)
        if given is not None:
            value, source = given, "argument"
        elif environ.get(variable):
            value, source = environ[variable], "environment"
        elif variable in from_file:
            value, source = from_file[variable], file_label
        else:
            values[name], sources[name] = _DEFAULTS[name], "default"
            continue
        values[name] = _typed(name, value, source)
        sources[name] = source
    logger.debug("client settings from: %s", ", ".join(f"{k}={v}" for k, v in sources.items()))
    return ClientConfig(
        base_url=str(values["base_url"]),
        client_id=_optional_text(values["client_id"]),
        secret_key=_optional_text(values["secret_key"]),
        timeout=float(values["timeout"]),  # type: ignore[arg-type]
        trader_index=int(values["trader_index"]),  # type: ignore[call-overload]
        server_line=values["server_line"],  # type: ignore[arg-type]
        sources=sources,
        risk=guard_setting("risk", arguments.get("risk")),
        rate_limit=guard_setting("rate_limit", arguments.get("rate_limit")),
    )


def guard_setting(name: str, value: Any, source: str | None = None) -> Any:
    """``risk`` / ``rate_limit`` as given (their class, a mapping of their fields, or None)."""
    if value is None:
        return None
    # Imported only where a guard rail is configured (import cost of qmt_facade).
    from qmt_facade.rate_limit import RateLimit
    from qmt_facade.risk import RiskLimits

    cls = RiskLimits if name == "risk" else RateLimit
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        return cls.from_mapping(value, source or name)
    rule = f"must be a {cls.__name__}, a mapping of its fields, or None"
    raise QMTValidationError(
        f"{source or name}: {rule} (got {type(value).__name__})",
        field=name,
        value=None,
        rule=rule,
    )


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


_FILE_KEYS: Final[Mapping[str, str]] = {
    **{name: name for name in ENV_VARS},
    **{variable: name for name, variable in ENV_VARS.items()},
}


def load_config_file(path: str | os.PathLike[str], client_id: str | None = None) -> dict[str, Any]:
    """The client settings in a YAML file, as constructor arguments.

    Accepts the settings' names (``base_url``, ``client_id``, ...) or the
    variables' (``QMT_BASE_URL``, ...). A server ``config.yaml`` (the
    manual's ``outer_api_clients`` list) works too: its only client, or the
    one named ``client_id``, gives client_id and secret_key; the server's
    other keys are ignored. In a plain client file an unknown key is an
    error (a typo must not go unnoticed).
    """
    import yaml  # only for a config file: ~10 ms that `import qmt_facade` need not pay

    shown = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as stream:
            loaded = yaml.safe_load(stream)
    except OSError as exc:
        rule = "must be a readable YAML file"
        raise QMTValidationError(
            f"config file {shown!r}: {rule} ({type(exc).__name__})",
            field="path",
            value=shown,
            rule=rule,
        ) from None
    except yaml.YAMLError as exc:
        rule = "must be valid YAML"
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise QMTValidationError(
            f"config file {shown!r}: {rule}{at}", field="path", value=shown, rule=rule
        ) from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        rule = "must hold a mapping of settings"
        raise QMTValidationError(
            f"config file {shown!r}: {rule}", field="path", value=shown, rule=rule
        )
    settings: dict[str, Any] = {}
    clients = loaded.get("outer_api_clients")
    for key, value in loaded.items():
        name = _FILE_KEYS.get(str(key))
        if key in GUARD_SECTIONS:
            settings[str(key)] = guard_setting(str(key), value, f"config file {shown!r}: {key}")
        elif name is not None:
            settings[name] = value
        elif clients is None:
            rule = f"known keys: {', '.join([*_FILE_KEYS, *GUARD_SECTIONS])}"
            raise QMTValidationError(
                f"config file {shown!r}: unknown key {key!r}; {rule}",
                field=str(key),
                value=None,
                rule=rule,
            )
    if clients is not None:
        settings.update(_server_client(shown, clients, client_id or settings.get("client_id")))
    return settings


def _server_client(shown: str, clients: object, wanted: object) -> dict[str, Any]:
    """client_id and secret_key from a server config's ``outer_api_clients``."""
    entries = [c for c in clients if isinstance(c, dict)] if isinstance(clients, list) else []
    ids = [str(c.get("client_id")) for c in entries]
    if wanted is not None:
        entries = [c for c in entries if c.get("client_id") == wanted]
    if len(entries) != 1:
        rule = (
            "needs exactly one client, or client_id= naming one"
            if wanted is None
            else "must list the client_id asked for"
        )
        raise QMTValidationError(
            f"config file {shown!r}: outer_api_clients {rule} (client ids: {', '.join(ids)})",
            field="outer_api_clients",
            value=ids,
            rule=rule,
        )
    entry = entries[0]
    return {"client_id": entry.get("client_id"), "secret_key": entry.get("secret_key")}
