"""Single sign-on without a provider: claims → identity, the usernames of subjects, linked
accounts on a database, and the settings' checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from qingshan.accounts.errors import AuthenticationFailed
from qingshan.accounts.models import Role
from qingshan.accounts.oidc import (
    Identity,
    SingleSignOnRefused,
    identity_from_claims,
    link_account,
    link_marker,
    login_oidc,
    username_for_subject,
)
from qingshan.accounts.service import authenticate
from qingshan.config import Settings

CLAIMS = {"role_claim": "qingshan_role", "region_claim": "region_code"}


def _identity(**claims):
    return identity_from_claims({"sub": "alice", **claims}, **CLAIMS)


def test_claims_give_role_region_and_name():
    assert _identity(qingshan_role="province", region_code="330000", name="王丽") == Identity(
        "alice", Role.PROVINCE, "330000", "王丽"
    )
    # a numeric region code, and the name falls back to preferred_username, then the subject
    assert _identity(qingshan_role="county", region_code=330106) == Identity(
        "alice", Role.COUNTY, "330106", "alice"
    )
    assert (
        _identity(
            qingshan_role="public", region_code="330100", preferred_username="ali"
        ).display_name
        == "ali"
    )


def test_other_claim_names():
    claims = {"sub": "a", "gov_role": "city", "gov_region": "330200"}
    identity = identity_from_claims(claims, role_claim="gov_role", region_claim="gov_region")
    assert (identity.role, identity.region_code) == (Role.CITY, "330200")


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"qingshan_role": "city", "region_code": "330106"},
         r"claims 'qingshan_role'/'region_code': role city needs a city-level region code, "
         r"got 330106 \(county\)"),
        ({"qingshan_role": "province", "region_code": "330100"},
         "role province needs a province-level region code"),
        ({"qingshan_role": "enterprise", "region_code": "330100"},
         r"claim 'qingshan_role' is 'enterprise': not a role that signs in through the identity "
         r"provider \(valid: province, city, county, public\)"),
        ({"region_code": "330100"}, "claim 'qingshan_role' is None"),
        ({"qingshan_role": ["city"], "region_code": "330100"}, r"is \['city'\]"),
        ({"qingshan_role": "city"}, "claim 'region_code' is None: a GB/T 2260 region code"),
        ({"qingshan_role": "city", "region_code": True}, "claim 'region_code' is True"),
        ({"qingshan_role": "city", "region_code": "3301"}, "is not a GB/T 2260 code"),
        ({"qingshan_role": "county", "region_code": "330199"}, "not a county-level division"),
    ],
)  # fmt: skip
def test_claims_that_give_no_account(claims, message):
    with pytest.raises(SingleSignOnRefused, match=message) as info:
        _identity(**claims)
    assert info.value.status_code == 403 and info.value.context["subject"] == "alice"


def test_a_token_without_a_subject_is_refused():
    with pytest.raises(SingleSignOnRefused, match=r"the ID token has no subject \(sub\)"):
        identity_from_claims({"qingshan_role": "city", "region_code": "330100"}, **CLAIMS)


def test_usernames_of_subjects():
    assert username_for_subject("alice") == "oidc:alice"
    assert username_for_subject("zhang.wei@zj.gov.cn") == "oidc:zhang.wei@zj.gov.cn"
    long, upper = "a" * 60, "Alice"
    names = {username_for_subject(s) for s in (long, long + "b", upper, "alice", "ALICE")}
    assert len(names) == 5  # no two subjects share an account
    for subject in (long, upper, "李娜", "a b", "x" * 255):
        name = username_for_subject(subject)
        assert name.startswith("oidc:~") and len(name) == 64
    # usernames are unique whatever their case: subjects differing in case must differ anyway
    assert username_for_subject("Alice").lower() != username_for_subject("alice").lower()


def test_the_link_marker_is_no_password_hash(session, regions):
    marker = link_marker("https://idp.example/")
    assert marker == link_marker("https://idp.example") != link_marker("https://other.example")
    user = link_account(session, _identity(qingshan_role="city", region_code="330100"),
                        issuer="https://idp.example")  # fmt: skip
    assert user.password_hash == marker
    for guess in ("", marker, "!oidc:", "alice"):
        with pytest.raises(AuthenticationFailed, match="wrong username or password"):
            authenticate(session, "oidc:alice", guess)


def test_linking_a_name_twice_is_refused(session, regions):
    identity = _identity(qingshan_role="city", region_code="330100")
    link_account(session, identity, issuer="https://idp.example")
    with pytest.raises(SingleSignOnRefused, match="an account named 'oidc:alice' exists already"):
        link_account(session, identity, issuer="https://idp.example")


def test_a_region_missing_from_the_table_is_refused(session, regions):
    claims = {"sub": "bob", "qingshan_role": "county", "region_code": "330102"}
    with pytest.raises(SingleSignOnRefused, match="region 330102 is not in this platform's"):
        login_oidc(session, claims, issuer="https://idp.example", provision=True,
                   address="127.0.0.1", **CLAIMS)  # fmt: skip


# ----------------------------------------------------------------------------- settings

OIDC = {
    "oidc_issuer": "https://idp.zj.gov.cn/oidc",
    "oidc_client_id": "qingshan",
    "oidc_client_secret": "s3cret",
}


def test_single_sign_on_is_off_by_default():
    settings = Settings()
    assert settings.oidc_enabled is False and settings.oidc_issuer is None
    assert (settings.oidc_role_claim, settings.oidc_region_claim) == (
        "qingshan_role",
        "region_code",
    )
    assert settings.oidc_provision_users is True
    assert settings.oidc_display_name == "政务服务网统一身份认证"


def test_settings_that_configure_single_sign_on():
    settings = Settings(**OIDC)
    assert settings.oidc_enabled
    assert "s3cret" not in repr(settings)
    assert Settings(**(OIDC | {"oidc_issuer": "http://127.0.0.1:8080"})).oidc_enabled
    assert Settings(**(OIDC | {"oidc_issuer": "http://localhost:8080/realms/zj"})).oidc_enabled
    assert not Settings(oidc_issuer=" ", oidc_client_id="", oidc_client_secret="").oidc_enabled


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"oidc_issuer": "http://idp.zj.gov.cn"},
         r"oidc_issuer\n.*must use https \(plain http only for localhost or 127.0.0.1\)"),
        ({"oidc_issuer": "idp.zj.gov.cn"}, "is not an https:// URL"),
        ({"oidc_issuer": "https://idp.zj.gov.cn/?x=1"}, "an issuer URL has no query or fragment"),
        ({"oidc_client_secret": None},
         r"oidc_client_secret\n.*needs QINGSHAN_OIDC_ISSUER, QINGSHAN_OIDC_CLIENT_ID and "
         r"QINGSHAN_OIDC_CLIENT_SECRET together, or none of them; missing: "
         r"QINGSHAN_OIDC_CLIENT_SECRET"),
        ({"oidc_issuer": None, "oidc_client_id": None}, r"missing: QINGSHAN_OIDC_ISSUER, "
         r"QINGSHAN_OIDC_CLIENT_ID"),
        ({"oidc_scopes": "profile email"}, "lacks the scope openid"),
    ],
)  # fmt: skip
def test_bad_single_sign_on_settings_are_refused(changes, message):
    with pytest.raises(ValidationError, match=message):
        Settings(**(OIDC | changes))


def test_bad_settings_name_the_variable(monkeypatch):
    from qingshan.config import get_settings
    from qingshan.errors import ConfigurationError

    monkeypatch.setenv("QINGSHAN_OIDC_ISSUER", "https://idp.zj.gov.cn")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="QINGSHAN_OIDC_CLIENT_SECRET: Value error"):
            get_settings()
    finally:
        get_settings.cache_clear()
