"""services/demo_large.py: the large demo organization the reports are measured on."""

from sqlalchemy import func
from sqlmodel import select

from membersync_app.models import CourseProgress, Membership, MembershipStatus, Role, User
from membersync_app.services import reports
from membersync_app.services.demo_large import load_large_org
from membersync_app.services.report_filters import ReportFilters
from membersync_app.services.seats import seats_used


def test_a_large_organization_with_mixed_progress(session):
    owner = User(username="big.owner", email="big.owner@example.com", full_name="Big Owner")
    session.add(owner)
    session.flush()
    steps = []
    large = load_large_org(session, owner=owner, members=600, courses=10,
                           progress=lambda done, total: steps.append((done, total)))
    assert steps[-1] == (600, 600) and len(steps) == 2  # a step per batch of 500
    roles = dict(session.exec(select(Membership.role, func.count()).where(
        Membership.organization_id == large.org_id).group_by(Membership.role)).all())
    assert roles[Role.OWNER] == 1 and roles[Role.MEMBER] + roles[Role.MANAGER] == 600
    assert 0 < roles[Role.MANAGER] < 100
    blocked = session.exec(select(func.count()).where(
        Membership.organization_id == large.org_id,
        Membership.status == MembershipStatus.BLOCKED)).one()
    assert 0 < blocked < 60
    rows = session.exec(select(func.count()).select_from(CourseProgress)).one()
    assert rows == large.progress_rows and 0.4 * 600 * 10 < rows < 0.6 * 600 * 11
    assert seats_used(session, org_id=large.org_id) == 600
    # Every state and a spread of activity, so every chart has something to show.
    report = reports.course_report(session, actor=owner, org_id=large.org_id,
                                   filters=ReportFilters())
    assert len(report.chart) == 12  # 10 seat courses + 2 for managers
    assert all(r.not_started and r.in_progress and r.completed for r in report.chart[:10])
    overview = reports.overview(session, actor=owner, org_id=large.org_id,
                                filters=ReportFilters())
    assert 0 < overview.active_7_days < overview.active_30_days < overview.members


def test_cli_demo_data_builds_the_large_organization_with_a_progress_bar(app_database, uow,
                                                                         capsys):
    from membersync_app.cli import main
    from membersync_app.models import Organization
    from membersync_app.services.demo_large import LARGE_ORG_TITLE

    assert main(["demo-data", "--members", "600", "--courses", "3"]) == 0
    err = capsys.readouterr().err
    assert "600/600 members" in err and "100%" in err
    with uow() as session:
        org = session.exec(select(Organization).where(
            Organization.title == LARGE_ORG_TITLE)).one()
        assert session.exec(select(func.count()).where(
            Membership.organization_id == org.id, Membership.role != Role.OWNER)).one() == 600
