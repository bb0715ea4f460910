"""The waste section of the enterprise file (一企一档): the archive's
:class:`~qingshan.archive.findings.WasteSummary`, implemented from the producer's ledger
(:func:`qingshan.waste.ledger_service.producer_ledger`) and the manifests it is a party to
(:func:`qingshan.waste.manifest_service.list_manifests`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.findings import WasteCard
from qingshan.errors import QingshanError
from qingshan.timeutil import as_cst, utcnow
from qingshan.waste import ledger_service, manifest_service
from qingshan.waste.manifest import ManifestState
from qingshan.waste.manifest_service import ManifestFilters

__all__ = ["waste_brief"]


def waste_brief(session: Session, scope: Scope, enterprise_id: int) -> WasteCard | None:
    """The enterprise's waste card for this year (China Standard Time), or last year's when
    this one has nothing yet; None when it neither declares nor is a party to a manifest."""
    today = as_cst(utcnow()).date()
    for year in (today.year, today.year - 1):
        try:
            ledger = ledger_service.producer_ledger(session, scope, enterprise_id, year)
        except QingshanError:
            return None
        mine = ManifestFilters(enterprise_id=enterprise_id, year=year, limit=1)
        total = manifest_service.list_manifests(session, scope, mine).total
        if not ledger.generated_t and not ledger.plan and not total:
            continue
        closed = ManifestFilters(
            enterprise_id=enterprise_id, year=year, state=ManifestState.CLOSED, limit=1
        )
        done = manifest_service.list_manifests(session, scope, closed).total
        self_t = sum(m.self_utilised_t + m.self_disposed_t for m in ledger.months)
        return WasteCard(
            year=year,
            tier=ledger.tier,
            generated_t=ledger.generated_t,
            transferred_t=ledger.transferred_t,
            self_handled_t=self_t,
            stored_t=ledger.stock_t,
            codes=tuple(sorted({p.waste_code for p in ledger.plan})),
            manifests=total,
            open_manifests=total - done,
            storage_alerts=len(ledger.alerts),
            unbalanced_months=ledger.unclosed_months,
            url=f"/waste/manifests?e={enterprise_id}&year={year}",
        )
    return None
