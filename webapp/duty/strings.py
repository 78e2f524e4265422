"""The words the on-duty field screen's script needs, added to the field screens' strings.

The field shell hands `webapp.pwa.strings.FIELD` to the scripts as JSON (static/js/i18n.js);
this adds checkpoint duty's words to it, and names its record kinds and fields for the outbox
screen, without that module knowing about checkpoints.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..pwa.strings import FIELD

DUTY_STRINGS = {
    "kind_checkpoint_entry": _l("Checkpoint entry"),
    "kind_shift_attendance": _l("Shift check-in or check-out"),
    "field_checkpoint_id": _l("Checkpoint"),
    "field_shift_id": _l("Shift"),
    "field_direction": _l("Direction"),
    "field_name": _l("Name"),
    "field_from_place": _l("Coming from"),
    "field_to_place": _l("Going to"),
    "field_verified": _l("Information verified"),
    "field_shown": _l("Shown"),
    "field_disinfected": _l("Disinfected"),
    "field_plate": _l("Vehicle plate"),
    "field_action": _l("Check-in or check-out"),
    "duty_without_shift": _l("{place} (without a shift)"),
    "duty_connect_first": _l("No shifts or checkpoints on this phone yet. Connect once so the phone can fetch "
                             "your roster."),
    "duty_no_shifts": _l("You have no shift on the roster and no checkpoint of your own. Rosters are made by the "
                         "township office: ask them if you should be on duty."),
    "duty_leader": _l("Shift leader: {name}"),
    "duty_checked_in": _l("Checked in at {time}"),
    "duty_checked_out": _l("Checked out at {time}"),
    "duty_in": _l("In"),
    "duty_out": _l("Out"),
    "duty_flagged": _l("Flagged"),
    "duty_fever": _l("fever"),
    "duty_unverified": _l("not verified"),
    "duty_will_flag": _l("This entry will be flagged for the township: {why}."),
    "duty_log_normal": _l("Log normal entry"),
    "duty_log_entry": _l("Log entry"),
    "duty_saved": _l("Saved on this phone at {time}."),
}

for _key, _text in DUTY_STRINGS.items():
    FIELD.setdefault(_key, _text)  # the field screens' own words win
