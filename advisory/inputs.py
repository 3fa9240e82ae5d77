"""Checks of untrusted input that every area shares: numbers, ids, control characters, cells.

Plain functions without Flask, so that views, services, exports and the command line use the
same rules.
"""

from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

# Ids in URLs and forms fit a signed 32-bit integer (PostgreSQL's INTEGER); larger ones are 404.
MAX_ID = 2**31 - 1
# Numbers typed into forms (populations, ranks, revisions) never need more digits than this.
MAX_DIGITS = 15

# C0 control characters except tab, line feed and carriage return, and DEL. XML (and so XLSX)
# cannot hold most of them; none of them belongs in a name, an answer or a reason.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What XML 1.0 refuses: the C0 controls above (DEL is allowed there) and non-characters.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Cells starting like this are read as formulas by spreadsheets (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def parse_int(text: object, *, low: int = 0, high: int = 10**MAX_DIGITS) -> int | None:
    """Return the whole number written in `text` (ASCII digits only) within [low, high], or None.

    '²', '٣', '1e9', ' 12', a 5,000-digit string and anything outside the bounds give None, so
    that callers answer with a clear message instead of failing on int().
    """
    if not isinstance(text, str) or not text or len(text) > MAX_DIGITS + 1:
        return None
    digits = text[1:] if text[0] == "-" else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def has_control_characters(text: str) -> bool:
    """Tell whether a text holds a control character other than tab and line breaks."""
    return bool(_CONTROL.search(text))


def xml_safe(text: str) -> str:
    """Remove the characters an XML document (an XLSX cell) cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def spreadsheet_cell(value: object) -> object:
    """Make a value safe for a CSV or XLSX cell: no formula, no character XML refuses.

    Text that a spreadsheet would run as a formula gets a leading apostrophe, as OWASP's
    CSV-injection guidance recommends; numbers, dates and None stay as they are.
    """
    if not isinstance(value, str):
        return value
    value = xml_safe(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


class BoundedIntConverter(IntegerConverter):
    """The `int` URL converter, limited to ASCII digits and ids the database can hold."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
