"""/invite/[token]: accept an invitation — sign in, or create the account, then join."""

import reflex as rx

from .. import routes
from ..services import auth, invitations
from ..services.errors import FieldErrors, ServiceError
from ..services.invitations import LinkState
from .base import AppState


class InviteState(AppState):
    _token: str = ""
    link_state: str = ""  # LinkState value, "" while loading
    link_message: str = ""
    invite_org: str = ""
    invite_email: str = ""
    invite_role: str = ""
    account_exists: bool = False
    viewer_email: str = ""
    errors: dict[str, str] = {}  # noqa: RUF012  ("full_name", "password", "confirm", "form")

    @rx.var
    def wrong_account(self) -> bool:
        return self.viewer_email != "" and self.viewer_email != self.invite_email

    @rx.var
    def sign_in_href(self) -> str:
        return routes.login_with_next(self.router.url.path)

    def _inspect(self, session, user, address: str | None = None) -> None:
        view = invitations.inspect(session, token=self._token, address=address)
        self.link_state = view.state.value
        self.link_message = view.message
        self.invite_org = view.org_title
        self.invite_email = view.email
        self.invite_role = view.role.capitalize()
        self.account_exists = view.account_exists
        self.viewer_email = user.email if user else ""

    @rx.event
    def load(self):
        self._token = self.token if isinstance(self.token, str) else ""  # the route's [token]
        self.link_state = ""
        self.errors = {}
        with self._unit() as (session, user):
            self._show_viewer(user)
            # Opening a link with the client's address: unknown tokens count as guesses.
            self._inspect(session, user, address=self.router.session.client_ip)

    @rx.event
    def accept(self):
        self.errors = {}
        try:
            with self._unit() as (session, user):
                invitations.accept(session, actor=user, token=self._token,
                                   address=self.router.session.client_ip)
        except ServiceError as error:
            self.errors = {"form": error.message}
            with self._reading() as (session, user):  # without the address: only reads
                self._inspect(session, user)
            return None
        return rx.redirect(routes.MY_ACCESS)

    @rx.event
    def create_account(self, form_data: dict):
        self.errors = {}
        password = form_data.get("password", "")
        try:
            with self._unit() as (session, _user):
                user = invitations.accept_with_new_account(
                    session, token=self._token, full_name=form_data.get("full_name", ""),
                    password=password, confirm=form_data.get("confirm", ""),
                    address=self.router.session.client_ip)
                grant = auth.start_session(session, user=user)
        except FieldErrors as errors:
            self.errors = dict(errors.errors)
            return None
        except ServiceError as error:
            self.errors = {"form": error.message}
            with self._reading() as (session, user):  # without the address: only reads
                self._inspect(session, user)
            return None
        self._enter_session(grant, routes.MY_ACCESS)
        return None

    @rx.var
    def accepted_by_viewer(self) -> bool:
        """The link was used, and the one opening it now is the person who accepted it."""
        return self.link_state == USED and self.viewer_email == self.invite_email != ""

    @rx.event
    async def switch_account(self):
        """Signed in as someone else: sign out, then sign in as the invitee — or, when the
        invited address has no account yet, come back here, where it is created."""
        here = self.router.url.path
        await self._leave_session(routes.login_with_next(here) if self.account_exists else here)


VALID = LinkState.VALID.value
USED = LinkState.USED.value
