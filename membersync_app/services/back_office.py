"""An organization's back office (staff only): its header, members (assign by username, assign
several, unassign, edit membership), change owner, and delete.

"Organization admin" is the back office's word for the manager role: there is no separate flag.
Seat-taking operations lock the organization row first and, when no seat is free, either refuse
or - when staff ticked "raise the seat count" - raise it to exactly what is needed.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from ..models import (
    MAX_SEAT_COUNT,
    AuditAction,
    DeletedOrganization,
    Invitation,
    Job,
    Membership,
    MembershipStatus,
    Organization,
    OrganizationType,
    Role,
    StaffBlock,
    User,
    utcnow,
)
from . import audit
from .auth import find_by_login
from .errors import FieldErrors, RowErrors, ServiceError
from .listing import DEFAULT_PAGE_SIZE, Page, list_page
from .permissions import is_expired, require_staff
from .records import as_text, clean_bool, clean_id_list
from .roster import parse_role, pending_invitation_emails, remember_blocks
from .seats import seats_used
from .users import search_users
from .validation import (
    clean_search,
    has_control_characters,
    refuse_control_characters,
    shorten,
    whole_number,
)

MAX_LINES = 500
SUGGESTIONS = 10


# ---------------------------------------------------------------- the organization


def get_org(session: Session, *, org_id: Any, lock: bool = False) -> Organization:
    """The organization (row-locked when `lock`), or a refusal that says what became of it."""
    org_id = whole_number(org_id, allow_text=False)
    if org_id is None:
        raise ServiceError("That organization does not exist.")
    query = select(Organization).where(Organization.id == org_id)
    if lock:
        query = query.with_for_update()
    org = session.exec(query).first()
    if org is None:
        raise ServiceError(gone_message(session, org_id=org_id))
    return org


def _staff_org(session: Session, *, actor: User | None, org_id: Any,
               lock: bool = False) -> tuple[User, Organization]:
    """Staff only: the acting staff member and the organization (`get_org`), the start of
    every back office service (the organization's members and jobs alike)."""
    return require_staff(actor), get_org(session, org_id=org_id, lock=lock)


def gone_message(session: Session, *, org_id: int) -> str:
    gone = session.get(DeletedOrganization, org_id)
    if gone is None:
        return "That organization does not exist."
    if gone.merged_into_id is not None:
        into = session.get(Organization, gone.merged_into_id)
        where = f"“{into.title}”" if into else "another organization"
        return f"The organization “{gone.title}” was merged into {where}; it no longer exists."
    return f"The organization “{gone.title}” was already deleted."


@dataclass(frozen=True)
class OrgHeader:
    id: int
    title: str
    owner_username: str
    owner_label: str
    type_name: str
    seats_used: int
    seat_count: int
    expires_at: datetime | None
    expired: bool


def org_header(session: Session, *, actor: User | None, org_id: Any) -> OrgHeader:
    _, org = _staff_org(session, actor=actor, org_id=org_id)
    owner = session.get(User, org.owner_id)
    return OrgHeader(
        id=org.id, title=org.title, owner_username=owner.username,
        owner_label=user_label(owner),
        type_name=session.get(OrganizationType, org.org_type_id).name,
        seats_used=seats_used(session, org_id=org.id), seat_count=org.seat_count,
        expires_at=org.expires_at, expired=is_expired(org),
    )


@dataclass(frozen=True)
class OrgChoice:
    id: int
    title: str


def find_organizations(
    session: Session, *, actor: User | None, text: Any, exclude_id: Any = None,
    limit: int = SUGGESTIONS,
) -> list[OrgChoice]:
    """Up to `limit` organizations whose title contains `text` (a searchable pick)."""
    require_staff(actor)
    text = clean_search(text)
    if not text:
        return []
    query = select(Organization.id, Organization.title).where(
        Organization.title.icontains(text, autoescape=True))
    if (exclude := whole_number(exclude_id, allow_text=False)) is not None:
        query = query.where(Organization.id != exclude)
    rows = session.exec(query.order_by(func.lower(Organization.title)).limit(limit)).all()
    return [OrgChoice(id=org_id, title=title) for org_id, title in rows]


@dataclass(frozen=True)
class UserChoice:
    username: str
    label: str


def find_users(session: Session, *, actor: User | None, text: Any) -> list[UserChoice]:
    """Up to 10 active users whose username, e-mail or name contains `text` (a type-ahead)."""
    return [UserChoice(username=u.username,
                       label=" · ".join(p for p in (u.username, u.full_name, u.email) if p))
            for u in search_users(session, actor=actor, text=text if isinstance(text, str) else "")]


def user_label(user: User) -> str:
    name = f"{user.full_name} " if user.full_name else ""
    return f"{name}({user.username}, {user.email})"


# ---------------------------------------------------------------- seats


def take_seats(session: Session, *, org: Organization, needed: int, raise_seats: Any,
               field: str = "raise_seats") -> dict:
    """Make room for `needed` more seats (the row is locked): refuse, or raise the seat count to
    exactly what is needed when staff chose to. Returns the audit detail of a raise ({} if none).
    """
    raise_seats = clean_bool(raise_seats, field)
    used = seats_used(session, org_id=org.id)
    if used + needed <= org.seat_count:
        return {}
    wanted = used + needed
    if not raise_seats:
        free = max(0, org.seat_count - used)
        raise ServiceError(
            f"Not enough free seats: {free} of {org.seat_count} are free and this needs "
            f"{needed}. Tick “Raise the seat count to {wanted}”, or cancel.", field)
    if wanted > MAX_SEAT_COUNT:
        raise ServiceError(f"That would need {wanted:,} seats; the most is {MAX_SEAT_COUNT:,}.",
                           field)
    old = org.seat_count
    org.seat_count = wanted
    session.add(org)
    session.flush()
    return {"seat_count": [old, wanted]}


# ---------------------------------------------------------------- the members list


@dataclass(frozen=True)
class OrgMemberRow:
    membership_id: int
    user_id: int
    name: str
    username: str
    email: str
    role: str  # owner / manager / member
    org_admin: bool  # the manager role
    status: str  # active / blocked
    joined_on: str  # YYYY-MM-DD
    is_owner: bool


def list_org_members(
    session: Session, *, actor: User | None, org_id: Any, search: Any = "", sort: Any = "name",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[OrgMemberRow]:
    """One page of the organization's members, searched by name, username or e-mail, in SQL."""
    _, org = _staff_org(session, actor=actor, org_id=org_id)
    return list_page(
        session,
        query=select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == org.id),
        search_in=[User.username, User.email, User.full_name],
        sort_columns={"name": func.lower(User.full_name), "username": func.lower(User.username),
                      "email": User.email, "role": Membership.role,
                      "org_admin": Membership.role, "status": Membership.status,
                      "joined": Membership.joined_at},
        default_sort="name", tiebreak=Membership.id,
        make_rows=lambda results: [_member_row(m, u) for m, u in results],
        search=search, sort=sort, descending=descending, page=page, page_size=page_size,
    )


def _member_row(membership: Membership, user: User) -> OrgMemberRow:
    return OrgMemberRow(
        membership_id=membership.id, user_id=user.id, name=user.full_name or user.username,
        username=user.username, email=user.email, role=membership.role.value,
        org_admin=membership.role == Role.MANAGER, status=membership.status.value,
        joined_on=membership.joined_at.date().isoformat(), is_owner=membership.role == Role.OWNER,
    )


# ---------------------------------------------------------------- assigning


def _login(value: Any, field: str) -> str:
    login = as_text(value).strip()
    if not login:
        raise ServiceError("Type a username or e-mail.", field)
    return refuse_control_characters(login, field, "Username")


def _refuse_unassignable(session: Session, org: Organization, user: User | None, login: str,
                         field: str) -> None:
    existing = _membership_of(session, org.id, user.id) if user is not None else None
    invited = user is not None and bool(
        pending_invitation_emails(session, org_id=org.id, emails=[user.email]))
    _refuse_if_unassignable(user, login, field, existing=existing, invited=invited)


def _refuse_if_unassignable(user: User | None, login: str, field: str, *,
                            existing: Membership | None, invited: bool, prefix: str = "") -> None:
    """The refusal for one login, from what was read about it (its user, their membership
    here, whether an invitation here holds a seat for them): one assign or a pasted line."""
    if user is None:
        raise ServiceError(f"{prefix}No user has the username or e-mail “{shorten(login)}”.",
                           field)
    if not user.is_active:
        raise ServiceError(f"{prefix}The user “{user.username}” is deactivated; reactivate them "
                           "on the Users page first.", field)
    if existing is not None:
        raise ServiceError(f"{prefix}“{user.username}” is already a member of this organization "
                           f"(as {existing.role.value}).", field)
    if invited:
        raise ServiceError(f"{prefix}“{user.username}” has a pending invitation to this "
                           "organization: revoke it first, or wait until they accept it.", field)


def _membership_of(session: Session, org_id: int, user_id: int) -> Membership | None:
    return session.exec(select(Membership).where(Membership.organization_id == org_id,
                                                 Membership.user_id == user_id)).first()


def _users_by_login(session: Session, logins: list[str]) -> dict[str, User]:
    """`find_by_login` for many logins in one query: each lower-cased login to the user whose
    username or e-mail it is (the lowest id, should it be one user's username and another's
    e-mail)."""
    wanted = sorted({login.strip().lower() for login in logins} - {""})
    if not wanted:
        return {}
    found: dict[str, User] = {}
    for user in session.exec(select(User).where(or_(func.lower(User.username).in_(wanted),
                                                     User.email.in_(wanted)))
                             .order_by(User.id)).all():
        for key in {user.username.lower(), user.email}:
            found.setdefault(key, user)
    return found


def _assign(session: Session, actor: User, org: Organization, users: list[User], role: Role,
            raised: dict, source: str) -> list[Membership]:
    now = utcnow()
    memberships = []
    for user in users:
        membership = Membership(organization_id=org.id, user_id=user.id, role=role, joined_at=now)
        session.add(membership)
        memberships.append(membership)
    # Staff assigning someone lifts a block an owner or manager could not.
    if users:
        session.execute(delete(StaffBlock).where(StaffBlock.organization_id == org.id,
                                                 StaffBlock.user_id.in_([u.id for u in users])))
    session.flush()
    for user in users:
        audit.record(session, actor=actor, action=AuditAction.MEMBERSHIP_ASSIGN,
                     organization_id=org.id, user_id=user.id,
                     username=user.username, role=role, source=source, **raised)
        raised = {}  # the raise is told once, with the first assignment
    return memberships


def assign_member(
    session: Session, *, actor: User | None, org_id: Any, login: Any, role: Any = "member",
    raise_seats: Any = False,
) -> str:
    """Assign an existing, active user (by username or e-mail) with a role; they take a seat.
    Returns their username, what the form's notice names (the login typed may be an e-mail)."""
    actor, org = _staff_org(session, actor=actor, org_id=org_id, lock=True)
    errors = {}
    try:
        login = _login(login, "login")
        user = find_by_login(session, login=login)
        _refuse_unassignable(session, org, user, login, "login")
    except ServiceError as error:
        errors["login"] = error.message
    try:
        new_role = parse_role(role)
    except ServiceError as error:
        errors["role"] = error.message
    if errors:
        raise FieldErrors(errors)
    raised = take_seats(session, org=org, needed=1, raise_seats=raise_seats)
    _assign(session, actor, org, [user], new_role, raised, "assign")
    return user.username


def assign_several(
    session: Session, *, actor: User | None, org_id: Any, usernames: Any, role: Any = "member",
    raise_seats: Any = False,
) -> list[Membership]:
    """Assign every pasted username (one per line) or none; each problem is named by its line
    (RowErrors: {n: {"line": message}}, n the line's number from 1)."""
    actor, org = _staff_org(session, actor=actor, org_id=org_id, lock=True)
    new_role = parse_role(role)
    lines = as_text(usernames).splitlines()
    if len(lines) > MAX_LINES:
        raise ServiceError(f"Paste at most {MAX_LINES} lines at once.", "usernames")
    wanted = [(number, line.strip()) for number, line in enumerate(lines, 1) if line.strip()]
    if not wanted:
        raise ServiceError("Paste at least one username, one per line.", "usernames")
    # What every line needs, read in three queries before the loop (not three per line while
    # the organization's row is locked): the users, their memberships here, the invited.
    by_login = _users_by_login(
        session, [login for _, login in wanted if not has_control_characters(login)])
    found = {user.id: user for user in by_login.values()}
    memberships = {m.user_id: m for m in session.exec(
        select(Membership).where(Membership.organization_id == org.id,
                                 Membership.user_id.in_(list(found))))} if found else {}
    invited = pending_invitation_emails(session, org_id=org.id,
                                        emails=[user.email for user in found.values()])
    errors: dict[int, dict[str, str]] = {}
    users: list[User] = []
    first_line: dict[int, int] = {}
    for number, login in wanted:
        prefix = f"Line {number}: "
        try:
            refuse_control_characters(login, "usernames", "Username")
            user = by_login.get(login.lower())
            if user is not None and user.id in first_line:
                raise ServiceError(f"{prefix}“{user.username}” is listed twice (lines "
                                   f"{first_line[user.id]} and {number}).")
            _refuse_if_unassignable(
                user, login, "usernames", prefix=prefix,
                existing=memberships.get(user.id) if user is not None else None,
                invited=user is not None and user.email in invited)
        except ServiceError as error:
            message = error.message if error.message.startswith(prefix) else prefix + error.message
            errors[number] = {"line": message}
            continue
        first_line[user.id] = number
        users.append(user)
    if errors:
        raise RowErrors(errors)
    raised = take_seats(session, org=org, needed=len(users), raise_seats=raise_seats)
    return _assign(session, actor, org, users, new_role, raised, "assign_several")


# ---------------------------------------------------------------- changing memberships


def _org_memberships(session: Session, org_id: int, membership_ids: Any
                     ) -> list[tuple[Membership, User]]:
    ids = clean_id_list(membership_ids, "", "members")
    if not ids:
        raise ServiceError("Select at least one member.")
    if len(ids) > MAX_LINES:
        raise ServiceError(f"Select at most {MAX_LINES} members at once.")
    rows = session.exec(select(Membership, User).join(User, User.id == Membership.user_id)
                        .where(Membership.organization_id == org_id, Membership.id.in_(ids))
                        ).all()
    if len(rows) != len(ids):
        raise ServiceError("That member is not in this organization (any more). Reload the page.")
    return list(rows)


def unassign_members(
    session: Session, *, actor: User | None, org_id: Any, membership_ids: Any
) -> int:
    """Unassign one member or the selection (their seats free up). Never the owner: the
    organization keeps at least its owner (invariant 3)."""
    actor, org = _staff_org(session, actor=actor, org_id=org_id, lock=True)
    rows = _org_memberships(session, org.id, membership_ids)
    for membership, user in rows:
        if membership.role == Role.OWNER:
            raise ServiceError(
                f"“{user.username}” is the owner and cannot be unassigned: an organization "
                "keeps at least its owner. Change the owner on Details first.")
    remember_blocks(session, org_id=org.id, memberships=[m for m, _ in rows])
    for membership, user in rows:
        session.delete(membership)
        audit.record(session, actor=actor, action=AuditAction.MEMBERSHIP_UNASSIGN,
                     organization_id=org.id, user_id=user.id,
                     username=user.username, role=membership.role, status=membership.status)
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class MembershipChange:
    username: str
    changed: bool
    role: str
    status: str


def edit_membership(
    session: Session, *, actor: User | None, org_id: Any, membership_id: Any, org_admin: Any,
    status: Any,
) -> MembershipChange:
    """Organization admin (ticked: manager, cleared: member) and Status (active / blocked).

    A blocked member keeps the seat and loses access; the owner's membership is not edited here.
    """
    actor, org = _staff_org(session, actor=actor, org_id=org_id, lock=True)
    errors = {}
    try:
        admin = clean_bool(org_admin, "org_admin")
    except ServiceError as error:
        errors["org_admin"] = error.message
    try:
        new_status = MembershipStatus(status) if isinstance(status, str) else None
    except ValueError:
        new_status = None
    if new_status is None:
        errors["status"] = "Status must be active or blocked."
    if errors:
        raise FieldErrors(errors)
    ((membership, user),) = _org_memberships(session, org.id, [membership_id])
    if membership.role == Role.OWNER:
        raise ServiceError(f"“{user.username}” is the owner: the owner is always an active "
                           "organization admin. Change the owner on Details first.")
    new_role = Role.MANAGER if admin else Role.MEMBER
    old = (membership.role, membership.status)
    if old == (new_role, new_status):
        return MembershipChange(user.username, False, new_role.value, new_status.value)
    membership.role, membership.status = new_role, new_status
    session.add(membership)
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.MEMBERSHIP_UPDATE, organization_id=org.id,
                 user_id=user.id,
                 username=user.username, role=[old[0], new_role], status=[old[1], new_status])
    return MembershipChange(user.username, True, new_role.value, new_status.value)


# ---------------------------------------------------------------- change owner


def change_owner(
    session: Session, *, actor: User | None, org_id: Any, login: Any, raise_seats: Any = False,
) -> User:
    """Make any active user the owner (a member already or not); the old owner becomes a
    manager and takes a seat (refused when none is free, unless staff raises the seat count)."""
    actor, org = _staff_org(session, actor=actor, org_id=org_id, lock=True)
    login = _login(login, "new_owner")
    user = find_by_login(session, login=login)
    if user is None:
        raise ServiceError(f"No user has the username or e-mail “{shorten(login)}”.", "new_owner")
    if not user.is_active:
        raise ServiceError(f"The user “{user.username}” is deactivated.", "new_owner")
    if user.id == org.owner_id:
        raise ServiceError(f"“{user.username}” is already the owner.", "new_owner")
    target = _membership_of(session, org.id, user.id)
    if target is not None and target.status != MembershipStatus.ACTIVE:
        raise ServiceError(f"“{user.username}”'s membership is blocked: set it active first.",
                           "new_owner")
    if target is None and pending_invitation_emails(session, org_id=org.id, emails=[user.email]):
        raise ServiceError(f"“{user.username}” has a pending invitation to this organization: "
                           "revoke it first.", "new_owner")
    # The old owner takes a seat; a new owner who was a member gives theirs back.
    raised = take_seats(session, org=org, needed=0 if target is not None else 1,
                        raise_seats=raise_seats)
    was_member = target is not None
    old_owner = _membership_of(session, org.id, org.owner_id)
    old_owner_id = org.owner_id
    if old_owner is not None:
        old_owner.role = Role.MANAGER
        session.add(old_owner)
        session.flush()  # the one-owner index must see the old owner step down first
    if target is None:
        target = Membership(organization_id=org.id, user_id=user.id, joined_at=utcnow())
    target.role = Role.OWNER
    org.owner_id = user.id
    session.add_all([target, org])
    session.execute(delete(StaffBlock).where(StaffBlock.organization_id == org.id,
                                             StaffBlock.user_id == user.id))
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_CHANGE_OWNER,
                 organization_id=org.id,
                 old_owner_id=old_owner_id, new_owner_id=user.id, new_owner=user.username,
                 was_member=was_member, **raised)
    return user


# ---------------------------------------------------------------- delete


@dataclass(frozen=True)
class Deleted:
    title: str
    memberships: int
    invitations: int
    jobs: int


def delete_organization(
    session: Session, *, actor: User | None, org_id: Any, confirm_title: Any
) -> Deleted:
    """Delete after the title was typed: memberships and invitations go, jobs become unassigned;
    the audit trail stays (no foreign key) and keeps the title (deleted_organizations)."""
    actor, org = _staff_org(session, actor=actor, org_id=org_id, lock=True)
    if as_text(confirm_title).strip() != org.title:
        raise ServiceError(f"Type the organization's title, “{org.title}”, exactly to delete it.",
                           "confirm_title")
    deleted_id = org.id
    result = remove_organization(session, actor=actor, org=org)
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_DELETE,
                 organization_id=deleted_id,
                 title=result.title, memberships=result.memberships,
                 invitations=result.invitations, jobs_unassigned=result.jobs)
    return result


def remove_organization(session: Session, *, actor: User, org: Organization,
                        merged_into: int | None = None) -> Deleted:
    """Take the organization and what hangs on it out (the caller holds its lock and audits)."""
    counted = {
        "memberships": _count(session, Membership, org.id),
        "invitations": _count(session, Invitation, org.id),
        "jobs": _count(session, Job, org.id),
    }
    session.execute(update(Job).where(Job.organization_id == org.id).values(organization_id=None))
    for model in (Invitation, Membership, StaffBlock):
        session.execute(delete(model).where(model.organization_id == org.id))
    session.add(DeletedOrganization(id=org.id, title=org.title, deleted_by_id=actor.id,
                                    merged_into_id=merged_into))
    session.delete(org)
    session.flush()
    return Deleted(title=org.title, **counted)


def _count(session: Session, model, org_id: int) -> int:
    return session.exec(select(func.count()).select_from(model)
                        .where(model.organization_id == org_id)).one()
