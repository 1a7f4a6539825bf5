"""Import CSV: upload a file (name, email, role); every row is checked first, problems are listed
by row number, then all rows are added in one transaction or none, with progress shown.

The check and the write run in a worker thread, so a long import does not stall every other
browser this worker serves; the write reports the rows written so far, and each report is sent
to the page as it comes (rows checked, then "written N of M").
"""

import asyncio
from collections.abc import AsyncIterator, Callable

import reflex as rx

from ..services import csv_import
from ..services.csv_import import CheckedImport, CsvErrors
from ..services.display import on_the_way, percent
from ..services.errors import ServiceError
from ..services.members import AddResult
from .org_members import OrgMembersState
from .org_page import OrgPageState

UPLOAD_ID = "csv-upload"


async def read_upload(file: rx.UploadFile) -> bytes:
    """At most one byte more than an import may have: enough for the service to refuse a file
    that is too large, without holding a huge upload in memory."""
    return await file.read(csv_import.MAX_BYTES + 1)


async def reports_until_done(work: asyncio.Future, reports: asyncio.Queue) -> AsyncIterator[int]:
    """Each progress report `work` (running in a thread) puts in `reports`, as it comes, until
    `work` is done."""
    while True:
        report = asyncio.ensure_future(reports.get())
        await asyncio.wait({report, work}, return_when=asyncio.FIRST_COMPLETED)
        if not report.done():
            report.cancel()
            return
        yield report.result()


class OrgImportState(OrgPageState):
    import_open: bool = False
    import_running: bool = False
    import_phase: str = ""
    import_done: int = 0
    import_total: int = 0
    import_error: str = ""
    import_notice: str = ""
    import_warning: str = ""  # cells a spreadsheet would run as formulas, by row
    # (row number, message) as the import said them; row 0 is the whole file
    import_problems: list[tuple[int, str]] = rx.field(default_factory=list)

    @rx.var
    def import_percent(self) -> int:
        return percent(self.import_done, self.import_total)

    def _forget_dialogs(self) -> None:
        if not self.import_running:  # a running import goes on reporting where it is
            self.import_open = False
            self.import_error = self.import_notice = self.import_warning = ""
            self.import_problems = []

    @rx.event
    def toggle_import(self):
        self.import_open = not self.import_open
        self.import_error = self.import_notice = self.import_warning = ""
        self.import_problems = []

    def _check(self, org_id: int, data: bytes) -> CheckedImport:
        with self._reading() as (session, user):
            return csv_import.check_file(session, actor=user, org_id=org_id, data=data)

    def _write(self, org_id: int, checked: CheckedImport,
               progress: Callable[[int], None]) -> AddResult:
        with self._unit() as (session, user):
            return csv_import.write_checked(session, actor=user, org_id=org_id,
                                            checked=checked, progress=progress)

    def _show_written(self, written: int) -> None:
        self.import_done = written
        self.import_phase = (f"Checked {self.import_total:,} rows · written {written:,} of "
                             f"{self.import_total:,}")

    @rx.event
    async def import_csv(self, files: list[rx.UploadFile]):
        self.import_error = self.import_notice = self.import_warning = ""
        self.import_problems = []
        if not files:
            self.import_error = "Choose a CSV file."
            return
        org_id = self._org_id
        try:  # any client can send a file here: check who it is before reading a byte
            with self._reading() as (session, user):
                csv_import.check_may_import(session, actor=user, org_id=org_id)
        except ServiceError as error:
            self.import_error = error.message
            return
        data = await read_upload(files[0])
        self.import_running, self.import_done, self.import_total = True, 0, 0
        self.import_phase = "Checking the file…"
        yield
        result = None
        try:
            checked = await asyncio.to_thread(self._check, org_id, data)
            self.import_total = checked.count
            self.import_warning = checked.warning()
            self._show_written(0)
            yield
            loop = asyncio.get_running_loop()
            reports: asyncio.Queue[int] = asyncio.Queue()
            writing = asyncio.ensure_future(asyncio.to_thread(
                self._write, org_id, checked,
                lambda written: loop.call_soon_threadsafe(reports.put_nowait, written)))
            async for written in reports_until_done(writing, reports):
                self._show_written(written)
                yield
            result = writing.result()
        except CsvErrors as errors:
            self.import_error, self.import_warning = errors.message, ""
            self.import_problems = list(errors.problems[:200])
        except ServiceError as error:
            self.import_error, self.import_warning = error.message, ""
        self.import_running = False
        self.import_phase = ""
        if result is None:
            return
        self.import_notice = f"{result.notice('Imported')} {on_the_way(result.email_count)}"
        members_state = await self.get_state(OrgMembersState)
        self._reread_header()
        members_state._refresh()
