"""Enterprise accounts: self-registration (credit code checked, enterprise in the archive,
house password rules, one pending application per enterprise), approval by a bureau account of
the region (the account is created then; a pending applicant cannot log in), rejection with a
reason, the bureau creating an account for several enterprises, and the guard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from qingshan.accounts.errors import AuthenticationFailed
from qingshan.accounts.models import Role, User
from qingshan.accounts.service import authenticate, create_user, scope_of
from qingshan.archive.models import Enterprise, Industry
from qingshan.audit.log import acting_as
from qingshan.audit.models import AuditLog
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.portal.onboarding import service as ob
from qingshan.portal.onboarding.errors import (
    OnboardingError,
    OnboardingNotPermitted,
    RegistrationDecided,
    RegistrationNotFound,
    TooManyRegistrations,
)
from qingshan.portal.onboarding.guard import RegistrationGuard

PASSWORD = "onboarding-pass"
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
CODE_XH = "91330106MA2QNB001A"
CODE_NB = "91330203MA2QNB0027"
CODE_XH2 = "91330106MA2QNB003G"


@pytest.fixture
def world(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        ents = [Enterprise(credit_code=c, name=n, industry=Industry.CHEMICAL, region_code=r)
                for c, n, r in [(CODE_XH, "西湖印染（测试）", "330106"),
                                (CODE_NB, "海曙电镀（测试）", "330203"),
                                (CODE_XH2, "西湖纸业（测试）", "330106")]]  # fmt: skip
        s.add_all(ents)
        s.flush()
        for name, role, region in [("hz", Role.CITY, "330100"), ("xh", Role.COUNTY, "330106"),
                                   ("nb", Role.CITY, "330200")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        create_user(s, "ent_x", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=ents[0].id)
        ids = [e.id for e in ents]
    return engine, ids


def _scope(s, username):
    return scope_of(s.scalar(select(User).where(User.username == username)))


def _apply(s, **kw):
    args = dict(credit_code=CODE_XH.lower(), contact_name="王 芳", contact_phone="0571-8888 1234",
                username="xhyr", password="xihu-yinran-2026", now=T0)  # fmt: skip
    return ob.register(s, **(args | kw))


def test_register_approve_login(world):
    engine, ids = world
    with session_scope(engine) as s, acting_as("applicant:xhyr"):
        r = _apply(s)
        assert (r.state, r.enterprise_id, r.region_code, r.credit_code) == (
            "pending", ids[0], "330106", CODE_XH)  # fmt: skip
        assert r.contact_name == "王 芳"
    with session_scope(engine) as s:
        # pending: no account, so no login; the applicant sees the state
        with pytest.raises(AuthenticationFailed):
            authenticate(s, "xhyr", "xihu-yinran-2026")
        assert ob.registration_status(s, "XHYR", "xihu-yinran-2026").state == "pending"
        with pytest.raises(RegistrationNotFound):
            ob.registration_status(s, "xhyr", "wrong-password-1")
        with pytest.raises(RegistrationNotFound):
            ob.registration_status(s, "nobody", "xihu-yinran-2026")
        # ningbo's bureau does not see it; the enterprise account may not review
        assert ob.pending_registrations(s, _scope(s, "nb")) == []
        with pytest.raises(RegistrationNotFound):
            ob.approve(s, _scope(s, "nb"), r.id)
        with pytest.raises(OnboardingNotPermitted):
            ob.approve(s, _scope(s, "ent_x"), r.id)
        assert [p.id for p in ob.pending_registrations(s, _scope(s, "hz"))] == [r.id]
    with session_scope(engine) as s, acting_as("xh"):
        done = ob.approve(s, _scope(s, "xh"), r.id, now=T0)
        assert (done.state, done.reviewed_by) == ("approved", "xh")
    with session_scope(engine) as s:
        user = authenticate(s, "xhyr", "xihu-yinran-2026")
        assert (user.role, user.region_code, user.enterprise_ids) == (
            Role.ENTERPRISE, "330106", frozenset({ids[0]}))  # fmt: skip
        assert ob.registration_status(s, "xhyr", "xihu-yinran-2026").state == "approved"
        with pytest.raises(
            RegistrationDecided, match="'approve' is not allowed in state 'approved'"
        ):
            ob.approve(s, _scope(s, "xh"), r.id)
        # audited: the application by the applicant, the account and the approval by xh
        rows = s.execute(
            select(AuditLog.actor, AuditLog.action, AuditLog.entity)
            .where(AuditLog.entity.in_(["portal_registration", "app_user"]))
            .order_by(AuditLog.id)
        ).all()
        assert ("applicant:xhyr", "create", "portal_registration") in rows
        assert ("xh", "create", "app_user") in rows
        assert ("xh", "update", "portal_registration") in rows
        # the password hash never reaches the audit log
        assert all("$argon2" not in str(a) for a in s.scalars(select(AuditLog.after)).all())


def test_reject_and_bad_input(world):
    engine, ids = world
    with session_scope(engine) as s:
        r = _apply(s)
        with pytest.raises(OnboardingError, match="already has an application waiting"):
            _apply(s, username="other1")
        with pytest.raises(OnboardingError, match="needs a reason"):
            ob.reject(s, _scope(s, "xh"), r.id, reason=" ")
        out = ob.reject(s, _scope(s, "xh"), r.id, reason="联系人非企业员工", now=T0)
        assert (out.state, out.reason) == ("rejected", "联系人非企业员工")
        assert ob.registration_status(s, "xhyr", "xihu-yinran-2026").reason == "联系人非企业员工"
        # rejected: the enterprise may apply again, with the same username
        assert _apply(s).state == "pending"
        bad = {
            "credit_code": ("91330106MA2QNB001B", "position 18"),
            "contact_phone": ("call me", "contact phone"),
            "username": ("x", "username 'x'"),
            "password": ("short", "at least 8 characters"),
        }
        for field, (value, msg) in bad.items():
            with pytest.raises(OnboardingError, match=msg) as exc:
                _apply(s, **({"credit_code": CODE_XH2} | {field: value}))
            assert exc.value.field == field
        with pytest.raises(OnboardingError, match="not in the enterprise archive"):
            _apply(s, credit_code="91330106MA2QNB004K", username="zz9")
        with pytest.raises(OnboardingError, match="'ent_x' is taken"):
            _apply(s, credit_code=CODE_XH2, username="ent_x", password="ent-x-password")
        with pytest.raises(OnboardingError, match="password must not be the username"):
            _apply(s, credit_code=CODE_XH2, username="xhzy12345", password="XHZY12345")


def test_bureau_creates_account_for_several(world):
    engine, ids = world
    with session_scope(engine) as s:
        hz = _scope(s, "hz")
        acc = ob.create_enterprise_account(
            s, hz, username="xh_group", password="xihu-group-2026", enterprise_ids=[ids[0], ids[2]]
        )
        assert [e[0] for e in acc.enterprises] == [ids[0], ids[2]]
        assert acc.region_code == "330106" and acc.display_name == "西湖印染（测试）"
        with pytest.raises(OnboardingNotPermitted, match="outside the region 330100"):
            ob.create_enterprise_account(s, hz, username="nbx", password="nbx-password-1",
                                         enterprise_ids=[ids[1]])  # fmt: skip
        names = [a.username for a in ob.enterprise_accounts(s, _scope(s, "xh"))]
        assert names == ["ent_x", "xh_group"]
        assert ob.enterprise_accounts(s, _scope(s, "nb")) == []


def test_guard():
    guard = RegistrationGuard(per_address="2/hour", lookups_per_address="1/hour")
    for _ in range(2):
        guard.check_submission("10.0.0.1")
        guard.submitted("10.0.0.1")
    with pytest.raises(TooManyRegistrations) as exc:
        guard.check_submission("10.0.0.1")
    assert exc.value.status_code == 429 and exc.value.context["retry_after"] > 0
    guard.check_submission("10.0.0.2")  # another address is not held back
    guard.failed_lookup("10.0.0.1")
    with pytest.raises(TooManyRegistrations, match="failed status lookups"):
        guard.check_lookup("10.0.0.1")
    with pytest.raises(OnboardingError, match="not filled in by a person"):
        RegistrationGuard.check_form("http://spam", None)
    with pytest.raises(OnboardingError, match=r"came back 1\.0 s after"):
        RegistrationGuard.check_form("", 100.0, now=101.0)
    RegistrationGuard.check_form("", 100.0, now=110.0)
