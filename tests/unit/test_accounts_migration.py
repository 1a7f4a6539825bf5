"""The accounts revision (b7e1f0a2c307): existing links stay "set your password" links, existing
sessions count as last seen when they started; downgrade drops the new kinds of link."""

from alembic import command
from factories import run_sql

from membersync_app import cli

REVISION = "b7e1f0a2c307"


def test_existing_links_and_sessions_keep_working_and_downgrade_drops_the_new_links(
        empty_database_url):
    url = empty_database_url
    config = cli.alembic_config(url)
    command.upgrade(config, f"{REVISION}-1")
    run_sql(url,
         "INSERT INTO users (id, username, email, full_name, password_hash, is_staff, is_active,"
         " created_at) VALUES (1, 'ann', 'ann@x.org', '', '', false, true, CURRENT_TIMESTAMP)",
         "INSERT INTO password_set_tokens (token_hash, user_id, created_at, expires_at)"
         " VALUES ('h1', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
         "INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at, activated_at)"
         " VALUES ('s1', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '2026-11-01 10:00:00'),"
         " ('s2', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, NULL)")
    command.upgrade(config, REVISION)
    assert run_sql(url, "SELECT token_hash, purpose, new_email FROM password_set_tokens") == [
        ("h1", "set_password", None)]
    rows = run_sql(url, "SELECT token_hash, user_agent, last_seen_at IS NOT NULL FROM auth_sessions"
                     " ORDER BY token_hash")
    assert [tuple(row) for row in rows] == [("s1", "", True), ("s2", "", False)]

    run_sql(url, "INSERT INTO password_set_tokens (token_hash, user_id, created_at, expires_at,"
              " purpose, new_email) VALUES ('h2', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
              " 'change_email', 'new@x.org')")
    command.downgrade(config, f"{REVISION}-1")
    assert run_sql(url, "SELECT token_hash FROM password_set_tokens") == [("h1",)]
    command.upgrade(config, "head")
