"""Client settings from arguments, the environment, a .env file and YAML: real files, no server."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qmt_facade import AsyncQMTTradeClient, QMTTradeClient, QMTValidationError
from qmt_facade.config import ClientConfig, resolve_config
from qmt_facade.server_lines import ServerLine

SECRET = "s3cret-from-a-file-7f2"
CLIENTS = [QMTTradeClient, AsyncQMTTradeClient]
FULL_ENV_FILE = f"""# written by hand
QMT_BASE_URL=http://192.0.2.10:9091
QMT_CLIENT_ID=from_dotenv
QMT_SECRET_KEY={SECRET}
QMT_TIMEOUT=12.5
QMT_TRADER_INDEX=1
QMT_SERVER_LINE=upstream
UNRELATED=ignored
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def close(client: Any) -> None:
    if isinstance(client, AsyncQMTTradeClient):
        asyncio.run(client.aclose())
    else:
        client.close()


@pytest.fixture
def made() -> Iterator[list[Any]]:
    clients: list[Any] = []
    yield clients
    for client in clients:
        close(client)


def settings(client: Any) -> tuple[str, str | None, float, int, ServerLine | None]:
    s = client._settings
    return (s.base_url, s.client_id, s.timeout, client.trader_index, client.server_line)


@pytest.mark.parametrize("cls", CLIENTS)
def test_no_arguments_reads_dotenv_in_the_working_directory(
    cls: type, workdir: Path, made: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / ".env").write_text(FULL_ENV_FILE, encoding="utf-8")
    client = cls()
    made.append(client)
    assert settings(client) == ("http://192.0.2.10:9091", "from_dotenv", 12.5, 1, "upstream")
    assert client._ctx.signed
    assert capsys.readouterr() == ("", "")  # nothing printed on construction


@pytest.mark.parametrize("cls", CLIENTS)
def test_precedence_argument_environment_dotenv_default(
    cls: type, workdir: Path, made: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / ".env").write_text(FULL_ENV_FILE, encoding="utf-8")
    monkeypatch.setenv("QMT_BASE_URL", "http://192.0.2.20:9091")
    monkeypatch.setenv("QMT_TRADER_INDEX", "3")
    monkeypatch.setenv("QMT_TIMEOUT", "")  # empty counts as unset: .env's 12.5
    client = cls(trader_index=2, server_line="main")
    made.append(client)
    assert settings(client) == ("http://192.0.2.20:9091", "from_dotenv", 12.5, 2, "main")
    config = resolve_config({"trader_index": 2, "server_line": "main"})
    assert config.sources == {
        "base_url": "environment",
        "client_id": ".env file .env",
        "secret_key": ".env file .env",
        "timeout": ".env file .env",
        "trader_index": "argument",
        "server_line": "argument",
    }


@pytest.mark.parametrize("cls", CLIENTS)
def test_env_file_none_reads_no_file(cls: type, workdir: Path, made: list[Any]) -> None:
    (workdir / ".env").write_text(FULL_ENV_FILE, encoding="utf-8")
    client = cls(env_file=None)
    made.append(client)
    assert settings(client) == ("http://localhost:9091", None, 30.0, 0, None)
    assert not client._ctx.signed


def test_custom_env_file_and_a_missing_one(workdir: Path, made: list[Any]) -> None:
    (workdir / "conf").mkdir()
    (workdir / "conf" / ".env.production").write_text(FULL_ENV_FILE, encoding="utf-8")
    client = QMTTradeClient(env_file=Path("conf") / ".env.production")
    made.append(client)
    assert settings(client)[1] == "from_dotenv"
    with pytest.raises(QMTValidationError, match=re.escape("env_file='.env.staging'")) as info:
        QMTTradeClient(env_file=".env.staging")
    assert info.value.field == "env_file"
    made.append(QMTTradeClient(env_file=".env"))  # the default name may be absent


@pytest.mark.parametrize(
    ("line", "variable", "rule"),
    [
        ("QMT_TIMEOUT=soon", "QMT_TIMEOUT", "must be a number"),
        ("QMT_TIMEOUT=-1", "QMT_TIMEOUT", "> 0"),
        ("QMT_TRADER_INDEX=-1", "QMT_TRADER_INDEX", ">= 0"),
        ("QMT_TRADER_INDEX=first", "QMT_TRADER_INDEX", ">= 0"),
        ("QMT_SERVER_LINE=newest", "QMT_SERVER_LINE", "'auto', 'main' or 'upstream'"),
        ("QMT_BASE_URL=localhost:9091", "base_url", "http"),
    ],
)
def test_bad_values_name_the_variable_and_the_file(
    workdir: Path, line: str, variable: str, rule: str
) -> None:
    (workdir / ".env").write_text(f"QMT_SECRET_KEY={SECRET}\nQMT_CLIENT_ID=c\n{line}\n")
    with pytest.raises(QMTValidationError) as info:
        QMTTradeClient()
    text = str(info.value)
    assert variable in text and rule in text
    if variable.startswith("QMT_"):
        assert ".env file .env" in text
    assert SECRET not in text and SECRET not in repr(info.value.value)


def test_half_the_credentials_is_an_error_naming_the_other_half(workdir: Path) -> None:
    (workdir / ".env").write_text(f"QMT_SECRET_KEY={SECRET}\n", encoding="utf-8")
    with pytest.raises(QMTValidationError, match="client_id is missing") as info:
        QMTTradeClient()
    assert SECRET not in str(info.value)


def test_the_secret_never_shows(
    workdir: Path, made: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="qmt_facade")
    (workdir / ".env").write_text(FULL_ENV_FILE, encoding="utf-8")
    client = QMTTradeClient()
    made.append(client)
    config = resolve_config({})
    assert isinstance(config, ClientConfig) and config.secret_key == SECRET
    shown = [repr(client), str(client), repr(config), str(vars(client)), caplog.text]
    assert "from_dotenv" in repr(client) and "client settings from" in caplog.text
    assert all(SECRET not in text for text in shown)
    (workdir / ".env").write_text(FULL_ENV_FILE.replace("12.5", "'x'"), encoding="utf-8")
    with pytest.raises(QMTValidationError) as info:
        QMTTradeClient()
    assert SECRET not in str(info.value)


# --- YAML: from_config ------------------------------------------------------------------


@pytest.mark.parametrize("cls", CLIENTS)
def test_from_config_with_the_settings_names(cls: type, workdir: Path, made: list[Any]) -> None:
    (workdir / "qmt.yaml").write_text(
        "base_url: http://192.0.2.30:9091\nclient_id: yaml_client\n"
        f"secret_key: {SECRET}\ntimeout: 5\ntrader_index: 1\nserver_line: main\n",
        encoding="utf-8",
    )
    client = cls.from_config("qmt.yaml")
    made.append(client)
    assert isinstance(client, cls)
    assert settings(client) == ("http://192.0.2.30:9091", "yaml_client", 5.0, 1, "main")


def test_from_config_with_the_variables_names_and_overrides(
    workdir: Path, made: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "qmt.yaml").write_text(
        f"QMT_CLIENT_ID: yaml_client\nQMT_SECRET_KEY: {SECRET}\nQMT_TRADER_INDEX: '1'\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("QMT_BASE_URL", "http://192.0.2.40:9091")  # the file has none
    monkeypatch.setenv("QMT_TRADER_INDEX", "3")  # the file's value wins over it
    client = QMTTradeClient.from_config(workdir / "qmt.yaml", timeout=9)
    made.append(client)
    assert settings(client) == ("http://192.0.2.40:9091", "yaml_client", 9.0, 1, None)


def test_from_config_reads_the_manuals_server_config(workdir: Path, made: list[Any]) -> None:
    """The manual's config.yaml (authentication section), verbatim."""
    (workdir / "config.yaml").write_text(
        "# config.yaml\n"
        "outer_api_clients:\n"
        '  - client_id: "your_client_id"\n'
        '    secret_key: "your_secret_key"\n'
        '    name: "我的策略客户端"\n',
        encoding="utf-8",
    )
    client = QMTTradeClient.from_config("config.yaml", base_url="http://192.0.2.50:9091")
    made.append(client)
    assert settings(client)[:2] == ("http://192.0.2.50:9091", "your_client_id")
    assert client._ctx.signed


def test_from_config_server_config_with_several_clients(workdir: Path, made: list[Any]) -> None:
    (workdir / "config.yaml").write_text(
        "outer_api_clients:\n"
        "  - {client_id: a, secret_key: secret-a}\n"
        f"  - {{client_id: b, secret_key: {SECRET}}}\n"
        "accounts: [{account_id: '1', cash: 5}]\n",  # the server's own keys are ignored
        encoding="utf-8",
    )
    with pytest.raises(QMTValidationError, match=r"client ids: a, b") as info:
        QMTTradeClient.from_config("config.yaml")
    assert SECRET not in str(info.value) and "secret-a" not in str(info.value)
    client = QMTTradeClient.from_config("config.yaml", client_id="b")
    made.append(client)
    assert settings(client)[1] == "b"
    with pytest.raises(QMTValidationError, match="client_id asked for"):
        QMTTradeClient.from_config("config.yaml", client_id="c")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("base_ur1: http://x\n", "unknown key 'base_ur1'"),
        (f"secret_key: {SECRET}\n  bad: [\n", "must be valid YAML at line"),
        ("- just\n- a list\n", "must hold a mapping"),
        (f"client_id: 7\nsecret_key: {SECRET}\n", "client_id=7: must be a str"),
        ("client_id: c\nsecret_key: 123456\n", "secret_key=***: must be a str"),
    ],
)
def test_from_config_refuses_what_it_cannot_use(workdir: Path, text: str, message: str) -> None:
    (workdir / "qmt.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(QMTValidationError, match=re.escape(message)) as info:
        QMTTradeClient.from_config("qmt.yaml")
    assert SECRET not in str(info.value) and "123456" not in str(info.value)


def test_from_config_missing_file(workdir: Path) -> None:
    with pytest.raises(QMTValidationError, match="readable YAML file"):
        QMTTradeClient.from_config("nowhere.yaml")
