from datetime import timedelta

import pytest
from sqlalchemy import select

from qingshan.accounts.errors import AccountError, AuthenticationFailed, DuplicateUser, InvalidToken
from qingshan.accounts.models import Role
from qingshan.accounts.security import create_token, read_token
from qingshan.accounts.service import authenticate, create_user
from qingshan.audit import acting_as
from qingshan.audit.models import AuditLog


def test_password_is_hashed_and_checked(session, regions):
    user = create_user(session, "hz", "correct-horse", Role.CITY, "330100")
    assert "correct-horse" not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")
    assert authenticate(session, "hz", "correct-horse").id == user.id
    with pytest.raises(AuthenticationFailed, match="wrong username or password"):
        authenticate(session, "hz", "wrong-password")
    with pytest.raises(AuthenticationFailed, match="wrong username or password"):
        authenticate(session, "nobody", "correct-horse")


def test_role_must_match_region_level(session, regions):
    with pytest.raises(AccountError, match="role city needs a city-level region code, got 330000"):
        create_user(session, "x", "long-enough", Role.CITY, "330000")
    with pytest.raises(AccountError, match="at least 8 characters"):
        create_user(session, "x", "short", Role.PROVINCE, "330000")
    with pytest.raises(AccountError, match="enterprise users need an enterprise_id"):
        create_user(session, "x", "long-enough", Role.ENTERPRISE, "330106")


def test_duplicate_username_is_refused(session, regions):
    create_user(session, "dup", "long-enough", Role.PROVINCE, "330000")
    with pytest.raises(DuplicateUser, match="user 'dup' already exists"):
        create_user(session, "dup", "long-enough", Role.PROVINCE, "330000")


def test_tokens_round_trip_and_expire():
    token = create_token("alice", "k" * 32, timedelta(minutes=5))
    assert read_token(token, "k" * 32) == "alice"
    with pytest.raises(InvalidToken, match="invalid token"):
        read_token(token, "other-key-" * 4)
    expired = create_token("alice", "k" * 32, timedelta(minutes=-1))
    with pytest.raises(InvalidToken, match="token expired"):
        read_token(expired, "k" * 32)


def test_every_change_writes_an_audit_row_without_the_password(session, regions):
    with acting_as("admin"):
        user = create_user(session, "audited", "long-enough", Role.COUNTY, "330106")
        user.display_name = "西湖区监测员"
        session.flush()
        session.delete(user)
        session.flush()
    rows = session.scalars(
        select(AuditLog).where(AuditLog.entity == "app_user").order_by(AuditLog.id)
    ).all()
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert all(r.actor == "admin" for r in rows)
    assert rows[0].after["username"] == "audited" and "password_hash" not in rows[0].after
    assert rows[1].before == {"display_name": "audited"}
    assert rows[1].after == {"display_name": "西湖区监测员"}
    assert rows[2].before["region_code"] == "330106" and rows[2].after is None
    assert rows[0].entity_id == str(user.id)
