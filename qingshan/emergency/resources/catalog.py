"""The vocabularies of the emergency resources, as data (``data/catalog.json``).

Material categories follow 《环境应急资源调查指南（试行）》 (生态环境部办公厅, 2019): seven
categories — 污染源切断, 污染物控制, 污染物收集, 污染物降解, 安全防护, 应急通信和指挥, 环境监测 —
each with ``confidence`` — "MC" where the project's reference and a second public source name
it alike, "U" where their names differ (the other name is an alias); none was read in the
guide's own text (see the data file's ``_source``); how an item is held (自储 / 代储 / 协议储备,
"MC"). Team specialities and expert fields
are the platform's own codes. Nothing here is hand-typed elsewhere: code and tests read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["CATALOG_PATH", "Term", "categories", "fields", "holdings", "specialities", "term"]

CATALOG_PATH = Path(__file__).with_name("data") / "catalog.json"


@dataclass(frozen=True)
class Term:
    """One code of a vocabulary with its Chinese and English names."""

    code: str
    zh: str
    en: str
    confidence: str = ""
    examples_zh: str = ""
    examples_en: str = ""
    #: other Chinese names in use for the same term (accepted on import)
    aliases_zh: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@lru_cache(maxsize=1)
def _load() -> dict[str, tuple[Term, ...]]:
    raw = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    return {
        key: tuple(
            Term(**{**entry, "aliases_zh": tuple(entry.get("aliases_zh", ()))})
            for entry in raw[key]
        )
        for key in ("categories", "holdings", "specialities", "fields")
    }


def categories() -> tuple[Term, ...]:
    """The seven material categories of the 调查指南, in the guide's order."""
    return _load()["categories"]


def holdings() -> tuple[Term, ...]:
    """How a material is held: 自储 (self), 代储 (entrusted), 协议储备 (agreement)."""
    return _load()["holdings"]


def specialities() -> tuple[Term, ...]:
    """What a rescue team is equipped and trained for."""
    return _load()["specialities"]


def fields() -> tuple[Term, ...]:
    """An expert's field (危化品, 水污染, 辐射, 监测 …)."""
    return _load()["fields"]


def term(vocabulary: str, code: str) -> Term | None:
    """The term ``code`` of ``vocabulary`` ("categories", "holdings", "specialities",
    "fields"), ``None`` when unknown."""
    return next((t for t in _load()[vocabulary] if t.code == code), None)
