"""Crafted calls: a manager of organization A sends events the page never would — another
organization's member in A's handler — over the real websocket, and nothing changes."""

import re

from conftest import sign_in
from factories import make_membership, make_org, make_user
from playwright.sync_api import expect
from sqlmodel import select

from membersync_app.models import AuditEvent, Membership, Role

PASSWORD = "manager-pass-1"


def test_manager_of_a_calling_handlers_with_b_ids_changes_nothing(page, app_url, uow):
    with uow() as session:
        org_a, org_b = make_org(session), make_org(session)
        manager = make_user(session, password=PASSWORD)
        make_membership(session, org_a, manager, role=Role.MANAGER)
        member_a = make_membership(session, org_a, make_user(session, full_name="Alice A"))
        victim_b = make_membership(session, org_b, make_user(session, full_name="Bob B"))

    def tamper(ws):
        server = ws.connect_to_server()

        def to_server(message):
            if isinstance(message, str) and ".remove_one" in message:
                message = re.sub(r'("membership_id"\s*:\s*)\d+', rf"\g<1>{victim_b.id}", message)
            server.send(message)

        ws.on_message(to_server)
        server.on_message(ws.send)

    page.route_web_socket(re.compile(r".*/_event.*"), tamper)
    sign_in(page, app_url, manager.username, PASSWORD)
    page.goto(f"{app_url}/dashboard/org/{org_a.id}")
    row = page.locator("#members-table tr", has_text="Alice A")
    row.get_by_role("button", name="Remove").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, remove").click()
    expect(page.locator("#members-error")).to_contain_text("not in this organization")
    expect(row).to_be_visible()
    with uow() as session:
        assert session.get(Membership, victim_b.id) is not None
        assert session.get(Membership, member_a.id) is not None
        assert session.exec(select(AuditEvent).where(
            AuditEvent.action == "member.remove",
            AuditEvent.organization_id.in_([org_a.id, org_b.id]))).all() == []
