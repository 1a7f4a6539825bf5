"""Issue 9, as staff and owners tried it: what the staff pages ask first, send, keep and show.

Each test is one finding, on its own data: Make staff / Deactivate ask first; a new owner
without a password gets the set-password e-mail (and staff can send it again); two tabs never
undo each other's change; the per-organization audit log is that organization's, with its
filters in the URL and readable details; each admin record has its own address and a form's
unsaved input survives a reload and Back; staff correct a user's name and e-mail; the small
words (non-staff on /admin, an already expired organization, the directory's marker).
"""

import re
from datetime import UTC, datetime

from conftest import (
    PHONE,
    assert_inside,
    assert_no_sideways_scroll,
    at,
    sign_in,
    sign_in_on_a_phone,
    viewport_box,
)
from factories import (
    make_course,
    make_org,
    make_org_type,
    make_seat_type,
    make_staff,
    make_user,
)
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app import routes
from membersync_app.models import (
    AuditEvent,
    Course,
    Organization,
    OrganizationType,
    OutboxMessage,
    User,
    Visibility,
)

PASSWORD = "correct-horse-1"


def _staff(uow, **kwargs) -> User:
    with uow() as session:
        return make_staff(session, password=PASSWORD, **kwargs)


def test_make_staff_and_deactivate_ask_first_naming_the_person(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        target = make_user(session, username="dora_d", full_name="Dora Dee", password=PASSWORD)
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_USERS)
    page.get_by_label("Search users").fill("dora_d")
    # The search is sent after a pause; a dialog opened before its answer would be re-rendered
    # away with the row, so wait until the table shows the one match.
    expect(page.get_by_text("Page 1 of 1 · 1 result", exact=True)).to_be_visible()
    page.get_by_role("button", name="Make dora_d staff").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Make Dora Dee (dora_d) staff?")
    expect(dialog).to_contain_text("will use every admin page")
    dialog.get_by_role("button", name="Cancel").click()
    with uow() as session:
        assert not session.get(User, target.id).is_staff  # before: one click made them staff

    page.get_by_role("button", name="Deactivate dora_d").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Deactivate Dora Dee (dora_d)?")
    expect(dialog).to_contain_text("can no longer sign in")
    dialog.get_by_role("button", name="Deactivate").click()
    expect(page.locator("#admin-notice")).to_contain_text("“dora_d” is deactivated")
    with uow() as session:
        assert not session.get(User, target.id).is_active

    page.get_by_role("button", name="Make dora_d staff").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Make staff").click()
    expect(page.locator("#admin-notice")).to_contain_text("“dora_d” is now staff")


def test_new_owner_without_password_gets_the_email_and_staff_can_resend_it(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        org_type = make_org_type(session, name="Owner Mail Type")
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_ORGANIZATIONS)
    page.get_by_role("button", name="Add new").click()
    page.get_by_label("Title", exact=True).fill("Nopass Holdings")
    page.get_by_role("checkbox", name="Create a new user as owner").click()
    page.get_by_label("Owner username").fill("nopass_owner")
    page.get_by_label("Owner email").fill("nopass.owner@example.com")
    page.get_by_label("Owner full name").fill("Nora Pass")
    page.get_by_label("Seat count").fill("5")
    page.get_by_label("Organization type").select_option(str(org_type.id))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-notice")).to_contain_text(
        "The owner was sent an e-mail to set their password.")

    def set_password_mails() -> list[OutboxMessage]:
        with uow() as session:
            return session.exec(select(OutboxMessage).where(
                OutboxMessage.recipient == "nopass.owner@example.com")).all()

    [first] = set_password_mails()  # before: nothing went to the outbox
    assert first.subject == "Set your MemberSync password (Nopass Holdings)"

    page.goto(app_url + routes.ADMIN_USERS)
    page.get_by_label("Search users").fill("nopass_owner")
    page.get_by_role("button", name="Resend set-password e-mail to nopass_owner").click()
    expect(page.locator("#admin-notice")).to_contain_text(
        "Sent “nopass_owner” a new set-password e-mail.")
    assert len(set_password_mails()) == 2


def test_an_older_settings_tab_does_not_undo_a_rename(page, app_url, uow, browser):
    with uow() as session:
        owner = make_user(session, password=PASSWORD)
        org = make_org(session, owner=owner, title="Two Tabs Ltd", seat_count=5)
    sign_in(page, app_url, owner.username, PASSWORD)
    tab_b = page.context.new_page()  # opened first, saved last
    for tab in (tab_b, page):
        tab.goto(app_url + routes.org_page(org.id))
        tab.get_by_role("tab", name="Settings").click()
        expect(tab.get_by_label("Organization name")).to_have_value("Two Tabs Ltd")

    page.get_by_label("Organization name").fill("Renamed In Tab A")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#settings-notice")).to_contain_text("Settings saved.")

    tab_b.get_by_label("Seat count").fill("8")
    tab_b.get_by_role("button", name="Save settings").click()
    expect(tab_b.locator("#settings-notice")).to_contain_text("Settings saved.")
    with uow() as session:
        saved = session.get(Organization, org.id)
        assert (saved.title, saved.seat_count) == ("Renamed In Tab A", 8)  # before: name lost

    # The same field changed in both: refused, saying who, and the input stays.
    tab_b.get_by_label("Organization name").fill("Renamed In Tab B")
    page.get_by_label("Organization name").fill("Renamed Again In A")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#settings-notice")).to_contain_text("Settings saved.")
    tab_b.get_by_role("button", name="Save settings").click()
    expect(tab_b.locator("#settings-error")).to_contain_text(
        "changed Organization name of this organization after you opened the form")
    expect(tab_b.get_by_label("Organization name")).to_have_value("Renamed In Tab B")
    tab_b.close()


def test_the_audit_log_link_is_that_organization_and_its_filters_are_in_the_url(
        page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        org = make_org(session, title="Audited Co", seat_count=4)
        lookalike = make_org(session, title=f"Branch {org.id} Lookalike")
        for target in (org, lookalike):
            session.add(AuditEvent(actor_id=staff.id, organization_id=target.id,
                                   action="organization.update_settings",
                                   details={"seat_count": [4, 6], "title": ["Old", "New"]}))
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_ORGANIZATIONS)
    page.get_by_label("Search organizations").fill("Audited Co")
    page.get_by_role("link", name="Audit log of Audited Co").click()
    expect(page).to_have_url(at(app_url, f"{routes.ADMIN_AUDIT}?org={org.id}"))
    expect(page.locator("#audit-one-organization")).to_contain_text("Audited Co")
    rows = page.get_by_role("row").filter(has_text="organization.update_settings")
    expect(rows).to_have_count(1)  # before: every title holding the id's digits too
    expect(rows).to_contain_text("Seat count: 4 → 6")  # before: raw JSON
    expect(rows).to_contain_text("Title: Old → New")

    page.get_by_label("Action").select_option("organization.update_settings")
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page).to_have_url(re.compile(rf"\?org={org.id}&.*action=organization.update_settings"))
    expect(page.locator("#audit-one-organization")).to_contain_text("Audited Co")
    page.get_by_role("link", name="Show every organization").click()
    expect(page.locator("#audit-one-organization")).to_have_count(0)
    page.get_by_label("Organization", exact=True).fill("Lookalike")
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?organization=Lookalike&"))
    rows = page.get_by_role("row").filter(has_text="organization.update_settings")
    expect(rows).to_have_count(1)  # the page shows the last table until on_load has run
    expect(rows).to_contain_text(lookalike.title)
    page.go_back()  # Back: every organization, as before the filter
    expect(page.get_by_label("Organization", exact=True)).to_have_value("")
    page.go_back()  # and the organization's own log
    expect(page.locator("#audit-one-organization")).to_contain_text("Audited Co")
    page.go_forward()
    page.go_forward()
    expect(page.get_by_label("Organization", exact=True)).to_have_value("Lookalike")
    page.reload()
    expect(page.get_by_label("Organization", exact=True)).to_have_value("Lookalike")
    expect(page.get_by_role("row").filter(has_text="organization.update_settings")
           ).to_have_count(1)


def test_a_record_has_its_address_and_unsaved_input_survives_reload_and_back(
        page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        course = make_course(session, title="Draft Course", lesson_count=3)
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_COURSES)
    page.get_by_label("Search courses").fill("Draft Course")
    page.get_by_role("button", name="Edit Draft Course").click()
    record = routes.admin_record(routes.ADMIN_COURSE, course.id)
    expect(page).to_have_url(at(app_url, record))
    page.get_by_label("Title", exact=True).fill("Draft Course Renamed")
    expect(page.locator("#draft-kept")).to_be_visible()  # the server has it

    page.reload()  # before: the input was gone
    expect(page.locator("#draft-restored")).to_contain_text("Your unsaved changes were kept")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Draft Course Renamed")

    page.go_back()  # before: Back discarded the edits without a word
    expect(page).to_have_url(at(app_url, routes.ADMIN_COURSES))
    expect(page.locator("#draft-left")).to_contain_text(
        "You left unsaved changes to the course “Draft Course”.")
    page.get_by_role("button", name="Continue editing").click()
    expect(page).to_have_url(at(app_url, record))
    expect(page.get_by_label("Title", exact=True)).to_have_value("Draft Course Renamed")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(at(app_url, routes.ADMIN_COURSES))
    expect(page.locator("#admin-notice")).to_contain_text(
        "Saved the course “Draft Course Renamed”.")
    expect(page.locator("#draft-left")).to_have_count(0)

    # Another staff member's record address opens straight on its form.
    page.goto(app_url + record)
    expect(page.get_by_label("Title", exact=True)).to_have_value("Draft Course Renamed")


def test_ticks_and_the_new_owner_fields_survive_a_reload(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        kept = make_course(session, title="Kept Tick Course")
        dropped = make_course(session, title="Dropped Tick Course")
        seat_type = make_seat_type(session, name="Tick Seat", courses=[dropped])
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.admin_record(routes.ADMIN_SEAT_TYPE, seat_type.id))
    page.get_by_label(kept.title).check()
    page.get_by_label(dropped.title).uncheck()
    expect(page.locator("#draft-kept")).to_be_visible()  # the server has the ticks
    page.reload()  # before: the checkboxes showed what was saved
    expect(page.locator("#draft-restored")).to_contain_text("Your unsaved changes were kept")
    expect(page.get_by_label(kept.title)).to_be_checked()
    expect(page.get_by_label(dropped.title)).not_to_be_checked()

    page.goto(app_url + routes.ADMIN_ORGANIZATIONS)
    page.get_by_role("button", name="Add new").click()
    page.get_by_role("checkbox", name="Create a new user as owner").click()
    page.get_by_label("Owner username").fill("tick_owner")
    page.get_by_label("Owner email").fill("tick.owner@example.com")
    page.get_by_label("Owner password (optional)").fill("never-kept-1")
    expect(page.locator("#draft-kept")).to_be_visible()
    page.reload()  # before: the owner fields were gone
    expect(page.locator("#draft-left")).to_contain_text("unsaved changes to a new organization")
    page.get_by_role("button", name="Continue editing").click()
    expect(page.get_by_label("Owner username")).to_have_value("tick_owner")
    expect(page.get_by_label("Owner email")).to_have_value("tick.owner@example.com")
    expect(page.get_by_label("Owner password (optional)")).to_have_value("")  # never kept


def test_the_access_tab_explains_the_email_domain_rule_under_its_field(page, app_url, uow):
    staff = _staff(uow)
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_ORG_TYPES)
    page.get_by_role("button", name="Add new").click()
    page.get_by_role("tab", name="Access").click()
    field = page.get_by_label("E-mail domain added without invitation")
    hint = page.locator("#auto-add-domain-hint")
    expect(hint).to_contain_text("any other address gets an invitation instead")
    expect(field).to_have_attribute("aria-describedby", "auto-add-domain-hint")


def test_staff_correct_a_users_name_and_email(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        user = make_user(session, username="typo_tim", full_name="Tim Tpyo",
                         email="tim@exmaple.com")
        make_user(session, email="taken@example.com")
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_USERS)
    page.get_by_label("Search users").fill("typo_tim")
    page.get_by_role("button", name="Edit typo_tim").click()
    expect(page).to_have_url(at(app_url, routes.admin_record(routes.ADMIN_USER, user.id)))
    page.get_by_label("Full name").fill("Tim Typo")
    page.get_by_label("Email").fill("taken@example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#user-email-error")).to_contain_text(
        "An account with the e-mail taken@example.com already exists.")
    expect(page.get_by_label("Full name")).to_have_value("Tim Typo")
    page.get_by_label("Email").fill("tim@example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-notice")).to_contain_text("Saved the user “typo_tim”.")
    with uow() as session:
        saved = session.get(User, user.id)
        assert (saved.full_name, saved.email) == ("Tim Typo", "tim@example.com")
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "user.update")
                            ).one().details["user_id"] == user.id


def test_non_staff_on_admin_are_told_why(page, app_url, uow):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
    sign_in(page, app_url, user.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_USERS)
    expect(page).to_have_url(at(app_url, routes.DASHBOARD))
    expect(page.locator("#sent-away")).to_contain_text("The admin pages are for MemberSync staff")
    page.goto(app_url + routes.MY_ACCESS)
    expect(page.locator("#sent-away")).to_have_count(0)


def test_creating_an_already_expired_organization_asks_first(page, app_url, uow):
    staff = _staff(uow)
    with uow() as session:
        org_type = make_org_type(session, name="Expiry Type")
        owner = make_user(session, username="late_owner")
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_ORGANIZATIONS)
    page.get_by_role("button", name="Add new").click()
    page.get_by_label("Title", exact=True).fill("Late Ltd")
    page.get_by_label("Owner", exact=True).fill(owner.username)
    page.get_by_label("Organization expires at").fill("2020-01-31")
    page.get_by_label("Organization type").select_option(str(org_type.id))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#confirm-expired-warning")).to_contain_text("2020-01-31 is in the past")
    with uow() as session:
        assert session.exec(select(Organization).where(Organization.title == "Late Ltd")
                            ).first() is None
    page.get_by_label("Create it already expired").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-notice")).to_contain_text("Saved the organization “Late Ltd”.")


def test_the_directory_marks_an_expired_organization(page, app_url, uow):
    with uow() as session:
        user = make_user(session, password=PASSWORD)
        public = make_org_type(session, visibility=Visibility.PUBLIC)
        make_org(session, title="Bygone Club", org_type=public,
                 expires_at=datetime(2021, 3, 1, 23, 59, 59, tzinfo=UTC))
    sign_in(page, app_url, user.username, PASSWORD)
    page.goto(app_url + routes.DIRECTORY)
    page.get_by_label("Search organizations").fill("Bygone")
    expect(page.get_by_role("rowheader", name="Bygone Club")).to_contain_text(
        "expired 2021-03-01")


# ---------------------------------------------------------------- two tabs on the admin forms


def _open_record_in(tab, app_url: str, record: str, field: str, saved: str) -> None:
    """Open an admin record's form in `tab` and wait until it shows what is saved."""
    tab.goto(app_url + record)
    expect(tab.get_by_label(field, exact=True)).to_have_value(saved)


def _two_tabs_on(page, app_url: str, staff, record: str, field: str, saved: str):
    """Sign `staff` in and open the record in a second tab B first, then in `page` (tab A), so
    B's form is the older one. Returns tab B."""
    sign_in(page, app_url, staff.username, PASSWORD)
    tab_b = page.context.new_page()
    for tab in (tab_b, page):
        _open_record_in(tab, app_url, record, field, saved)
    return tab_b


def _save(tab, fields: dict[str, str]) -> None:
    """Type each value into the field of that label, then Save."""
    for label, value in fields.items():
        tab.get_by_label(label, exact=True).fill(value)
    tab.get_by_role("button", name="Save").click()


def test_two_tabs_on_a_course_keep_both_changes_and_refuse_the_same_field_twice(
        page, app_url, uow):
    staff = _staff(uow, full_name="Sam Staff")
    with uow() as session:
        course = make_course(session, title="Two Tab Course", lesson_count=4)
    record = routes.admin_record(routes.ADMIN_COURSE, course.id)
    tab_b = _two_tabs_on(page, app_url, staff, record, "Title", "Two Tab Course")

    _save(page, {"Title": "Renamed In Tab A"})
    expect(page.locator("#admin-notice")).to_contain_text(
        "Saved the course “Renamed In Tab A”.")
    _save(tab_b, {"Number of lessons": "9"})
    expect(tab_b.locator("#admin-notice")).to_contain_text("Saved the course")
    with uow() as session:
        saved = session.get(Course, course.id)
        assert (saved.title, saved.lesson_count) == ("Renamed In Tab A", 9)  # before: title lost

    # The same field changed in both: the second save is refused, naming who, input kept.
    for tab in (tab_b, page):
        _open_record_in(tab, app_url, record, "Title", "Renamed In Tab A")
    _save(page, {"Title": "Renamed Again In A"})
    expect(page.locator("#admin-notice")).to_contain_text(
        "Saved the course “Renamed Again In A”.")
    _save(tab_b, {"Title": "Renamed In Tab B"})
    expect(tab_b.locator("#form-error")).to_contain_text(
        "Sam Staff changed Title of this course after you opened the form. Nothing was saved")
    expect(tab_b.get_by_label("Title", exact=True)).to_have_value("Renamed In Tab B")
    with uow() as session:
        saved = session.get(Course, course.id)
        assert (saved.title, saved.lesson_count) == ("Renamed Again In A", 9)
    tab_b.close()


def test_two_tabs_on_an_organization_type_refuse_the_same_general_field_twice(
        page, app_url, uow):
    staff = _staff(uow, full_name="Tess Types")
    with uow() as session:
        org_type = make_org_type(session, name="Two Tab Type", visibility=Visibility.PRIVATE)
    record = routes.admin_record(routes.ADMIN_ORG_TYPE, org_type.id)
    tab_b = _two_tabs_on(page, app_url, staff, record, "Name", "Two Tab Type")

    _save(page, {"Name": "Renamed Type In A"})
    expect(page.locator("#admin-notice")).to_contain_text(
        "Saved the organization type “Renamed Type In A”.")

    tab_b.get_by_label("Name", exact=True).fill("Renamed Type In B")
    tab_b.get_by_label("Visibility").select_option("public")  # not A's: refused with the rest
    tab_b.get_by_role("button", name="Save").click()
    expect(tab_b.locator("#form-error")).to_contain_text(
        "Tess Types changed Name of this organization type after you opened the form. "
        "Nothing was saved")
    expect(tab_b.get_by_label("Name", exact=True)).to_have_value("Renamed Type In B")
    expect(tab_b.get_by_label("Visibility")).to_have_value("public")
    with uow() as session:
        saved = session.get(OrganizationType, org_type.id)
        assert (saved.name, saved.visibility) == ("Renamed Type In A", Visibility.PRIVATE)
    tab_b.close()


# ---------------------------------------------------------------- stale messages


def test_an_admin_forms_message_goes_when_its_field_changes(page, app_url, uow):
    """Issue 9 item 6 on an admin form: a message goes as soon as its field's value changes,
    and each submit says what is wrong with what is typed now."""
    staff = _staff(uow)
    with uow() as session:
        course = make_course(session, title="My Course", lesson_count=3)
        make_course(session, title="Taken Course")
        make_course(session, title="Also Taken")
    sign_in(page, app_url, staff.username, PASSWORD)
    _open_record_in(page, app_url, routes.admin_record(routes.ADMIN_COURSE, course.id),
                    "Title", "My Course")
    title_error = page.locator("#course-title-error")
    lessons_error = page.locator("#course-lessons-error")

    page.get_by_label("Title", exact=True).fill("Taken Course")
    page.get_by_role("button", name="Save").click()
    expect(title_error).to_have_text("A course titled “Taken Course” already exists.")

    page.get_by_label("Title", exact=True).fill("Also Taken")
    expect(title_error).to_have_count(0)  # it described the old value
    page.get_by_role("button", name="Save").click()
    expect(title_error).to_have_text("A course titled “Also Taken” already exists.")

    page.get_by_label("Title", exact=True).fill("Free Course Title")
    page.get_by_label("Number of lessons").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(lessons_error).to_contain_text("Number of lessons must be a whole number from 1")
    expect(title_error).to_have_count(0)  # the title is free now: its message went

    page.get_by_label("Number of lessons").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-notice")).to_contain_text(
        "Saved the course “Free Course Title”.")
    with uow() as session:
        saved = session.get(Course, course.id)
        assert (saved.title, saved.lesson_count) == ("Free Course Title", 12)


# ---------------------------------------------------------------- long text


LONG_TITLE = "Cartography" + "Y" * 189  # 200 characters, no space to break at


def _assert_the_long_course_row_fits(page) -> None:
    """The row's title is cut, with the whole title in its tooltip and accessible name; Edit is
    inside the window and can be clicked; the page itself does not scroll sideways."""
    row = page.locator("#courses tbody tr")
    expect(row).to_have_count(1)  # the only course: the list has arrived
    expect(row.get_by_title(LONG_TITLE)).to_have_count(1)
    expect(row.get_by_role("rowheader", name=LONG_TITLE)).to_be_visible()
    title_box = row.get_by_title(LONG_TITLE).bounding_box()
    assert title_box["width"] < 400, f"the title is drawn {title_box['width']} px wide"
    edit = row.get_by_role("button", name="Edit " + LONG_TITLE)
    edit.scroll_into_view_if_needed()
    expect(edit).to_be_visible()
    assert_inside(edit.bounding_box(), viewport_box(page), "Edit")
    assert_inside(page.locator("#courses").bounding_box(), viewport_box(page),
                  "the courses table")
    edit.click(trial=True)  # visible, not covered
    assert_no_sideways_scroll(page)


def _staff_and_a_long_titled_course(uow) -> User:
    staff = _staff(uow)
    with uow() as session:
        make_course(session, title=LONG_TITLE)
    return staff


def test_a_200_character_course_title_keeps_edit_on_screen_at_1280(page, app_url, uow):
    staff = _staff_and_a_long_titled_course(uow)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, app_url, staff.username, PASSWORD)
    page.goto(app_url + routes.ADMIN_COURSES)
    _assert_the_long_course_row_fits(page)


def test_a_200_character_course_title_keeps_edit_on_screen_on_a_phone(browser, app_url, uow):
    staff = _staff_and_a_long_titled_course(uow)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in_on_a_phone(page, app_url, staff.username, PASSWORD)
        page.goto(app_url + routes.ADMIN_COURSES)
        _assert_the_long_course_row_fits(page)
    finally:
        context.close()
