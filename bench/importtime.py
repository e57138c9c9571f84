"""(e) Import cost of qmt_facade versus httpx, each in fresh interpreters.

Two measures, median of ``runs`` fresh processes each:

- ``wall``: time of ``python -c 'import m'`` minus ``python -c 'pass'``
  (what a user's script start-up pays, interpreter start excluded);
- ``importtime``: the cumulative microseconds ``python -X importtime``
  reports for the top-level module (less noisy; used for the target).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Any


def _wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def _importtime_us(module: str) -> int:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
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
    # Interleaved, so a noisy moment spreads over every module alike.
    for _ in range(runs):
        walls["<bare>"].append(_wall("pass"))
        for module in modules:
            walls[module].append(_wall(f"import {module}"))
            cumulative[module].append(_importtime_us(module))
    bare = statistics.median(walls["<bare>"])
    result: dict[str, Any] = {"runs": runs, "bare_interpreter_s": bare, "modules": {}}
    for module in modules:
        result["modules"][module] = {
            "wall_s": statistics.median(walls[module]) - bare,
            "wall_raw_s": walls[module],
            "importtime_us": statistics.median(cumulative[module]),
            "importtime_raw_us": cumulative[module],
        }
    return result
