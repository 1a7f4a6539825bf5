"""Import CSV: upload a file (name, email, role); every row is checked first, problems are listed
by row number, then all rows are added in one transaction or none, with progress shown."""

import reflex as rx
from pydantic import BaseModel

from ..db import unit_of_work
from ..services import csv_import, mail
from ..services.csv_import import CsvErrors
from ..services.errors import ServiceError
from .display import percent
from .org_members import OrgMembersState
from .org_page import OrgPageState

UPLOAD_ID = "csv-upload"


async def read_upload(file: rx.UploadFile) -> bytes:
    """At most one byte more than an import may have: enough for the service to refuse a file
    that is too large, without holding a huge upload in memory."""
    return await file.read(csv_import.MAX_BYTES + 1)


class CsvProblem(BaseModel):
    row: str
    message: str


class OrgImportState(OrgPageState):
    import_open: bool = False
    import_running: bool = False
    import_phase: str = ""
    import_done: int = 0
    import_total: int = 0
    import_error: str = ""
    import_notice: str = ""
    import_problems: list[CsvProblem] = rx.field(default_factory=list)

    @rx.var
    def import_percent(self) -> int:
        return percent(self.import_done, self.import_total)

    @rx.event
    def toggle_import(self):
        self.import_open = not self.import_open
        self.import_error = self.import_notice = ""
        self.import_problems = []

    @rx.event
    async def import_csv(self, files: list[rx.UploadFile]):
        self.import_error = self.import_notice = ""
        self.import_problems = []
        if not files:
            self.import_error = "Choose a CSV file."
            return
        try:  # any client can send a file here: check who it is before reading a byte
            with self.unit() as (session, user):
                csv_import.check_may_import(session, actor=user, org_id=self._org_id)
        except ServiceError as error:
            self.import_error = error.message
            return
        data = await read_upload(files[0])
        self.import_running, self.import_done, self.import_total = True, 0, 0
        self.import_phase = "Checking the file…"
        yield
        result = None
        try:
            with self.reading() as (session, user):
                checked = csv_import.check_file(session, actor=user, org_id=self._org_id,
                                                data=data)
            self.import_done = self.import_total = checked.count
            self.import_phase = f"Adding {checked.count} members…"
            yield
            with self.unit() as (session, user):
                result = csv_import.write_checked(session, actor=user, org_id=self._org_id,
                                                  checked=checked)
        except CsvErrors as errors:
            self.import_error = errors.message
            self.import_problems = [
                CsvProblem(row=str(row) if row else "file", message=message)
                for row, message in errors.problems[:200]
            ]
        except ServiceError as error:
            self.import_error = error.message
        self.import_running = False
        self.import_phase = ""
        if result is None:
            return
        report = await mail.deliver_async(unit_of_work, result.message_ids)
        self.import_notice = f"{result.notice('Imported')} {report.summary()}".strip()
        members_state = await self.get_state(OrgMembersState)
        with self.unit() as (session, user):
            self._refresh_overview(session, user)
            members_state._load_members(session, user)
