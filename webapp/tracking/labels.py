"""The words for the tracking area's values, in one place (the office screens and the ledgers)."""
from flask_babel import lazy_gettext as _l

from ..health.labels import SYMPTOM_LABELS

WORDS = {
    # health now
    "normal": _l("Normal"), "fever": _l("Fever"), "symptoms": _l("Symptoms"), "ill": _l("Ill, under treatment"),
    # contacts
    "confirmed": _l("A confirmed case"), "suspected": _l("A suspected case"),
    "risk_area": _l("Someone back from a risk area"),
    # verification
    "phone": _l("Phone call"), "visit": _l("Home visit"), "telecom": _l("Telecom data"),
    "health_code": _l("Health code"), "self_report": _l("Self-report"), "video": _l("Video call"),
    # isolation changes
    "exposure": _l("New exposure"), "extend": _l("Extend"), "shorten": _l("Shorten"), "release": _l("Release"),
    # diagnoses
    "cold": _l("Cold"), "flu": _l("Influenza"), "gastro": _l("Gastroenteritis"),
    "other": _l("Other"),
    # moods
    "anxious": _l("Anxious"), "afraid": _l("Afraid"), "low": _l("Low spirits"),
}


def word(value) -> str:
    """The word for an enum member or a value; the value itself when there is none."""
    value = getattr(value, "value", value)
    return WORDS.get(value) or SYMPTOM_LABELS.get(value, value)
