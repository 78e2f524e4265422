"""Checks of the identifiers people type: mainland mobile numbers and resident ID numbers."""
from __future__ import annotations

import re
from datetime import date

MOBILE = re.compile(r"1[3-9]\d{9}")
ID_NUMBER = re.compile(r"\d{17}[\dX]")
# GB 11643-1999: weights of the first 17 digits, and the check character for each sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def valid_mobile(s: str | None) -> bool:
    """A mainland mobile number: 11 digits starting 13-19."""
    return bool(s) and MOBILE.fullmatch(s) is not None


def id_check_digit(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def valid_id_number(s: str | None) -> bool:
    """An 18-character resident ID number with a real birth date and the right check character."""
    if not s or ID_NUMBER.fullmatch(s) is None:
        return False
    try:
        date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return id_check_digit(s[:17]) == s[17]


# ---- for the office forms (appended by the org screens; the checks above stay the importer's) ----

def clean_phone(s: str | None) -> str | None:
    """A phone number as typed ("139 1234-5678", "+86 139…") reduced to its digits."""
    if not s:
        return None
    digits = re.sub(r"[\s\-]", "", s)
    return digits[3:] if digits.startswith("+86") else digits


def clean_id_number(s: str | None) -> str | None:
    """An ID number without spaces, with its check character upper case (a typed 'x' is an X)."""
    cleaned = re.sub(r"\s", "", s or "").upper()
    return cleaned or None


def mask_id_number(s: str | None) -> str:
    """The first 4 and last 4 characters only: enough to tell two people apart, not to use the number."""
    if not s:
        return ""
    return s[:4] + "*" * max(len(s) - 8, 0) + s[-4:]
