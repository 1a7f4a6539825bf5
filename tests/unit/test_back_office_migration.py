"""The back-office revision (b7e1f0a2c305): Organization admin becomes the manager role, the
audit trail outlives a deleted organization, and SQLite never reuses an organization's id."""

import pytest
from alembic import command
from factories import make_membership, make_org, make_staff, run_sql
from sqlmodel import select

from membersync_app import cli
from membersync_app.models import AuditEvent, Organization
from membersync_app.services import audit_log, back_office

REVISION = "b7e1f0a2c305"


def _seed(users: int, *, org_id: int, title: str) -> list[str]:
    """Users 1..`users`, a type, and an organization owned by user 1, in plain SQL."""
    people = ", ".join(f"({n}, 'u{n}', 'u{n}@x.org', '', '', false, true, CURRENT_TIMESTAMP)"
                       for n in range(1, users + 1))
    return [
        "INSERT INTO users (id, username, email, full_name, password_hash, is_staff, is_active,"
        f" created_at) VALUES {people}",
        "INSERT INTO organization_types (id, name, visibility, managers_add_members,"
        " managers_invite, managers_remove_members, managers_manage_seats,"
        " managers_edit_settings, managers_view_reports, invitation_days,"
        " access_ends_at_expiry, auto_add_domain) VALUES (1, 'T', 'private', true, true,"
        " true, false, false, true, 14, true, '')",
        "INSERT INTO organizations (id, title, owner_id, seat_count, org_type_id, created_at)"
        f" VALUES ({org_id}, '{title}', 1, 5, 1, CURRENT_TIMESTAMP)",
    ]


def test_organization_admins_become_managers_and_downgrade_restores_the_flag(empty_database_url):
    config = cli.alembic_config(empty_database_url)
    command.upgrade(config, f"{REVISION}-1")
    run_sql(empty_database_url, *_seed(3, org_id=1, title="Org"),
         "INSERT INTO memberships (organization_id, user_id, role, status, is_org_admin,"
         " joined_at) VALUES (1, 1, 'owner', 'active', true, CURRENT_TIMESTAMP),"
         " (1, 2, 'member', 'active', true, CURRENT_TIMESTAMP),"
         " (1, 3, 'member', 'blocked', false, CURRENT_TIMESTAMP)")
    command.upgrade(config, REVISION)
    assert run_sql(empty_database_url,
                "SELECT user_id, role, status FROM memberships ORDER BY user_id") == [
        (1, "owner", "active"), (2, "manager", "active"), (3, "member", "blocked")]
    command.downgrade(config, f"{REVISION}-1")
    assert run_sql(empty_database_url,
                "SELECT user_id, role, is_org_admin FROM memberships ORDER BY user_id") == [
        (1, "owner", False), (2, "manager", True), (3, "member", False)]


def test_events_of_a_deleted_organization_stay_and_its_id_is_not_reused(session):
    staff = make_staff(session)
    make_org(session, title="First")
    last = make_org(session, title="Last One")
    make_membership(session, last)
    last_id = last.id
    back_office.delete_organization(session, actor=staff, org_id=last_id,
                                    confirm_title="Last One")
    newer = make_org(session, title="Newer")
    assert newer.id > last_id
    events = session.exec(select(AuditEvent).where(AuditEvent.organization_id == last_id)).all()
    assert [e.action for e in events] == ["organization.delete"]
    (row,) = audit_log.list_events(session, actor=staff, organization=str(last_id)).rows
    assert row.organization == "Last One (deleted)"
    assert session.get(Organization, last_id) is None


@pytest.mark.parametrize("direction", ["upgrade", "downgrade"])
def test_the_revision_keeps_organizations_and_their_children(empty_database_url, direction):
    config = cli.alembic_config(empty_database_url)
    command.upgrade(config, f"{REVISION}-1" if direction == "upgrade" else REVISION)
    run_sql(empty_database_url, *_seed(1, org_id=7, title="Kept"),
         "INSERT INTO memberships (organization_id, user_id, role, status,"
         + (" is_org_admin," if direction == "upgrade" else "")
         + " joined_at) VALUES (7, 1, 'owner', 'active',"
         + (" false," if direction == "upgrade" else "") + " CURRENT_TIMESTAMP)")
    if direction == "upgrade":
        command.upgrade(config, REVISION)
    else:
        command.downgrade(config, f"{REVISION}-1")
    assert run_sql(empty_database_url, "SELECT id, title FROM organizations") == [(7, "Kept")]
    assert run_sql(empty_database_url,
                "SELECT organization_id, role FROM memberships") == [(7, "owner")]
