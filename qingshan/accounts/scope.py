"""Data scope: which rows a user may read and change.

Region codes are nested by prefix (GB/T 2260): the province 330000 covers every 33xxxx code, a
city 330100 covers 3301xx, a county 330102 only itself. Enterprise users see their enterprise.
:meth:`Scope.where` is the one way a query is scoped; the prefix rule itself lives in
:mod:`qingshan.geo.regions` (:func:`~qingshan.geo.regions.scope_prefix`).
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
    """A user's reach: a region (always) and, for enterprise users, one enterprise."""

    region_code: str
    role: Role
    enterprise_id: int | None = None
    username: str = "anonymous"

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
        user's own enterprise for enterprise users; rows without an owner (stations, sections)
        are restricted by region only.
        """
        clause = (
            region_column.startswith(self.prefix, autoescape=True)
            if len(self.prefix) < 6
            else region_column == self.region_code
        )
        if self.role is Role.ENTERPRISE and enterprise_column is not None:
            clause = and_(clause, enterprise_column == self.enterprise_id)
        return clause

    def check_region(self, code: str) -> None:
        """Raise :class:`OutOfScope` unless ``code`` lies within this scope's region."""
        if not in_scope(code, self.region_code):
            raise OutOfScope(
                f"region {code} is outside the scope {self.region_code} of {self.username}",
                region=code,
            )

    def check_enterprise(self, enterprise_id: int | None) -> None:
        if self.role is Role.ENTERPRISE and enterprise_id != self.enterprise_id:
            raise OutOfScope(
                f"enterprise {enterprise_id} is outside the scope of {self.username}",
                enterprise=enterprise_id,
            )


PUBLIC_SCOPE = Scope(region_code="330000", role=Role.PUBLIC)
"""What an anonymous visitor sees: published data of the whole province."""
