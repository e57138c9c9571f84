"""Processes that open one new SQLite file at the same moment (qmt_facade.sqlite_files).

Two strategies started together open the same new order journal or
rate-limit file at once; SQLite used to refuse one of them ("database is
locked") while both switched the file to WAL.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from qmt_facade.journal import OrderJournal
from qmt_facade.rate_buckets import SQLiteStateStore

PROCESSES = 3
ROUNDS = 12  # without the retry, about every other round failed


def open_together(kind: str, path: Path, barrier: Barrier, errors: Queue[str | None]) -> None:
    barrier.wait(timeout=30)
    try:
        opened = OrderJournal(path) if kind == "journal" else SQLiteStateStore(str(path), "orders")
        opened.close()
    except Exception as error:
        errors.put(repr(error))
    else:
        errors.put(None)


@pytest.mark.parametrize("kind", ["journal", "rate bucket"])
def test_processes_opening_a_new_file_at_once_all_open_it(tmp_path: Path, kind: str) -> None:
    context = multiprocessing.get_context()
    outcomes: Queue[str | None] = context.Queue()
    for round_number in range(ROUNDS):
        barrier = context.Barrier(PROCESSES)
        path = tmp_path / f"shared-{round_number}.sqlite3"
        workers = [
            context.Process(target=open_together, args=(kind, path, barrier, outcomes))
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        errors = [outcomes.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        assert [error for error in errors if error is not None] == [], f"round {round_number}"
        assert [worker.exitcode for worker in workers] == [0] * PROCESSES
