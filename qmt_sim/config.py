"""Load and validate the simulator's YAML configuration.

Every problem is reported as one line naming the file and the offending key,
e.g. ``config.yaml: accounts[0].cash must be a number >= 0``, so a user can fix
the file without reading a traceback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

SERVER_LINES = ("main", "upstream")


class ConfigError(ValueError):
    """A missing or invalid configuration; the message is one line."""


@dataclass(frozen=True)
class ApiClient:
    client_id: str
    secret_key: str
    name: str


@dataclass(frozen=True)
class User:
    username: str
    password: str


@dataclass(frozen=True)
class PositionSeed:
    symbol: str
    volume: int
    avg_price: float


@dataclass(frozen=True)
class AccountSeed:
    account_id: str
    nick_name: str
    cash: float
    positions: tuple[PositionSeed, ...]
    # The real server's per-account code; it names the orders it places itself
    # ``quant_<account_type>`` (every order on the upstream line).
    account_type: int = 1001


@dataclass(frozen=True)
class MarketConfig:
    seed: int = 20240101
    tick_seconds: float = 1.0
    prices: dict[str, float] = field(default_factory=dict)
    bars_csv: str | None = None
    volume_per_tick: int = 100_000
    volatility: float = 0.002
    repo_rate: float = 0.02
    # Off switches for a frozen paper book (a broker that has executed nothing yet).
    moves: bool = True  # False: prices never change
    fills: bool = True  # False: no order ever executes; accepted orders rest as 已报


@dataclass(frozen=True)
class FeeConfig:
    enabled: bool = True  # False: no commission, no stamp duty
    commission_rate: float = 0.00025
    min_commission: float = 5.0
    stamp_duty_rate: float = 0.0005


# The session secret the packaged sample used to ship: public, so never safe.
SAMPLE_SESSION_SECRET = "change-me"


@dataclass(frozen=True)
class ServerConfig:
    signature_timeout: int = 300
    # None: a random secret generated once per database and kept in it.
    session_secret: str | None = None
    max_body_bytes: int = 64 * 1024
    line: str = "main"  # which public server line to play: main | upstream
    market_data: bool = True  # serve /qmt/data/api/* (on main: a documented superset)
    # How many post-order notifications (the real server's DingTalk message) fail
    # from the start; reproduces the server-side double buy (server-protocol.md §5).
    notification_failures: int = 0
    # An emulated xtquant round trip added to every trading and market-data
    # answer (the event loop keeps serving other requests meanwhile).
    latency_ms: float = 0.0


@dataclass(frozen=True)
class SimConfig:
    source: str
    clients: tuple[ApiClient, ...]
    users: tuple[User, ...]
    accounts: tuple[AccountSeed, ...]
    market: MarketConfig
    fees: FeeConfig
    server: ServerConfig

    def client_secret(self, client_id: str) -> str | None:
        for client in self.clients:
            if client.client_id == client_id:
                return client.secret_key
        return None


TOP_LEVEL_KEYS = ("outer_api_clients", "users", "accounts", "market", "fees", "server")


def _keys(section: type) -> tuple[str, ...]:
    """The YAML keys of a section: its dataclass's fields."""
    return tuple(f.name for f in fields(section))


def sample_config_path() -> Path:
    """The sample configuration shipped inside the package."""
    return Path(str(resources.files("qmt_sim").joinpath("sample_config.yaml")))


def load_config(path: str | Path | None = None) -> SimConfig:
    """Read ``path`` (default: the packaged sample) and validate it."""
    config_path = Path(path) if path is not None else sample_config_path()
    name = config_path.name
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read file ({exc.strerror})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" at line {line + 1}" if line is not None else ""
        raise ConfigError(f"{name}: not valid YAML{where}") from None
    return parse_config(raw, source=name)


def parse_config(raw: Any, source: str = "config") -> SimConfig:
    """Validate an already-parsed mapping (what tests and SimulatorProcess pass)."""
    check = _Checker(source)
    root = check.mapping(raw, "(top level)", TOP_LEVEL_KEYS)
    clients = tuple(
        _parse_client(check, item, f"outer_api_clients[{i}]")
        for i, item in enumerate(
            check.non_empty_list(root.get("outer_api_clients"), "outer_api_clients")
        )
    )
    users = tuple(
        _parse_user(check, item, f"users[{i}]")
        for i, item in enumerate(check.optional_list(root.get("users"), "users"))
    )
    accounts = tuple(
        _parse_account(check, item, f"accounts[{i}]", i)
        for i, item in enumerate(check.non_empty_list(root.get("accounts"), "accounts"))
    )
    _check_unique(check, [c.client_id for c in clients], "outer_api_clients", "client_id")
    _check_unique(check, [a.account_id for a in accounts], "accounts", "account_id")
    return SimConfig(
        source=source,
        clients=clients,
        users=users,
        accounts=accounts,
        market=_parse_market(check, root.get("market")),
        fees=_parse_fees(check, root.get("fees")),
        server=_parse_server(check, root.get("server")),
    )


class _Checker:
    """Small typed accessors that raise ConfigError naming file and key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key} {problem}")

    def mapping(self, value: Any, key: str, known: tuple[str, ...] | None = None) -> dict[str, Any]:
        """A mapping; with ``known``, any other key (a misspelling, usually) is an error."""
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        if known is not None:
            unknown = [str(name) for name in value if name not in known]
            if unknown:
                where = "" if key == "(top level)" else f"{key}."
                raise ConfigError(
                    f"{self.source}: unknown key{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(where + name for name in unknown)} "
                    f"(known: {', '.join(known)})"
                )
        return value

    def optional_mapping(
        self, value: Any, key: str, known: tuple[str, ...] | None = None
    ) -> dict[str, Any]:
        return {} if value is None else self.mapping(value, key, known)

    def non_empty_list(self, value: Any, key: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list")
        return value

    def optional_list(self, value: Any, key: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return value

    def text(self, value: Any, key: str) -> str:
        # YAML turns 55010001 into an int; account ids are still text.
        if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
            raise self.fail(key, "must be a non-empty string")
        return str(value)

    def number(self, value: Any, key: str, minimum: float = 0.0, strict: bool = False) -> float:
        bad = (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        )
        if bad or value < minimum or (strict and value == minimum):
            relation = ">" if strict else ">="
            raise self.fail(key, f"must be a number {relation} {minimum:g}")
        return float(value)

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def choice(self, value: Any, key: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(key, f"must be one of {', '.join(allowed)}")
        return str(value)

    def integer(self, value: Any, key: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"must be an integer >= {minimum}")
        return value


def _parse_client(check: _Checker, raw: Any, key: str) -> ApiClient:
    item = check.mapping(raw, key, _keys(ApiClient))
    return ApiClient(
        client_id=check.text(item.get("client_id"), f"{key}.client_id"),
        secret_key=check.text(item.get("secret_key"), f"{key}.secret_key"),
        name=str(item.get("name") or ""),
    )


def _parse_user(check: _Checker, raw: Any, key: str) -> User:
    item = check.mapping(raw, key, _keys(User))
    return User(
        username=check.text(item.get("username"), f"{key}.username"),
        password=check.text(item.get("password"), f"{key}.password"),
    )


def _parse_account(check: _Checker, raw: Any, key: str, index: int) -> AccountSeed:
    item = check.mapping(raw, key, _keys(AccountSeed))
    positions = tuple(
        _parse_position(check, pos, f"{key}.positions[{j}]")
        for j, pos in enumerate(check.optional_list(item.get("positions"), f"{key}.positions"))
    )
    nick = item.get("nick_name")
    return AccountSeed(
        account_id=check.text(item.get("account_id"), f"{key}.account_id"),
        nick_name=str(nick) if nick else f"账户{index + 1}",
        cash=check.number(item.get("cash"), f"{key}.cash"),
        positions=positions,
        # 1001, 1002, ... as the protocol reference observed on a two-account server.
        account_type=check.integer(item.get("account_type", 1001 + index), f"{key}.account_type"),
    )


def _parse_position(check: _Checker, raw: Any, key: str) -> PositionSeed:
    item = check.mapping(raw, key, _keys(PositionSeed))
    return PositionSeed(
        symbol=check.text(item.get("symbol"), f"{key}.symbol"),
        volume=check.integer(item.get("volume"), f"{key}.volume", minimum=1),
        avg_price=check.number(item.get("avg_price"), f"{key}.avg_price", strict=True),
    )


def _parse_market(check: _Checker, raw: Any) -> MarketConfig:
    item = check.optional_mapping(raw, "market", _keys(MarketConfig))
    defaults = MarketConfig()
    prices_raw = check.optional_mapping(item.get("prices"), "market.prices")
    prices = {
        str(symbol): check.number(price, f"market.prices.{symbol}", strict=True)
        for symbol, price in prices_raw.items()
    }
    bars = item.get("bars_csv")
    if bars is not None and (not isinstance(bars, str) or not bars):
        raise check.fail("market.bars_csv", "must be a file path or null")
    return MarketConfig(
        seed=check.integer(item.get("seed", defaults.seed), "market.seed"),
        tick_seconds=check.number(
            item.get("tick_seconds", defaults.tick_seconds), "market.tick_seconds"
        ),
        prices=prices,
        bars_csv=bars,
        volume_per_tick=check.integer(
            item.get("volume_per_tick", defaults.volume_per_tick),
            "market.volume_per_tick",
            minimum=1,
        ),
        volatility=check.number(item.get("volatility", defaults.volatility), "market.volatility"),
        repo_rate=check.number(item.get("repo_rate", defaults.repo_rate), "market.repo_rate"),
        moves=check.boolean(item.get("moves", defaults.moves), "market.moves"),
        fills=check.boolean(item.get("fills", defaults.fills), "market.fills"),
    )


def _parse_fees(check: _Checker, raw: Any) -> FeeConfig:
    item = check.optional_mapping(raw, "fees", _keys(FeeConfig))
    defaults = FeeConfig()
    return FeeConfig(
        enabled=check.boolean(item.get("enabled", defaults.enabled), "fees.enabled"),
        commission_rate=check.number(
            item.get("commission_rate", defaults.commission_rate), "fees.commission_rate"
        ),
        min_commission=check.number(
            item.get("min_commission", defaults.min_commission), "fees.min_commission"
        ),
        stamp_duty_rate=check.number(
            item.get("stamp_duty_rate", defaults.stamp_duty_rate), "fees.stamp_duty_rate"
        ),
    )


def _parse_server(check: _Checker, raw: Any) -> ServerConfig:
    item = check.optional_mapping(raw, "server", _keys(ServerConfig))
    defaults = ServerConfig()
    return ServerConfig(
        signature_timeout=check.integer(
            item.get("signature_timeout", defaults.signature_timeout),
            "server.signature_timeout",
            minimum=1,
        ),
        session_secret=(
            None
            if item.get("session_secret") is None
            else check.text(item["session_secret"], "server.session_secret")
        ),
        max_body_bytes=check.integer(
            item.get("max_body_bytes", defaults.max_body_bytes),
            "server.max_body_bytes",
            minimum=1024,
        ),
        line=check.choice(item.get("line", defaults.line), "server.line", SERVER_LINES),
        market_data=check.boolean(
            item.get("market_data", defaults.market_data), "server.market_data"
        ),
        notification_failures=check.integer(
            item.get("notification_failures", defaults.notification_failures),
            "server.notification_failures",
        ),
        latency_ms=check.number(item.get("latency_ms", defaults.latency_ms), "server.latency_ms"),
    )


def _check_unique(check: _Checker, values: list[str], key: str, attr: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise check.fail(f"{key}[{i}].{attr}", f"duplicates {value!r}")
        seen.add(value)
