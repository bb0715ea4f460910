"""KPI providers: the Protocol targets publishes and the registry of its implementations.

A computed target names a KPI (``kpi`` in the plan file); the provider of that name gives its
value for a region and period. Providers live with the data they read (cases, monitoring, and
later waste, zones, emergency) and are registered by the application's registry
(:func:`qingshan.platform.app.providers` → ``KpiRegistry``); targets never imports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

from qingshan.targets.errors import UnknownKpi

__all__ = ["Period", "KpiValue", "KpiProvider", "KpiRegistry"]


@dataclass(frozen=True)
class Period:
    """Days ``start`` – ``end`` inclusive (CST calendar days)."""

    start: date
    end: date


@dataclass(frozen=True)
class KpiValue:
    """A KPI's value for a region and period, in the provider's ``unit``; ``basis`` says what
    it counted (e.g. "12 / 15 cases")."""

    value: float
    unit: str
    basis: str = ""


@runtime_checkable
class KpiProvider(Protocol):
    """A metric the platform computes from its own data."""

    @property
    def name(self) -> str:
        """e.g. ``cases.closure_rate``"""
        ...

    @property
    def unit(self) -> str:
        """e.g. ``%``"""
        ...

    @property
    def label(self) -> str:
        """its label's key in ``qingshan/web/i18n.py``"""
        ...

    def value(self, session: Session, region_code: str, period: Period) -> KpiValue | None:
        """The value for ``region_code`` (province, city or county) over ``period``; None
        when the platform holds no data for it."""
        ...


class KpiRegistry:
    """Providers by name (an unknown name raises listing the registered ones)."""

    def __init__(self, providers: Iterable[KpiProvider] = ()) -> None:
        self._by_name: dict[str, KpiProvider] = {}
        for p in providers:
            self.register(p)

    def register(self, provider: KpiProvider) -> None:
        if provider.name in self._by_name:
            raise ValueError(f"KPI provider {provider.name!r} is registered twice")
        self._by_name[provider.name] = provider

    def get(self, name: str) -> KpiProvider:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownKpi(name, list(self._by_name)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[KpiProvider]:
        return iter(self._by_name.values())

    def names(self) -> list[str]:
        return list(self._by_name)
