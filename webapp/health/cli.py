"""`flask partitions`: make the coming months of health_check (PostgreSQL) and list every partition."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import text

from ..cli import _in_default_language
from ..extensions import db
from . import partitions


@click.command("partitions")
@click.option("--months-ahead", default=partitions.AHEAD, show_default=True, type=click.IntRange(0, 120),
              help="Make the months up to this many after this one.")
@with_appcontext
@_in_default_language
def partitions_command(months_ahead: int) -> None:
    """Make the missing month partitions of health_check (PostgreSQL) and list them with their rows."""
    if db.engine.dialect.name != "postgresql":
        click.echo(_("SQLite keeps health_check as one table, without partitions."))
        return
    made = set(partitions.ensure_months(ahead=months_ahead))
    with db.engine.connect() as connection:
        for table in partitions.partitioned_tables():
            for name, bound in sorted(partitions.partitions(connection, table.name).items()):
                rows = connection.scalar(text(f"SELECT count(*) FROM {partitions.SCHEMA}.{name}"))
                line = f"{partitions.SCHEMA}.{name}\t{bound}\t" + _("%(rows)s rows", rows=f"{rows:,}")
                click.echo(line + ("\t" + _("made now") if name in made else ""))
