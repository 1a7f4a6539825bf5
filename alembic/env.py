"""Alembic environment: MemberSync's SQLModel metadata and the database to migrate.

The URL is `sqlalchemy.url` when a caller set it on the Config (the tests do), otherwise
MEMBERSYNC_DATABASE_URL via `membersync_app.settings.database_url()`. A caller may also hand over
an open connection in `config.attributes["connection"]`. The app's own engine (BEGIN IMMEDIATE
on SQLite) is not used here: migrations need nothing but a plain connection.
"""

from logging.config import fileConfig

import sqlmodel
from alembic import context
from sqlalchemy import Connection, create_engine, pool

import membersync_app.models  # noqa: F401  (registers every table on SQLModel.metadata)
from membersync_app.settings import database_url

config = context.config

# Programmatic callers (tests, `membersync migrate` inside a larger program) may keep their own
# logging by setting attributes["configure_logger"] = False.
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = sqlmodel.SQLModel.metadata

CONFIGURE_OPTIONS = {
    "target_metadata": target_metadata,
    # SQLite cannot ALTER most things; batch mode copies the table instead.
    "render_as_batch": True,
    "compare_type": True,
}


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or database_url()


def run_migrations_offline() -> None:
    """Emit SQL to stdout (`alembic upgrade head --sql`) without connecting."""
    context.configure(
        url=_url(),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **CONFIGURE_OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_with(connection: Connection) -> None:
    context.configure(connection=connection, **CONFIGURE_OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _run_with(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
