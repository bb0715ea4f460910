"""Single sign-on: the claims of an OpenID Connect ID token → a local account.

The government's identity provider (IdP) vouches for who signs in and says, in two claims, with
which role and for which region (``QINGSHAN_OIDC_ROLE_CLAIM``, ``QINGSHAN_OIDC_REGION_CLAIM``).
This module maps those claims to an account under the rules local accounts have (the role must
match the region's level; enterprise accounts need an enterprise link, which the IdP does not
carry, so they sign in locally) and finds, creates or refreshes the account; the protocol
itself (redirects, state, nonce, signatures) is :mod:`qingshan.web.oidc`'s.

The account of subject ``sub`` is named ``oidc:<sub>`` (:func:`username_for_subject`) and is
*linked*: its password hash is :func:`link_marker` of the issuer, which is no Argon2 hash, so no
password ever matches it and a local account of the same name (whose hash is an Argon2 hash) is
never taken over. The IdP is the source of truth: every login refreshes role, region and name
from the claims; the audit listener records the change under the actor :data:`OIDC_ACTOR`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.errors import AccountError
from qingshan.accounts.models import Role, User
from qingshan.accounts.service import _check_role_region
from qingshan.audit.log import acting_as, record_event
from qingshan.geo.errors import GeoError
from qingshan.geo.models import Region
from qingshan.geo.regions import get_region

#: the actor of the account changes a login through the identity provider makes
OIDC_ACTOR = "oidc"
#: the prefix of the accounts of the identity provider's subjects
USERNAME_PREFIX = "oidc:"
#: roles the identity provider may give (enterprise accounts need an enterprise link: local)
SSO_ROLES: tuple[Role, ...] = (Role.PROVINCE, Role.CITY, Role.COUNTY, Role.PUBLIC)

_USERNAME_LENGTH = 64  # app_user.username
_DISPLAY_NAME_LENGTH = 128  # app_user.display_name
#: subjects kept as they are in the username; others are hashed (lower case only: usernames are
#: unique whatever their case, and two subjects differing in case are two people)
_PLAIN_SUBJECT = re.compile(rf"[a-z0-9._@-]{{1,{_USERNAME_LENGTH - len(USERNAME_PREFIX)}}}")


class SingleSignOnFailed(AccountError):
    """A sign-in through the identity provider failed: its answer could not be trusted (state,
    nonce, signature, issuer, audience or expiry wrong) or it refused. No session is made."""

    status_code = 401


class SingleSignOnRefused(SingleSignOnFailed):
    """The identity provider vouched for the subject, but the claims give no account here (an
    unknown role, a bad region, a role that does not match the region's level, an account that
    is disabled, not linked, or local)."""

    status_code = 403


class IdentityProviderUnavailable(SingleSignOnFailed):
    """The identity provider could not be reached, or its discovery document is wrong."""

    status_code = 502


@dataclass(frozen=True)
class Identity:
    """Who the identity provider says signed in, mapped to this platform's terms."""

    subject: str
    role: Role
    region_code: str
    display_name: str


def username_for_subject(subject: str) -> str:
    """The local username of subject ``subject``: ``oidc:<sub>`` when the subject is short and
    lower-case (``[a-z0-9._@-]``), else ``oidc:~`` and 58 hex digits of its SHA-256 (no two
    subjects share a username: ``~`` never appears in a plain one)."""
    if _PLAIN_SUBJECT.fullmatch(subject):
        return USERNAME_PREFIX + subject
    digest = hashlib.sha256(subject.encode()).hexdigest()
    return (USERNAME_PREFIX + "~" + digest)[:_USERNAME_LENGTH]


def link_marker(issuer: str) -> str:
    """The password hash of an account linked to ``issuer``: not an Argon2 hash (no password
    matches it), and different for another issuer (whose subjects are other people)."""
    return "!oidc:" + hashlib.sha256(issuer.rstrip("/").encode()).hexdigest()[:32]


def identity_from_claims(
    claims: Mapping[str, Any], *, role_claim: str, region_claim: str
) -> Identity:
    """The identity verified ID token ``claims`` describe.

    Raises :class:`SingleSignOnRefused` naming the claim and the values allowed when the role
    is missing or not one of :data:`SSO_ROLES`, the region is not a region of Zhejiang, or the
    role does not match the region's level (a city role needs a city code).
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise SingleSignOnRefused("the ID token has no subject (sub)")
    role_value = claims.get(role_claim)
    valid = ", ".join(r.value for r in SSO_ROLES)
    if not isinstance(role_value, str) or role_value not in {r.value for r in SSO_ROLES}:
        raise SingleSignOnRefused(
            f"claim {role_claim!r} is {role_value!r}: not a role that signs in through the "
            f"identity provider (valid: {valid})",
            subject=subject,
        )
    role = Role(role_value)
    region = claims.get(region_claim)
    if isinstance(region, int) and not isinstance(region, bool):
        region = str(region)
    if not isinstance(region, str):
        raise SingleSignOnRefused(
            f"claim {region_claim!r} is {region!r}: a GB/T 2260 region code is needed, "
            "e.g. '330100'",
            subject=subject,
        )
    try:
        get_region(region)
        _check_role_region(role, region)
    except (GeoError, AccountError) as exc:
        raise SingleSignOnRefused(
            f"claims {role_claim!r}/{region_claim!r}: {exc}", subject=subject
        ) from exc
    name = next(
        (v for k in ("name", "preferred_username") if isinstance(v := claims.get(k), str) and v),
        subject,
    )
    return Identity(subject, role, region, name.strip()[:_DISPLAY_NAME_LENGTH] or subject[:64])


def _find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def link_account(session: Session, identity: Identity, *, issuer: str) -> User:
    """Create the linked account of ``identity`` (at first login, or beforehand when accounts
    are not provisioned: ``QINGSHAN_OIDC_PROVISION_USERS=0``). Audited under
    :data:`OIDC_ACTOR`; a name already taken raises :class:`SingleSignOnRefused`."""
    username = username_for_subject(identity.subject)
    if _find_user(session, username) is not None:
        raise SingleSignOnRefused(
            f"an account named {username!r} exists already", subject=identity.subject
        )
    user = User(
        username=username,
        display_name=identity.display_name,
        password_hash=link_marker(issuer),
        role=identity.role,
        region_code=identity.region_code,
    )
    session.add(user)
    with acting_as(OIDC_ACTOR):
        session.flush()
    return user


def _linked_user(session: Session, identity: Identity, *, issuer: str, provision: bool) -> User:
    if session.get(Region, identity.region_code) is None:
        raise SingleSignOnRefused(
            f"region {identity.region_code} is not in this platform's region table",
            subject=identity.subject,
        )
    username = username_for_subject(identity.subject)
    user = _find_user(session, username)
    if user is None:
        if not provision:
            raise SingleSignOnRefused(
                f"no account is linked to subject {identity.subject!r} and accounts are not "
                "created at first login here: ask an administrator to link one",
                subject=identity.subject,
            )
        return link_account(session, identity, issuer=issuer)
    if user.password_hash != link_marker(issuer):
        raise SingleSignOnRefused(
            f"the account {user.username!r} is a local account (or linked to another identity "
            "provider): it cannot be signed in to through this identity provider",
            subject=identity.subject,
        )
    if not user.active:
        raise SingleSignOnRefused(
            f"the account {user.username!r} is disabled", subject=identity.subject
        )
    # the identity provider is the source of truth: role, region and name follow the claims
    user.role = identity.role
    user.region_code = identity.region_code
    user.display_name = identity.display_name
    with acting_as(OIDC_ACTOR):
        session.flush()
    return user


def login_oidc(
    session: Session,
    claims: Mapping[str, Any],
    *,
    issuer: str,
    role_claim: str,
    region_claim: str,
    provision: bool,
    address: str,
) -> User:
    """A login through the identity provider with verified ID token ``claims``: the linked
    account, created on first login if ``provision``, its role, region and name refreshed from
    the claims; audited as ``login`` (method ``oidc``).

    A refusal (:class:`SingleSignOnRefused`) is audited as ``login_failed`` and committed before
    it is raised, so the caller's rollback does not erase it.
    """
    try:
        identity = identity_from_claims(claims, role_claim=role_claim, region_claim=region_claim)
        user = _linked_user(session, identity, issuer=issuer, provision=provision)
    except SingleSignOnFailed as exc:
        record_failure(session, exc, address=address)
        raise
    record_event(
        session,
        "login",
        "app_user",
        str(user.id),
        actor=user.username,
        detail={"address": address, "method": "oidc", "subject": identity.subject},
    )
    return user


def record_failure(session: Session, error: SingleSignOnFailed, *, address: str) -> None:
    """Audit a failed login through the identity provider (``login_failed``, method ``oidc``)
    and commit it."""
    subject = error.context.get("subject")
    name = username_for_subject(subject) if isinstance(subject, str) else "anonymous"
    record_event(
        session,
        "login_failed",
        "app_user",
        name,
        actor=name,
        detail={
            "address": address,
            "method": "oidc",
            "reason": type(error).__name__,
            "message": error.message[:500],
        },
    )
    session.commit()
