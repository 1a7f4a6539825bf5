"""The `membersync` command line (DESIGN.md §5): migrate, create-staff, demo-data, outbox,
unlock-account, deliver-outbox, check, backup, restore.

Every subcommand works on the database named by MEMBERSYNC_DATABASE_URL and calls the same
services as the app, each in one transaction.
"""

import argparse
import getpass
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, make_url, pool
from sqlalchemy.exc import OperationalError, ProgrammingError

from . import logs
from .db import read_only_unit, unit_of_work
from .models import DeliveryStatus, Role
from .services import (
    auth,
    backup,
    csv_safety,
    invariants,
    mail,
    organizations,
    reports,
    throttle,
    users,
)
from .services.demo import (
    DEFAULT_MEMBERS_PER_ORG,
    MAX_MEMBERS_PER_ORG,
    ORGANIZATIONS,
    load_demo_data,
)
from .services.demo_large import MAX_LARGE_COURSES
from .services.errors import FieldErrors, ServiceError
from .services.report_filters import MAX_INACTIVE_DAYS, CourseStatus, ReportFilters
from .services.validation import shorten, whole_number
from .settings import SettingsError, database_url, read_settings, smtp_settings

# Show a progress bar when the demo data makes at least this many members.
PROGRESS_MIN_MEMBERS = 200


def find_alembic_ini() -> Path:
    """alembic.ini next to the package (a source checkout or an editable install), else in cwd."""
    for candidate in (Path(__file__).resolve().parent.parent / "alembic.ini",
                      Path.cwd() / "alembic.ini"):
        if candidate.is_file():
            return candidate
    raise SystemExit("membersync: alembic.ini not found; run this from the MemberSync checkout.")


def alembic_config(url: str | None = None, *, configure_logger: bool = False) -> Config:
    """The project's alembic Config, aimed at `url` (default: MEMBERSYNC_DATABASE_URL).

    `configure_logger=False` keeps alembic.ini's logging setup out of the caller's process.
    """
    config = Config(str(find_alembic_ini()))
    # ConfigParser interpolates "%": an escaped password must not be read as a placeholder.
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    config.attributes["configure_logger"] = configure_logger
    return config


def current_revision(url: str) -> str | None:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def migrate(url: str | None = None) -> tuple[str | None, str | None]:
    """Upgrade the database to the newest revision. Returns (revision before, revision after)."""
    url = url or database_url()
    before = current_revision(url)
    command.upgrade(alembic_config(url), "head")
    return before, current_revision(url)


def _cmd_migrate(args: argparse.Namespace) -> int:
    url = database_url()
    shown = make_url(url).render_as_string(hide_password=True)
    before, after = migrate(url)
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if before == after:
        print(f"Database {shown} is up to date (revision {after}).")
    else:
        print(f"Migrated database {shown} from {before or 'empty'} to {after}.")
    return 0 if after == head else 1


def _cmd_create_staff(args: argparse.Namespace) -> int:
    password = args.password
    if password is None:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            print("membersync: the passwords do not match.", file=sys.stderr)
            return 1
    with unit_of_work() as session:
        user = users.create_staff_from_shell(
            session,
            username=args.username,
            email=args.email,
            full_name=args.full_name or args.username,
            password=password,
        )
    print(f"Created staff account “{user.username}” ({user.email}).")
    return 0


def _cmd_demo_data(args: argparse.Namespace) -> int:
    total = args.members if args.courses else args.members * len(ORGANIZATIONS)
    bar = ProgressBar(sys.stderr) if total >= PROGRESS_MIN_MEMBERS else None
    with unit_of_work() as session:
        if args.if_empty and users.any_user(session):
            print("Demo data not loaded: the database already has users.")
            return 0
        accounts = load_demo_data(
            session, members_per_org=args.members, progress=bar.update if bar else None,
            courses=args.courses,
        )
        if bar:
            bar.finish("Saving ...")
    print("Demo data loaded. Sign in with:")
    width = max(len(username) for username, _, _ in accounts)
    for username, password, description in accounts:
        print(f"  {username:<{width}}  {password:<16}  {description}")
    return 0


def _cmd_outbox(args: argparse.Namespace) -> int:
    with read_only_unit() as session:
        rows = mail.latest(session, count=args.last)
    if not rows:
        print("The outbox is empty.")
        return 0
    for message in rows:  # oldest first: the newest ends up next to the prompt
        state = DELIVERY_WORDS[message.status]
        if message.last_error and message.status != DeliveryStatus.DELIVERED:
            state += f"; last error: {message.last_error}"
        print(f"#{message.id}  {message.created_at:%Y-%m-%d %H:%M} UTC  to {message.recipient}"
              f"  ({state})")
        print(f"Subject: {message.subject}")
        for line in message.body.splitlines():
            print(f"    {line}")
        print()
    return 0


def _cmd_unlock_account(args: argparse.Namespace) -> int:
    with unit_of_work() as session:
        user = auth.find_by_login(session, login=args.username)
        if user is None:
            print(f"membersync: no account has the username or e-mail “{args.username}”.",
                  file=sys.stderr)
            return 1
        result = throttle.unlock_account_as_operator(session, user=user)
    if result.was_locked:
        print(f"Unlocked “{user.username}”: they can sign in again.")
    else:
        print(f"“{user.username}” was not locked: they can sign in.")
    return 0


DELIVERY_WORDS = {
    DeliveryStatus.PENDING: "waiting for the SMTP server",
    DeliveryStatus.SENDING: "being sent",
    DeliveryStatus.DELIVERED: "delivered by SMTP",
    DeliveryStatus.FAILED: "refused by the SMTP server",
    DeliveryStatus.OUTBOX_ONLY: "outbox only",
}


def _cmd_deliver_outbox(args: argparse.Namespace) -> int:
    if smtp_settings() is None:
        print("membersync: no SMTP server is set up (MEMBERSYNC_SMTP_HOST): the outbox is the "
              "delivery; `membersync outbox` shows it.", file=sys.stderr)
        return 1
    run = mail.deliver_pending(unit_of_work, resend_uncertain=args.resend_uncertain)
    print(f"Delivered {len(run.report.delivered)}, failed {len(run.report.failed)}.")
    for message in run.uncertain:
        print(f"Uncertain: #{message.id} to {message.recipient} (“{message.subject}”) was being "
              f"sent at {message.claimed_at:%Y-%m-%d %H:%M} UTC when it was cut off; it may "
              "have arrived. Send it again with --resend-uncertain.")
    return 1 if run.report.failed else 0


def _cmd_check(_args: argparse.Namespace) -> int:
    with read_only_unit() as session:
        report = invariants.check_database(session)
    for problem in report.problems:
        print(problem)
    if not report.ok:
        print(f"membersync: {len(report.problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"Every invariant holds ({report.organizations:,} organizations checked).")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    report = backup.backup(database_url(), Path(args.file))
    print(f"Backed up to {report.target} ({report.pages:,} pages, revision {report.revision}).")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    revision = backup.restore(Path(args.file), database_url())
    print(f"Restored {args.file} (revision {revision}); run `membersync migrate` if it is older "
          "than this version, then start the app.")
    return 0


def _cmd_export_report(args: argparse.Namespace) -> int:
    """Stream a report table as CSV, with the filters the page offers. It reads as the
    organization's owner, who may always see its reports."""
    query = {"role": args.role, "status": args.status, "q": args.search,
             "course_status": args.course_status, "active_from": args.active_from,
             "active_to": args.active_to,
             "inactive": str(args.inactive_days) if args.inactive_days else ""}
    filters = ReportFilters.from_query({key: value or "" for key, value in query.items()})
    with read_only_unit() as session:
        rows = reports.export_rows(session, actor=organizations.owner_of(session, org_id=args.org),
                                   org_id=args.org, report=args.report, filters=filters,
                                   sort=args.sort or "", descending=args.descending)
        with (Path(args.output).open("w", newline="", encoding="utf-8") if args.output
              else nullcontext(sys.stdout)) as stream:
            lines = 0
            for line in csv_safety.csv_lines(rows):
                stream.write(line)
                lines += 1
    if args.output:
        print(f"Wrote {lines - 1:,} rows to {args.output}.", file=sys.stderr)
    return 0


class ProgressBar:
    """A one-line text progress bar on stderr: redrawn in place on a terminal, else every 10%."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.in_place = stream.isatty()
        self.shown = -1

    def update(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        step = percent if self.in_place else percent - percent % 10
        if step == self.shown:
            return
        self.shown = step
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"[{bar}] {percent:3d}%  {done:,}/{total:,} members"
        self.stream.write(f"\r{line}" if self.in_place else f"{line}\n")
        self.stream.flush()

    def finish(self, note: str = "") -> None:
        if self.in_place:
            self.stream.write("\n")
        if note:
            self.stream.write(f"{note}\n")
        self.stream.flush()


def _positive_int(limit: int):
    def parse(text: str) -> int:
        value = whole_number(text)
        if value is None:
            raise argparse.ArgumentTypeError(f"“{shorten(text)}” is not a whole number")
        if value > limit:
            raise argparse.ArgumentTypeError(f"must be from 0 to {limit:,}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="membersync",
        description="MemberSync command line. The database is MEMBERSYNC_DATABASE_URL "
        "(default sqlite:///membersync.db).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("migrate", help="bring the database schema up to date (upgrade to head)")
    p.set_defaults(handler=_cmd_migrate)

    p = sub.add_parser("create-staff", help="create a staff account (admin pages)")
    p.add_argument("--username", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--password", help="asked for when left out (keeps it out of shell history)")
    p.add_argument("--full-name", default="", help="default: the username")
    p.set_defaults(handler=_cmd_create_staff)

    p = sub.add_parser("demo-data", help="load the demo organizations, people and courses")
    p.add_argument("--if-empty", action="store_true",
                   help="do nothing when the database already has users")
    p.add_argument("--members", type=_positive_int(MAX_MEMBERS_PER_ORG),
                   default=DEFAULT_MEMBERS_PER_ORG, metavar="N",
                   help=f"generated members per organization (default {DEFAULT_MEMBERS_PER_ORG});"
                        " with --courses, the members of one large organization")
    p.add_argument("--courses", type=_positive_int(MAX_LARGE_COURSES), default=0, metavar="M",
                   help="also build a large organization (Globex Academy) with M courses and "
                        "--members members, about half of their courses started")
    p.set_defaults(handler=_cmd_demo_data)

    p = sub.add_parser("outbox", help="list the last e-mails written to the outbox")
    p.add_argument("--last", type=_positive_int(10_000), default=10, metavar="N",
                   help="how many messages (default 10)")
    p.set_defaults(handler=_cmd_outbox)

    p = sub.add_parser("export-report", help="a report table as CSV (to a file or stdout)")
    p.add_argument("--org", type=int, required=True, metavar="ID", help="the organization's id")
    p.add_argument("--report", choices=["course", "user"], required=True)
    p.add_argument("--output", metavar="FILE", help="default: standard output")
    p.add_argument("--role", choices=[role.value for role in Role])
    p.add_argument("--status", choices=["active", "blocked", "all"], default="active",
                   help="membership status (default active)")
    p.add_argument("--search", help="name or e-mail contains")
    p.add_argument("--course-status", choices=[status.value for status in CourseStatus])
    p.add_argument("--active-from", metavar="YYYY-MM-DD", help="last activity on or after")
    p.add_argument("--active-to", metavar="YYYY-MM-DD", help="last activity on or before")
    p.add_argument("--inactive-days", type=_positive_int(MAX_INACTIVE_DAYS), metavar="N",
                   help="no activity in the last N days")
    p.add_argument("--sort", help="a column key (course: title, with_access, completion ...; "
                                  "user: name, email, progress, last_activity ...)")
    p.add_argument("--descending", action="store_true")
    p.set_defaults(handler=_cmd_export_report)

    p = sub.add_parser("unlock-account",
                       help="end an account's lock-out after too many failed sign-ins")
    p.add_argument("username", help="the account's username (or e-mail)")
    p.set_defaults(handler=_cmd_unlock_account)

    p = sub.add_parser("deliver-outbox", help="send every e-mail still waiting in the outbox "
                                              "(after a crash or an SMTP outage)")
    p.add_argument("--resend-uncertain", action="store_true",
                   help="also send again the messages a crash cut off mid-send")
    p.set_defaults(handler=_cmd_deliver_outbox)

    p = sub.add_parser("check", help="verify every invariant over the whole database")
    p.set_defaults(handler=_cmd_check)

    p = sub.add_parser("backup", help="a consistent copy of the SQLite database, also while "
                                      "the app runs")
    p.add_argument("file", help="the new backup file")
    p.set_defaults(handler=_cmd_backup)

    p = sub.add_parser("restore", help="replace the SQLite database with a backup (stop the "
                                       "app first)")
    p.add_argument("file", help="a file made by `membersync backup`")
    p.set_defaults(handler=_cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logs.quiet_known_warnings()
    args = build_parser().parse_args(argv)
    try:
        read_settings()
    except SettingsError as error:
        print(f"membersync: settings: {error}", file=sys.stderr)
        return 2
    # A command that queues e-mail sends it before it returns (the process may end right after).
    before = mail.deliver_after_commit(mail.AfterCommit.INLINE)
    try:
        return args.handler(args)
    except FieldErrors as error:
        for field, message in error.errors.items():
            print(f"membersync: {field}: {message}", file=sys.stderr)
    except ServiceError as error:
        print(f"membersync: {error.message}", file=sys.stderr)
    except (OperationalError, ProgrammingError) as error:
        print(f"membersync: database error: {error.orig or error}\n"
              "Is the database reachable, and migrated (`membersync migrate`)?", file=sys.stderr)
    finally:
        mail.deliver_after_commit(before)
    return 1


if __name__ == "__main__":
    sys.exit(main())
