"""The alembic revisions build exactly the schema the models describe, and take it down again."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, insert, inspect, pool, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from membersync_app import cli
from membersync_app.db import make_engine, unit_of_work
from membersync_app.models import (
    AuditAction,
    AuditEvent,
    Course,
    Membership,
    Organization,
    OrganizationType,
    Role,
    User,
)

MODEL_TABLES = set(SQLModel.metadata.tables)


def _plain_engine(url: str):
    return create_engine(url, poolclass=pool.NullPool)


def _tables(url: str) -> set[str]:
    engine = _plain_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_models_define_the_tables_the_app_needs():
    # Guards the comparison below against an empty metadata (a models import gone missing).
    assert {"users", "organizations", "memberships", "invitations", "audit_events"} <= MODEL_TABLES


def test_upgrade_creates_every_table_and_downgrade_removes_them(empty_database_url):
    config = cli.alembic_config(empty_database_url)
    assert _tables(empty_database_url) == set()

    command.upgrade(config, "head")
    assert _tables(empty_database_url) == MODEL_TABLES | {"alembic_version"}

    command.downgrade(config, "base")
    assert _tables(empty_database_url) == {"alembic_version"}

    # And up again: downgrade left nothing behind that would block a second upgrade.
    command.upgrade(config, "head")
    assert _tables(empty_database_url) == MODEL_TABLES | {"alembic_version"}


# SQLite cannot reflect expression indexes (uq_users_username_lower), so alembic skips that one
# there; PostgreSQL compares it too.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrated_schema_matches_the_models(database_url):
    engine = _plain_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
            current = context.get_current_revision()
    finally:
        engine.dispose()
    assert diff == []
    head = ScriptDirectory.from_config(cli.alembic_config(database_url)).get_current_head()
    assert current == head


def test_there_is_one_head():
    script = ScriptDirectory.from_config(cli.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_migrated_database_enforces_one_owner_per_organization(database_url):
    """The partial unique index uq_membership_one_owner comes from the migration, with its WHERE."""
    engine = make_engine(database_url)
    try:
        with unit_of_work(engine) as session:
            first = User(username="first", email="first@example.com")
            second = User(username="second", email="second@example.com")
            third = User(username="third", email="third@example.com")
            org_type = OrganizationType(name="Type")
            session.add_all([first, second, third, org_type])
            session.flush()
            org = Organization(title="Org", owner_id=first.id, seat_count=5,
                               org_type_id=org_type.id)
            session.add(org)
            session.flush()
            session.add(Membership(organization_id=org.id, user_id=first.id, role=Role.OWNER))
            # Many managers and members are fine: the index only covers role = 'owner'.
            session.add(Membership(organization_id=org.id, user_id=third.id, role=Role.MANAGER))
            org_id, second_id = org.id, second.id

        with pytest.raises(IntegrityError), unit_of_work(engine) as session:
            session.add(Membership(organization_id=org_id, user_id=second_id, role=Role.OWNER))
            session.flush()

        with unit_of_work(engine) as session:
            session.add(Membership(organization_id=org_id, user_id=second_id, role=Role.MANAGER))
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("table", "values"),
    [
        (Course.__table__, {"title": "No lessons", "lesson_count": 0}),
        (OrganizationType.__table__, {
            "name": "Too long invitations", "visibility": "private", "invitation_days": 366,
            "managers_add_members": True, "managers_invite": True,
            "managers_remove_members": True, "managers_manage_seats": False,
            "managers_edit_settings": False, "managers_view_reports": True,
            "access_ends_at_expiry": True, "auto_add_domain": "",
        }),
        (OrganizationType.__table__, {
            "name": "Unknown visibility", "visibility": "secret", "invitation_days": 14,
            "managers_add_members": True, "managers_invite": True,
            "managers_remove_members": True, "managers_manage_seats": False,
            "managers_edit_settings": False, "managers_view_reports": True,
            "access_ends_at_expiry": True, "auto_add_domain": "",
        }),
    ],
    ids=["course-lessons", "invitation-days", "visibility-enum"],
)
def test_migrated_database_has_the_check_constraints(database_url, table, values):
    engine = make_engine(database_url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert(table).values(**values))
    finally:
        engine.dispose()


def test_migrated_database_refuses_seat_count_out_of_range(session):
    owner = User(username="owner", email="owner@example.com")
    org_type = OrganizationType(name="Type")
    session.add_all([owner, org_type])
    session.flush()
    for seat_count in (0, 100_001):
        nested = session.begin_nested()
        session.add(Organization(title=f"Org {seat_count}", owner_id=owner.id,
                                 seat_count=seat_count, org_type_id=org_type.id))
        with pytest.raises(IntegrityError):
            session.flush()
        nested.rollback()
    session.add(Organization(title="Org ok", owner_id=owner.id, seat_count=100_000,
                             org_type_id=org_type.id))
    session.flush()


def test_cli_migrate_upgrades_an_empty_database(empty_database_url, monkeypatch, capsys):
    monkeypatch.setenv("MEMBERSYNC_DATABASE_URL", empty_database_url)

    assert cli.main(["migrate"]) == 0
    assert "Migrated database" in capsys.readouterr().out
    assert _tables(empty_database_url) == MODEL_TABLES | {"alembic_version"}

    assert cli.main(["migrate"]) == 0
    assert "is up to date" in capsys.readouterr().out


USERNAME_INDEX_REVISION = "7cd62dd7959e"


def _insert_users(url: str, *usernames: str) -> None:
    engine = _plain_engine(url)
    try:
        with engine.begin() as connection:
            for name in usernames:
                connection.execute(insert(User).values(
                    username=name, email=f"{name.lower()}-{len(name)}-{id(name)}@example.com"))
    finally:
        engine.dispose()


def test_upgrade_from_the_previous_revision_keeps_the_data(empty_database_url):
    config = cli.alembic_config(empty_database_url)
    command.upgrade(config, f"{USERNAME_INDEX_REVISION}-1")
    _insert_users(empty_database_url, "Ann", "bob")
    command.upgrade(config, "head")
    with pytest.raises(IntegrityError):
        _insert_users(empty_database_url, "ann")
    engine = _plain_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            names = connection.execute(User.__table__.select()).all()
    finally:
        engine.dispose()
    assert sorted(row.username for row in names) == ["Ann", "bob"]


def test_username_index_upgrade_names_the_clashes_and_changes_nothing(empty_database_url):
    config = cli.alembic_config(empty_database_url)
    command.upgrade(config, f"{USERNAME_INDEX_REVISION}-1")
    _insert_users(empty_database_url, "Ann", "ANN", "bob")
    with pytest.raises(RuntimeError, match="ann"):
        command.upgrade(config, "head")
    engine = _plain_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    assert current != USERNAME_INDEX_REVISION


AUDIT_VOCABULARY_REVISION = "b7e1f0a2c304"


def test_audit_vocabulary_upgrade_renames_old_actions_and_downgrade_restores_them(
        empty_database_url):
    config = cli.alembic_config(empty_database_url)
    command.upgrade(config, f"{AUDIT_VOCABULARY_REVISION}-1")
    engine = _plain_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(AuditEvent).values(
                [{"action": action, "details": {}} for action in
                 ("org.update_settings", "org_type.create", "member.add")]))
        command.upgrade(config, AUDIT_VOCABULARY_REVISION)
        with engine.connect() as connection:
            after = connection.execute(select(AuditEvent.action).order_by(AuditEvent.id))
            assert list(after.scalars()) == [
                AuditAction.ORGANIZATION_UPDATE_SETTINGS, AuditAction.ORGANIZATION_TYPE_CREATE,
                AuditAction.MEMBER_ADD]
        command.downgrade(config, f"{AUDIT_VOCABULARY_REVISION}-1")
        with engine.connect() as connection:
            before = connection.execute(select(AuditEvent.action).order_by(AuditEvent.id))
            assert list(before.scalars()) == ["org.update_settings", "org_type.create",
                                              "member.add"]
    finally:
        engine.dispose()


def test_every_audit_action_fits_the_column():
    width = AuditEvent.__table__.c.action.type.length
    assert all(len(action) <= width for action in AuditAction)


OUTBOX_STATE_REVISION = "b7e1f0a2c308"


def test_outbox_state_upgrade_keeps_what_was_delivered_and_sends_nothing_old(empty_database_url):
    config = cli.alembic_config(empty_database_url)
    command.upgrade(config, f"{OUTBOX_STATE_REVISION}-1")
    engine = _plain_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            for delivered in (True, False):
                connection.execute(text(
                    "INSERT INTO outbox_messages (created_at, recipient, subject, body, delivered)"
                    " VALUES (CURRENT_TIMESTAMP, 'a@example.com', 's', 'b', :delivered)"),
                    {"delivered": delivered})
        command.upgrade(config, OUTBOX_STATE_REVISION)
        with engine.connect() as connection:
            states = connection.execute(text(
                "SELECT status FROM outbox_messages ORDER BY id")).scalars().all()
        assert states == ["delivered", "outbox_only"]
        command.downgrade(config, f"{OUTBOX_STATE_REVISION}-1")
        with engine.connect() as connection:
            delivered = connection.execute(text(
                "SELECT delivered FROM outbox_messages ORDER BY id")).scalars().all()
        assert [bool(d) for d in delivered] == [True, False]
    finally:
        engine.dispose()


EDIT_VERSIONS_REVISION = "b7e1f0a2c309"
VERSIONED_TABLES = ("organizations", "organization_types", "courses", "licenses", "seat_types",
                    "users")


def test_edit_versions_upgrade_keeps_the_rows_at_version_1_and_downgrade_keeps_them(
        empty_database_url):
    config = cli.alembic_config(empty_database_url)
    command.upgrade(config, f"{EDIT_VERSIONS_REVISION}-1")
    engine = _plain_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            for sql in (
                "INSERT INTO users (username, email, full_name, password_hash, is_staff, "
                "is_active, created_at) VALUES ('olga', 'olga@example.com', 'Olga', '', "
                ":no, :yes, CURRENT_TIMESTAMP)",
                "INSERT INTO seat_types (name) VALUES ('Basic')",
                "INSERT INTO courses (title, lesson_count) VALUES ('Safety', 3)",
                "INSERT INTO licenses (name, product) VALUES ('Office', 'Suite')",
                "INSERT INTO organization_types (name, visibility, managers_add_members, "
                "managers_invite, managers_remove_members, managers_manage_seats, "
                "managers_edit_settings, managers_view_reports, invitation_days, "
                "access_ends_at_expiry, auto_add_domain) VALUES ('Club', 'public', :yes, :yes, "
                ":yes, :no, :no, :yes, 14, :yes, '')",
                "INSERT INTO organizations (title, owner_id, seat_count, org_type_id, created_at)"
                " VALUES ('Acme', 1, 5, 1, CURRENT_TIMESTAMP)",
            ):
                connection.execute(text(sql), {"yes": True, "no": False})
        command.upgrade(config, EDIT_VERSIONS_REVISION)
        with engine.connect() as connection:
            versions = {table: connection.execute(text(f"SELECT version FROM {table}"))
                        .scalars().all() for table in VERSIONED_TABLES}
            title = connection.execute(text("SELECT title FROM organizations")).scalar_one()
        assert versions == {table: [1] for table in VERSIONED_TABLES}
        assert title == "Acme"
        command.downgrade(config, f"{EDIT_VERSIONS_REVISION}-1")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT username FROM users")).scalars().all() == [
                "olga"]
        # The downgrade rebuilt no table: usernames still clash ignoring case.
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (username, email, full_name, password_hash, is_staff, "
                "is_active, created_at) VALUES ('OLGA', 'o2@example.com', '', '', :no, :yes, "
                "CURRENT_TIMESTAMP)"), {"yes": True, "no": False})
    finally:
        engine.dispose()


def test_every_update_moves_the_version_on(session):
    user = User(username="vera", email="vera@example.com")
    session.add(user)
    session.flush()
    assert user.version == 1
    user.full_name = "Vera"
    session.flush()
    assert user.version == 2
    user.full_name = "Vera"  # no real change: no new version
    session.add(user)
    session.flush()
    assert user.version == 2
