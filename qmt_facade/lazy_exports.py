"""Names a package exports but imports only when first used (PEP 562).

``import qmt_facade`` is paid by every script that trades, most of which use
the blocking client and nothing else: the async client (asyncio, aiohttp),
market data, frames, the journal and the plan modules (with the generated
client's models) load on first use instead. A package lists where each lazy
name lives; its ``__getattr__`` imports that module when the name is first
asked for and binds the value in the package, so every later lookup is a
plain global, as if it had been imported eagerly.

Type checkers and IDEs do not run ``__getattr__``: each package also imports
its lazy names under ``TYPE_CHECKING`` (a unit test keeps the two lists equal).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    namespace: dict[str, Any], homes: Mapping[str, Iterable[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the module whose globals are ``namespace``.

    ``homes`` maps a module to the names it provides, e.g.
    ``{"qmt_facade.quotes": ("Bar", "Tick")}``.
    """
    package = namespace["__name__"]
    home_of = {name: module for module, names in homes.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = home_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *home_of})

    return __getattr__, __dir__
