"""Chinese first: every string the code shows has a Simplified Chinese translation."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "webapp", METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog():
    with open(ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f)


def _filled(message) -> bool:
    """A plural entry is a tuple of forms: ('',) is truthy, yet shows English ("3 student")."""
    forms = (message.string,) if isinstance(message.string, str) else message.string
    return bool(forms) and all(forms)


def test_every_message_has_a_chinese_translation():
    catalog = _catalog()
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and _filled(m)
                  and "fuzzy" not in m.flags}
    missing = sorted(_source_messages() - translated)
    assert missing == [], f"{len(missing)} strings without Chinese: {missing[:20]}"


def test_no_entry_of_the_chinese_catalogue_is_empty_plurals_included():
    empty = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in _catalog() if m.id and not _filled(m))
    assert empty == [], f"{len(empty)} empty msgstr in zh: {empty[:20]}"
