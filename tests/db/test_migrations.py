import pytest
from sqlalchemy import inspect

from qingshan.db.engine import DatabaseError, make_engine
from qingshan.db.migrate import current_revision, head_revision, is_up_to_date
from qingshan.platform.models import metadata


def test_upgrade_on_empty_database_creates_every_table(engine):
    assert is_up_to_date(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables


def test_unreachable_database_names_the_problem():
    with pytest.raises(
        DatabaseError,
        match=r"cannot connect to the database postgresql\+psycopg://u:\*\*\*@127\.0\.0\.1:1/x",
    ):
        make_engine("postgresql+psycopg://u:secret@127.0.0.1:1/x?connect_timeout=2")
