"""Where `qmt` takes its connection settings from, tried with real files and a real simulator.

Precedence, first wins: flags > the --config YAML file > QMT_* environment
variables > a .env file in the working directory > defaults. Each test puts
a dead address in the weaker source and the simulator in the stronger one,
so a wrong order of precedence cannot pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from _support import isolate_settings
from typer.testing import CliRunner, Result

from qmt_facade import QMTTradeClient
from qmt_facade.cli import ExitCode, app
from qmt_facade.config import ENV_VARS
from qmt_sim.testing import SimulatorProcess, free_port

SECRET_MARK = "settings-secret-9e2a"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory and no QMT_* variable from this machine."""
    return isolate_settings(tmp_path, monkeypatch)


@pytest.fixture
def client(sim: SimulatorProcess) -> Iterator[QMTTradeClient]:
    with QMTTradeClient(sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key) as c:
        yield c


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def accounts_ok(result: Result) -> None:
    assert result.exit_code == 0, result.output
    assert [a["account_id"] for a in json.loads(result.stdout)] == ["55010001", "55010002"]


def write_env(folder: Path, **values: str) -> None:
    lines = [f"{ENV_VARS[name]}={value}" for name, value in values.items()]
    (folder / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_yaml(path: Path, **values: object) -> Path:
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    return path


def test_a_dot_env_file_alone_is_enough(workdir: Path, sim: SimulatorProcess) -> None:
    write_env(workdir, base_url=sim.base_url, client_id=sim.client_id, secret_key=sim.secret_key)
    accounts_ok(run("accounts", "--json"))


def test_the_environment_beats_dot_env(
    workdir: Path, sim: SimulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_env(workdir, base_url=dead_url(), client_id=sim.client_id, secret_key="wrong")
    monkeypatch.setenv("QMT_BASE_URL", sim.base_url)
    monkeypatch.setenv("QMT_SECRET_KEY", sim.secret_key)
    accounts_ok(run("accounts", "--json"))


def test_the_config_file_beats_the_environment(
    workdir: Path, sim: SimulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QMT_BASE_URL", dead_url())
    monkeypatch.setenv("QMT_CLIENT_ID", sim.client_id)
    monkeypatch.setenv("QMT_SECRET_KEY", sim.secret_key)
    config = write_yaml(workdir / "qmt.yaml", base_url=sim.base_url)
    accounts_ok(run("--config", str(config), "accounts", "--json"))


def test_flags_beat_the_config_file(workdir: Path, sim: SimulatorProcess) -> None:
    config = write_yaml(
        workdir / "qmt.yaml",
        base_url=dead_url(),
        client_id=sim.client_id,
        secret_key=sim.secret_key,
    )
    accounts_ok(run("--config", str(config), "--base-url", sim.base_url, "accounts", "--json"))


def test_the_server_config_file_works_too(workdir: Path, sim: SimulatorProcess) -> None:
    """The simulator's (the manual's) server config: its outer_api_clients give the credentials."""
    config = yaml.safe_load(sim.config_path.read_text(encoding="utf-8"))
    path = write_yaml(workdir / "server.yaml", **config)
    accounts_ok(run("--config", str(path), "--base-url", sim.base_url, "accounts", "--json"))


def test_qmt_trader_index_is_the_default_account(
    workdir: Path, sim: SimulatorProcess, client: QMTTradeClient
) -> None:
    (order_id,) = client.buy("000001", price=9.9, shares=100, trader_index=1).order_ids
    write_env(
        workdir,
        base_url=sim.base_url,
        client_id=sim.client_id,
        secret_key=sim.secret_key,
        trader_index="1",
    )
    shown = run("portfolio", "--json")
    assert json.loads(shown.stdout) == client.get_portfolio(1).to_dict()
    assert "账户 1 资产" in run("portfolio").stdout
    assert json.loads(run("order", str(order_id), "--json").stdout)["order_id"] == order_id
    assert run("cancel", str(order_id), "--yes").exit_code == 0  # account 1, from .env
    assert client.get_order(order_id, 1).status == 54
    assert json.loads(run("portfolio", "-i", "0", "--json").stdout) == (
        client.get_portfolio(0).to_dict()
    )


def test_bad_settings_exit_2_naming_the_source(
    workdir: Path, sim: SimulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QMT_TIMEOUT", "soon")
    result = run("--base-url", sim.base_url, "accounts")
    assert result.exit_code == ExitCode.USAGE and "QMT_TIMEOUT" in result.stderr
    monkeypatch.delenv("QMT_TIMEOUT")
    typo = write_yaml(workdir / "typo.yaml", base_ulr=sim.base_url)
    result = run("--config", str(typo), "accounts", "--json")
    assert result.exit_code == ExitCode.USAGE
    assert "base_ulr" in json.loads(result.stdout)["error"]["message"]
    missing = run("--config", str(workdir / "nowhere.yaml"), "accounts")
    assert missing.exit_code == ExitCode.USAGE and "nowhere.yaml" in missing.stderr


def test_no_credentials_anywhere_exit_2_saying_where_to_put_them(workdir: Path) -> None:
    result = run("--base-url", dead_url(), "positions")
    assert result.exit_code == ExitCode.USAGE
    for place in ("--client-id", "QMT_CLIENT_ID", ".env", "--config"):
        assert place in result.stderr


def test_the_secret_is_never_printed(
    workdir: Path, sim: SimulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wherever it comes from, a refused secret shows in no output, tables or JSON."""
    monkeypatch.setenv("QMT_SECRET_KEY", SECRET_MARK)
    write_env(workdir, base_url=sim.base_url, client_id=sim.client_id)
    outputs = [
        run("accounts"),
        run("accounts", "--json"),
        run("buy", "000001", "--price", "10", "--shares", "100", "-i", "0", "--yes", "--json"),
        run("buy", "000001", "--price", "10", "--shares", "100", "--dry-run"),
        run("--timeout", "-1", "accounts"),
    ]
    assert [r.exit_code for r in outputs] == [1, 1, 1, 0, 2]
    for result in outputs:
        assert SECRET_MARK not in result.output
    assert "签名验证失败" in outputs[0].stderr
