"""Audit rows (issue 9, item 14): a secret's change is recorded without its value; the CLI
acts as ``cli:<OS user>``."""

import getpass

from sqlalchemy import select

from qingshan.audit import acting_as
from qingshan.audit.log import REDACTED, cli_actor
from qingshan.audit.models import AuditLog
from qingshan.db.engine import session_scope
from qingshan.hj212.registry import add_device, update_device


def _rows(session, entity):
    return list(
        session.scalars(select(AuditLog).where(AuditLog.entity == entity).order_by(AuditLog.id))
    )


def test_a_device_password_change_leaves_an_audit_row_without_the_password(engine):
    with acting_as("admin"), session_scope(engine) as s:
        add_device(s, "MN0001", "old-secret")
    with acting_as("admin"), session_scope(engine) as s:
        update_device(s, "MN0001", password="new-secret")
    with session_scope(engine) as s:
        create, change = _rows(s, "hj212_device")
        assert "password" not in create.after
        assert (change.action, change.actor) == ("update", "admin")
        assert change.before == {"password": REDACTED} and change.after == {"password": REDACTED}
        assert "secret" not in repr((change.before, change.after, create.after))


def test_setting_the_same_password_again_is_no_change(engine):
    with acting_as("admin"), session_scope(engine) as s:
        add_device(s, "MN0001", "same-secret")
    with acting_as("admin"), session_scope(engine) as s:
        update_device(s, "MN0001", password="same-secret")
    with session_scope(engine) as s:
        assert [r.action for r in _rows(s, "hj212_device")] == ["create"]


def test_the_cli_acts_as_its_os_user(engine):
    assert cli_actor() == f"cli:{getpass.getuser()}"
    with acting_as("cli"), session_scope(engine) as s:
        add_device(s, "MN0001", "123456")
    with session_scope(engine) as s:
        [row] = _rows(s, "hj212_device")
        assert row.actor == f"cli:{getpass.getuser()}"
