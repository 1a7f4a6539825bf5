"""Every path of the app, and the URL builders, so no path string is typed twice."""

from urllib.parse import quote, urlencode

HOME = "/"
NOT_FOUND = "404"  # Reflex's route for every path no page claims
LOGIN = "/login"
DASHBOARD = "/dashboard"
ORG_PAGE = "/dashboard/org/[id]"
MY_ACCESS = "/my"
COURSE_PAGE = "/my/course/[id]"
DIRECTORY = "/directory"
INVITE = "/invite/[token]"
SET_PASSWORD = "/set-password/[token]"
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD = "/reset-password/[token]"
ACCOUNT = "/account"
CONFIRM_EMAIL = "/confirm-email/[token]"
ADMIN = "/admin"
ADMIN_ORG_TYPES = "/admin/organization-types"
ADMIN_SEAT_TYPES = "/admin/seat-types"
ADMIN_COURSES = "/admin/courses"
ADMIN_LICENSES = "/admin/licenses"
ADMIN_ORGANIZATIONS = "/admin/organizations"
ADMIN_ORGANIZATION = "/admin/organizations/[id]"
ADMIN_JOBS = "/admin/jobs"
ADMIN_USERS = "/admin/users"
# One admin record each (reload and Back land on it): its edit form, opened from the URL.
ADMIN_ORG_TYPE = "/admin/organization-types/[id]"
ADMIN_SEAT_TYPE = "/admin/seat-types/[id]"
ADMIN_COURSE = "/admin/courses/[id]"
ADMIN_LICENSE = "/admin/licenses/[id]"
ADMIN_USER = "/admin/users/[id]"
ADMIN_AUDIT = "/admin/audit"
# Server routes (web.py), loaded as whole pages: they set or clear the HttpOnly session cookie.
AUTH_SESSION = "/_auth/session"
AUTH_SIGN_OUT = "/_auth/sign-out"
# A report table as CSV (web.py), streamed; the session cookie proves who asks.
REPORT_CSV = "/_reports/csv"
# Export members to CSV (the members table as searched and sorted) and the import's template.
MEMBERS_CSV = "/_members/csv"
MEMBERS_CSV_TEMPLATE = "/_members/csv-template"
HEALTH = "/health"


def _filled(route: str, value) -> str:
    """`route` with its one `[id]` or `[token]` part filled in, so the builders below reuse the
    paths above instead of typing them again. An f-string, not str(): a Reflex Var of an id
    fills in too, as a page's link to each row needs."""
    head, _, rest = route.partition("[")
    return f"{head}{value}{rest.partition(']')[2]}"


def admin_record(route: str, record_id: int) -> str:
    """One record's page of an admin list: `admin_record(ADMIN_USER, 7)` is "/admin/users/7"."""
    return _filled(route, record_id)


def org_page(org_id: int) -> str:
    return _filled(ORG_PAGE, org_id)


def org_reports(org_id: int, query: dict[str, str] | None = None) -> str:
    """The Reports tab, its filters in the query (bookmarkable)."""
    return f"{org_page(org_id)}?{urlencode({'tab': 'reports', **(query or {})})}"


def admin_organization(org_id: int) -> str:
    return _filled(ADMIN_ORGANIZATION, org_id)


def audit_of_organization(org_id: int) -> str:
    """The audit log filtered to one organization exactly (also takes a Var of an id)."""
    return f"{ADMIN_AUDIT}?org={org_id}"


def course_page(course_id: int) -> str:
    return _filled(COURSE_PAGE, course_id)


def report_csv(org_id: int, report: str, query: dict[str, str] | None = None) -> str:
    return f"{REPORT_CSV}?{urlencode({'org': org_id, 'report': report, **(query or {})})}"


def members_csv(org_id: int, search: str, sort: str, descending: bool) -> str:
    query = {"org": org_id, "sort": sort, **({"search": search} if search else {}),
             **({"desc": "1"} if descending else {})}
    return f"{MEMBERS_CSV}?{urlencode(query)}"


def invite_link(token: str) -> str:
    return _filled(INVITE, token)


def set_password_link(token: str) -> str:
    return _filled(SET_PASSWORD, token)


def reset_password_link(token: str) -> str:
    return _filled(RESET_PASSWORD, token)


def confirm_email_link(token: str) -> str:
    return _filled(CONFIRM_EMAIL, token)


def session_link(grant: str, then: str) -> str:
    return f"{AUTH_SESSION}?{urlencode({'grant': grant, 'next': then})}"


def sign_out_link(then: str) -> str:
    return f"{AUTH_SIGN_OUT}?{urlencode({'next': then})}"


def login_with_next(path: str) -> str:
    return f"{LOGIN}?next={quote(path, safe='/')}"


def safe_next(path: str | None, default: str) -> str:
    """Only a local path may follow sign-in, never another site ("//evil.example", "/\\evil")."""
    if (
        path
        and path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and path.isprintable()
    ):
        return path
    return default
