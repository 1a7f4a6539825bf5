"""Invitations: invite several addresses, list, resend, revoke, and accept from the e-mailed link.

A pending invitation holds one seat until it is accepted, revoked or expires; an expired one
frees its seat by itself (seats.py counts only unexpired ones), so seats never leak to
invitations nobody opened. Only the SHA-256 of a link's token is stored; resending makes a new
token (the old link stops working) and a new expiry.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import routes
from ..models import (
    AuditAction,
    AuditEvent,
    Invitation,
    Membership,
    Organization,
    Role,
    User,
    utcnow,
)
from ..settings import base_url
from . import audit, mail, throttle
from .csv_safety import quoted_if_formula
from .display import moment_text
from .errors import FieldErrors, ServiceError
from .listing import DEFAULT_PAGE_SIZE, Page, clean_listing, list_page, matching, paginate
from .password_rules import new_password_errors
from .passwords import hash_password, hash_token, new_token
from .permissions import Action, OrgAccess, access_org, is_expired, require_signed_in
from .roster import (
    member_emails,
    parse_role,
    pending_invitation_emails,
    staff_blocked_emails,
    staff_blocked_refusal,
)
from .seats import invitation_holds_seat, require_free_seats
from .users import find_by_email, unique_username_from_email
from .validation import (
    clean_email,
    clean_name,
    has_control_characters,
    shorten,
    whole_number,
)

MAX_EMAILS_PER_INVITE = 200


class InvitationStatus(StrEnum):
    PENDING = "pending"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


def status_of(invitation: Invitation, now: datetime | None = None) -> InvitationStatus:
    if invitation.accepted_at is not None:
        return InvitationStatus.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at <= (now or utcnow()):
        return InvitationStatus.EXPIRED
    return InvitationStatus.PENDING


@dataclass
class InviteResult:
    invitations: list[Invitation] = field(default_factory=list)


def split_emails(text: Any) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or new lines."""
    if isinstance(text, list | tuple):
        text = "\n".join(item for item in text if isinstance(item, str))
    if not isinstance(text, str):
        return []
    return [part for part in re.split(r"[\s,;]+", text) if part]


def _queue_invitation_mail(
    session: Session, *, invitation: Invitation, token: str, org: Organization, inviter: User
) -> None:
    link = base_url() + routes.invite_link(token)
    who = quoted_if_formula(inviter.full_name or inviter.username)
    body = (
        f"Hello,\n\n{who} invites you to join {org.title} on MemberSync as a "
        f"{invitation.role.value}.\n\nAccept the invitation here (it expires on "
        f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC):\n\n{link}\n\n"
        f"Sign in or create your account with this e-mail address ({invitation.email}).\n"
    )
    mail.queue(session, recipient=invitation.email,
               subject=f"You are invited to {org.title} on MemberSync", body=body)


def deactivated_emails(session: Session, *, emails: list[str]) -> set[str]:
    if not emails:
        return set()
    return set(session.exec(
        select(User.email).where(User.email.in_(emails), User.is_active.is_(False))
    ).all())


def invite(
    session: Session, *, actor: User | None, org_id: int, emails: Any, role: Any
) -> InviteResult:
    """Invite every address (or none): each invitation takes a seat and sends an e-mail."""
    access = access_org(session, actor=actor, org_id=org_id, action=Action.INVITE, lock=True)
    new_role = parse_role(role)
    addresses = split_emails(emails)
    if not addresses:
        raise ServiceError("Enter at least one e-mail address.", "emails")
    if len(addresses) > MAX_EMAILS_PER_INVITE:
        raise ServiceError(f"Invite at most {MAX_EMAILS_PER_INVITE} addresses at once.", "emails")
    problems: list[str] = []
    cleaned: list[str] = []
    for raw in addresses:
        if has_control_characters(raw):
            problems.append(f"“{shorten(raw)}”: e-mail addresses must not contain control "
                            "characters.")
            continue
        try:
            email = clean_email(raw, "emails")
        except ServiceError:
            problems.append(f"“{shorten(raw)}” is not a valid e-mail address.")
            continue
        if email in cleaned:
            problems.append(f"{shorten(email)} is listed twice.")
        else:
            cleaned.append(email)
    # Addresses are shortened like typed text: a valid one may have 254 characters.
    problems.extend(f"{shorten(email)} is already a member of this organization."
                    for email in sorted(member_emails(session, org_id=access.org.id,
                                                      emails=cleaned)))
    problems.extend(f"{shorten(email)} already has a pending invitation (resend it instead)."
                    for email in sorted(pending_invitation_emails(session, org_id=access.org.id,
                                                                  emails=cleaned)))
    # An invitation to a deactivated account could never be accepted, yet would hold a seat.
    problems.extend(f"The account of {shorten(email)} is deactivated; ask staff to reactivate it."
                    for email in sorted(deactivated_emails(session, emails=cleaned)))
    problems.extend(staff_blocked_refusal(shorten(email))
                    for email in sorted(staff_blocked_emails(session, org_id=access.org.id,
                                                             emails=cleaned)))
    if problems:
        raise ServiceError(_summary(problems), "emails")
    if new_role == Role.MANAGER and not access.may(actor, Action.CHANGE_ROLES):
        raise ServiceError("You may not make managers here: choose Member.", "invite_role")
    require_free_seats(session, org_id=access.org.id, seat_count=access.org.seat_count,
                       needed=len(cleaned), field="seats")
    now = utcnow()
    result = InviteResult()
    for email in cleaned:
        result.invitations.append(issue(session, actor=actor, access=access, email=email,
                                        role=new_role, now=now))
    return result


def _summary(problems: list[str], limit: int = 240) -> str:
    """The first problems that fit in `limit` characters, then how many more: one refusal for
    200 bad addresses must stay readable."""
    shown: list[str] = []
    for problem in problems:
        if shown and len(" ".join([*shown, problem])) > limit:
            break
        shown.append(problem)
    if rest := len(problems) - len(shown):
        shown.append(f"{rest} more address{'es have' if rest != 1 else ' has'} problems too.")
    return " ".join(shown)


def issue(
    session: Session, *, actor: User, access: OrgAccess, email: str, role: Role,
    now: datetime, **audit_details: Any,
) -> Invitation:
    """Write one invitation and queue its e-mail (delivered after the commit).

    The caller checked the address, the role and the seats with the organization row locked:
    `invite`, and Add Member for addresses outside the type's e-mail domain.
    """
    token, token_hash = new_token()
    invitation = Invitation(organization_id=access.org.id, email=email, role=role,
                            token_hash=token_hash, invited_by_id=actor.id, created_at=now,
                            expires_at=now + timedelta(days=access.org_type.invitation_days))
    session.add(invitation)
    session.flush()
    _queue_invitation_mail(session, invitation=invitation, token=token, org=access.org,
                           inviter=actor)
    audit.record(session, actor=actor, action=AuditAction.INVITATION_CREATE,
                 organization_id=access.org.id,
                 invitation_id=invitation.id, email=email, role=role, **audit_details)
    return invitation


# ---------------------------------------------------------------- listing

@dataclass(frozen=True)
class InvitationRow:
    """One row of the dashboard's Pending invitations list."""

    id: int
    email: str
    role: str  # manager / member
    status: str  # pending, or expired: it holds no seat any more (it may be resent)
    expires: str  # YYYY-MM-DD HH:MM UTC


@dataclass(frozen=True)
class InvitationPage(Page[InvitationRow]):
    pending: int = 0  # of `total`, those not expired: the ones holding a seat


def list_open_invitations(
    session: Session, *, actor: User | None, org_id: int, search: Any = "", sort: Any = "open",
    descending: Any = False, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> InvitationPage:
    """Invitations not accepted or revoked: pending ones first, then expired ones, newest
    first in each; one page counted and sliced in SQL (a search looks in the addresses)."""
    access_org(session, actor=actor, org_id=org_id, action=Action.VIEW_ORG)
    now = utcnow()
    holds_seat = invitation_holds_seat()
    sort_columns = {"open": case((holds_seat, 0), else_=1),
                    "email": Invitation.email, "expires": Invitation.expires_at}
    listing = clean_listing(search=search, sort=sort, descending=descending, page=page,
                            page_size=page_size, sorts=sort_columns, default_sort="open")
    query = matching(select(Invitation).where(Invitation.organization_id == org_id,
                                              Invitation.accepted_at.is_(None),
                                              Invitation.revoked_at.is_(None)),
                     search_in=[Invitation.email], search=listing.search)
    # One query counts the (searched) rows and, of those same rows, the ones holding a seat.
    total, pending = session.execute(
        query.with_only_columns(func.count(), func.count().filter(holds_seat))).one()
    invitations, total, page_number = paginate(
        session, query=query, listing=listing, total=total, sort_columns=sort_columns,
        tiebreak=(Invitation.created_at.desc(), Invitation.id.desc()))
    return InvitationPage(
        rows=[InvitationRow(id=i.id, email=i.email, role=Role(i.role).value,
                            status=status_of(i, now).value, expires=moment_text(i.expires_at))
              for i in invitations],
        total=total, page=page_number, page_size=listing.page_size, pending=pending)


@dataclass(frozen=True)
class InvitationHistoryRow:
    """An invitation that is over: accepted, revoked, or expired unopened."""

    id: int
    email: str
    role: str  # manager / member
    outcome: str  # accepted, revoked or expired (InvitationStatus)
    when: str  # when it was accepted or revoked, or when it ran out (YYYY-MM-DD HH:MM UTC)
    by: str  # who accepted or revoked it ("" when it expired: nobody did anything)
    invited_by: str
    invited: str  # when it was sent


_DONE_BY = {AuditAction.INVITATION_ACCEPT: InvitationStatus.ACCEPTED,
            AuditAction.INVITATION_REVOKE: InvitationStatus.REVOKED}


def list_invitation_history(
    session: Session, *, actor: User | None, org_id: int, search: Any = "", sort: Any = "when",
    descending: Any = True, page: Any = 1, page_size: Any = DEFAULT_PAGE_SIZE,
) -> Page[InvitationHistoryRow]:
    """Accepted, revoked and expired invitations, newest first, one page counted and sliced in
    SQL; who accepted or revoked each comes from its audit event (one query for the page)."""
    access = access_org(session, actor=actor, org_id=org_id, action=Action.VIEW_ORG)
    now = utcnow()
    inviter = aliased(User)
    happened_at = func.coalesce(Invitation.accepted_at, Invitation.revoked_at,
                                Invitation.expires_at)
    query = (
        select(Invitation, inviter.full_name, inviter.username)
        .join(inviter, inviter.id == Invitation.invited_by_id, isouter=True)
        .where(Invitation.organization_id == access.org.id,
               or_(Invitation.accepted_at.is_not(None), Invitation.revoked_at.is_not(None),
                   Invitation.expires_at <= now))
    )

    def make_rows(rows: list) -> list[InvitationHistoryRow]:
        done_by = _who_did_it(session, [invitation for invitation, _, _ in rows])
        return [
            InvitationHistoryRow(
                id=invitation.id, email=invitation.email, role=Role(invitation.role).value,
                outcome=status_of(invitation, now).value,
                when=moment_text(invitation.accepted_at or invitation.revoked_at
                                 or invitation.expires_at),
                by=done_by.get(invitation.id, ""),
                invited_by=full_name or username or "",
                invited=moment_text(invitation.created_at),
            )
            for invitation, full_name, username in rows
        ]

    # The tiebreak follows the sort direction. list_page refuses a `descending` that is not a
    # bool, so `descending is True` is the direction the page is sorted in.
    return list_page(
        session, query=query, search_in=[Invitation.email],
        sort_columns={"when": happened_at, "email": Invitation.email}, default_sort="when",
        tiebreak=Invitation.id.desc() if descending is True else Invitation.id.asc(),
        make_rows=make_rows, search=search, sort=sort, descending=descending, page=page,
        page_size=page_size,
    )


def _who_did_it(session: Session, invitations: list[Invitation]) -> dict[int, str]:
    """Who accepted or revoked each of these invitations, by the audit trail. An event counts
    only when it is about this very invitation (its outcome, and not older than it)."""
    finished = {i.id: i for i in invitations if i.accepted_at or i.revoked_at}
    if not finished:
        return {}
    invitation_id = AuditEvent.details["invitation_id"].as_integer()
    events = session.exec(
        select(invitation_id, AuditEvent.action, AuditEvent.created_at, User.full_name,
               User.username)
        .join(User, User.id == AuditEvent.actor_id, isouter=True)
        .where(AuditEvent.action.in_(list(_DONE_BY)),
               AuditEvent.created_at >= min(i.created_at for i in finished.values()),
               invitation_id.in_(list(finished)))
        .order_by(AuditEvent.id)
    ).all()
    names: dict[int, str] = {}
    for event_invitation_id, action, created_at, full_name, username in events:
        invitation = finished.get(event_invitation_id)
        if (invitation is not None and created_at >= invitation.created_at
                and _DONE_BY.get(action) == status_of(invitation)):
            names[invitation.id] = full_name or username or "a deleted account"
    return names


# ---------------------------------------------------------------- resend / revoke

def _invitation(session: Session, org_id: int, invitation_id: Any) -> Invitation:
    invitation_id = whole_number(invitation_id, allow_text=False)
    if invitation_id is None:
        raise ServiceError("That invitation does not exist.")
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != org_id:
        raise ServiceError("That invitation does not exist.")
    return invitation


def resend(session: Session, *, actor: User | None, org_id: int, invitation_id: Any) -> None:
    """A new link and a new expiry; an expired invitation takes its seat again (if one is free).
    The new e-mail is delivered after the commit."""
    access = access_org(session, actor=actor, org_id=org_id, action=Action.INVITE, lock=True)
    invitation = _invitation(session, access.org.id, invitation_id)
    status = status_of(invitation)
    if status in (InvitationStatus.ACCEPTED, InvitationStatus.REVOKED):
        raise ServiceError(f"This invitation was {status.value}; it cannot be resent.")
    if status == InvitationStatus.EXPIRED:
        if invitation.email in member_emails(session, org_id=access.org.id,
                                             emails=[invitation.email]):
            raise ServiceError(f"{invitation.email} is already a member of this organization.")
        if invitation.email in pending_invitation_emails(session, org_id=access.org.id,
                                                         emails=[invitation.email]):
            raise ServiceError(f"{invitation.email} already has a newer pending invitation.")
        require_free_seats(session, org_id=access.org.id, seat_count=access.org.seat_count,
                           needed=1, field="seats")
    token, token_hash = new_token()
    now = utcnow()
    invitation.token_hash = token_hash
    invitation.expires_at = now + timedelta(days=access.org_type.invitation_days)
    session.add(invitation)
    session.flush()
    audit.record(session, actor=actor, action=AuditAction.INVITATION_RESEND,
                 organization_id=access.org.id,
                 invitation_id=invitation.id, email=invitation.email)
    _queue_invitation_mail(session, invitation=invitation, token=token, org=access.org,
                           inviter=actor)


def revoke(session: Session, *, actor: User | None, org_id: int, invitation_ids: Any) -> int:
    """Revoke pending (or expired) invitations; their links stop working and seats free up."""
    access = access_org(session, actor=actor, org_id=org_id, action=Action.INVITE, lock=True)
    ids = invitation_ids if isinstance(invitation_ids, list | tuple) else [invitation_ids]
    if not ids or len(ids) > 500:
        raise ServiceError("Select at least one invitation.")
    # Deduplicated by row: an id may come as anything, even an unhashable dict.
    invitations = list({inv.id: inv for inv in (_invitation(session, access.org.id, i)
                                                for i in ids)}.values())
    for invitation in invitations:
        if invitation.accepted_at is not None:
            raise ServiceError(f"The invitation of {invitation.email} was already accepted.")
    now = utcnow()
    count = 0
    for invitation in invitations:
        if invitation.revoked_at is not None:
            continue
        invitation.revoked_at = now
        session.add(invitation)
        count += 1
        audit.record(session, actor=actor, action=AuditAction.INVITATION_REVOKE,
                     organization_id=access.org.id,
                     invitation_id=invitation.id, email=invitation.email)
    session.flush()
    return count


# ---------------------------------------------------------------- accepting

class LinkState(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"
    ORG_EXPIRED = "org_expired"
    LOCKED = "locked"  # too many unknown links from this address: nothing is checked


LINK_MESSAGES = {
    LinkState.UNKNOWN: "This invitation link is not valid. Check that you copied the whole "
                       "address from the e-mail, or ask for a new invitation.",
    LinkState.EXPIRED: "This invitation has expired. Ask the person who invited you to resend it.",
    LinkState.REVOKED: "This invitation was withdrawn. Ask the organization's owner or a manager "
                       "if you should still join.",
    LinkState.USED: "This invitation was already accepted; a link works once.",
    LinkState.ORG_EXPIRED: "This organization has expired, so it cannot take new members. "
                           "Contact its owner.",
}


@dataclass(frozen=True)
class InvitationView:
    """What /invite/[token] shows, before anyone signs in."""

    state: LinkState
    message: str = ""
    org_title: str = ""
    email: str = ""
    role: str = ""
    account_exists: bool = False  # an account with a password: sign in to accept
    expires_at: datetime | None = None


def _by_token(session: Session, token: Any, *, lock: bool = False) -> Invitation | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    query = select(Invitation).where(Invitation.token_hash == hash_token(token))
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def _link_state(
    session: Session, invitation: Invitation | None
) -> tuple[LinkState, Organization | None]:
    if invitation is None:
        return LinkState.UNKNOWN, None
    org = session.get(Organization, invitation.organization_id)
    status = status_of(invitation)
    if status == InvitationStatus.ACCEPTED:
        return LinkState.USED, org
    if status == InvitationStatus.REVOKED:
        return LinkState.REVOKED, org
    if status == InvitationStatus.EXPIRED:
        return LinkState.EXPIRED, org
    if org is None:
        return LinkState.UNKNOWN, None
    if is_expired(org):
        return LinkState.ORG_EXPIRED, org
    return LinkState.VALID, org


def inspect(session: Session, *, token: Any, address: str | None = None) -> InvitationView:
    """What the link shows. With the client's `address`, an unknown token counts as a guess,
    and while the address is locked out no token is looked up at all."""
    if locked := throttle.link_refusal(session, address=address):
        return InvitationView(LinkState.LOCKED, locked)
    invitation = _by_token(session, token)
    if invitation is None and address is not None:
        throttle.record_failure(session, keys=[throttle.link_key(address)])
    state, org = _link_state(session, invitation)
    if state == LinkState.UNKNOWN:
        return InvitationView(state, LINK_MESSAGES[state])
    user = find_by_email(session, email=invitation.email)
    return InvitationView(
        state=state,
        message=LINK_MESSAGES.get(state, ""),
        org_title=org.title if org else "",
        email=invitation.email,
        role=invitation.role.value,
        account_exists=bool(user and user.password_hash),
        expires_at=invitation.expires_at,
    )


def _accept(session: Session, invitation: Invitation, user: User) -> Membership:
    """Turn the invitation into a membership (its seat carries over: no new seat is taken)."""
    org = session.exec(
        select(Organization).where(Organization.id == invitation.organization_id).with_for_update()
    ).first()
    existing = session.exec(
        select(Membership).where(Membership.organization_id == org.id,
                                 Membership.user_id == user.id)
    ).first()
    now = utcnow()
    invitation.accepted_at = now
    session.add(invitation)
    if existing is not None:
        membership = existing
    else:
        membership = Membership(organization_id=org.id, user_id=user.id, role=invitation.role,
                                joined_at=now)
        session.add(membership)
    session.flush()
    audit.record(session, actor=user, action=AuditAction.INVITATION_ACCEPT, organization_id=org.id,
                 invitation_id=invitation.id,
                 user_id=user.id, role=invitation.role, already_member=existing is not None)
    return membership


def _valid_invitation(session: Session, token: Any, address: str | None) -> Invitation:
    # Unknown tokens are counted where the link is opened (`inspect`); a refusal here rolls
    # back, so accepting only honours the lock.
    if locked := throttle.link_refusal(session, address=address):
        raise ServiceError(locked)
    invitation = _by_token(session, token, lock=True)
    state, _org = _link_state(session, invitation)
    if state != LinkState.VALID:
        raise ServiceError(LINK_MESSAGES[state])
    return invitation


def accept(
    session: Session, *, actor: User | None, token: Any, address: str | None = None
) -> Membership:
    """The signed-in person accepts; their account's e-mail must be the invited address."""
    actor = require_signed_in(actor)
    invitation = _valid_invitation(session, token, address)
    if actor.email != invitation.email:
        raise ServiceError(
            f"This invitation is for {invitation.email}, but you are signed in as {actor.email}. "
            f"Sign out, then open the link again and sign in as {invitation.email}."
        )
    return _accept(session, invitation, actor)


def accept_with_new_account(
    session: Session, *, token: Any, full_name: Any, password: Any, confirm: Any,
    address: str | None = None,
) -> User:
    """A signed-out visitor creates the invited account (name, password) and joins.

    Also sets the password of an account that exists without one (made by "Add Member"):
    holding the e-mailed link proves control of the address, as the set-password link does.
    """
    invitation = _valid_invitation(session, token, address)
    errors: dict[str, str] = {}
    name = ""
    try:
        name = clean_name(full_name if isinstance(full_name, str) else "", "full_name", "Name")
    except ServiceError as error:
        errors["full_name"] = error.message
    password = password if isinstance(password, str) else ""
    user = find_by_email(session, email=invitation.email)
    # A new account's username is made from the e-mail's local part, checked here too.
    errors.update(new_password_errors(password, confirm, username=user.username if user else "",
                                      email=invitation.email))
    if user is not None and user.password_hash:
        raise ServiceError(
            f"An account with {invitation.email} already exists: sign in to accept.", "password"
        )
    if user is not None and not user.is_active:
        raise ServiceError(f"The account of {invitation.email} is deactivated; contact staff.")
    if errors:
        raise FieldErrors(errors)
    if user is None:
        user = User(username=unique_username_from_email(session, email=invitation.email),
                    email=invitation.email, full_name=name, password_hash=hash_password(password))
        session.add(user)
        session.flush()
        audit.record(session, actor=user, action=AuditAction.USER_CREATE,
                     organization_id=invitation.organization_id,
                     user_id=user.id,
                     username=user.username, via="invitation")
    else:
        user.full_name = name
        user.password_hash = hash_password(password)
        session.add(user)
        audit.record(session, actor=user, action=AuditAction.USER_SET_PASSWORD_FROM_INVITATION,
                     user_id=user.id)
    _accept(session, invitation, user)
    return user
