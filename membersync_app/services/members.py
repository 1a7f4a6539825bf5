"""Members of an organization: list (paged in SQL), add one or many, remove, promote / demote,
transfer ownership.

Every function starts with `access_org`; seat-taking ones lock the organization row first, so
the seat check and the inserts after it cannot interleave with another writer's (DESIGN.md §2,
invariant 1). A refusal raises `ServiceError` / `FieldErrors` before anything is written.

Adding an address must not tell the adder whether it has an account: the name shown is the
one they typed (`Membership.added_name`, until the member signs in), every added person gets
one e-mail, and the notice is the same either way.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, select

from ..models import (
    AuditAction,
    Invitation,
    Membership,
    MembershipStatus,
    Organization,
    Role,
    User,
    utcnow,
)
from . import accounts, audit, invitations
from .errors import RowErrors, ServiceError
from .listing import DEFAULT_PAGE_SIZE, Page, clean_listing, in_order, list_page, matching
from .permissions import Action, OrgAccess, access_org
from .roster import (
    member_emails,
    parse_role,
    pending_invitation_emails,
    remember_blocks,
    staff_blocked_emails,
    staff_blocked_refusal,
)
from .seats import require_free_seats, seat_text
from .users import _create_user, unique_username_from_email
from .validation import (
    clean_email,
    has_control_characters,
    whole_number,
)

MAX_ROWS_PER_ADD = 200  # the modal; CSV imports go through csv_import with their own limit
MAX_IDS_PER_CALL = 500

# What the members table shows as the name: what the adder typed until the member signs in.
SHOWN_NAME = func.coalesce(Membership.added_name, User.full_name)

SORT_COLUMNS = {
    "name": func.lower(SHOWN_NAME),
    "email": User.email,
    "role": Membership.role,
    "status": Membership.status,
    "joined": Membership.joined_at,
}


# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class MemberRow:
    """One row of the Group Dashboard's members table, held by the page's state as it is."""

    membership_id: int
    user_id: int
    name: str
    email: str
    role: str  # owner / manager / member
    status: str  # active / blocked
    joined_on: str  # YYYY-MM-DD
    is_owner: bool
    seat: str  # "1 seat", or "no seat (owner)"
    is_viewer: bool  # the signed-in person's own row
    has_password: bool  # False: never set one (the "set your password" e-mail may go again)


# Who a search finds: the name shown, the e-mail, and the username, but that only while the
# account's own name shows (the username is the account's, not the name the adder typed).
SEARCHED = (SHOWN_NAME, User.email, case((Membership.added_name.is_(None), User.username)))


def _members_query(org_id: int):
    """(membership, user, shown name) of every member of the organization."""
    return (select(Membership, User, SHOWN_NAME)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == org_id))


def list_members(
    session: Session,
    *,
    actor: User | None,
    org_id: int,
    search: Any = "",
    sort: Any = "name",
    descending: Any = False,
    page: Any = 1,
    page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[MemberRow]:
    """One page of the organization's members, searched and sorted by the database."""
    access_org(session, actor=actor, org_id=org_id, action=Action.VIEW_ORG)
    return list_page(
        session, query=_members_query(org_id), search_in=SEARCHED, sort_columns=SORT_COLUMNS,
        default_sort="name", tiebreak=Membership.id,
        make_rows=lambda results: [_member_row(membership, user, shown_name, actor)
                                   for membership, user, shown_name in results],
        search=search, sort=sort, descending=descending, page=page, page_size=page_size,
        # Not searched, the count reads the memberships' index alone (no join to the users):
        # 38 → 14 ms at 98,000 members on PostgreSQL (bench/README.md, finding 2).
        unsearched_count=select(func.count()).select_from(Membership)
        .where(Membership.organization_id == org_id),
    )


def _member_row(membership: Membership, user: User, shown_name: str | None,
                viewer: User) -> MemberRow:
    return MemberRow(
        membership_id=membership.id, user_id=user.id, name=shown_name or user.username,
        email=user.email, role=Role(membership.role).value,
        status=MembershipStatus(membership.status).value,
        joined_on=membership.joined_at.date().isoformat(),
        is_owner=membership.role == Role.OWNER, seat=seat_text(membership.role),
        is_viewer=user.id == viewer.id,
        has_password=bool(user.password_hash),
    )


EXPORT_HEADER = ("name", "email", "role", "status", "joined")
EXPORT_BATCH = 1000


def export_members(
    session: Session, *, actor: User | None, org_id: int, search: Any = "",
    sort: Any = "name", descending: Any = False,
) -> Iterator[tuple[str, ...]]:
    """Export members to CSV: the members table as searched and sorted, every page of it, the
    header first; read in batches, never all in memory. The columns start like the import's
    (name, email, role), so an export can be edited and imported elsewhere."""
    access_org(session, actor=actor, org_id=org_id, action=Action.VIEW_ORG)
    listing = clean_listing(search=search, sort=sort, descending=descending, page=1,
                            page_size=1, sorts=SORT_COLUMNS, default_sort="name")
    query = in_order(matching(_members_query(org_id), search_in=SEARCHED, search=listing.search),
                     listing=listing, sort_columns=SORT_COLUMNS, tiebreak=Membership.id)
    yield EXPORT_HEADER
    for membership, user, shown_name in session.execute(
            query.execution_options(yield_per=EXPORT_BATCH)):
        yield (shown_name or user.username, user.email, Role(membership.role).value,
               MembershipStatus(membership.status).value, membership.joined_at.date().isoformat())


# ---------------------------------------------------------------- adding

@dataclass(frozen=True)
class CleanEntry:
    """One validated row to add: the account exists (`user`) or will be created; or, for an
    address outside the type's e-mail domain, an invitation is sent instead (`invite`)."""

    name: str
    email: str
    role: Role
    user: User | None
    invite: bool = False


@dataclass
class AddResult:
    memberships: list[Membership] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)  # outside the e-mail domain
    created_accounts: list[str] = field(default_factory=list)  # e-mails of new accounts

    @property
    def email_count(self) -> int:
        """E-mails queued: one to each added member and to each invitation."""
        return len(self.memberships) + len(self.invitations)

    def notice(self, verb: str = "Added") -> str:
        """What the adder is told. It never depends on which addresses had an account."""
        added = len(self.memberships)
        parts = [f"{verb} {added} member{'s' if added != 1 else ''}."]
        if invited := len(self.invitations):
            parts.append(
                f"Invited {invited} {'people' if invited != 1 else 'person'} instead, whose "
                "addresses are outside this organization's e-mail domain: they join when they "
                "accept."
            )
        return " ".join(parts)


def validate_entries(
    session: Session,
    *,
    actor: User,
    access: OrgAccess,
    entries: Any,
    row_label: str = "row",
    row_numbers: Sequence[int] | None = None,
    max_rows: int = MAX_ROWS_PER_ADD,
) -> list[CleanEntry]:
    """Check every row before anything is written; all problems are reported together.

    The refusal is a `RowErrors`: the fields "name", "email", "role" of entry i (from 0).
    """
    if not isinstance(entries, list | tuple) or not entries:
        raise RowErrors({0: {"email": "Add at least one member."}})
    if len(entries) > max_rows:
        raise RowErrors({0: {"email": f"At most {max_rows:,} members can be added at once."}})
    numbers = list(row_numbers) if row_numbers else list(range(1, len(entries) + 1))
    problems: dict[int, dict[str, str]] = {}

    def refuse(index: int, field_name: str, message: str) -> None:
        problems.setdefault(index, {})[field_name] = message

    parsed: list[tuple[int, str, str, Role] | None] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            refuse(index, "email", f"{row_label.capitalize()} {numbers[index]} is not a member.")
            parsed.append(None)
            continue
        raw_name = entry.get("name", "")
        name = " ".join(raw_name.split()) if isinstance(raw_name, str) else None
        email = role = None
        if name is None or len(name) > 200:
            refuse(index, "name", "Name must be text of at most 200 characters.")
        elif has_control_characters(name):
            refuse(index, "name", "Name must not contain control characters.")
            name = None
        try:
            raw_email = entry.get("email", "")
            if not isinstance(raw_email, str):
                raise ServiceError("Email is required.", "email")
            email = clean_email(raw_email, "email")
        except ServiceError as error:
            refuse(index, "email", error.message)
        try:
            role = parse_role(entry.get("role", "member"), "role")
        except ServiceError as error:
            refuse(index, "role", error.message)
        parsed.append((index, name or "", email, role) if email and role and name is not None
                      else None)

    valid = [item for item in parsed if item is not None]
    emails = [email for _, _, email, _ in valid]
    first_row: dict[str, int] = {}
    for index, _, email, _ in valid:
        if email in first_row:
            refuse(index, "email", f"{email} is listed twice ({row_label}s "
                                   f"{numbers[first_row[email]]} and {numbers[index]}).")
        else:
            first_row[email] = index
    org_id = access.org.id
    already = member_emails(session, org_id=org_id, emails=emails)
    invited = pending_invitation_emails(session, org_id=org_id, emails=emails)
    blocked = staff_blocked_emails(session, org_id=org_id, emails=emails)
    users = {
        user.email: user
        for user in session.exec(select(User).where(User.email.in_(emails))).all()
    } if emails else {}
    domain = access.org_type.auto_add_domain.strip().lower().lstrip("@")
    cleaned: list[CleanEntry] = []
    for index, name, email, role in valid:
        if "email" in problems.get(index, {}):
            continue
        user = users.get(email)
        if email in already:
            refuse(index, "email", f"{email} is already a member of this organization.")
        elif email in invited:
            refuse(index, "email", f"{email} already has a pending invitation: revoke it first, "
                                   "or wait until they accept it.")
        elif user is not None and not user.is_active:
            refuse(index, "email",
                   f"The account of {email} is deactivated; ask staff to reactivate it.")
        elif email in blocked:
            refuse(index, "email", staff_blocked_refusal(email))
        elif not name:
            # Asked of every row, so the question does not reveal which addresses have accounts.
            refuse(index, "name", "Name is required.")
        else:
            # Outside the type's e-mail domain the person is invited and joins by accepting:
            # nobody's existing account is added without their consent (staff excepted).
            outside = bool(domain) and not actor.is_staff and email.rsplit("@", 1)[1] != domain
            cleaned.append(CleanEntry(name=name, email=email, role=role, user=user,
                                      invite=outside))
    if problems:
        raise RowErrors(problems)
    if any(entry.role == Role.MANAGER for entry in cleaned) and not access.may(
        actor, Action.CHANGE_ROLES
    ):
        first = next(i for i, e in enumerate(cleaned) if e.role == Role.MANAGER)
        raise RowErrors({first: {"role": "You may not make managers here: choose Member."}})
    if any(entry.invite for entry in cleaned) and not access.may(actor, Action.INVITE):
        first = next(i for i, e in enumerate(cleaned) if e.invite)
        raise RowErrors({first: {"email": f"Only addresses at {domain} may be added directly, "
                                          "and you may not invite other addresses here."}})
    return cleaned


def apply_entries(
    session: Session, *, actor: User, access: OrgAccess, entries: Sequence[CleanEntry],
    source: str = "dashboard",
) -> AddResult:
    """Write validated rows (the caller checked the seats with the row lock held)."""
    result = AddResult()
    org = access.org
    now = utcnow()
    for entry in entries:
        if entry.invite:
            result.invitations.append(invitations.issue(
                session, actor=actor, access=access, email=entry.email, role=entry.role,
                now=now, source=source))
            continue
        user = entry.user
        created = user is None
        if user is None:
            user = _create_user(
                session, actor=actor,
                username=unique_username_from_email(session, email=entry.email),
                email=entry.email, full_name=entry.name, password=None,
            )
            result.created_accounts.append(user.email)
        membership = Membership(organization_id=org.id, user_id=user.id, role=entry.role,
                                joined_at=now, added_name=entry.name)
        session.add(membership)
        session.flush()
        result.memberships.append(membership)
        queue_mail = accounts.queue_welcome_mail if created else accounts.queue_added_mail
        queue_mail(session, user=user, org_title=org.title, added_by=actor)
        audit.record(session, actor=actor, action=AuditAction.MEMBER_ADD, organization_id=org.id,
                     user_id=user.id,
                     email=user.email,
                     role=entry.role, created_account=created, source=source)
    return result


def add_members(session: Session, *, actor: User | None, org_id: int, entries: Any) -> AddResult:
    """Add one or more people (dicts with name, email, role) in one go, or none of them.

    An unknown e-mail gets a new account without a password and a "set your password" e-mail;
    a known one is added as is and told by e-mail; an address outside the type's e-mail domain
    is invited instead (the mails are queued in the outbox, delivered after the commit). Each
    added member and each invitation takes one seat.
    """
    access = access_org(session, actor=actor, org_id=org_id, action=Action.ADD_MEMBERS, lock=True)
    cleaned = validate_entries(session, actor=actor, access=access, entries=entries)
    require_free_seats(session, org_id=access.org.id, seat_count=access.org.seat_count,
                       needed=len(cleaned), field="seats")
    return apply_entries(session, actor=actor, access=access, entries=cleaned)


def add_member(
    session: Session, *, actor: User | None, org_id: int, name: str, email: str, role: str
) -> AddResult:
    return add_members(session, actor=actor, org_id=org_id,
                       entries=[{"name": name, "email": email, "role": role}])


# ---------------------------------------------------------------- changing

def _ids(values: Any) -> list[int]:
    if whole_number(values, allow_text=False) is not None:
        values = [values]
    if not isinstance(values, list | tuple) or not values:
        raise ServiceError("Select at least one member.")
    if len(values) > MAX_IDS_PER_CALL:
        raise ServiceError(f"Select at most {MAX_IDS_PER_CALL} members at once.")
    ids = [whole_number(v, allow_text=False) for v in values]
    if None in ids:
        raise ServiceError("That member is not in this organization.")
    return list(dict.fromkeys(ids))


def _memberships(
    session: Session, org_id: int, membership_ids: list[int]
) -> list[tuple[Membership, User]]:
    rows = session.exec(
        select(Membership, User).join(User, User.id == Membership.user_id).where(
            Membership.organization_id == org_id, Membership.id.in_(membership_ids)
        )
    ).all()
    if len(rows) != len(membership_ids):
        raise ServiceError("That member is not in this organization (any more). Reload the page.")
    return list(rows)


def _selected_non_owners(
    session: Session, *, actor: User | None, org_id: int, action: Action, membership_ids: Any,
    owner_refusal: str,
) -> tuple[OrgAccess, list[tuple[Membership, User]]]:
    """The actor's access for `action` (the organization row locked), and the selected
    memberships, none of them the owner's: removing and role changes never apply to the owner
    (ownership is handed over instead). A selected owner is refused with their name and
    `owner_refusal`."""
    access = access_org(session, actor=actor, org_id=org_id, action=action, lock=True)
    rows = _memberships(session, access.org.id, _ids(membership_ids))
    for membership, user in rows:
        if membership.role == Role.OWNER:
            raise ServiceError(f"{user.full_name or user.email} {owner_refusal}")
    return access, rows


def remove_members(
    session: Session, *, actor: User | None, org_id: int, membership_ids: Any
) -> int:
    """Remove the selected members (each frees a seat). The owner is never removed."""
    access, rows = _selected_non_owners(
        session, actor=actor, org_id=org_id, action=Action.REMOVE_MEMBERS,
        membership_ids=membership_ids,
        owner_refusal="is the owner and cannot be removed; hand ownership to a manager first.")
    remember_blocks(session, org_id=access.org.id, memberships=[membership for membership,
                                                                _ in rows])
    for membership, user in rows:
        session.delete(membership)
        audit.record(session, actor=actor, action=AuditAction.MEMBER_REMOVE,
                     organization_id=access.org.id, user_id=user.id,
                     email=user.email, role=membership.role)
    session.flush()
    return len(rows)


def set_role(
    session: Session, *, actor: User | None, org_id: int, membership_ids: Any, role: Any
) -> int:
    """Promote to manager or demote to member; returns how many changed (others had it already)."""
    access, rows = _selected_non_owners(
        session, actor=actor, org_id=org_id, action=Action.CHANGE_ROLES,
        membership_ids=membership_ids,
        owner_refusal="is the owner; the owner's role changes only by handing ownership to a "
                      "manager.")
    new_role = parse_role(role)
    changed = 0
    for membership, user in rows:
        if membership.role == new_role:
            continue
        old_role = membership.role
        membership.role = new_role
        session.add(membership)
        changed += 1
        audit.record(session, actor=actor, action=AuditAction.MEMBER_SET_ROLE,
                     organization_id=access.org.id, user_id=user.id,
                     email=user.email, old_role=old_role, role=new_role)
    session.flush()
    return changed


def transfer_ownership(
    session: Session, *, actor: User | None, org_id: int, membership_id: Any
) -> Membership:
    """Hand the organization to one of its active managers; the old owner becomes a manager."""
    access = access_org(session, actor=actor, org_id=org_id, action=Action.TRANSFER_OWNERSHIP,
                        lock=True)
    org: Organization = access.org
    ((target, target_user),) = _memberships(session, org.id, _ids(membership_id)[:1])
    if target.role == Role.OWNER:
        raise ServiceError(f"{target_user.full_name or target_user.email} is already the owner.")
    if target.role != Role.MANAGER:
        raise ServiceError("Ownership goes to a manager: promote this member to manager first.")
    if target.status != MembershipStatus.ACTIVE or not target_user.is_active:
        raise ServiceError("Ownership can only go to an active manager.")
    old_owner = session.exec(
        select(Membership).where(Membership.organization_id == org.id,
                                 Membership.role == Role.OWNER)
    ).first()
    if old_owner is not None:
        old_owner.role = Role.MANAGER
        session.add(old_owner)
        session.flush()  # the one-owner index must see the old owner step down first
    target.role = Role.OWNER
    org.owner_id = target.user_id
    session.add_all([target, org])
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.ORGANIZATION_TRANSFER_OWNERSHIP,
                 organization_id=org.id,
                 old_owner_id=old_owner.user_id if old_owner else None,
                 new_owner_id=target.user_id)
    return target
