"""Backups of the embedded (SQLite) database: a consistent copy of a running database, and a
restore that refuses while the app runs. For PostgreSQL, pg_dump / pg_restore are the tools.

A running app holds a shared lock on `<database>.running` (taken in every worker at start-up);
a restore takes it exclusively, so it cannot replace the file under a serving app.
"""

import fcntl
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from .errors import ServiceError

KNOWN_TABLES = {"alembic_version", "users", "organizations", "memberships"}


@dataclass(frozen=True)
class BackupReport:
    target: Path
    pages: int
    revision: str


def sqlite_file(database_url: str) -> Path:
    """The file behind a SQLite URL; refuses other databases with what to use instead."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise ServiceError("Backups here are for the SQLite database; for PostgreSQL use "
                           "pg_dump and pg_restore (see the README).")
    return Path(url.database).resolve()


def _running_lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".running")


def hold_running_lock(database_url: str) -> IO | None:
    """Called by the app at start-up: a shared lock held for the life of the process (the
    returned file must stay open). None for databases that are not SQLite files."""
    try:
        database = sqlite_file(database_url)
    except ServiceError:
        return None
    handle = _running_lock_path(database).open("a")
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


@contextmanager
def _app_stopped(database: Path):
    with _running_lock_path(database).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServiceError("MemberSync is running on this database: stop it first, then "
                               "restore.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _revision(connection: sqlite3.Connection) -> str:
    tables = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables >= KNOWN_TABLES:
        raise ServiceError("That file is not a MemberSync database.")
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else ""


def backup(database_url: str, target: Path) -> BackupReport:
    """A consistent snapshot of the database (SQLite's online backup API), also while the app
    writes to it: the copy holds every transaction committed before it finished, and no part
    of one that was not."""
    source_path = sqlite_file(database_url)
    if not source_path.exists():
        raise ServiceError(f"There is no database at {source_path}.")
    target = target.resolve()
    if target == source_path:
        raise ServiceError("Back up to another file than the database itself.")
    if target.exists():
        raise ServiceError(f"{target} exists already; choose a new file name.")
    source = sqlite3.connect(source_path, timeout=30)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        revision = _revision(destination)
        pages = destination.execute("PRAGMA page_count").fetchone()[0]
    finally:
        destination.close()
        source.close()
    return BackupReport(target=target, pages=pages, revision=revision)


def restore(backup_file: Path, database_url: str) -> str:
    """Replace the database with a backup; refuses while the app runs. Returns the backup's
    migration revision (run `membersync migrate` after restoring an older backup)."""
    database = sqlite_file(database_url)
    if not backup_file.exists():
        raise ServiceError(f"There is no backup at {backup_file}.")
    source = sqlite3.connect(f"file:{backup_file.resolve()}?mode=ro", uri=True)
    try:
        revision = _revision(source)
        with _app_stopped(database):
            destination = sqlite3.connect(database, timeout=30)
            try:
                source.backup(destination)
            finally:
                destination.close()
    except sqlite3.DatabaseError as error:
        raise ServiceError(f"That file is not a SQLite database ({error}).") from None
    finally:
        source.close()
    return revision
