"""Command-line tasks: `flask seed-demo` builds the demo county, `flask demo-logins` prints its logins.

Other areas add their demo data (checkpoints, rosters, health checks …) by appending a function
`(session, county, rng) -> None` to DEMO_SEEDERS; `county` is the namespace that
`webapp.org.demo.build_demo_county` returns, `rng` the same random.Random(2020). They run in
order after the hierarchy, people and accounts, in the same transaction, and flush, never commit.
"""
from __future__ import annotations

import functools
import random
import time
import unicodedata
from typing import Callable

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from .extensions import db
from .org import demo
from .org.models import Responsibility, Staff, Student, Unit, User

DEMO_SEED = 2020
DEMO_SEEDERS: list[Callable] = []


def register_cli(app) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(demo_logins)
    from .audit.cli import audit_purge
    from .org.cli import reset_password
    app.cli.add_command(audit_purge)
    app.cli.add_command(reset_password)
    from .backup import backup_command, restore_command
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from .health.cli import partitions_command
    app.cli.add_command(partitions_command)
    from .retention import retention_purge
    app.cli.add_command(retention_purge)


def _in_default_language(command):
    """CLI output in the county's language (there is no request, hence no cookie to choose by)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            return command(*args, **kwargs)
    return run


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has units.")
@with_appcontext
@_in_default_language
def seed_demo(if_empty: bool) -> None:
    """Build the demo county (the same every time) with one login per role."""
    if db.session.scalar(select(Unit.id).limit(1)) is not None:
        if if_empty:
            click.echo(_("The database already has data; the demo county is not added."))
            return
        raise click.ClickException(_("The database already has units. The demo county goes only into an "
                                     "empty database (use --if-empty to skip quietly)."))
    started = time.perf_counter()
    rng = random.Random(DEMO_SEED)
    county = demo.build_demo_county(db.session, rng)
    for seeder in DEMO_SEEDERS:
        seeder(db.session, county, rng)
    db.session.commit()
    click.echo(_("Demo county %(name)s built in %(seconds).1f s: %(counts)s.", name=county.county.name,
                 seconds=time.perf_counter() - started, counts=_counts()))


def _counts() -> str:
    models = ((Unit, _("units")), (Student, _("students")), (Staff, _("staff")),
              (Responsibility, _("responsibilities")), (User, _("accounts")))
    return ", ".join(f"{db.session.scalar(select(func.count()).select_from(m))} {label}" for m, label in models)


@click.command("demo-logins")
@click.option("--address", default="http://localhost:8000/", show_default=True, help="Where the app is served.")
@with_appcontext
@_in_default_language
def demo_logins(address: str) -> None:
    """Print the address and the demo logins that this database really has."""
    click.echo(_("Shaodian is at %(address)s", address=address))
    present = _working_demo_logins()
    if not present:
        click.echo(_("This database has no demo logins (flask seed-demo adds them)."))
        return
    header = (_("Role"), _("Username"), _("Password"), _("Sees"))
    rows = [(str(login.title), login.username, login.password, str(login.sees)) for login in present]
    for line in _table([header, *rows]):
        click.echo(line)


def _working_demo_logins() -> list[demo.DemoLogin]:
    """The demo logins whose account exists, is active and still has the demo password."""
    usernames = [login.username for login in demo.DEMO_LOGINS]
    users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(usernames)))}
    return [login for login in demo.DEMO_LOGINS
            if (user := users.get(login.username)) and user.active and user.check_password(login.password)]


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


# ---- the areas' demo data, in order ------------------------------------------------------
from .health.demo import seed_demo as _health_demo  # noqa: E402  (health checks and daily reports)

DEMO_SEEDERS.append(_health_demo)
from .duty.demo import seed_demo as _duty_demo  # noqa: E402  (checkpoints, rosters and entries)

DEMO_SEEDERS.append(_duty_demo)
from .ledgers.supplies.demo import seed_demo as _supplies_demo  # noqa: E402  (a month of supplies)

DEMO_SEEDERS.append(_supplies_demo)
from .ledgers.disinfection.demo import seed_demo as _disinfection_demo  # noqa: E402  (a month of disinfection)

DEMO_SEEDERS.append(_disinfection_demo)
from .ledgers.reopening.demo import seed_demo as _reopening_demo  # noqa: E402  (the reopening plans)

DEMO_SEEDERS.append(_reopening_demo)
from .ledgers.online.demo import seed_demo as _online_demo  # noqa: E402  (a week of online learning)

DEMO_SEEDERS.append(_online_demo)
from .tracking.demo import seed_demo as _tracking_demo  # noqa: E402  (screenings, isolations, follow-ups)

DEMO_SEEDERS.append(_tracking_demo)
from .ledgers.training.demo import seed_demo as _training_demo  # noqa: E402  (training sessions)

DEMO_SEEDERS.append(_training_demo)
from .ledgers.school_duty.demo import seed_demo as _school_duty_demo  # noqa: E402  (the schools' duty rosters)

DEMO_SEEDERS.append(_school_duty_demo)
from .notices.demo import seed_demo as _notices_demo  # noqa: E402  (the bureau's letter to parents, confirmations)

DEMO_SEEDERS.append(_notices_demo)
