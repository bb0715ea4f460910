"""Issue 9, items 5 and 6: sessions, secrets, passwords, usernames, login throttling."""

from datetime import timedelta

import jwt
import pytest

from qingshan.accounts.errors import (
    AccountError,
    AuthenticationFailed,
    DuplicateUser,
    InvalidToken,
    TooManyAttempts,
)
from qingshan.accounts.models import Role
from qingshan.accounts.security import create_token, read_token, read_token_claims
from qingshan.accounts.service import (
    authenticate,
    create_user,
    issue_token,
    revoke_token,
    user_for_token,
)
from qingshan.accounts.throttle import LoginGuard
from qingshan.config import Settings
from qingshan.errors import ConfigurationError
from qingshan.timeutil import utcnow

KEY = "k" * 32


# --- item 6: tokens ----------------------------------------------------------------------------


def test_a_token_without_exp_is_refused():
    token = jwt.encode({"sub": "alice", "jti": "x"}, KEY, algorithm="HS256")
    with pytest.raises(InvalidToken, match='"exp"'):
        read_token(token, KEY)


def test_a_token_without_jti_is_refused():
    now = utcnow()
    token = jwt.encode({"sub": "alice", "exp": now + timedelta(minutes=5)}, KEY, algorithm="HS256")
    with pytest.raises(InvalidToken, match='"jti"'):
        read_token(token, KEY)


def test_tokens_carry_exp_and_a_unique_id():
    a, b = (create_token("alice", KEY, timedelta(minutes=5)) for _ in range(2))
    ca, cb = read_token_claims(a, KEY), read_token_claims(b, KEY)
    assert ca.jti != cb.jti and ca.expires_at > utcnow()


def test_a_revoked_token_is_refused(session, regions):
    user = create_user(session, "hz", "correct-horse", Role.CITY, "330100")
    token, other = (issue_token(user, KEY, 5) for _ in range(2))
    assert user_for_token(session, token, KEY).id == user.id
    revoke_token(session, token, KEY)
    revoke_token(session, token, KEY)  # twice: no error
    with pytest.raises(InvalidToken, match="revoked"):
        user_for_token(session, token, KEY)
    assert user_for_token(session, other, KEY).id == user.id  # only that session ends


# --- item 6: secrets ---------------------------------------------------------------------------


def test_a_short_secret_is_refused_outside_demo_mode():
    with pytest.raises(ConfigurationError, match="too short: at least 32 bytes"):
        _ = Settings(secret_key="x", demo=False).signing_key
    with pytest.raises(ConfigurationError, match="too short"):
        _ = Settings(secret_key="x" * 31, demo=False).signing_key
    assert Settings(secret_key="x" * 32, demo=False).signing_key == "x" * 32
    assert Settings(secret_key="x", demo=True).signing_key == "x"  # the demo allows it


# --- item 6: passwords and usernames ------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("hz", "short", "at least 8 characters"),
        ("hz", " " * 12, "only spaces"),
        ("hangzhou-admin", "hangzhou-admin", "not be the username"),
        ("hangzhou-admin", "HANGZHOU-ADMIN", "not be the username"),
    ],
)
def test_password_policy(session, regions, username, password, message):
    with pytest.raises(AccountError, match=message):
        create_user(session, username, password, Role.CITY, "330100")


def test_usernames_are_unique_whatever_their_case(session, regions):
    create_user(session, "Admin", "long-enough", Role.PROVINCE, "330000")
    with pytest.raises(DuplicateUser, match="user 'admin' already exists"):
        create_user(session, "admin", "long-enough", Role.PROVINCE, "330000")


def test_the_database_refuses_usernames_differing_only_in_case(session, regions):
    from sqlalchemy.exc import IntegrityError

    from qingshan.accounts.models import User
    from qingshan.accounts.security import hash_password

    create_user(session, "Admin", "long-enough", Role.PROVINCE, "330000")
    session.add(
        User(
            username="ADMIN",
            password_hash=hash_password("x"),
            role=Role.PROVINCE,
            region_code="330000",
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_login_ignores_the_case_of_the_username(session, regions):
    user = create_user(session, "Admin", "long-enough", Role.PROVINCE, "330000")
    assert authenticate(session, "admin", "long-enough").id == user.id


# --- item 5: throttling ------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_lockout_after_n_failures_grows_and_ends_on_success():
    clock = Clock()
    guard = LoginGuard("100/minute", "100/minute", 3, 10, 60, clock=clock)
    for _ in range(3):
        guard.check("hz", "1.2.3.4")
        guard.failed("hz", "1.2.3.4")
    with pytest.raises(TooManyAttempts, match="locked") as info:
        guard.check("HZ", "5.6.7.8")  # per account, whatever the case and the address
    assert info.value.context["retry_after"] == 10
    clock.now += 11
    guard.check("hz", "1.2.3.4")
    guard.failed("hz", "1.2.3.4")  # the 4th failure: 20 s
    with pytest.raises(TooManyAttempts) as info:
        guard.check("hz", "1.2.3.4")
    assert info.value.context["retry_after"] == 20
    clock.now += 21
    guard.check("hz", "1.2.3.4")
    guard.failed("hz", "1.2.3.4")
    guard.failed("hz", "1.2.3.4")
    guard.failed("hz", "1.2.3.4")  # 7th: 10 * 2**4 = 160 → capped at 60
    with pytest.raises(TooManyAttempts) as info:
        guard.check("hz", "1.2.3.4")
    assert info.value.context["retry_after"] == 60
    clock.now += 61
    guard.check("hz", "1.2.3.4")
    guard.succeeded("hz")
    guard.failed("hz", "1.2.3.4")
    guard.check("hz", "1.2.3.4")  # one failure after a success: not locked
    guard.check("other", "1.2.3.4")  # other accounts are not affected


def test_rate_limits_of_failures_per_account_and_per_address():
    guard = LoginGuard("3/minute", "5/minute", 100, 10, 60)
    for _ in range(3):
        guard.check("hz", "1.1.1.1")
        guard.failed("hz", "1.1.1.1")
    with pytest.raises(TooManyAttempts, match="for this account"):
        guard.check("hz", "2.2.2.2")
    for _ in range(2):
        guard.check("nb", "1.1.1.1")
        guard.failed("nb", "1.1.1.1")  # the address's 5th failure
    with pytest.raises(TooManyAttempts, match="from this address"):
        guard.check("wz", "1.1.1.1")
    guard.check("wz", "3.3.3.3")


def test_successful_logins_are_not_limited():
    guard = LoginGuard("3/minute", "5/minute", 100, 10, 60)
    for _ in range(20):
        guard.check("hz", "1.1.1.1")
        guard.succeeded("hz")


def test_unknown_and_known_users_take_the_same_time(session, regions):
    """No enumeration by timing: an unknown user costs an Argon2 check too. Measured in this
    process's CPU time (Argon2 runs in the calling thread), the two alternating, so that other
    processes on a busy machine do not decide the comparison (wall time made it flaky)."""
    import time

    create_user(session, "hz", "correct-horse", Role.CITY, "330100")
    best = {"hz": float("inf"), "nobody": float("inf")}
    for _ in range(5):
        for username in best:
            t0 = time.process_time()
            with pytest.raises(AuthenticationFailed):
                authenticate(session, username, "wrong-password")
            best[username] = min(best[username], time.process_time() - t0)
    known, unknown = best["hz"], best["nobody"]
    assert unknown > known * 0.5, (known, unknown)
