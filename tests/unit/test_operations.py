"""Operations: `membersync check` finds every broken invariant, backups are consistent under
concurrent writes and restore refuses while the app runs, /health says what answers."""

import threading
from pathlib import Path

import pytest
from factories import make_invitation, make_membership, make_org, make_user
from sqlalchemy import delete, func, select, update

from membersync_app import cli, web
from membersync_app.db import make_engine, unit_of_work
from membersync_app.models import Membership, Organization, Role, User
from membersync_app.services import backup, invariants, members
from membersync_app.services.errors import ServiceError


def _check(uow):
    with uow() as session:
        return invariants.check_database(session)


def test_a_sound_database_passes_every_check(uow):
    with uow() as session:
        org = make_org(session, seat_count=3)
        make_membership(session, org)
        make_invitation(session, org)
    report = _check(uow)
    assert report.ok, report.problems
    assert report.organizations == 1


def test_check_names_an_organization_over_its_seat_count(uow):
    with uow() as session:
        org = make_org(session, seat_count=2)
        for _ in range(2):
            make_membership(session, org)
        session.execute(update(Organization).where(Organization.id == org.id)
                        .values(seat_count=1))
    [problem] = _check(uow).problems
    assert f"organization {org.id}" in problem and "2 seats used" in problem


def test_check_names_a_missing_or_mismatched_owner(uow):
    with uow() as session:
        lost, swapped = make_org(session), make_org(session)
        session.execute(delete(Membership).where(Membership.organization_id == lost.id,
                                                 Membership.role == Role.OWNER))
        session.execute(update(Organization).where(Organization.id == swapped.id)
                        .values(owner_id=make_user(session).id))
    problems = _check(uow).problems
    assert any(f"organization {lost.id}" in p and "no owner membership" in p for p in problems)
    assert any(f"organization {swapped.id}" in p and "owner membership belongs" in p
               for p in problems)


def test_check_names_a_pending_invitation_for_a_member(uow):
    with uow() as session:
        org = make_org(session)
        member = make_membership(session, org)
        email = session.get(User, member.user_id).email
        make_invitation(session, org, email=email)
    [problem] = _check(uow).problems
    assert email in problem and "already a member" in problem


def test_the_check_command_prints_problems_and_fails(app_database, uow, capsys):
    with uow() as session:
        org = make_org(session)
        session.execute(delete(Membership).where(Membership.organization_id == org.id))
    assert cli.main(["check"]) == 1
    assert "no owner membership" in capsys.readouterr().out
    with uow() as session:
        make_membership(session, session.get(Organization, org.id),
                        session.get(User, org.owner_id), role=Role.OWNER)
    assert cli.main(["check"]) == 0
    assert "Every invariant holds (1 organizations checked)." in capsys.readouterr().out


@pytest.fixture
def sqlite_url(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("backups are for the SQLite database (PostgreSQL: pg_dump)")
    return database_url


def test_a_backup_under_concurrent_writes_restores_a_sound_database(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as session:
        org = make_org(session, seat_count=500)
        org_id, owner_id = org.id, org.owner_id
    added = []

    def keep_adding():
        for n in range(60):
            with unit_of_work(engine) as session:
                members.add_members(session, actor=session.get(User, owner_id), org_id=org_id,
                                    entries=[{"name": f"P {n}", "email": f"p{n}@example.com"}])
            added.append(n)

    writer = threading.Thread(target=keep_adding)
    writer.start()
    while len(added) < 10:  # the backup starts while the writer is in full swing
        writer.join(timeout=0.01)
    report = backup.backup(sqlite_url, tmp_path / "copy.db")
    writer.join()
    restored_url = f"sqlite:///{tmp_path / 'restored.db'}"
    backup.restore(report.target, restored_url)
    restored = make_engine(restored_url)
    try:
        with unit_of_work(restored) as session:
            assert invariants.check_database(session).ok
            copied = session.execute(select(func.count()).select_from(Membership).where(
                Membership.organization_id == org_id)).scalar_one()
        # the owner and a prefix of the committed adds: at least the 10 before the backup began
        assert copied >= 1 + 10
        assert copied <= 1 + 60
    finally:
        restored.dispose()
        engine.dispose()


def test_restore_refuses_while_the_app_runs_and_changes_nothing(sqlite_url, tmp_path):
    copy = backup.backup(sqlite_url, tmp_path / "copy.db").target
    lock = backup.hold_running_lock(sqlite_url)
    before = Path(sqlite_url.removeprefix("sqlite:///")).read_bytes()
    try:
        with pytest.raises(ServiceError, match="running"):
            backup.restore(copy, sqlite_url)
    finally:
        lock.close()
    assert Path(sqlite_url.removeprefix("sqlite:///")).read_bytes() == before
    backup.restore(copy, sqlite_url)  # stopped: it goes through


def test_restore_refuses_what_is_not_a_membersync_backup(sqlite_url, tmp_path):
    stranger = tmp_path / "other.db"
    stranger.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ServiceError, match="not a SQLite database|not a MemberSync"):
        backup.restore(stranger, sqlite_url)


def test_backup_refuses_postgresql_and_an_existing_file(sqlite_url, tmp_path):
    with pytest.raises(ServiceError, match="pg_dump"):
        backup.backup("postgresql+psycopg://postgres@127.0.0.1/x", tmp_path / "x.db")
    (tmp_path / "taken.db").write_text("")
    with pytest.raises(ServiceError, match="exists already"):
        backup.backup(sqlite_url, tmp_path / "taken.db")


def test_backup_and_restore_commands(app_database, tmp_path, capsys):
    if not app_database.startswith("sqlite"):
        pytest.skip("backups are for the SQLite database")
    target = tmp_path / "nightly.db"
    assert cli.main(["backup", str(target)]) == 0
    assert "Backed up to" in capsys.readouterr().out
    assert cli.main(["restore", str(target)]) == 0
    assert "Restored" in capsys.readouterr().out


def test_health_reports_the_database_and_redis(app_database, monkeypatch):
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    healthy, report = web._health()
    assert healthy and report["database"] == "ok" and report["redis"] == "not used"
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    healthy, report = web._health()
    assert not healthy and report["redis"].startswith("unreachable")
