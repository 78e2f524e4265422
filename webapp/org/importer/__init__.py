"""Bulk import of students and staff from a spreadsheet (.xlsx or .csv).

`read_sheet()` (reading) turns the uploaded bytes into rows keyed by column; `plan_import()` checks
every row (rows) against the database and the user's scope and says what would change, writing
nothing (plan, students, staff); `apply_plan()` writes a plan that has no issues (it flushes, never
commits). Between preview and confirm the file waits under a token bound to the user (uploads);
the templates and the accounts list are made in workbooks.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sqlalchemy import text

from ...errors import RuleError
from ...extensions import db
from ..models import Unit, UnitKind, User
from ..settings import county_id_of
from .columns import ACCOUNTS, COLUMNS, STAFF, STUDENTS
from .plan import NEW, PREVIEW_CHANGES, SAME, UPDATE, Plan, Result, UnitIndex
from .reading import MAX_COLUMNS, MAX_ROWS, Sheet, read_sheet
from .staff import apply_staff, plan_staff
from .students import apply_students, plan_students
from .uploads import Upload, claim_upload, discard_upload, keep_accounts, keep_upload, peek_upload
from .workbooks import XLSX_TYPE, accounts_workbook, template_csv, template_workbook

__all__ = ["ACCOUNTS", "MAX_COLUMNS", "MAX_ROWS", "PREVIEW_CHANGES", "STAFF", "STUDENTS", "XLSX_TYPE", "Plan",
           "Result", "Sheet", "Upload", "accounts_workbook", "apply_plan", "claim_upload", "discard_upload", "keep_accounts",
           "keep_upload", "lock_imports", "peek_upload", "plan_import", "read_sheet", "template_csv",
           "template_workbook"]


def plan_import(kind: str, filename: str, data: bytes, user: User) -> Plan:
    """What importing this file would change, or why it cannot be imported (RuleError or plan.issues)."""
    if kind not in COLUMNS:
        raise RuleError(_l("Choose what the file holds: students or staff."), "kind")
    sheet = read_sheet(kind, filename, data)
    check_columns(sheet, user)
    if not sheet.rows:
        raise RuleError(_l("The file has column headers but no data rows."), "file")
    plan = Plan(kind, sheet, UnitIndex(user.scope))
    (plan_students if kind == STUDENTS else plan_staff)(plan, user)
    plan.issues.sort(key=lambda issue: (issue.row or 0))
    return plan


def check_columns(sheet: Sheet, user: User) -> None:
    # A school admin's file may leave out the school: it is theirs.
    optional = {"school", "unit"} if user.scope.kind is UnitKind.school else set()
    missing = [c.header for c in COLUMNS[sheet.kind] if c.required and c.key not in sheet.headers
               and c.key not in optional]
    if missing:
        raise RuleError(_l("Required columns are missing: %(columns)s.", columns=", ".join(missing)), "file")


def apply_plan(plan: Plan) -> Result:
    """Write a plan without issues: units first, then the rows, then accounts. Flushes, never commits."""
    if not plan.ok:
        raise RuleError(_l("The file has errors; nothing was imported."), "file")
    plan.units.create_planned()
    accounts = apply_students(plan) if plan.kind == STUDENTS else apply_staff(plan)
    db.session.flush()
    return Result(plan.kind, plan.count(NEW), plan.count(UPDATE), plan.count(SAME),
                  [u.label for u in plan.new_units], accounts or [])



def lock_imports(user: User) -> None:
    """Wait until no other import of the county is being applied; held until this one commits.

    Two confirms at once (two tabs, two admins) would both plan against the database as it was and
    store the same people or classes twice. A write to the county's row (changing nothing) takes
    PostgreSQL's row lock and SQLite's write lock, so the second plans once the first is stored.
    """
    db.session.execute(text(f"UPDATE {Unit.__tablename__} SET id = id WHERE id = :county"),
                       {"county": county_id_of(user.scope)})
