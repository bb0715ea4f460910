"""Soil of construction land against GB 36600-2018 (土壤环境质量 建设用地土壤污染风险管控标准（试行）).

- Values and land categories: Tables 1 (45 basic items) and 2 (40 other items) give a risk
  screening value (筛选值) and a risk intervention value (管制值) per item for first- and
  second-category land (4.1; tables in :mod:`.soil_construction_tables`) [mg/kg dry soil].
- Which column (5.3.1): land planned for first-category use takes the first-category values,
  second-category use the second-category ones; an unclear planned use takes the first-category
  values (:func:`applicable_land` with ``None``).
- Judgement of one content (5.3.2–5.3.5), boundaries exactly as the text words them:
  equal to or below the screening value (等于或者低于风险筛选值) → ``"within_screening"``, the
  risk is generally negligible (5.3.2); above the screening value (高于风险筛选值) →
  ``"over_screening"``, a detailed investigation follows (5.3.3), and while equal to or below the
  intervention value (等于或者低于风险管制值) a risk assessment decides on control or remediation
  (5.3.4); above the intervention value (高于风险管制值) → ``"over_intervention"``, usually an
  unacceptable risk to human health, risk control or remediation is required (5.3.5).
- A sample's level is the worst level of its items (each item is judged on its own; the
  standard sets no combined index).
- Note ① (As and Co for both land categories, V for first-category land): a content over the
  screening value but equal to or below the soil background value (3.6; Appendix A) does not
  bring the site under contaminated-site management: give ``background=`` and the judgement's
  ``within_background`` says so (the level stays as the tables give it).
- Confidence: Table 1 rows 1–34 were read in the standard's own text; rows 35–45, Table 2, the
  clause numbers and the land-category wording are MC (see :mod:`.soil_construction_tables`).

Comparisons are exact: values are read as decimals at 10⁻⁹ (see :mod:`._exact`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.standards._exact import to_scaled
from qingshan.standards.errors import InvalidValue, UnknownIndicator
from qingshan.standards.soil_construction_tables import (
    GROUPS_ZH,
    ITEMS,
    LAND_CATEGORIES,
    LAND_NAMES_EN,
    LAND_NAMES_ZH,
    LEVEL_NAMES_EN,
    LEVEL_NAMES_ZH,
    LEVELS,
    NAMES_EN,
    NAMES_ZH,
    SOURCES,
    STANDARD,
    UNIT,
    SoilItem,
)

__all__ = [
    "ConstructionJudgement", "ConstructionSampleResult", "judge_construction",
    "judge_construction_sample", "judge_construction_frame", "applicable_land", "item_key", "ITEMS", "NAMES_ZH", "NAMES_EN",
    "LAND_CATEGORIES", "LAND_NAMES_ZH", "LAND_NAMES_EN", "LEVELS", "LEVEL_NAMES_ZH",
    "LEVEL_NAMES_EN", "GROUPS_ZH", "SOURCES", "STANDARD", "UNIT", "SoilItem",
]  # fmt: skip

_DIG = 9
_S = 10**_DIG
#: item → ((screening land 1, land 2), (intervention land 1, land 2)) at 10⁻⁹ mg/kg
_LIM = MappingProxyType(
    {
        k: (
            tuple(int(Decimal(repr(v)).scaleb(_DIG)) for v in it.screening),
            tuple(int(Decimal(repr(v)).scaleb(_DIG)) for v in it.intervention),
        )
        for k, it in ITEMS.items()
    }
)
_CLAUSE_LAND = f"{STANDARD} 4.1, 5.3.1"


def _fold(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).strip().lower()
    return "".join(ch for ch in s if not ch.isspace()).replace("（", "(").replace("）", ")")


#: folded key, Chinese name or alias → key (item_key)
_BY_NAME = MappingProxyType(
    {_fold(n): k for k, it in ITEMS.items() for n in (k, it.name_zh, it.name_en, *it.aliases)}
)


def item_key(name: str) -> str:
    """The item key of a key, the tables' Chinese name, the English name or a common alias.

    Matching ignores case, spaces and full-width/half-width forms: ``"苯并[a]芘"``,
    ``"benzo[a]pyrene"`` and ``"Benzo_A_Pyrene"`` all give ``"benzo_a_pyrene"``;
    ``"六价铬"`` gives ``"Cr6"``; ``"石油烃（C10-C40）"`` gives ``"tph_c10_c40"``.

    Raises
    ------
    UnknownIndicator
        Naming the closest keys.
    """
    if isinstance(name, str):
        if name in ITEMS:
            return name
        key = _BY_NAME.get(_fold(name))
        if key is not None:
            return key
    raise UnknownIndicator(name, ITEMS)


def applicable_land(land: int | None) -> int:
    """The land category whose values apply (GB 36600-2018 5.3.1).

    ``None`` (planned use unclear, 规划用途不明确) → 1 (first-category values); 1 or 2 as given.

    Raises
    ------
    InvalidValue
        Any other category (the standard defines 第一类用地 and 第二类用地 only, 4.1).
    """
    if land is None:
        return 1
    return _land(land)


def _land(land: object) -> int:
    if isinstance(land, bool) or not isinstance(land, int) or land not in LAND_CATEGORIES:
        raise InvalidValue(
            f"land category {land!r} is not one of GB 36600-2018's categories 1 (第一类用地) "
            f"or 2 (第二类用地) ({_CLAUSE_LAND})",
            field="land", value=land, clause=_CLAUSE_LAND,
        )  # fmt: skip
    return land


def _scaled(item: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise InvalidValue(
            f"{item} value {value!r} is not a number [mg/kg] ({ITEMS[item].citation})",
            field=item, value=value, clause=ITEMS[item].citation,
        )  # fmt: skip
    try:
        arr, missing = to_scaled(value, _DIG, field=item)
    except (ArithmeticError, ValueError) as exc:
        raise InvalidValue(
            f"{item} value {value!r} is not a number [mg/kg] ({ITEMS[item].citation})",
            field=item, value=value, clause=ITEMS[item].citation,
        ) from exc  # fmt: skip
    if bool(missing.reshape(-1)[0]):
        raise InvalidValue(
            f"{item} value is missing ({value!r}); a content in mg/kg is needed",
            field=item, value=value, clause=ITEMS[item].citation,
        )  # fmt: skip
    c = int(arr.reshape(-1)[0])
    if c < 0:
        raise InvalidValue(
            f"negative content {value!r} mg/kg for {item} (a content is ≥ 0)",
            field=item, value=value, clause=ITEMS[item].citation,
        )  # fmt: skip
    return c


@dataclass(frozen=True)
class ConstructionJudgement:
    """One item's content judged against GB 36600-2018 (5.3.2–5.3.5).

    Attributes
    ----------
    item : str
        Item key.
    value : float
        Content [mg/kg].
    land : int
        Land category (1 or 2) whose values were used.
    screening, intervention : float
        Risk screening and intervention values of that category [mg/kg] (Table 1 or 2).
    level : str
        ``"within_screening"`` (≤ screening), ``"over_screening"`` (> screening, ≤
        intervention) or ``"over_intervention"`` (> intervention).
    within_background : bool or None
        Note ① (As, Co; V on first-category land): True when ``background`` was given, the level
        is over screening and the content is ≤ the background value (not managed as a
        contaminated site); False when given and not so; None when not given or the note does
        not apply to the item and land category.
    """

    item: str
    value: float
    land: int
    screening: float
    intervention: float
    level: str
    within_background: bool | None = None

    @property
    def citation(self) -> str:
        """Where the values come from, e.g. ``GB 36600-2018 表1 序号1``."""
        return ITEMS[self.item].citation

    @property
    def confidence(self) -> str:
        """The row's confidence tag ("confirmed", "MC", "U")."""
        return ITEMS[self.item].confidence

    @property
    def multiple(self) -> float:
        """(C − screening) / screening, the over-screening multiple (超标倍数), as site
        reports give it; ≤ 0 within the screening value."""
        return (self.value - self.screening) / self.screening


def judge_construction(
    item: str, value: float | Decimal | str, land: int, *, background: float | None = None
) -> ConstructionJudgement:
    """Judge one content against the screening and intervention values (GB 36600-2018 5.3).

    Parameters
    ----------
    item : str
        A key of :data:`ITEMS` (or a name :func:`item_key` resolves).
    value : float, Decimal or str
        Content in soil [mg/kg dry soil]; ≥ 0.
    land : int
        1 (第一类用地) or 2 (第二类用地); use :func:`applicable_land` for an unclear planned use.
    background : float, optional
        Soil environmental background value [mg/kg] (3.6; Appendix A) for note ① of As, Co, V.

    Returns
    -------
    ConstructionJudgement

    Raises
    ------
    UnknownIndicator
        ``item`` is in neither table (with the closest keys).
    InvalidValue
        A negative, missing or non-numeric value; a land category other than 1 or 2; a negative
        background value.
    """
    key = item_key(item)
    cat = _land(land)
    c = _scaled(key, value)
    s_lim, i_lim = _LIM[key][0][cat - 1], _LIM[key][1][cat - 1]
    if c <= s_lim:  # 5.3.2 等于或者低于风险筛选值
        level = LEVELS[0]
    elif c <= i_lim:  # 5.3.3 / 5.3.4 高于筛选值，等于或者低于风险管制值
        level = LEVELS[1]
    else:  # 5.3.5 高于风险管制值
        level = LEVELS[2]
    it = ITEMS[key]
    within_bg: bool | None = None
    if background is not None:
        b = _scaled(key, background)
        if cat in it.background_lands:
            within_bg = level != LEVELS[0] and c <= b
    return ConstructionJudgement(
        item=key, value=c / _S, land=cat, screening=it.screening[cat - 1],
        intervention=it.intervention[cat - 1], level=level, within_background=within_bg,
    )  # fmt: skip


@dataclass(frozen=True)
class ConstructionSampleResult:
    """A sample's items judged together (GB 36600-2018 5.3).

    Attributes
    ----------
    level : str
        The worst level over the items.
    judgements : tuple of ConstructionJudgement
        One per item given, in the order given.
    over_screening : tuple of str
        Items above their screening value (including those above the intervention value).
    over_intervention : tuple of str
        Items above their intervention value.
    land : int
        The land category used.
    """

    level: str
    judgements: tuple[ConstructionJudgement, ...]
    over_screening: tuple[str, ...]
    over_intervention: tuple[str, ...]
    land: int = 1

    @property
    def level_zh(self) -> str:
        return LEVEL_NAMES_ZH[self.level]


def judge_construction_sample(
    values: Mapping[str, float | Decimal | str],
    land: int,
    *,
    background: Mapping[str, float] | None = None,
) -> ConstructionSampleResult:
    """Judge every item of one soil sample; the sample's level is the worst (5.3.2–5.3.5).

    Parameters
    ----------
    values : mapping item → content [mg/kg]
        Keys or names :func:`item_key` resolves; at least one item. Two names of the same item
        are refused.
    land : int
        1 or 2.
    background : mapping item → background value [mg/kg], optional
        For note ① (As, Co, V).

    Raises
    ------
    UnknownIndicator, InvalidValue
        As :func:`judge_construction`; an empty sample or an item given twice is refused.
    """
    cat = _land(land)
    if not isinstance(values, Mapping) or not values:
        raise InvalidValue(
            "a soil sample needs at least one item's content (GB 36600-2018 Tables 1–2)",
            field="values", value=values, clause=f"{STANDARD} 5.3",
        )  # fmt: skip
    bg = {item_key(k): v for k, v in (background or {}).items()}
    seen: dict[str, str] = {}
    out: list[ConstructionJudgement] = []
    for name, v in values.items():
        key = item_key(name)
        if key in seen:
            raise InvalidValue(
                f"item {key} given twice in one sample (as {seen[key]!r} and {name!r})",
                field=key, value=v, clause=f"{STANDARD} 5.3",
            )  # fmt: skip
        seen[key] = name
        out.append(judge_construction(key, v, cat, background=bg.get(key)))
    worst = max(LEVELS.index(j.level) for j in out)
    return ConstructionSampleResult(
        level=LEVELS[worst],
        judgements=tuple(out),
        over_screening=tuple(j.item for j in out if j.level != LEVELS[0]),
        over_intervention=tuple(j.item for j in out if j.level == LEVELS[2]),
        land=cat,
    )


def _land_array(land: object, n: int) -> npt.NDArray[np.int64]:
    if isinstance(land, int | bool) or land is None or isinstance(land, str):
        return np.full(n, _land(land), dtype=np.int64)
    arr = np.asarray(land, dtype=object).ravel()
    if arr.size != n:
        raise InvalidValue(
            f"land has {arr.size} values for {n} rows", field="land", value=arr.size,
            clause=_CLAUSE_LAND,
        )  # fmt: skip
    return np.array([_land(v.item() if isinstance(v, np.integer) else v) for v in arr], np.int64)


def judge_construction_frame(frame: pd.DataFrame, land: object) -> pd.DataFrame:
    """Vectorised :func:`judge_construction_sample` over a DataFrame, one row per sample.

    Parameters
    ----------
    frame : DataFrame
        One column per item [mg/kg], named by key or by a name :func:`item_key` resolves; a
        column ``land`` may give the category per row. NaN / None cells are not judged.
        Columns that are not items must be named in no other way (they are refused, naming the
        closest keys) — select the item columns first.
    land : 1, 2, "land" or array-like of 1/2
        One category for all rows, the name of a column of ``frame``, or one value per row.

    Returns
    -------
    DataFrame
        Same index; ``level`` (worst level of the row's items, None when no item was given),
        ``over_screening`` and ``over_intervention`` (comma-joined keys, items in column
        order), and ``level_<key>`` per item column.

    Raises
    ------
    UnknownIndicator, InvalidValue
        An unknown column; a negative or non-numeric cell (naming the item and the row label);
        a land category other than 1 or 2.
    """
    n = len(frame)
    if isinstance(land, str) and land in frame.columns:
        cats = _land_array(frame[land].to_numpy(), n)
        item_cols = [c for c in frame.columns if c != land]
    else:
        cats = _land_array(land, n)
        item_cols = list(frame.columns)
    keys = [item_key(str(c)) for c in item_cols]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        key = sorted(dup)[0]
        raise InvalidValue(
            f"item {key} given in two columns", field=key, value=None, clause=f"{STANDARD} 5.3"
        )
    out = pd.DataFrame(index=frame.index)
    worst = np.full(n, -1, dtype=np.int64)
    over_s: list[list[str]] = [[] for _ in range(n)]
    over_i: list[list[str]] = [[] for _ in range(n)]
    for col, key in zip(item_cols, keys, strict=True):
        values = frame[col].to_numpy()
        try:
            c, missing = to_scaled(values, _DIG, field=key)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise InvalidValue(
                f"{key}: a cell is not a number [mg/kg] ({ITEMS[key].citation})",
                field=key, value=None, clause=ITEMS[key].citation,
            ) from exc  # fmt: skip
        neg = (c < 0) & ~missing
        if neg.any():
            pos = int(np.flatnonzero(neg)[0])
            raise InvalidValue(
                f"negative content {c[pos] / _S:g} mg/kg for {key} in row {frame.index[pos]!r}",
                field=key, value=c[pos] / _S, clause=ITEMS[key].citation,
            )  # fmt: skip
        s_lim = np.where(cats == 1, _LIM[key][0][0], _LIM[key][0][1])
        i_lim = np.where(cats == 1, _LIM[key][1][0], _LIM[key][1][1])
        code = np.where(c <= s_lim, 0, np.where(c <= i_lim, 1, 2))
        code = np.where(missing, -1, code)
        out[f"level_{key}"] = np.array([None, *LEVELS], dtype=object)[code + 1]
        worst = np.maximum(worst, code)
        for r in np.flatnonzero(code >= 1):
            over_s[r].append(key)
        for r in np.flatnonzero(code == 2):
            over_i[r].append(key)
    levels = np.array([None, *LEVELS], dtype=object)[worst + 1]
    out.insert(0, "level", levels)
    out.insert(1, "over_screening", [",".join(x) for x in over_s])
    out.insert(2, "over_intervention", [",".join(x) for x in over_i])
    return out


def _check_tables() -> None:  # import-time guard on the data
    for k, it in ITEMS.items():
        for cat in (0, 1):
            s, i = it.screening[cat], it.intervention[cat]
            if not (math.isfinite(s) and 0 < s <= i):
                raise AssertionError(f"GB 36600-2018 table error at {k}: {s} / {i}")


_check_tables()
