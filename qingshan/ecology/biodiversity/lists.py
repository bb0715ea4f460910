"""Protected and invasive species lists as data (pure): which list a scientific name is on.

The lists (``data/species_lists.json``, each entry with its confidence tag) are subsets of:

- 《国家重点保护野生动物名录》 (国家林业和草原局 农业农村部公告 2021年第3号) — level I / II;
- 《国家重点保护野生植物名录》 (国家林业和草原局 农业农村部公告 2021年第15号) — level I / II;
- 《重点管理外来入侵物种名录》 (农业农村部等六部门公告第567号, 2022-12-20, in force
  2023-01-01).

Only the species of Zhejiang the surveys meet are held; a name not held is "not on the held
subset", never "not protected" — pages say so. Names are matched on the binomial (genus and
species epithet, plus an infraspecific epithet when the list has one), authorship ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Flag", "ListInfo", "flag_of", "lists", "species"]

_PATH = Path(__file__).with_name("data") / "species_lists.json"


@dataclass(frozen=True)
class ListInfo:
    """One list: key, kind ("protected" | "invasive"), names, date issued and the source."""

    key: str
    kind: str
    name_zh: str
    name_en: str
    issued: str
    source: str
    subset: str
    confidence_note: str


@dataclass(frozen=True)
class Flag:
    """A name found on a list: the list, the level (I / II for protected, "" for invasive),
    the list's Chinese name of the species and the entry's confidence."""

    list_key: str
    kind: str
    level: str
    name_zh: str
    confidence: str

    def as_dict(self) -> dict[str, Any]:
        return {"list": self.list_key, "kind": self.kind, "level": self.level,
                "name_zh": self.name_zh, "confidence": self.confidence}  # fmt: skip


@cache
def _data() -> dict[str, Any]:
    return json.loads(_PATH.read_text(encoding="utf-8"))


@cache
def lists() -> tuple[ListInfo, ...]:
    """The lists held, with their sources."""
    return tuple(ListInfo(key=k, **v) for k, v in _data()["lists"].items())


@cache
def species() -> tuple[dict[str, str], ...]:
    """Every entry of the held lists (list, scientific_name, name_zh, level, confidence)."""
    return tuple(dict(e) for e in _data()["species"])


def _key(name: str) -> str:
    """The binomial (and an infraspecific epithet after var./subsp. or a third lower-case
    word), lower case: authorship and extra blanks dropped."""
    words = name.replace("(", " ").replace(")", " ").split()
    out = words[:2]
    rest = words[2:]
    if rest and rest[0] in ("var.", "subsp.", "ssp.") and len(rest) > 1:
        out += [rest[0], rest[1]]
    elif rest and rest[0].islower() and rest[0].isalpha():
        out.append(rest[0])
    return " ".join(out).lower()


@cache
def _index() -> dict[str, tuple[Flag, ...]]:
    kinds = {i.key: i.kind for i in lists()}
    out: dict[str, list[Flag]] = {}
    for e in species():
        flag = Flag(e["list"], kinds[e["list"]], e["level"], e["name_zh"], e["confidence"])
        out.setdefault(_key(e["scientific_name"]), []).append(flag)
    return {k: tuple(v) for k, v in out.items()}


def flag_of(scientific_name: str) -> tuple[Flag, ...]:
    """The held lists' entries for ``scientific_name`` (empty when on none of the held
    subsets): a species given with its authorship or an infraspecific name is found by its
    binomial too."""
    idx = _index()
    key = _key(scientific_name)
    hit = idx.get(key)
    if hit is None and len(key.split()) > 2:
        hit = idx.get(" ".join(key.split()[:2]))
    return hit or ()
