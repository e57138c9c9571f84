"""Opening a SQLite file that several processes share: the order journal, the rate-limit bucket.

Imported with the first of them, not by ``import qmt_facade`` (sqlite3).
"""

from __future__ import annotations

import os
import sqlite3
import time

__all__ = ["connect_shared"]

_RETRY_SECONDS = 0.01


def connect_shared(path: str | os.PathLike[str], timeout: float) -> sqlite3.Connection:
    """A connection to ``path`` in WAL mode, for any thread, transactions explicit.

    Two processes opening a new file at once both switch it to WAL, and SQLite
    refuses one of them at once with "database is locked" instead of waiting
    ``timeout`` (waiting could deadlock): that switch is retried until ``timeout``.
    """
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=timeout)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                db.execute("PRAGMA journal_mode=WAL")
                return db
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(_RETRY_SECONDS)
    except BaseException:
        db.close()
        raise
