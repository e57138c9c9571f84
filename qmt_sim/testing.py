"""Run the simulator as a real subprocess, for integration tests and benchmarks.

    with SimulatorProcess(tmp_path) as sim:
        client = SomeClient(sim.base_url, sim.client_id, sim.secret_key)
        ...
        sim.kill()    # SIGKILL, like a crash
        sim.start()   # same DB, same port

The market does not move on its own here (``tick_seconds`` 0 unless asked):
drive it with ``POST /sim/tick``. ``line="upstream"`` plays the upstream server
line (``server.line``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import yaml

from .config import parse_config, sample_config_path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """A Python server subprocess on 127.0.0.1, healthy once ``GET health_path`` answers 200.

    Subclasses say which command runs (``command()``); the simulator below is
    one, the benchmark's floor app another, so both start, wait and stop alike.
    """

    health_path = "/sim/health"

    def __init__(
        self, directory: str | Path, *, port: int | None = None, startup_timeout: float = 30.0
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log_path = self.directory / f"{type(self).__name__}.log"
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> Self:
        """Start (or restart) the server on the same port; returns once it is healthy."""
        if self.running:
            raise RuntimeError(f"{type(self).__name__} already running")
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, env=env
            )
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(
                    f"{type(self).__name__} exited with {self._process.returncode}:\n"
                    f"{self.log_tail()}"
                )
            try:
                url = self.base_url + self.health_path
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(
            f"{type(self).__name__} not healthy after {self.startup_timeout}s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful shutdown (SIGTERM), escalating to SIGKILL after ``timeout``."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to flush anything."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.kill()
        process.wait(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class SimulatorProcess(ServerProcess):
    """A simulator subprocess on 127.0.0.1 with its config and DB in ``directory``."""

    def __init__(
        self,
        directory: str | Path,
        config: dict[str, Any] | None = None,
        *,
        port: int | None = None,
        tick_seconds: float | None = 0.0,
        line: str | None = None,
        latency_ms: float | None = None,
        startup_timeout: float = 30.0,
    ) -> None:
        super().__init__(directory, port=port, startup_timeout=startup_timeout)
        self.log_path = self.directory / "qmt-sim.log"
        raw = (
            config
            if config is not None
            else yaml.safe_load(sample_config_path().read_text(encoding="utf-8"))
        )
        raw = dict(raw)
        if tick_seconds is not None:
            raw["market"] = {**(raw.get("market") or {}), "tick_seconds": tick_seconds}
        server = dict(raw.get("server") or {})
        if line is not None:
            server["line"] = line
        if latency_ms is not None:
            server["latency_ms"] = latency_ms
        if server:
            raw["server"] = server
        self.config = parse_config(
            raw, source="SimulatorProcess config"
        )  # fail fast, in this process
        self.config_path = self.directory / "qmt-sim.yaml"
        self.config_path.write_text(
            yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        self.db_path = self.directory / "qmt-sim.sqlite3"
        self.client_id = self.config.clients[0].client_id
        self.secret_key = self.config.clients[0].secret_key
        first_user = self.config.users[0] if self.config.users else None
        self.username = first_user.username if first_user else None
        self.password = first_user.password if first_user else None

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "qmt_sim",
            "--config", str(self.config_path),
            "--db", str(self.db_path),
            "--host", "127.0.0.1",
            "--port", str(self.port),
        ]  # fmt: skip
