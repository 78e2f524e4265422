"""The phone's words for tracking. The kinds' names join every field screen's strings (the outbox
names its records); the rest go only into the tracking screen and the class check, in a block of
their own (`data-i18n`, merged by static/js/i18n.js), so the other screens stay small."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..pwa.strings import FIELD
from .operations import NOT_CLEARED

KINDS = {
    "kind_screening": _l("Screening"),
    "kind_isolation_followup": _l("Isolation follow-up"),
    "kind_isolation_start": _l("Isolation start"),
    "kind_isolation_change": _l("Isolation change"),
    "kind_illness_followup": _l("Illness follow-up"),
    "kind_status_change": _l("Status change"),
    "kind_support_followup": _l("Support follow-up"),
}
TRACKING = {
    "tasks_none": _l("Nothing to do today for the people you answer for."),
    "tasks_empty_phone": _l("No people on this phone yet. Connect once so the phone can fetch the people you answer for."),
    "task_followup": _l("Follow-up: {name}, day {n} of {total}"),
    "task_release": _l("{name}: the isolation ends today. Release after today's follow-up."),
    "task_screen": _l("Screen {name}"),
    "task_illness": _l("Illness follow-up: {name}"),
    "illness_saved": _l("The illness follow-up of {name} is saved on this phone; it is sent when there is signal."),
    "followup_saved": _l("The follow-up of {name} is saved on this phone; it is sent when there is signal."),
    "screening_saved": _l("The screening of {name} is saved on this phone; it is sent when there is signal."),
    "risk_warning": _l("{place} is a risk area in these dates: {name} is tracked from now on."),
    "not_enter": _l("May not enter today"),
    "field_isolation_id": _l("Isolation"),
    "field_temperature_morning": _l("Morning temperature (°C)"),
    "field_temperature_afternoon": _l("Afternoon temperature (°C)"),
    "field_contact_method": _l("Contact made by"),
    "field_trips": _l("Trips"),
    "field_health": _l("Health now"),
    **{f"nc_{code}": word for code, word in NOT_CLEARED.items()},
}
CLASS_CHECK = ("not_enter", *(f"nc_{code}" for code in NOT_CLEARED))
FIELD.update(KINDS)


def phone_strings(screen: str = "tracking") -> dict[str, str]:
    """The words of the tracking screen, or of the class check's "may not enter today"."""
    keys = CLASS_CHECK if screen == "check" else TRACKING
    return {key: str(TRACKING[key]) for key in keys}
