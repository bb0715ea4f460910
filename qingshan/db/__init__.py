"""The relational store: SQLAlchemy 2 engine and sessions, declarative base, Alembic migrations."""

from qingshan.db.base import Base
from qingshan.db.engine import DatabaseError, get_engine, make_engine, session_scope

__all__ = ["Base", "DatabaseError", "get_engine", "make_engine", "session_scope"]
