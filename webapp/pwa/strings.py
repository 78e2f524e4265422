"""The UI strings the phone's scripts need, translated here and handed to them as JSON.

Placeholders in {braces} are filled in by static/js/i18n.js. Office pages get only the few the
logout guard and the update prompt use.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

COMMON = {
    "update_available": _l("A new version of the app is available."),
    "reload": _l("Reload"),
    "sync_now": _l("Sync now"),
    "syncing": _l("Syncing…"),
    "logout_refused": _l("{n} records on this phone are not synced yet. Log out after they are synced, "
                         "or export them to a file first."),
    "export_file": _l("Export to a file"),
    "discard_and_logout": _l("Discard {n} records and log out"),
    "confirm_discard_all": _l("Really discard {n} unsynced records? They will be lost."),
    "logout_now_possible": _l("All records are synced. You can log out now."),
    "still_waiting": _l("{n} records are still waiting. Check the connection and try again."),
    "logout_needs_connection": _l("Logging out needs a connection to the server. Try again when you are online."),
    "logout_failed": _l("Could not check this phone's records. Reload the page and try again."),
}

FIELD = {
    # sync state
    "offline": _l("Offline"),
    "waiting": _l("{n} waiting to sync"),
    "all_synced": _l("Everything is synced"),
    "last_sync": _l("last sync: {when}"),
    "never": _l("never"),
    "retrying": _l("server not reachable, trying again in {s} s"),
    "please_log_in": _l("Please log in to use the field screens."),
    "log_in": _l("Log in"),
    "login_expired": _l("The login of {user} has expired. Your records are kept on this phone; "
                        "enter your password to send them."),
    "password": _l("Password"),
    "login_page": _l("Open the login page"),
    "login_wrong": _l("Wrong password."),
    "login_throttled": _l("Too many attempts. Please wait a few minutes."),
    "login_network": _l("The server cannot be reached. Try again when you are online."),
    "change_password_first": _l("Change your temporary password first."),
    "change_password": _l("Change password"),
    "fix": _l("Fix"),
    "discard": _l("Discard"),
    "save_fix": _l("Save the corrected record"),
    "confirm_discard": _l("Discard this record? {what}"),
    "foreign_records": _l("{n} records saved by another account ({names}) are still on this phone."),
    "export_them": _l("Export them to a file"),
    # why the server refused a record
    "code_invalid": _l("Refused: a value is not valid."),
    "code_conflict": _l("Refused: a different record with the same id exists."),
    "code_forbidden": _l("Refused: outside your area."),
    "code_unknown_kind": _l("Refused: the server does not know this kind of record."),
    "code_clock": _l("Refused: the phone's clock is wrong."),
    "save_again": _l("Clock set right: save again"),
    # the phone's clock
    "clock_ahead": _l("This phone's clock is {d} ahead of the server's. Set the date and time right in the "
                      "phone's settings (automatic time); records saved meanwhile are refused until then."),
    "clock_behind": _l("This phone's clock is {d} behind the server's. Set the date and time right in the "
                       "phone's settings (automatic time)."),
    "about_day": _l("about a day"),
    "about_days": _l("about {n} days"),
    "about_hour": _l("about an hour"),
    "about_hours": _l("about {n} hours"),
    "minute": _l("a minute"),
    "minutes": _l("{n} minutes"),
    # checks before saving
    "required": _l("Required."),
    "wrong_type": _l("Wrong kind of value."),
    "at_least": _l("Must be at least {min}."),
    "at_most": _l("Must be at most {max}."),
    "too_long": _l("At most {n} characters."),
    "not_allowed": _l("Not one of the allowed values."),
    "bad_date": _l("Must be a date."),
    "temperature_range": _l("Enter a temperature between {min} and {max} °C."),
    # records and fields
    "kind_health_check": _l("Health check"),
    "kind_staff_check": _l("Staff health check"),
    "kind_daily_report": _l("Daily report"),
    "field_student_id": _l("Student"),
    "field_staff_id": _l("Staff member"),
    "field_unit_id": _l("Unit"),
    "field_date": _l("Date"),
    "field_session": _l("Check"),
    "field_present": _l("Present"),
    "field_absence_reason": _l("Reason for absence"),
    "field_symptoms": _l("Symptoms"),
    "field_temperature": _l("Temperature (°C)"),
    "field_note": _l("Note"),
    "field_zero_report": _l("Zero report"),
    "field_expected": _l("Expected"),
    "field_checked": _l("Checked"),
    "field_absent": _l("Absent"),
    "field_abnormal": _l("Abnormal"),
    "field_id": _l("Record id"),
    "field_kind": _l("Kind of record"),
    "field_recorded_at": _l("Time recorded"),
    "field_data": _l("Record"),
    "session_morning": _l("Morning check"),
    "session_noon": _l("Noon check"),
    "absence_reason_illness": _l("Illness"),
    "absence_reason_personal": _l("Personal"),
    "absence_reason_other": _l("Other"),
    "symptom_fever": _l("Fever"),
    "symptom_cough": _l("Cough"),
    "symptom_sore_throat": _l("Sore throat"),
    "symptom_fatigue": _l("Fatigue"),
    "symptom_diarrhea": _l("Diarrhoea"),
    "symptom_vomiting": _l("Vomiting"),
    "symptom_rash": _l("Rash"),
    "symptom_other": _l("Other symptom"),
    # the check screens
    "normal": _l("Normal"),
    "absent": _l("Absent"),
    "fever": _l("Fever {t} °C"),
    "unwell": _l("Symptoms"),
    "checked_at": _l("checked {time}"),
    "session_done": _l("(done)"),
    "attendance": _l("Attendance"),
    "done": _l("Done"),
    "save_all": _l("Save the check ({n} people)"),
    "save_changes": _l("Save changes ({n})"),
    "nothing_changed": _l("Nothing changed since the last save."),
    "saved": _l("Saved on this phone: {n} records. {pending} waiting to sync."),
    "fix_marked": _l("Correct the marked entries first."),
    "no_people": _l("No one to check yet. Connect once so the phone can fetch your lists."),
    "no_people_synced": _l("There is no one for you to check: the class check is made by homeroom teachers, "
                           "the staff check by school admins."),
    "all_saved": _l("All saved"),
    # the start screen's day
    "state_done": _l("done"),
    "state_not_done": _l("not done yet"),
    "state_reported": _l("Daily report filed"),
    "state_not_reported": _l("No daily report yet"),
    "staff_short": _l("of the staff"),
    # the daily report
    "due_by": _l("Due by {time}."),
    "figures_as_of": _l("Counted from the checks the server holds (fetched {when}) and those waiting on this "
                        "phone. Checks made on another phone count once it has synced."),
    "late": _l("It is past the cut-off ({time}). The report is still accepted and marked late."),
    "count_order": _l("Checked cannot be more than expected; absent and abnormal cannot be more than checked."),
    "zero_required": _l("Tick the zero report to confirm that nothing is abnormal."),
    "report_saved": _l("Report saved on this phone. {pending} waiting to sync."),
    "reported_at": _l("Reported at {time}"),
    "zero_report_sent": _l("zero report"),
    # the outbox
    "state_pending": _l("Waiting"),
    "state_rejected": _l("Refused"),
    "recorded_by": _l("recorded by {name}"),
    "export_user": _l("Export the {n} waiting records of {name}"),
    "nothing_waiting": _l("Nothing is waiting on this phone."),
    # a shell opened by a role that does not use it (org/access.py: FIELD_SCREEN_ROLES)
    "not_for_role": _l("This screen is not part of your work."),
    # banners
    "no_offline": _l("This browser cannot keep the app for offline use. It still works while you are "
                     "online. For offline use, open this page in the phone's own browser: tap the “…” menu "
                     "at the top right and choose “Open in browser” (在浏览器打开), then add it to the home screen."),
    "ios_hint": _l("Tip: add this app to the home screen (Share → Add to Home Screen). Otherwise the "
                   "iPhone may delete the records kept on it after some days without use."),
    "lang_offline": _l("Switching the language needs a connection."),
}


def strings_for(group: str = "field") -> dict[str, str]:
    """The strings of a group ("office": the logout guard and the update prompt; "field": all)."""
    chosen = COMMON if group == "office" else {**COMMON, **FIELD}
    return {key: str(text) for key, text in chosen.items()}
