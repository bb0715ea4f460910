"""Alembic environment: uses the connection handed over by :func:`qingshan.db.migrate.upgrade`,
or the URL of the config when run by the ``alembic`` command itself.

The migrations are explicit scripts; the model list (:mod:`qingshan.platform.models`, at the
top of the house, which ``db`` may not import) is handed over as ``attributes["metadata"]`` by
whoever wants autogenerate or comparison.
"""

from alembic import context
from sqlalchemy import create_engine

config = context.config
target_metadata = config.attributes.get("metadata")


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
