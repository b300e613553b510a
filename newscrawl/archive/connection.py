"""How the archive file is opened and shared: the errors an archive raises, the busy timeout
(``ARCHIVE_BUSY_TIMEOUT``) and what a write that gave up on another writer's lock looks like,
the crawl lock's bookkeeping (who holds it, which descriptors this process holds), the
connection that holds one transaction through sqlite-utils calls (:class:`_Connection`), and how
a reader opens the archive without writing (:func:`read_only_uri`, :func:`can_write`).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from types import TracebackType


class ArchiveError(Exception):
    """The archive cannot be opened or written; the message says which file and why."""


class ArchiveBusyError(Exception):
    """The archive is busy: another crawl is writing to it (the message names that run's pid), or
    another program held it locked longer than the busy timeout (``ARCHIVE_BUSY_TIMEOUT``)."""


class ArchiveVersionError(ArchiveError):
    """The archive was written by a newer newscrawl (its schema version is above
    :data:`SCHEMA_VERSION`); the message names both versions."""


#: The busy timeout when none is given: how long a write waits for another writer to let go.
BUSY_TIMEOUT = 60.0


def parse_busy_timeout(value: object) -> float:
    """The ``ARCHIVE_BUSY_TIMEOUT`` setting in seconds; raises :class:`ArchiveError` naming a bad value."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ArchiveError(f"ARCHIVE_BUSY_TIMEOUT={value!r} is not a number of seconds (0 or more)")
    return seconds


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite giving up on a lock another connection holds ("database is locked")."""
    code = getattr(exc, "sqlite_errorcode", None)
    return (
        isinstance(exc, sqlite3.OperationalError)
        and code is not None
        and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    )


def flock_owner(proc_locks: str, dev: int, ino: int) -> str | None:
    """The pid holding a ``flock`` on the file ``(dev, ino)``, read from the text of
    ``/proc/locks``; ``None`` when it lists none."""
    key = f"{os.major(dev):02x}:{os.minor(dev):02x}:{ino}"
    for line in proc_locks.splitlines():
        # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146313 0 EOF"; a waiter's line has "->" after "1:"
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == key:
            return fields[4]
    return None


def _lock_holder(fd: int) -> str:
    """The pid holding the crawl lock on the file open as ``fd``, or ``unknown``."""
    stat = os.fstat(fd)
    try:
        locks = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return "unknown"
    return flock_owner(locks, stat.st_dev, stat.st_ino) or "unknown"


class _Connection(sqlite3.Connection):
    """A connection that can hold one transaction open through sqlite-utils calls, which commit
    on their own (``with conn:``, ``executescript``): see :meth:`Archive._transaction`."""

    held = False

    def commit(self) -> None:
        if not self.held:
            super().commit()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None, /
    ) -> Literal[False]:
        if self.held:
            return False
        return super().__exit__(kind, value, traceback)

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        if not self.held:
            return super().executescript(sql_script)
        # executescript would commit first: run the statements one by one in the transaction.
        cursor = self.cursor()
        statement = ""
        for part in sql_script.split(";"):
            statement += part + ";"
            if sqlite3.complete_statement(statement):
                if statement.strip(" \t\n;"):
                    cursor.execute(statement)
                statement = ""
        if statement.strip(" \t\n;"):
            cursor.execute(statement)
        return cursor


#: Descriptors of the crawl locks this process holds (see :func:`held_lock_fds`).
_HELD_LOCKS: set[int] = set()


def held_lock_fds() -> frozenset[int]:
    """The descriptors of the crawl locks this process holds. A process forked from it must close
    them: a ``flock`` lasts until every descriptor of it is closed, so a child keeping one would
    keep the archive locked after the crawl released it, or died."""
    return frozenset(_HELD_LOCKS)


def can_write(path: Path) -> bool:
    """Whether this process may write the archive at ``path`` and create files beside it (its
    ``-wal`` and ``-shm``): not on a read-only mount, nor without write permission."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def read_only_uri(path: Path) -> str:
    """The URI a reader opens the archive at ``path`` with, never writing: ``mode=ro``, or
    ``immutable=1`` where the archive cannot be written (:func:`can_write`). ``mode=ro`` needs to
    create the ``-shm`` file of an archive in WAL mode, which a read-only place refuses; there no
    crawl can be writing, so SQLite may take the file as unchanging."""
    return f"{path.resolve().as_uri()}?{'mode=ro' if can_write(path) else 'immutable=1'}"
