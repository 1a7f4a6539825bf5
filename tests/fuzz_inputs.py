"""Hypothesis strategies for what a client can send a service (tests/unit/test_fuzz.py).

A Reflex event handler is a public endpoint: its arguments arrive as JSON, so every value can be
text of any kind (including lone surrogates, which JSON allows and no database stores), a number
of any size, a bool, None, a list or an object. These strategies mix plausible values (so some
calls are accepted and the happy path is fuzzed too) with hostile ones: control characters and
NUL (PostgreSQL refuses NUL in text), bidi marks, astral characters, very long strings, SQL and
HTML payloads and spreadsheet formulas.
"""

import csv
import io
import string
from datetime import date, datetime

from hypothesis import strategies as st

PAYLOADS = (
    "",
    " ",
    "\t\n\r ",
    "\x00",
    "a\x00b",
    "\ufeff",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u200b",  # RTL / LTR marks, zero-width space
    "\U0001f600\U0001f4a9\U00010348",  # astral characters
    "İstanbul ǅ ß ﬁ ẞ",  # change length when lower- or upper-cased
    "Robert'); DROP TABLE users;--",
    "' OR '1'='1",
    "%_\\%",
    "\\",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+SUM(1+1)",
    "-2+3",
    "@cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
    "None",
    "null",
    "undefined",
    "NaN",
    "[]",
    "{}",
    "\ud800",  # a lone surrogate: valid in JSON, not in UTF-8
    "x\udfffy",
    "\x7f\x85\x9f",
    "\U0001d573\U0001d58a\U0001d591",  # mathematical letters that look like Latin ones
)

# Full unicode (no surrogates: Hypothesis leaves them out by default) ...
_unicode = st.text(max_size=40)
# ... and every code point, surrogates and controls included.
_raw = st.text(st.characters(exclude_categories=()), max_size=20)
_printable = st.text(string.ascii_letters + string.digits + " .-_'", min_size=1, max_size=30)
# Very long strings, built cheaply (Hypothesis itself draws short ones).
_long = st.builds(lambda piece, times: piece * times,
                  st.sampled_from(["a", "é", "\U0001f600", "x ", "<b>", "\x00", "İ"]),
                  st.sampled_from([199, 200, 201, 254, 255, 256, 300, 5_000, 200_000]))

texts = st.one_of(
    st.sampled_from(PAYLOADS),
    _printable,
    _unicode,
    _raw,
    _long,
    st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), _printable),
    st.builds(lambda a, b: a + b, _printable, st.sampled_from(PAYLOADS)),
)

numbers = st.one_of(
    st.integers(-3, 120_000),
    st.sampled_from([0, 1, -1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64,
                     10**18, 10**30, -(2**63), 100_000, 100_001]),
    st.integers(),
    st.floats(),
    st.sampled_from(["1", "5", " 7 ", "007", "1e3", "1.5", "-1", "+5", "1_000", "0x10", "١٢",
                     "٣", "NaN", "inf", "9" * 18, "9" * 19, "99999999999999999999999",
                     "100000", "100001", "1,000", ""]),
    st.integers(0, 10**6).map(str),
)

# What a JSON client can send in place of anything.
json_scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text(max_size=8), children, max_size=3)),
    max_leaves=6,
)

dates = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)).map(date.isoformat),
    st.datetimes().map(datetime.isoformat),
    st.sampled_from(["", "0000-01-01", "0001-01-01", "9999-12-31", "2027-02-30", "2027-13-01",
                     "2027-1-1", "20270131", "2027-W05-1", "2027-01-31T25:00", "31/01/2027",
                     "2027-01-31 ", " 2027-01-31", "2027-01-31\x00", "yesterday", "-2027-01-01",
                     "+002027-01-01", "\uff12\uff10\uff12\uff17-01-31"]),
    json_values,
)

emails = st.one_of(
    st.emails(),
    st.builds(lambda local, domain: f"{local}@{domain}", texts, st.sampled_from(
        ["example.com", "EXAMPLE.COM", "xn--bcher-kva.example", "bücher.example", "localhost",
         "example", "[127.0.0.1]", "a" * 250 + ".com", "ex ample.com", "example.com."])),
    st.builds(lambda local: f"{local}@example.com", _printable),
    st.builds(lambda n: "a" * n + "@example.com", st.sampled_from([1, 63, 64, 65, 241, 242, 300])),
    st.builds(lambda n: "İ" * n + "@example.com", st.sampled_from([1, 60, 64, 120])),
    st.sampled_from(["ann@example.com", "Ann@Example.COM", " ann@example.com ", "ann@@example.com",
                     "@example.com", "ann@", "ann", "a\x00nn@example.com", "ann@exa\x00mple.com",
                     "\"ann smith\"@example.com", "ann+tag@example.com", "ann@\ud800.com"]),
    texts,
)

roles = st.one_of(st.sampled_from(["member", "manager", "Member", " MANAGER ", "owner", "admin",
                                   "staff", ""]), json_values)


def _csv_cell(text: str, quote: str) -> str:
    if quote == "quoted":
        return '"' + text.replace('"', '""') + '"'
    if quote == "broken":
        return '"' + text
    return text


# Roles as a cell holds them: text (a filter on `roles` would discard most of its JSON draws).
_role_cells = st.one_of(st.sampled_from(["member", "manager", "Member", " MANAGER ", "owner",
                                         "admin", "staff", ""]), texts)
_cells = st.one_of(texts, emails, _role_cells,
                   st.sampled_from(["=HYPERLINK(\"http://x\",\"y\")", "+SUM(1+1)", "@cmd",
                                    "-1+1", "\"", "\"\"", ",", ";", "\t"]))


@st.composite
def csv_files(draw) -> str | bytes:
    """CSV text (or bytes) a person could upload: a header of some kind, rows of arbitrary cells,
    any delimiter, quoting, line ending, BOM; sometimes raw text or bytes. Two draws in five are
    well-formed files (`valid_csv_files`), so the import's accepted path is fuzzed too."""
    kind = draw(st.sampled_from(["valid", "valid", "table", "text", "bytes"]))
    if kind == "valid":
        return draw(valid_csv_files())
    if kind == "text":
        return draw(texts)
    if kind == "bytes":
        return draw(st.one_of(st.binary(max_size=200),
                              st.text(max_size=200).map(lambda t: t.encode("utf-16")),
                              st.text(max_size=200).map(lambda t: t.encode("utf-8"))))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.one_of(
        st.sampled_from([["name", "email", "role"], ["name", "email"], ["Email", " NAME "],
                         ["email", "role", "name"], ["name", "e-mail"], []]),
        st.lists(_cells, max_size=4),
    ))
    rows = draw(st.lists(
        st.one_of(
            st.lists(_cells, max_size=5),
            st.tuples(_printable, emails, _role_cells).map(list),
        ),
        max_size=6,
    ))
    quote = draw(st.sampled_from(["plain", "plain", "quoted", "broken"]))
    lines = [delimiter.join(_csv_cell(str(cell), quote) for cell in row)
             for row in [header, *rows]]
    text = newline.join(lines) + draw(st.sampled_from(["", newline, newline * 3]))
    text = draw(st.sampled_from(["", "\ufeff", "\ufeff\ufeff"])) + text
    if draw(st.booleans()):
        return text.encode("utf-8", "surrogatepass")
    return text


# ---------------------------------------------------------------- mostly valid

# Values a service accepts, hostile ones among them (SQL, HTML and formulas are fine names), so
# that a call with many fields is accepted often enough for its happy path to be fuzzed too.
names = st.one_of(
    st.text(st.characters(categories=("L", "N", "P", "Zs", "Sm", "So")), min_size=1,
            max_size=60).filter(str.strip),
    st.sampled_from(["Robert'); DROP TABLE users;--", "<script>alert(1)</script>", "+SUM(1+1)",
                     "=HYPERLINK(\"http://evil.example\")", "@cmd", "O'Brien", "İstanbul ǅ ß",
                     "\u202eevil\u202c", "\U0001f600 Smile", "a" * 200]),
)
valid_emails = st.one_of(st.emails(), st.builds(lambda local: f"{local}@example.com",
                                                st.from_regex(r"[a-z0-9._+-]{1,30}",
                                                              fullmatch=True)))
usernames = st.from_regex(r"[A-Za-z0-9_.@+-]{3,40}", fullmatch=True)
counts = st.one_of(st.integers(1, 60), st.integers(1, 60).map(str))
valid_dates = st.one_of(st.just(""), st.dates(date(2000, 1, 1), date(2100, 1, 1))
                        .map(date.isoformat))


def mostly(valid, other):
    """`valid` three times in four (one_of draws its branches alike)."""
    return st.one_of(valid, valid, valid, other)


# Names a CSV import accepts and that are hard on a CSV file: its delimiters and quotes, formula
# starts (imported as typed, neutralised on the way out), unicode, the longest name allowed.
csv_names = st.one_of(
    names,
    st.sampled_from(["Ann \"Q\" Example", "Smith, Jo", "Jo; Smith", "-Minus", "=1+2", "@home",
                     "+44 Tel", "İ" * 200, "x" * 199 + "\U0001f600", " padded\tname "]),
)


@st.composite
def valid_csv_files(draw, bad_row: bool | None = None) -> str | bytes:
    """A well-formed import file: the header name,email[,role] (any order and case), 1 to 5 rows
    of hostile but acceptable names and distinct new addresses, written by the csv module with
    "," or ";". With `bad_row` (drawn when None: one time in four) one row holds a cell the
    import refuses, so a file that is refused as a whole is fuzzed too (all or nothing)."""
    columns = draw(st.sampled_from([["name", "email", "role"], ["name", "email"],
                                    ["Email", " NAME ", "Role"], ["role", "email", "name"]]))
    count = draw(st.integers(1, 5))
    local_parts = draw(st.lists(st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}", fullmatch=True)
                                .filter(lambda local: ".." not in local
                                        and not local.endswith(".")),
                                min_size=count, max_size=count, unique=True))
    rows = [{"name": draw(csv_names), "email": f"{local}@import.example",
             "role": draw(st.sampled_from(["member", "manager", "Member", " MANAGER ", ""]))}
            for local in local_parts]
    if bad_row is None:
        bad_row = draw(st.integers(0, 3)) == 0
    if bad_row:
        row = rows[draw(st.integers(0, count - 1))]
        field = draw(st.sampled_from(["name", "email", "role"]))
        row[field] = draw({"name": st.sampled_from(["", " ", "a\x00b", "x" * 201, "\x07bell"]),
                           "email": st.sampled_from(["ann@@example.com", "ann", "@example.com",
                                                     "mia@example.com"]),
                           "role": st.sampled_from(["owner", "admin", "staff"])}[field])
    delimiter = draw(st.sampled_from([",", ";"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=draw(
        st.sampled_from(["\n", "\r\n"])))
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[column.strip().lower()] for column in columns])
    text = draw(st.sampled_from(["", "\ufeff"])) + out.getvalue()
    return text.encode("utf-8") if draw(st.booleans()) else text
