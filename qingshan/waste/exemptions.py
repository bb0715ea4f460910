"""The exemption list (危险废物豁免管理清单), appendix (附录) of the National Hazardous Waste List.

Source: 国家危险废物名录（2021年版） 附录, 32 items transcribed in ``data/exemptions_2021.json`` (a
row per item, waste and stage, with its 豁免条件 and 豁免内容). The rule is the list's Art. 3
(2021): a listed waste is managed as exempt **only in the listed stage** (豁免环节) **and only when
the listed condition** (豁免条件) **is met**; the 豁免内容 then applies. Outside the stage, or when
the condition is not met, it is hazardous waste.

The 2025 edition revised the list (31 items; item 31 "点对点" directed utilisation) [MC]; it is
not transcribed yet, so records dated from 2025-01-01 are answered from the 2021 rows and each
row says so (:attr:`Exemption.provisional`).

A row matches a code when it names the code, or names the code's category (items 2, 20, 21:
HW01, HW34, HW35 — with a restriction in the 危险废物 text, e.g. "仅具有腐蚀性危险特性的废酸",
that the caller checks with the condition). Items that name no code (1 household waste, 25
emergencies, 26 legacy sites, 32 "点对点") match no code: :func:`rows` lists them.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from qingshan.waste.codes import Edition, edition_on, normalise_code
from qingshan.waste.errors import UnknownStage

__all__ = ["Exemption", "Stage", "exemptions", "is_exempt", "rows"]


class Stage(enum.StrEnum):
    """Management stages of the exemption list (豁免环节); 全部环节 covers them all."""

    COLLECTION = "收集"
    TRANSPORT = "运输"
    UTILISATION = "利用"
    DISPOSAL = "处置"
    ALL = "全部环节"


_STAGE_ALIASES = {
    "collection": Stage.COLLECTION,
    "transport": Stage.TRANSPORT,
    "utilisation": Stage.UTILISATION,
    "utilization": Stage.UTILISATION,
    "disposal": Stage.DISPOSAL,
    "all": Stage.ALL,
}


@dataclass(frozen=True, slots=True)
class Exemption:
    """One row of the exemption list: item, what it covers, the stage, condition and content.

    ``edition`` is the edition in force on the record's date; ``table_edition`` the edition whose
    appendix supplied the row.
    """

    edition: Edition
    table_edition: Edition
    item: int
    codes: tuple[str, ...]
    categories: tuple[str, ...]
    subject: str | None
    waste: str
    stage: str
    stages: frozenset[Stage]
    condition: str
    content: str

    @property
    def provisional(self) -> bool:
        """True when the row comes from another edition's appendix than the one in force."""
        return self.table_edition != self.edition

    def covers(self, stage: Stage) -> bool:
        """Whether the row exempts ``stage`` (a 全部环节 row covers every stage)."""
        return Stage.ALL in self.stages or stage in self.stages


@cache
def _table(edition: Edition) -> tuple[tuple[dict[str, object], ...], int]:
    name = f"exemptions_{edition.value}.json"
    raw = json.loads(resources.files("qingshan.waste").joinpath("data", name).read_text("utf-8"))
    return tuple(raw["rows"]), int(raw["official_items"])


def _stage(stage: Stage | str) -> Stage:
    if isinstance(stage, Stage):
        return stage
    text = str(stage).strip()
    for member in Stage:
        if member.value == text:
            return member
    alias = _STAGE_ALIASES.get(text.lower())
    if alias is None:
        valid = ", ".join(f"{m.value} ({m.name.lower()})" for m in Stage)
        raise UnknownStage(f"unknown stage {stage!r}; valid: {valid}", stage=stage)
    return alias


def rows(on: date) -> tuple[Exemption, ...]:
    """Every row of the exemption list in force on ``on`` (2021 appendix before 2025 and, until
    the 2025 appendix is transcribed, after; before 2021 the 2021 rows too, provisional)."""
    edition = edition_on(on)
    table_edition = Edition.E2021
    found, _ = _table(table_edition)
    out = []
    for r in found:
        codes = r["codes"]
        cats = r["categories"]
        stages = r["stages"]
        assert isinstance(codes, list) and isinstance(cats, list) and isinstance(stages, list)
        out.append(
            Exemption(
                edition=edition,
                table_edition=table_edition,
                item=int(str(r["item"])),
                codes=tuple(str(c) for c in codes),
                categories=tuple(str(c) for c in cats),
                subject=None if r["subject"] is None else str(r["subject"]),
                waste=str(r["waste"]),
                stage=str(r["stage"]),
                stages=frozenset(_stage(str(s)) for s in stages),
                condition=str(r["condition"]),
                content=str(r["content"]),
            )
        )
    return tuple(out)


def exemptions(code: str, stage: Stage | str, on: date) -> tuple[Exemption, ...]:
    """The rows that may exempt a code in a stage on a date, each with its condition.

    Parameters
    ----------
    code : str
        ``III-SSS-CC`` (or the 8 digits).
    stage : Stage or str
        收集, 运输, 利用, 处置 (or collection, transport, utilisation, disposal).
    on : date
        The record's date.

    Returns
    -------
    tuple of Exemption
        Empty when the list has no row for the code in that stage. A non-empty answer exempts
        only when the row's ``condition`` is met (Art. 3).
    """
    normal = normalise_code(code)
    wanted = _stage(stage)
    category = f"HW{normal[-2:]}"
    return tuple(
        r for r in rows(on) if (normal in r.codes or category in r.categories) and r.covers(wanted)
    )


def is_exempt(code: str, stage: Stage | str, on: date) -> bool:
    """Whether the exemption list has a row for ``code`` in ``stage`` on ``on``.

    True means *may be exempt*: the row's condition (see :func:`exemptions`) must also be met;
    False means the waste is managed as hazardous waste in that stage.
    """
    return bool(exemptions(code, stage, on))
