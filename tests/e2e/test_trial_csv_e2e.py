"""CSV as an owner meets it (issue 9): Export members to CSV, the CSV template beside Import CSV,
a 2,000-row import that shows its progress from the first second and warns about formula cells,
and the favicon the browser asks for."""

import csv
import io

from conftest import sign_in
from factories import make_membership, make_org, make_user
from playwright.sync_api import expect
from sqlalchemy import func
from sqlmodel import select

from membersync_app.models import Membership
from membersync_app.services import csv_import

PASSWORD = "owner-pass-1"
EVIL = '=HYPERLINK("http://evil.example","Click")'


def open_org(page, app_url, org):
    page.goto(f"{app_url}/dashboard/org/{org.id}")
    expect(page.get_by_role("heading", name=org.title)).to_be_visible()


def downloaded_rows(page, link_id: str) -> list[list[str]]:
    with page.expect_download() as download:
        page.locator(f"#{link_id}").click()
    return list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))


def test_export_members_is_the_table_as_searched_with_formulas_neutralised(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=40)
        for number in range(30):  # more than one page of the table
            make_membership(session, org, make_user(session, full_name=f"Person {number:02d}"))
        make_membership(session, org, make_user(session, full_name=EVIL))
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)

    everyone = downloaded_rows(page, "members-csv")
    assert everyone[0] == ["name", "email", "role", "status", "joined"]
    assert len(everyone) == 1 + 32  # the owner, 30 people and EVIL: every page
    assert [row[0] for row in everyone if "HYPERLINK" in row[0]] == ["'" + EVIL]

    page.get_by_label("Search members").fill("person 1")
    page.get_by_label("Search members").press("Enter")
    expect(page.locator("#members-table tbody tr")).to_have_count(10)
    searched = downloaded_rows(page, "members-csv")
    assert [row[0] for row in searched[1:]] == [f"Person 1{n}" for n in range(10)]


def test_the_csv_template_sits_beside_import_csv(page, app_url, uow):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner)
    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    expect(page.get_by_role("button", name="Import CSV")).to_be_visible()
    rows = downloaded_rows(page, "csv-template")
    assert rows == [list(row) for row in csv_import.TEMPLATE_ROWS]


def test_the_favicon_is_served(page, app_url):
    response = page.request.get(f"{app_url}/favicon.ico")
    assert response.status == 200 and len(response.body()) > 0


# Every text the progress line shows, with the milliseconds since the file was chosen.
RECORD_PROGRESS = """() => {
  window.__progress = [];
  new MutationObserver(() => {
    const line = document.getElementById('import-progress-text');
    const text = line ? line.textContent : null;
    const last = window.__progress[window.__progress.length - 1];
    if (text && (!last || last.text !== text)) {
      window.__progress.push({text, ms: performance.now() - window.__chosen});
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_a_2000_row_import_shows_its_progress_from_the_first_second(page, app_url, uow,
                                                                    tmp_path):
    """Runs last in this file: the 2,000 e-mails it sends go out after the page says done."""
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, seat_count=2_100)
    lines = ["name,email,role"] + [f"Person {n},bulk{n}-{org.id}@example.com,member"
                                   for n in range(2_000)]
    quoted_evil = '"' + EVIL.replace('"', '""') + '"'
    lines[4] = f"{quoted_evil},evil-{org.id}@example.com,member"
    lines[1500] = f"@cmd,at-{org.id}@example.com,member"
    big = tmp_path / "members.csv"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")

    sign_in(page, app_url, owner.username, PASSWORD)
    open_org(page, app_url, org)
    page.get_by_role("button", name="Import CSV").click()
    page.evaluate(RECORD_PROGRESS)
    page.evaluate("() => { window.__chosen = performance.now(); }")
    page.locator("#csv-upload input[type=file]").set_input_files(str(big))
    expect(page.locator("#import-notice")).to_contain_text("Imported 2000 members.",
                                                           timeout=120_000)

    progress = page.evaluate("() => window.__progress")
    texts = [step["text"] for step in progress]
    assert progress[0]["ms"] < 1_000, progress[:3]  # something moves within the first second
    assert texts[0] == "Checking the file…"
    written = [int(text.rsplit("written ", 1)[1].split(" of ")[0].replace(",", ""))
               for text in texts if "written" in text]
    assert all(text.startswith("Checked 2,000 rows · written ") and text.endswith(" of 2,000")
               for text in texts[1:]), texts
    assert written == sorted(written) and written[0] == 0
    assert len([n for n in written if 0 < n < 2_000]) >= 3, texts  # rows written, as it goes
    expect(page.locator("#import-warning")).to_contain_text("Rows 5 and 1501")
    expect(page.locator("#seats-used")).to_have_text("2000 / 2100")
    with uow() as session:
        assert session.exec(select(func.count()).select_from(Membership).where(
            Membership.organization_id == org.id)).one() == 2_001
