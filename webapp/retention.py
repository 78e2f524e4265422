"""Retention (PIPL: personal health data kept no longer than needed): what goes after the epidemic.

A county's settings say when its epidemic period ended and how many days its people's records
are kept after that (`CountySettings.epidemic_ended_on`, `keep_days_after_epidemic`). Once those
days have passed, `flask retention-purge` removes the records of the period: every area declares
here, once, which of its tables hold such records (`register(Retained(...))`), so a new area is
covered by declaring its tables, never by editing this module. Each declared table is a record
kind's table: keyed by `record_id` (its sync envelope, removed with it), with `unit_id` and
`recorded_at`. Tables that point at it (`children`) go first. What a declaration `keeps` instead
is anonymised: the listed columns are emptied, the row stays (a daily report's counts).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from .extensions import db
from .org.models import Unit
from .org.settings import county_zone, local_today, settings_for
from .sync.models import SyncRecord

BATCH = 5000  # rows per statement: a county's 24 million checks go in bounded steps


@dataclass(frozen=True)
class Retained:
    """A table of personal records of one area, removed (or, with `blank`, anonymised) after retention."""

    area: str  # "health", "tracking": what the command reports
    model: type
    children: tuple = ()  # (model, column pointing at this table's record_id): removed first
    blank: tuple[str, ...] = ()  # anonymise instead: these columns (and the envelope's same keys) emptied
    when: Callable | None = None  # the rows' time column (default: recorded_at)


RETAINED: list[Retained] = []


def register(entry: Retained) -> Retained:
    RETAINED.append(entry)
    return entry


def purge_county(county: Unit, today: date) -> dict[str, int]:
    """Remove (or anonymise) the county's records of its ended epidemic period once kept long enough.

    {area: rows} of what went; empty while the period goes on or is still kept. Flushes.
    """
    settings = settings_for(county.id)
    if settings.records_kept_until is None or today <= settings.records_kept_until:
        return {}
    end = _utc_start(settings.epidemic_ended_on + timedelta(days=1))
    units = select(Unit.id).where(Unit.path.startswith(county.path, autoescape=True))
    done: dict[str, int] = {}
    for entry in RETAINED:
        count = _anonymise(entry, units, end) if entry.blank else _remove(entry, units, end)
        done[entry.area] = done.get(entry.area, 0) + count
    return done


def _utc_start(day: date) -> datetime:
    """The county's midnight starting `day`, as the naive UTC that `recorded_at` is stored in."""
    return datetime.combine(day, time(), tzinfo=county_zone()).astimezone(timezone.utc).replace(tzinfo=None)


def _ids(entry: Retained, units, end: datetime, extra=None) -> list[str]:
    model = entry.model
    column = entry.when(model) if entry.when else model.recorded_at
    query = select(model.record_id).where(model.unit_id.in_(units), column < end)
    return list(db.session.scalars((query.where(extra) if extra is not None else query).limit(BATCH)))


def _remove(entry: Retained, units, end: datetime) -> int:
    removed = 0
    while ids := _ids(entry, units, end):
        for child, column in entry.children:
            child_ids = list(db.session.scalars(select(child.record_id).where(column.in_(ids)))) \
                if hasattr(child, "record_id") else []
            db.session.execute(delete(child).where(column.in_(ids)))
            db.session.execute(delete(SyncRecord).where(SyncRecord.id.in_(child_ids)))
            removed += len(child_ids)
        db.session.execute(delete(entry.model).where(entry.model.record_id.in_(ids)))
        db.session.execute(delete(SyncRecord).where(SyncRecord.id.in_(ids)))
        removed += len(ids)
    return removed


def _anonymise(entry: Retained, units, end: datetime) -> int:
    model, done = entry.model, 0
    filled = or_(*(getattr(model, name).is_not(None) for name in entry.blank))
    while ids := _ids(entry, units, end, filled):
        db.session.execute(update(model).where(model.record_id.in_(ids)).values({name: None for name in entry.blank}))
        for record in db.session.scalars(select(SyncRecord).where(SyncRecord.id.in_(ids))):
            record.data = {key: value for key, value in record.data.items() if key not in entry.blank}
        db.session.flush()
        done += len(ids)
    return done


@click.command("retention-purge")
@click.option("--dry-run", is_flag=True, help="Count what would go, change nothing.")
@with_appcontext
def retention_purge(dry_run: bool) -> None:
    """Remove the personal records of an ended epidemic period once the county's retention has passed."""
    from .cli import _in_default_language

    @_in_default_language
    def run() -> None:
        for county in db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)):
            done = purge_county(county, local_today())
            kept = settings_for(county.id).records_kept_until
            if not done:
                click.echo(_("%(county)s: nothing to remove (kept until %(day)s).", county=county.name,
                             day=kept.isoformat() if kept else _("the epidemic period ends")))
            for area, rows in done.items():
                click.echo(_("%(county)s, %(area)s: %(rows)s records removed or anonymised.",
                             county=county.name, area=area, rows=rows))
        if dry_run:
            db.session.rollback()
            click.echo(_("Dry run: nothing was changed."))
        else:
            db.session.commit()
    run()
