"""Remind members from the reports (issue 10): one e-mail per member listing their unfinished
courses, through the outbox like invitations, audited, at most one reminder per member per
course per day (the unique key of `report_reminders`)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session

from .. import routes
from ..models import (
    AuditAction,
    Course,
    CourseProgress,
    Membership,
    MembershipStatus,
    ReportReminder,
    Role,
    User,
)
from ..settings import base_url
from . import audit
from .accounts import queue_personal_mail
from .csv_safety import quoted_if_formula
from .errors import ServiceError
from .permissions import Action
from .records import clean_id_list
from .reports import NO_COURSE, NOT_A_MEMBER, _scope

MAX_MEMBERS_PER_REMINDER = 500


@dataclass
class RemindResult:
    sent: int = 0  # members e-mailed
    skipped: int = 0  # members with nothing to remind of today (done, blocked, reminded already)

    def notice(self) -> str:
        return (f"{self.sent} reminder{'s' if self.sent != 1 else ''} sent, "
                f"{self.skipped} skipped (already reminded today, finished, or blocked).")


def remind(session: Session, *, actor: User | None, org_id: Any, membership_ids: Any,
           course_id: Any = None) -> RemindResult:
    """E-mail each selected member a reminder of their unfinished courses here (of `course_id`
    only, from a course's drill-down). The organization row is locked, so two managers
    reminding at once cannot both send one."""
    scope = _scope(session, actor, org_id, Action.REMIND, lock=True)
    ids = clean_id_list(membership_ids, "members", "members")
    if not ids:
        raise ServiceError("Select at least one member to remind.")
    if len(ids) > MAX_MEMBERS_PER_REMINDER:
        raise ServiceError(f"Remind at most {MAX_MEMBERS_PER_REMINDER} members at once.")
    only: int | None = None
    if course_id is not None:
        only = clean_id_list([course_id], "course", "a course")[0]
        if only not in scope.course_ids:
            raise ServiceError(NO_COURSE)
    rows = session.execute(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == scope.org_id, Membership.id.in_(ids))
    ).all()
    if len(rows) != len(ids):
        raise ServiceError(NOT_A_MEMBER)
    today = scope.now.date()
    user_ids = [user.id for _, user in rows]
    course_ids = sorted(scope.course_ids if only is None else {only})
    finished = {
        (user_id, course_id) for user_id, course_id in session.execute(
            select(CourseProgress.user_id, CourseProgress.course_id)
            .join(Course, Course.id == CourseProgress.course_id)
            .where(CourseProgress.user_id.in_(user_ids), CourseProgress.course_id.in_(course_ids),
                   CourseProgress.lessons_completed >= Course.lesson_count))
    }
    reminded = set(session.execute(
        select(ReportReminder.user_id, ReportReminder.course_id).where(
            and_(ReportReminder.user_id.in_(user_ids), ReportReminder.day == today))).all())
    titles = dict(session.execute(select(Course.id, Course.title).where(
        Course.id.in_(course_ids))).all())
    result = RemindResult()
    org = scope.access.org
    for membership, user in rows:
        courses = [
            course for course in sorted(scope.granted[Role(membership.role)])
            if course in titles and (user.id, course) not in finished
            and (user.id, course) not in reminded
        ]
        if membership.status != MembershipStatus.ACTIVE or not user.is_active or not courses:
            result.skipped += 1
            continue
        _queue(session, user=user, org_title=org.title, actor=actor,
               titles=[titles[c] for c in courses])
        session.add_all(ReportReminder(organization_id=org.id, user_id=user.id, course_id=c,
                                       day=today, sent_by_id=actor.id) for c in courses)
        audit.record(session, actor=actor, action=AuditAction.REPORT_REMIND, organization_id=org.id,
                     user_id=user.id,
                     email=user.email, course_ids=courses)
        result.sent += 1
    session.flush()
    return result


def _queue(session: Session, *, user: User, org_title: str, actor: User, titles: list[str]
           ) -> None:
    who = quoted_if_formula(actor.full_name or actor.username)
    listed = "\n".join(f"  - {title}" for title in titles)
    queue_personal_mail(
        session, user=user, subject=f"A reminder from {org_title}: your courses on MemberSync",
        text=f"{who} of {org_title} reminds you of your courses on MemberSync that are not "
             f"finished yet:\n\n{listed}\n\n"
             f"Sign in to continue where you left off:\n\n{base_url()}{routes.MY_ACCESS}\n")
