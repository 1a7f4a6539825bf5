"""Import CSV: add many members from a file with the columns name, email, role.

Every row is validated first and every problem is listed by its row number in the file (the
header is row 1, as a spreadsheet shows it); then all rows are added in one transaction, or
none. Two steps, so that no write transaction stays open while the page shows progress:
`check_file` reads and validates (a read-only unit of work), `write_checked` adds everything in
one short write transaction, validating again under the organization's lock, since other
people may have added members in between; it reports how many rows it has written as it goes.

Cells a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+SUM(…)`, `@cmd`) are imported as
typed, with a warning naming their rows: MemberSync shows them as text everywhere (pages, its
CSV files neutralise them, e-mails quote them), and refusing a whole file for a name that may
be real ("-" and "+" do start some) would cost more than it protects.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from ..models import User
from .csv_safety import FORMULA_STARTS, csv_lines, looks_like_formula
from .errors import RowErrors, ServiceError
from .members import AddResult, CleanEntry, apply_entries, validate_entries
from .permissions import Action, access_org
from .seats import require_free_seats

MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
COLUMNS = ("name", "email", "role")
WRITE_CHUNK = 100  # rows written between two progress reports
TEMPLATE_ROWS = (COLUMNS, ("Ada Lovelace", "ada@example.com", "Member"),
                 ("Grace Hopper", "grace@example.com", "Manager"))
TEMPLATE_FILENAME = "membersync-members-template.csv"
SHOWN_FORMULA_ROWS = 20


class CsvErrors(ServiceError):
    """The file was refused; `problems` lists (row number, message), row 0 = the whole file."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(f"Nothing was imported: {count} problem{'s' if count != 1 else ''} "
                         "in the file.", "csv")


@dataclass(frozen=True)
class CheckedImport:
    """A file that passed every check: its (row number, fields) rows, ready to write, and the
    rows holding a cell a spreadsheet would run as a formula."""

    rows: tuple[tuple[int, dict[str, str]], ...]
    formula_rows: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return len(self.rows)

    def warning(self) -> str:
        """What the importer is told about formula cells ("" when there are none)."""
        if not self.formula_rows:
            return ""
        shown = [str(row) for row in self.formula_rows[:SHOWN_FORMULA_ROWS]]
        if (more := len(self.formula_rows) - len(shown)) > 0:
            listed = f"{', '.join(shown)} and {more:,} more"
        elif len(shown) > 1:
            listed = f"{', '.join(shown[:-1])} and {shown[-1]}"
        else:
            listed = shown[0]
        rows = "Row" if len(self.formula_rows) == 1 else "Rows"
        starts = ", ".join(start for start in FORMULA_STARTS if start.isprintable())
        return (f"{rows} {listed}: a name or e-mail starts with {starts}, which a spreadsheet "
                "would run as a formula. Imported as typed; MemberSync's CSV files and e-mails "
                "show it as plain text. Check that it is a real name.")


def parse_csv(data: Any) -> list[tuple[int, dict[str, str]]]:
    """(row number, {name, email, role}) for every non-empty data row."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise CsvErrors([(0, f"The file is larger than {MAX_BYTES // 1_000_000} MB.")])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvErrors([(0, "The file is not UTF-8 text; save it as CSV UTF-8.")]) from None
    if not isinstance(data, str):
        raise CsvErrors([(0, "Choose a CSV file.")])
    if len(data) > MAX_BYTES:
        raise CsvErrors([(0, f"The file is larger than {MAX_BYTES // 1_000_000} MB.")])
    data = data.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(data), _dialect(data))
    try:
        lines = list(reader)
    except csv.Error:
        # The csv module's own words ("field larger than field limit (131072)") mean nothing
        # to a person; the usual causes do.
        raise CsvErrors([(reader.line_num, "This line is not valid CSV: check its quotation "
                          "marks, and that no cell is longer than "
                          f"{csv.field_size_limit():,} characters.")]) from None
    header_row = next((i for i, line in enumerate(lines) if any(c.strip() for c in line)), None)
    if header_row is None:
        raise CsvErrors([(0, "The file is empty. The first row must be: name,email,role.")])
    header = [cell.strip().lower() for cell in lines[header_row]]
    missing = [column for column in ("name", "email") if column not in header]
    if missing:
        raise CsvErrors([(header_row + 1, "The first row must name the columns name, email, "
                                          "role (role may be left out: Member).")])
    positions = {column: header.index(column) for column in COLUMNS if column in header}
    rows: list[tuple[int, dict[str, str]]] = []
    for index in range(header_row + 1, len(lines)):
        line = lines[index]
        if not any(cell.strip() for cell in line):
            continue
        values = {column: (line[pos].strip() if pos < len(line) else "")
                  for column, pos in positions.items()}
        values["role"] = values.get("role") or "member"
        rows.append((index + 1, values))
    if not rows:
        raise CsvErrors([(0, "The file has no member rows below its header.")])
    if len(rows) > MAX_ROWS:
        raise CsvErrors([(0, f"The file has {len(rows):,} rows; import at most {MAX_ROWS:,} "
                             "at a time.")])
    return rows


def _dialect(data: str) -> type[csv.Dialect]:
    """The file's CSV dialect, as sniffed, quotes doubled inside quotes as every spreadsheet
    writes them (the sniffer sometimes guesses not, and '"=F(""x"")"' would come in as '=F("x"")"');
    else, as the sniffer gives up on some well-formed files (";" with an apostrophe in a name:
    "O'Brien;ob@example.com"), the delimiter that makes the first line name the columns."""
    if not data.strip():
        return csv.excel
    try:
        dialect = csv.Sniffer().sniff(data[:4096], delimiters=",;\t")
    except csv.Error:
        pass
    else:
        dialect.doublequote = True
        return dialect
    first = next((line for line in data[:4096].splitlines() if line.strip()), "")
    for delimiter in ",;\t":
        header = {cell.strip().lower() for cell in next(csv.reader([first], delimiter=delimiter))}
        if {"name", "email"} <= header:
            return type("HeaderDialect", (csv.excel,), {"delimiter": delimiter})
    return csv.excel


def check_may_import(session: Session, *, actor: User | None, org_id: int) -> None:
    """Refuse before an upload is even read when the actor may not import into this org."""
    access_org(session, actor=actor, org_id=org_id, action=Action.ADD_MEMBERS)


def check_file(session: Session, *, actor: User | None, org_id: int, data: Any) -> CheckedImport:
    """Parse and validate the whole file; raises CsvErrors listing every problem by row."""
    access = access_org(session, actor=actor, org_id=org_id, action=Action.ADD_MEMBERS)
    rows = parse_csv(data)
    cleaned = _validated(session, actor, access, rows)
    formula_rows = tuple(number for (number, _), entry in zip(rows, cleaned, strict=True)
                         if looks_like_formula(entry.name) or looks_like_formula(entry.email))
    return CheckedImport(rows=tuple(rows), formula_rows=formula_rows)


def write_checked(
    session: Session, *, actor: User | None, org_id: int, checked: CheckedImport,
    progress: Callable[[int], None] | None = None,
) -> AddResult:
    """Add every row of a checked file, or none (checked again under the organization's lock).
    `progress(rows written so far)` is called every WRITE_CHUNK rows, inside the transaction:
    nothing is committed before the last row is written."""
    access = access_org(session, actor=actor, org_id=org_id, action=Action.ADD_MEMBERS, lock=True)
    rows = [(number, dict(values)) for number, values in checked.rows]
    cleaned = _validated(session, actor, access, rows)
    result = AddResult()
    written = 0
    for chunk in _chunks(cleaned, WRITE_CHUNK):
        part = apply_entries(session, actor=actor, access=access, entries=chunk, source="csv")
        result.memberships += part.memberships
        result.invitations += part.invitations
        result.created_accounts += part.created_accounts
        written += len(chunk)
        if progress is not None:
            progress(written)
    return result


def _chunks(entries: list[CleanEntry], size: int) -> Iterator[list[CleanEntry]]:
    for start in range(0, len(entries), size):
        yield entries[start:start + size]


def template_lines() -> Iterator[str]:
    """The CSV template offered beside Import CSV: the columns and two example rows."""
    return csv_lines(TEMPLATE_ROWS)


def _validated(session: Session, actor: User | None, access: Any,
               rows: list[tuple[int, dict[str, str]]]) -> list:
    try:
        cleaned = validate_entries(session, actor=actor, access=access,
                                   entries=[values for _, values in rows],
                                   row_numbers=[number for number, _ in rows], max_rows=MAX_ROWS)
    except RowErrors as refused:  # entry k is the k-th row sent: say its line number
        raise CsvErrors(sorted((rows[k][0], message) for k, fields in refused.rows.items()
                               for message in fields.values())) from None
    except ServiceError as error:
        raise CsvErrors([(0, error.message)]) from None
    try:
        require_free_seats(session, org_id=access.org.id, seat_count=access.org.seat_count,
                           needed=len(cleaned), field="csv")
    except ServiceError as error:
        raise CsvErrors([(0, error.message)]) from None
    return cleaned


def import_members(session: Session, *, actor: User | None, org_id: int, data: Any) -> AddResult:
    """The whole import in one transaction (tests, command line)."""
    checked = check_file(session, actor=actor, org_id=org_id, data=data)
    return write_checked(session, actor=actor, org_id=org_id, checked=checked)
