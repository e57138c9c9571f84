"""The README's quick start, pasted as a newcomer would, against the packaged sample config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _support import sample_config

from qmt_facade.config import load_config_file
from qmt_sim.testing import SimulatorProcess

README = Path(__file__).resolve().parents[2] / "README.md"


def quick_start_snippet() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Quick start without a QMT terminal", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "the README quick start has no python block"
    return match.group(1)


def test_quick_start_names_the_sample_configs_credentials() -> None:
    snippet = quick_start_snippet()
    client = sample_config()["outer_api_clients"][0]
    assert f'client_id="{client["client_id"]}"' in snippet
    assert f'secret_key="{client["secret_key"]}"' in snippet


def test_quick_start_runs_against_the_sample_simulator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only the port differs: the test's simulator listens on a free one.
    with SimulatorProcess(tmp_path / "sim") as sim:
        code = quick_start_snippet().replace("http://localhost:9091", sim.base_url)
        namespace: dict[str, object] = {"__name__": "readme"}
        exec(compile(code, "<README quick start>", "exec"), namespace)
        namespace["client"].close()  # type: ignore[attr-defined]
    printed = capsys.readouterr().out.splitlines()
    assert float(printed[0]) > 0
    assert re.fullmatch(r"\[\d+(, \d+)*\]", printed[1])  # order ids were placed


def test_the_guard_rails_yaml_example_loads(tmp_path: Path) -> None:
    section = README.read_text(encoding="utf-8").split("## Guard rails", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match, "the Guard rails section has no yaml block"
    config = tmp_path / "qmt.yaml"
    config.write_text(match.group(1).replace("C:/qmt/", f"{tmp_path}/"), encoding="utf-8")
    settings = load_config_file(config)
    assert settings["risk"].blocked_symbols == ("688*", "*.BJ")
    assert settings["rate_limit"].backend == "file"
