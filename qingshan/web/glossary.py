"""English glosses of the Chinese words the data itself carries — standards' citations
(``GB 13271-2014 表3 特别排放限值``), source types (``燃气轮机组``), permit changes, contacts'
roles, record changes — for the English pages (issue #13, defect 6).

The labels of the pages are in :mod:`qingshan.web.i18n`; these are words inside stored text.
:func:`gloss` replaces every known phrase, longest first, and rewrites table numbers and
document numbers (``表3`` → ``Table 3``, ``环发〔2015〕164号`` → ``Huanfa [2015] No. 164``);
proper names (enterprises, people, addresses) are not glossed — the pages mark them with
``data-proper-name``. :func:`glossary_pairs` hands the same list to the page scripts, so that
no Chinese is written into JavaScript.
"""

from __future__ import annotations

import re
from types import MappingProxyType

__all__ = ["GLOSSARY", "gloss", "glossary_for_script"]

#: phrase → English; the source types are those of :mod:`qingshan.sim.limits` and the emission
#: standards' table rows (GB 13223-2011 Table 2, GB 13271-2014 Table 3, GB 4915-2013 Table 2,
#: GB 3544-2008 Table 2, GB 4287-2012 Table 2, GB 8978-1996 Table 4)
GLOSSARY: MappingProxyType[str, str] = MappingProxyType(
    {
        # standards' rows and categories
        "特别排放限值": "special emission limits",
        "超低排放": "ultra-low emission",
        "燃气轮机组": "gas turbine units",
        "燃煤发电锅炉": "coal-fired power boiler",
        "燃煤工业锅炉": "coal-fired industrial boiler",
        "燃气工业锅炉": "gas-fired industrial boiler",
        "燃油工业锅炉": "oil-fired industrial boiler",
        "水泥窑及窑尾余热利用系统": "cement kiln and kiln-tail waste-heat system",
        "制浆和造纸联合企业废水总排口": "main wastewater outlet of an integrated pulp and paper mill",
        "造纸企业废水总排口": "main wastewater outlet of a paper mill",
        "印染企业废水总排口": "main wastewater outlet of a dyeing works",
        "化工企业废水总排口": "main wastewater outlet of a chemical works",
        "制浆和造纸联合企业": "integrated pulp and paper mills",
        "造纸企业": "paper mills",
        "直接排放": "direct discharge",
        "间接排放": "indirect discharge",
        "一级": "grade 1",
        "二级": "grade 2",
        "三级": "grade 3",
        "排污许可证": "discharge permit",
        "许可证": "permit",
        "国家标准": "national standard",
        # permits and records
        "首次申领": "first issue",
        "许可排放量调整": "permitted quantities adjusted",
        "变更": "change",
        "延续": "renewal",
        "重新申请": "re-application",
        "建档": "file created",
        "统一社会信用代码": "unified social credit code",
        "环保负责人": "environmental officer",
        "法定代表人": "legal representative",
        "在线监测运维": "online-monitoring maintenance",
        "无量纲": "dimensionless",
        # the credit rule's reasons (超标 2.06 倍（8 时段）)
        "超标": "exceeding",
        "倍": " times",
        "时段": " periods",
        # punctuation
        "；": "; ",
        "：": ": ",
        "、": ", ",
        "，": ", ",
        "（": " (",
        "）": ")",
    }
)

_PHRASES = re.compile("|".join(re.escape(k) for k in sorted(GLOSSARY, key=len, reverse=True)))
#: patterns rewritten before the phrases: (regular expression, replacement with $n groups)
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"环发〔(\d{4})〕(\d+)号", "Huanfa [$1] No. $2"),
    (r"表\s*(\d+)", "Table $1"),
)
_PATTERNS = [(re.compile(p), r.replace("$", "\\")) for p, r in PATTERNS]


def gloss(text: str | None, lang: str) -> str | None:
    """``text`` with its known Chinese phrases in English when ``lang`` is ``"en"``; unchanged
    otherwise (and None stays None).

    >>> gloss("GB 13271-2014 表3 特别排放限值", "en")
    'GB 13271-2014 Table 3 special emission limits'
    >>> gloss("GB 13223-2011; 超低排放 环发〔2015〕164号", "en")
    'GB 13223-2011; ultra-low emission Huanfa [2015] No. 164'
    """
    if text is None or lang != "en":
        return text
    out = text
    for pattern, replacement in _PATTERNS:
        out = pattern.sub(replacement, out)
    out = _PHRASES.sub(lambda m: GLOSSARY[m.group(0)], out)
    return re.sub(r" {2,}", " ", out).replace(" )", ")").strip()


def glossary_for_script(lang: str) -> dict[str, list[list[str]]]:
    """The glossary for a page script (``qs-gloss`` in the page's config): ``patterns`` (regular
    expression, replacement with ``$n``) and ``phrases`` longest first; empty in Chinese."""
    if lang != "en":
        return {"patterns": [], "phrases": []}
    return {
        "patterns": [[p, r] for p, r in PATTERNS],
        "phrases": [[k, GLOSSARY[k]] for k in sorted(GLOSSARY, key=len, reverse=True)],
    }
