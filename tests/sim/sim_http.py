"""A tiny independent signer and HTTP helper for the simulator tests (no qmt_facade)."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from qmt_sim.config import sample_config_path

API = "/qmt/trade/api"


def sample_config() -> dict[str, Any]:
    """The packaged sample config, as a dict to modify for a test."""
    loaded: dict[str, Any] = yaml.safe_load(sample_config_path().read_text(encoding="utf-8"))
    return loaded


def canonical(body: Any) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":")) if body else ""


def sign(
    secret: str, method: str, path: str, query: str, body: str, timestamp: str, client_id: str
) -> str:
    message = f"{method}\n{path}\n{query}\n{body}\n{timestamp}\n{client_id}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class SimHttp:
    """Signed and session requests against a running simulator."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        secret_key: str,
        response_hooks: list[Callable[[httpx.Response], None]] | None = None,
    ) -> None:
        self.base_url = base_url
        self.client_id = client_id
        self.secret_key = secret_key
        self.response_hooks = list(response_hooks or [])
        self.http = self._client()

    def _client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, timeout=30, event_hooks={"response": self.response_hooks}
        )

    def close(self) -> None:
        self.http.close()

    def headers(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: str = "",
        timestamp: int | None = None,
    ) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = sign(
            self.secret_key,
            method,
            path,
            query,
            canonical(body) if method != "GET" else "",
            ts,
            self.client_id,
        )
        return {"X-Client-ID": self.client_id, "X-Timestamp": ts, "X-Signature": signature}

    def signed(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: str = "",
        timestamp: int | None = None,
    ) -> httpx.Response:
        headers = self.headers(method, path, body, query, timestamp)
        url = path + (f"?{query}" if query else "")
        if method == "GET":
            return self.http.get(url, headers=headers)
        headers["Content-Type"] = "application/json"
        content = json.dumps(body if body is not None else {}).encode()
        return self.http.request(method, url, headers=headers, content=content)

    def api(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.signed(method, API + path, body)

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        response = self.api(method, path, body)
        assert response.status_code == 200, response.text
        return response.json()

    def tick(self, steps: int = 1) -> Any:
        response = self.signed("POST", "/sim/tick", {"steps": steps})
        assert response.status_code == 200, response.text
        return response.json()

    def next_day(self) -> Any:
        response = self.signed("POST", "/sim/next_day", {})
        assert response.status_code == 200, response.text
        return response.json()

    def login(self, username: str, password: str) -> httpx.Client:
        session = self._client()
        response = session.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.text
        return session


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m qmt_sim ARGS`` from the repository root, output captured."""
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-m", "qmt_sim", *args],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=60,
    )
