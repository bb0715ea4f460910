"""Alembic environment: uses the connection handed over by :func:`qingshan.db.migrate.upgrade`,
or the URL of the config when run by the ``alembic`` command itself."""

from alembic import context
from sqlalchemy import create_engine

import qingshan.db.models as models

config = context.config
target_metadata = models.metadata


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
