"""`flask reset-password <username or phone>`: the server's operator resets an account nobody above can (a county admin's)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .. import audit
from ..cli import _in_default_language
from ..extensions import db
from . import operations


@click.command("reset-password")
@click.argument("login")
@with_appcontext
@_in_default_language
def reset_password(login: str) -> None:
    """A new temporary password for this account (to be changed at its next login), printed once."""
    user = operations.find_login(login)
    if user is None:
        raise click.ClickException(_("No account has this username or phone number."))
    password = operations.reset_password(user)
    audit.record("password_reset", subject=user, detail=f"{user.username}: by the server's operator")
    db.session.commit()
    click.echo(_("Temporary password of %(username)s: %(password)s", username=user.username, password=password))
