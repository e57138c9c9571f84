"""(e) Import cost of qmt_facade versus httpx, each in fresh interpreters.

Two measures, median of ``runs`` fresh processes each:

- ``wall``: time of ``python -c 'import m'`` minus ``python -c 'pass'``
  (what a user's script start-up pays, interpreter start excluded);
- ``importtime``: the cumulative microseconds ``python -X importtime``
  reports for the top-level module (less noisy; used for the target).

Every module loads from cached bytecode, as after ``pip install`` (which
compiles it): the interpreters share a private ``PYTHONPYCACHEPREFIX``, filled
by one untimed run of each statement. Otherwise the result would depend on
the environment: with ``PYTHONDONTWRITEBYTECODE=1`` an editable checkout's
modules are compiled from source at every start, while httpx's installed ones
load their bytecode.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

BYTECODE = "cached (a private PYTHONPYCACHEPREFIX, filled by one untimed run of each statement)"


def _bytecode_cached_in(directory: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = directory
    return env


def _wall(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def _importtime_us(module: str, env: dict[str, str]) -> int:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    # "import time:  self [us] | cumulative | imported package"; the module's
    # own line (no indentation) carries the cumulative time of everything it pulled in.
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() == module and parts[2].startswith(" " + module):
            return int(parts[1])
    raise RuntimeError(f"-X importtime printed no line for {module}")


def measure(modules: list[str], runs: int) -> dict[str, Any]:
    """Per module: median wall seconds (start-up subtracted) and median importtime µs."""
    walls: dict[str, list[float]] = {m: [] for m in ["<bare>", *modules]}
    cumulative: dict[str, list[int]] = {m: [] for m in modules}
    with tempfile.TemporaryDirectory(prefix="qmt-bench-pycache-") as cache:
        env = _bytecode_cached_in(cache)
        for code in ["pass", *(f"import {module}" for module in modules)]:
            _wall(code, env)  # compiles and caches what the statement loads
        # Interleaved, so a noisy moment spreads over every module alike.
        for _ in range(runs):
            walls["<bare>"].append(_wall("pass", env))
            for module in modules:
                walls[module].append(_wall(f"import {module}", env))
                cumulative[module].append(_importtime_us(module, env))
    bare = statistics.median(walls["<bare>"])
    result: dict[str, Any] = {
        "runs": runs,
        "bytecode": BYTECODE,
        "bare_interpreter_s": bare,
        "modules": {},
    }
    for module in modules:
        result["modules"][module] = {
            "wall_s": statistics.median(walls[module]) - bare,
            "wall_raw_s": walls[module],
            "importtime_us": statistics.median(cumulative[module]),
            "importtime_raw_us": cumulative[module],
        }
    return result
