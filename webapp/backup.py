"""`flask backup` and `flask restore`: the whole database to one file and back, while the app runs.

SQLite is copied with its online backup API (a consistent copy page by page, while the workers
keep writing; a file copy of a WAL database could miss what the WAL holds). PostgreSQL is dumped
with `pg_dump --format=custom` and restored with `pg_restore --clean --single-transaction`, so a
restore that fails half-way changes nothing. `--clean` drops the objects in the reverse order of
the archive's list, where a partition's key and indexes follow its table's: PostgreSQL refuses to
drop those while they belong to the table's (`health_check` by month), so the restore takes the
list with them moved before their table's (`_partitions_first`): the table's go first, with them. The password goes to the tools through PGPASSWORD,
never on a command line that `ps` shows.
"""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy.engine import make_url

from .cli import _in_default_language as in_default_language
from .extensions import db

SQLITE_MAGIC, PG_MAGIC = b"SQLite format 3\x00", b"PGDMP"


class BackupError(click.ClickException):
    """A backup or restore that cannot be made, with the reason for the person at the console."""


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def default_path() -> Path:
    """instance/backups/shaodian-<date>-<time>.<sqlite|dump> (BACKUP_DIR overrides the folder)."""
    folder = Path(current_app.config.get("BACKUP_DIR") or Path(current_app.instance_path) / "backups")
    suffix = "sqlite" if _url().get_backend_name() == "sqlite" else "dump"
    return folder / f"shaodian-{datetime.now():%Y%m%d-%H%M%S}.{suffix}"


def backup(path: Path) -> Path:
    """Write the whole database to `path` (made readable by the app's user only); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise BackupError(_("%(path)s exists already: choose another file.", path=path))
    if _url().get_backend_name() == "sqlite":
        _sqlite_backup(path)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path)])
    os.chmod(path, 0o600)  # the file holds children's health data and password hashes
    return path


def restore(path: Path) -> None:
    """Replace the database's content by the backup at `path` (of the same kind of database)."""
    sqlite = _url().get_backend_name() == "sqlite"
    _check_kind(path, SQLITE_MAGIC if sqlite else PG_MAGIC)
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps a table that the restore drops
    if sqlite:
        _sqlite_restore(path)
    else:
        with tempfile.TemporaryDirectory(prefix="shaodian-restore-") as folder:
            listing = Path(folder) / "list"
            listing.write_text(_partitions_first(_run(["pg_restore", "--list", str(path)], database=False)))
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--use-list", str(listing), str(path)])
    db.engine.dispose()


# A line of `pg_restore --list`: "<id>; <catalog> <oid> <kind> <schema> <name …> <owner>".
_ENTRY = re.compile(r"^\d+; \d+ \d+ (INDEX ATTACH|INDEX|CONSTRAINT) (\S+) (\S+) (\S+)")


def _partitions_first(listing: str) -> str:
    """The archive's list with the partitions' keys and indexes moved just before the first key or index.

    A partition's key or index is one an INDEX ATTACH entry names. Moved there, they are still made
    after every table and its data, and before their table's (which the attachments follow); and
    `--clean`, which drops in the reverse order, drops the table's first, which takes them along.
    """
    named = [(line, _object(line)) for line in listing.splitlines() if line.strip() and not line.startswith(";")]
    attached = {thing[1:] for _, thing in named if thing and thing[0] == "INDEX ATTACH"}

    def inherited(thing) -> bool:
        return bool(thing) and thing[0] != "INDEX ATTACH" and thing[1:] in attached

    moved = [line for line, thing in named if inherited(thing)]
    if not moved:
        return listing
    rest = [(line, thing) for line, thing in named if not inherited(thing)]
    first = next(i for i, (_, thing) in enumerate(rest) if thing and thing[0] != "INDEX ATTACH")
    return "\n".join([line for line, _ in rest[:first]] + moved + [line for line, _ in rest[first:]]) + "\n"


def _object(line: str) -> tuple[str, str, str] | None:
    """(kind, schema, name) of a key, an index or an index attachment in the list; None for the rest."""
    found = _ENTRY.match(line)
    if found is None:
        return None
    kind, schema, first, second = found.groups()  # CONSTRAINT <schema> <table> <name>; INDEX <schema> <name>
    return kind, schema, second if kind == "CONSTRAINT" else first


def _sqlite_backup(path: Path) -> None:
    target = sqlite3.connect(path)
    try:
        with db.engine.connect() as connection:
            connection.connection.driver_connection.backup(target)
    finally:
        target.close()


def _sqlite_restore(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with db.engine.connect() as connection:
            source.backup(connection.connection.driver_connection)
    finally:
        source.close()


def _check_kind(path: Path, magic: bytes) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(magic))
    except OSError as error:
        raise BackupError(_("%(path)s cannot be read: %(reason)s.", path=path, reason=error.strerror)) from None
    if head != magic:
        kind = "SQLite" if magic == SQLITE_MAGIC else "PostgreSQL (pg_dump --format=custom)"
        raise BackupError(_("%(path)s is not a %(kind)s backup: a backup restores only into the same kind of "
                            "database.", path=path, kind=kind))


def _run(command: list[str], database: bool = True) -> str:
    """pg_dump / pg_restore against the app's database (`database`); its output, or BackupError with
    the tool's own message."""
    url = _url()
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    flag = "--dbname" if command[0] == "pg_restore" else None
    if not database:
        arguments = command
    else:
        arguments = [*command[:-1], flag, libpq, command[-1]] if flag else [*command, libpq]
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    try:
        done = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(_("%(tool)s is not installed: install the PostgreSQL client tools.", tool=command[0])) from None
    if done.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(reason)s", tool=command[0], reason=done.stderr.strip()[-500:]))
    return done.stdout


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@in_default_language
def backup_command(path: Path | None) -> None:
    """Copy the whole database to PATH (default: instance/backups/shaodian-<date>-<time>.sqlite|dump)."""
    written = backup(path or default_path())
    click.echo(_("%(path)s (%(size)s bytes)", path=written, size=f"{written.stat().st_size:,}"))


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database's content.")
@with_appcontext
@in_default_language
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database by the backup at PATH. Stop the app (gunicorn) first."""
    if not yes:
        click.confirm(_("Replace everything in the database by %(path)s?", path=path), abort=True)
    restore(path)
    click.echo(_("Restored %(path)s.", path=path))
