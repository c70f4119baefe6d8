"""CSV cells that a spreadsheet will not run as formulas (IN-04, ASVS 1.2.10, OWASP "CSV Injection").

A cell that begins with ``=``, ``+``, ``-`` or ``@`` is read as a formula by Excel, LibreOffice and
Google Sheets; a leading tab or carriage return can hide one of those behind whitespace, and a NUL
truncates the cell in some readers (SECURITY.md IN-04 names it). Such a cell is neutralised by a
leading single quote, which spreadsheets show as text and do not evaluate. Every export writes every
cell through ``safe_cell``, headers included. Pure: no Flask, no database.
"""

from datetime import date, datetime

# The first characters that make a spreadsheet treat a cell as a formula (or hide one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
NEUTRALISER = "'"


def safe_cell(value: object) -> str:
    """The cell's text, with a single quote in front when it starts with a formula trigger.

    ``None`` is an empty cell; dates are ISO 8601 (``2026-03-12``) so that the file sorts and parses
    the same in every locale; anything else is ``str(value)``. An ordinary value comes back unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.date().isoformat()
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return NEUTRALISER + text if text.startswith(FORMULA_TRIGGERS) else text
