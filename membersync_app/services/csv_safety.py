"""Text a spreadsheet would run as a formula ("CSV injection", OWASP), and the one way every CSV
MemberSync writes is made: cells are neutralised, so a name typed as `=HYPERLINK(…)` is shown
by Excel or LibreOffice as that text and never run.

The same check finds such cells in an imported file (the import warns about them) and quotes a
name that looks like a formula wherever MemberSync puts it in an e-mail.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

# A spreadsheet runs a cell starting with = + - or @; a leading tab or carriage return is
# skipped by some of them, which then run what follows.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: Any) -> str:
    """A cell as text a spreadsheet shows and never runs: a leading apostrophe, which
    spreadsheets hide and treat as "this is text"."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text a line at a time (for streaming), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def quoted_if_formula(text: str) -> str:
    """A name for an e-mail: as typed, or in quotes when a spreadsheet would run it, so a
    greeting never shows `=HYPERLINK(…)` as if MemberSync had written it."""
    return f"“{text}”" if looks_like_formula(text) else text
