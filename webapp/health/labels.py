"""The words for the health area's values (sessions, absence reasons, symptoms), in one place."""
from flask_babel import lazy_gettext as _l

from .models import AbsenceReason, CheckSession

SESSION_LABELS = {CheckSession.morning: _l("Morning check"), CheckSession.noon: _l("Noon check")}
REASON_LABELS = {AbsenceReason.illness: _l("Illness"), AbsenceReason.personal: _l("Personal leave"),
                 AbsenceReason.other: _l("Other reason")}
SYMPTOM_LABELS = {
    "fever": _l("Fever"), "cough": _l("Cough"), "sore_throat": _l("Sore throat"), "fatigue": _l("Fatigue"),
    "diarrhea": _l("Diarrhoea"), "vomiting": _l("Vomiting"), "rash": _l("Rash"), "other": _l("Other symptom"),
}


def symptom_text(symptoms, separator: str = ", ") -> str:
    return separator.join(str(SYMPTOM_LABELS.get(s, s)) for s in symptoms or ())


def labels() -> dict:
    """For the templates: {{ labels.session[check.session] }} …"""
    return {"session": SESSION_LABELS, "reason": REASON_LABELS, "symptom": SYMPTOM_LABELS,
            "symptoms": symptom_text}
