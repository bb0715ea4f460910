"""Data scope: which rows a user may read and change.

Region codes are nested by prefix (GB/T 2260): the province 330000 covers every 33xxxx code, a
city 330100 covers 3301xx, a county 330102 only itself. Enterprise users see the enterprises they
act for (the set :attr:`Scope.enterprises`: ``enterprise_id`` and ``enterprise_ids``).
:meth:`Scope.where` is the one way a query is scoped; the prefix rule itself lives in
:mod:`qingshan.geo.regions` (:func:`~qingshan.geo.regions.scope_prefix`).

Anonymous callers (the public scope) read what is public by law: ambient air and surface water
(stations and sections, rows without an owning enterprise). Enterprise rows (outlets, their
series) are public only when ``QINGSHAN_PUBLIC_ENTERPRISE_DATA`` is on (published
self-monitoring); logger MNs and passwords never are (:data:`SECRET_ATTRS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import InstrumentedAttribute

from qingshan.accounts.errors import OutOfScope
from qingshan.accounts.models import Role
from qingshan.geo.regions import in_scope, scope_prefix


@dataclass(frozen=True)
class Scope:
    """A user's reach: a region (always) and, for enterprise users, the enterprises they act
    for (``enterprise_id``, their first, and ``enterprise_ids``, every one)."""

    region_code: str
    role: Role
    enterprise_id: int | None = None
    username: str = "anonymous"
    #: public scope only: may read rows owned by an enterprise (published self-monitoring)
    public_enterprise_data: bool = False
    #: enterprise users: every enterprise they act for (``enterprise_id`` counts too)
    enterprise_ids: frozenset[int] = frozenset()

    @property
    def enterprises(self) -> frozenset[int]:
        """The enterprises this scope acts for (empty unless an enterprise user)."""
        ids = set(self.enterprise_ids)
        if self.enterprise_id is not None:
            ids.add(self.enterprise_id)
        return frozenset(ids)

    @property
    def prefix(self) -> str:
        return scope_prefix(self.region_code)

    def where(
        self,
        region_column: InstrumentedAttribute | ColumnElement,
        enterprise_column: InstrumentedAttribute | ColumnElement | None = None,
    ) -> ColumnElement[bool]:
        """A WHERE clause restricting a query to this scope.

        Rows of tables with an owning enterprise (``enterprise_column``) are restricted to the
        enterprises an enterprise user acts for (:attr:`enterprises`); rows without an owner (stations, sections)
        are restricted by region only. The public scope sees no row with an owner unless
        ``public_enterprise_data``.
        """
        clause = (
            region_column.startswith(self.prefix, autoescape=True)
            if len(self.prefix) < 6
            else region_column == self.region_code
        )
        if self.role is Role.ENTERPRISE and enterprise_column is not None:
            clause = and_(clause, enterprise_column.in_(sorted(self.enterprises)))
        if (
            self.role is Role.PUBLIC
            and enterprise_column is not None
            and not self.public_enterprise_data
        ):
            clause = and_(clause, enterprise_column.is_(None))
        return clause

    @property
    def sees_secrets(self) -> bool:
        """Whether this scope may read logger MNs (province and city administrators)."""
        return self.role in (Role.PROVINCE, Role.CITY)

    def public_attrs(self, attrs: dict | None) -> dict:
        """``attrs`` of a row without what this scope may not read (:data:`SECRET_ATTRS`)."""
        attrs = dict(attrs or {})
        if not self.sees_secrets:
            for key in SECRET_ATTRS:
                attrs.pop(key, None)
        return attrs

    def check_region(self, code: str) -> None:
        """Raise :class:`OutOfScope` unless ``code`` lies within this scope's region."""
        if not in_scope(code, self.region_code):
            raise OutOfScope(
                f"region {code} is outside the scope {self.region_code} of {self.username}",
                region=code,
            )

    def check_enterprise(self, enterprise_id: int | None) -> None:
        if self.role is Role.ENTERPRISE and enterprise_id not in self.enterprises:
            raise OutOfScope(
                f"enterprise {enterprise_id} is outside the scope of {self.username}",
                enterprise=enterprise_id,
            )


#: attributes of a site that only province and city administrators read (the logger's MN)
SECRET_ATTRS = ("mn", "password", "pw")

PUBLIC_SCOPE = Scope(region_code="330000", role=Role.PUBLIC)
"""What an anonymous visitor sees by default: ambient air and surface water of the province."""


def public_scope(enterprise_data: bool = False) -> Scope:
    """The anonymous scope; with ``enterprise_data`` it also reads enterprise outlets and
    their series (``QINGSHAN_PUBLIC_ENTERPRISE_DATA``)."""
    return Scope(region_code="330000", role=Role.PUBLIC, public_enterprise_data=enterprise_data)
