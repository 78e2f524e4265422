"""`flask audit-purge`: remove the audit entries older than the keep time (AUDIT_KEEP_DAYS, at least 3 years)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..cli import _in_default_language
from ..extensions import db
from . import operations


@click.command("audit-purge")
@with_appcontext
@_in_default_language
def audit_purge() -> None:
    """Remove the audit entries past their keep time (run it nightly, with the backups)."""
    removed = operations.purge()
    db.session.commit()
    click.echo(_("%(count)d audit entries older than %(days)d days removed.", count=removed,
                 days=operations.keep_days()))
