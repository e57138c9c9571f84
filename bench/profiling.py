"""``--profile``: pyinstrument over the sync facade's get_portfolio and buy loops.

The raw-httpx baseline runs the same loops under the same profiler, so the
summary can say where the facade spends CPU that the floor does not. Time
blocked in the socket (waiting for the server) is separated from CPU: the
percentages below are of the client's CPU samples only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyinstrument import Profiler
from pyinstrument.frame import Frame

# Leaf functions in which a sample means "waiting for the server", not CPU.
_BLOCKING = ("socket.recv", "socket.recv_into", "select.select", "poll", "select.poll.poll")
_PACKAGES = (
    "qmt_facade",
    "qmt_server_client",
    "httpx",
    "httpcore",
    "h11",
    "attrs",
    "attr",
    "dateutil",
    "requests",
    "urllib3",
    "json",
    "hmac",
    "logging",
    "email",
    "http",
    "urllib",
)


def _is_blocking(frame: Frame) -> bool:
    name = frame.function
    return any(name == b or name.endswith("." + b.rsplit(".", 1)[-1]) for b in _BLOCKING) and (
        frame.file_path_short or ""
    ).startswith("<built-in")


def _package(frame: Frame | None) -> str:
    """Which package a frame's code belongs to (built-ins count for their caller)."""
    while frame is not None:
        path = frame.file_path or ""
        if path.startswith("<built-in") or frame.is_synthetic:
            frame = frame.parent
            continue
        if path.startswith("<attrs generated"):
            return "attrs (generated __init__/__eq__)"
        norm = path.replace("\\", "/")
        for name in _PACKAGES:
            if f"/{name}/" in norm or norm.endswith(f"/{name}.py"):
                return name
        stem = norm.rsplit("/", 1)[-1].removesuffix(".py")
        return f"stdlib/other: {stem}"
    return "?"


def _walk(frame: Frame, visit: Callable[[Frame], None]) -> None:
    stack = [frame]
    while stack:
        current = stack.pop()
        visit(current)
        stack.extend(current.children)


def analyse(root: Frame, calls: int, cpu_per_call: float) -> dict[str, Any]:
    """Split the samples into I/O wait and CPU; CPU by package and by function."""
    blocked: dict[int, float] = {}  # id(frame) -> blocked time in its subtree

    def blocked_in(frame: Frame) -> float:
        key = id(frame)
        if key not in blocked:
            if not frame.children:
                effective = frame.parent if frame.is_synthetic and frame.parent else frame
                blocked[key] = frame.time if _is_blocking(effective) else 0.0
            else:
                blocked[key] = sum(blocked_in(child) for child in frame.children)
        return blocked[key]

    total = root.time
    wait = blocked_in(root)
    cpu = max(total - wait, 1e-12)
    by_package: dict[str, float] = {}
    by_function_self: dict[str, float] = {}

    def leaf(frame: Frame) -> None:
        if frame.children:
            return
        effective = frame.parent if frame.is_synthetic and frame.parent else frame
        if _is_blocking(effective):
            return
        package = _package(effective)
        by_package[package] = by_package.get(package, 0.0) + frame.time
        name = f"{effective.function} ({effective.file_path_short}:{effective.line_no})"
        by_function_self[name] = by_function_self.get(name, 0.0) + frame.time

    _walk(root, leaf)

    # Inclusive CPU of functions (counted once per stack even if recursive).
    inclusive: dict[str, float] = {}
    packages: dict[str, str] = {}

    def descend(frame: Frame, active: frozenset[str]) -> None:
        if frame.is_synthetic:
            return
        name = f"{frame.function} ({frame.file_path_short})"
        if name not in active:
            inclusive[name] = inclusive.get(name, 0.0) + frame.time - blocked_in(frame)
            packages[name] = _package(frame)
            active = active | {name}
        for child in frame.children:
            descend(child, active)

    descend(root, frozenset())

    def share(seconds: float) -> dict[str, float]:
        fraction = seconds / cpu
        return {"pct_of_cpu": 100 * fraction, "us_per_call": 1e6 * cpu_per_call * fraction}

    def top(items: dict[str, float], n: int) -> list[dict[str, Any]]:
        ordered = sorted(items.items(), key=lambda kv: -kv[1])[:n]
        return [{"name": k, **share(v)} for k, v in ordered]

    ours = {
        k: v
        for k, v in inclusive.items()
        if packages[k] in ("qmt_facade", "qmt_server_client", "attrs (generated __init__/__eq__)")
    }
    return {
        "calls": calls,
        "sampled_s": total,
        "io_wait_s": wait,
        "cpu_sampled_s": cpu,
        "cpu_per_call_us": 1e6 * cpu_per_call,
        "by_package": top(by_package, 30),
        "top_self": top(by_function_self, 25),
        "top_inclusive": top(inclusive, 40),
        "top_inclusive_facade": top(ours, 30),
    }


def profile_loop(
    name: str, fn: Callable[[], Any], calls: int, warmup: int, out_dir: Path
) -> dict[str, Any]:
    for _ in range(warmup):
        fn()
    profiler = Profiler(interval=0.0002)
    cpu0 = time.process_time()
    profiler.start()
    for _ in range(calls):
        fn()
    session = profiler.stop()
    cpu = time.process_time() - cpu0
    (out_dir / f"profile_{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    (out_dir / f"profile_{name}.txt").write_text(
        profiler.output_text(unicode=True, show_all=False), encoding="utf-8"
    )
    root = session.root_frame()
    if root is None:
        raise RuntimeError(f"profile {name}: no samples")
    return analyse(root, calls, cpu / calls)


def print_comparison(op: str, facade: dict[str, Any], raw: dict[str, Any]) -> None:
    """Per package: µs of client CPU per call, facade vs raw httpx."""
    print(f"\n== {op}: client CPU per call (under the profiler) ==")
    print(
        f"   facade {facade['cpu_per_call_us']:.0f} us/call, raw httpx "
        f"{raw['cpu_per_call_us']:.0f} us/call "
        f"(+{facade['cpu_per_call_us'] - raw['cpu_per_call_us']:.0f} us, "
        f"x{facade['cpu_per_call_us'] / raw['cpu_per_call_us']:.2f})"
    )
    f_pkg = {p["name"]: p for p in facade["by_package"]}
    r_pkg = {p["name"]: p for p in raw["by_package"]}
    names = sorted(
        set(f_pkg) | set(r_pkg),
        key=lambda n: -(f_pkg.get(n, {}).get("us_per_call", 0.0)),
    )
    print(f"   {'package (self CPU)':38} {'facade us':>9} {'%':>5} {'raw us':>8} {'%':>5}")
    for name in names[:14]:
        f = f_pkg.get(name, {"us_per_call": 0.0, "pct_of_cpu": 0.0})
        r = r_pkg.get(name, {"us_per_call": 0.0, "pct_of_cpu": 0.0})
        print(
            f"   {name[:38]:38} {f['us_per_call']:9.0f} {f['pct_of_cpu']:5.1f}"
            f" {r['us_per_call']:8.0f} {r['pct_of_cpu']:5.1f}"
        )
    print("   facade/generated functions, inclusive CPU:")
    for item in facade["top_inclusive_facade"][:14]:
        print(
            f"     {item['pct_of_cpu']:5.1f}%  {item['us_per_call']:6.0f} us  {item['name'][:90]}"
        )


def write_summary(out_dir: Path, summary: dict[str, Any]) -> Path:
    path = out_dir / "profile_summary.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return path
