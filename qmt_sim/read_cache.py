"""Answers of the read routes, kept until the book changes.

``GET /portfolio/{i}``, ``/positions/{i}`` and ``/accounts`` depend on
nothing but their path and the book on disk, and clients poll them far more
often than they trade. ``ReadCache`` keeps each one's rendered answer and
throws them all away as soon as the store's version moves: every write
transaction that changed a row (an order, a fill, a cancel, a market tick,
next-day, an admin route, whichever task or thread made it) and every commit
of another connection to the same file (``qmt-sim next-day`` while the
server runs) moves it. So a read made after any acknowledged write sees that
write, exactly as an uncached read would.

A cached answer is still only sent after the state it reports is on disk:
the caller waits for ``Store.durable()`` as for any other answer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from .api_router import JsonAnswer


class ReadCache:
    """Rendered answers by key, valid while ``version()`` returns what it returned when made."""

    def __init__(self, version: Callable[[], Hashable]) -> None:
        self._version = version
        self._valid_for: Hashable = None
        self._answers: dict[Hashable, JsonAnswer] = {}
        self.hits = 0  # answers served from the cache (for tests and curious operators)

    def answer(self, key: Hashable, render: Callable[[], JsonAnswer]) -> JsonAnswer:
        """The cached answer for ``key`` if the book has not changed since, else ``render()``.

        Only 200 answers are kept, and only when the book did not change while
        rendering (a read that creates a missing quote writes, for one): the
        next request renders again. Exceptions of ``render`` propagate, uncached.
        """
        before = self._version()
        if before != self._valid_for:
            self._answers.clear()
            self._valid_for = before
        else:
            cached = self._answers.get(key)
            if cached is not None:
                self.hits += 1
                return cached
        fresh = render()
        if fresh.status_code == 200 and self._version() == before:
            self._answers[key] = fresh
        return fresh
