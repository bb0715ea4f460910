"""Farmland soil: GB 15618-2018 《土壤环境质量 农用地土壤污染风险管控标准（试行）》.

- :func:`ph_band`: the pH column of Tables 1 and 3 — ``pH≤5.5``, ``5.5<pH≤6.5``,
  ``6.5<pH≤7.5``, ``pH>7.5`` (so pH 5.5 is in the first band, 6.5 in the second, 7.5 in the
  third); a pH outside 0–14 is refused.
- :func:`judge_farmland`: one item against its screening value (Table 1 by pH band and land
  use, Table 2 for the other items) and its control value (Table 3, Cd/Hg/As/Pb/Cr only).
  GB 15618-2018 §5.1: a content *equal to or below* the screening value (等于或者低于) is low
  risk, negligible in general; *above* it (高于) there may be a risk. §5.2: Cd/Hg/As/Pb/Cr
  above the screening value and *equal to or below* the control value — safe-use measures
  (农艺调控、替代种植等安全利用措施) in principle. §5.3: *above* the control value — strict
  control (禁止种植食用农产品、退耕还林等严格管控措施) in principle.
- :func:`farmland_category`: 优先保护类 / 安全利用类 / 严格管控类 of a sample, following
  《农用地土壤环境质量类别划分技术指南（试行）》 (环办土壤函〔2019〕53号) on the basis of
  GB 15618-2018 §5 (§5.4: the categories are drawn on the basis of this standard): all of the
  controlled items ≤ screening → priority protection; any above screening and none above control
  → safe use; any above control → strict control. Cu, Ni, Zn and the Table 2 items have no
  control value and decide no category: above their screening value they are returned in
  ``monitor`` (§5.1: 加强土壤环境监测和农产品协同监测).

Comparisons are exact: values are read as decimals at 10⁻⁹ (:mod:`._exact`), so 0.3 equals the
screening value 0.3 and 0.3000000001 is above it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from qingshan.standards._exact import to_scaled
from qingshan.standards.errors import InvalidValue, UnknownIndicator, UnknownKeyError
from qingshan.standards.soil_farmland_tables import (
    CONTROL,
    CONTROLLED,
    ITEMS,
    LAND_USE_NAMES,
    LAND_USES,
    NAMES_ZH,
    PH_BAND_LABELS,
    PH_BANDS,
    PH_EDGES,
    SCREENING,
    TABLE2_SCREENING,
)

__all__ = [
    "ITEMS", "NAMES_ZH", "LAND_USES", "LAND_USE_NAMES", "PH_BANDS", "PH_BAND_LABELS", "LEVELS",
    "LEVEL_NAMES", "CATEGORIES", "CATEGORY_NAMES", "FarmlandJudgement", "FarmlandCategory",
    "ph_band", "screening_value", "control_value", "judge_farmland", "farmland_category",
]  # fmt: skip

_DIG = 9
_S = 10**_DIG

LEVELS = ("within_screening", "over_screening", "over_control")
#: zh / en names of the levels (GB 15618-2018 §5.1–5.3)
LEVEL_NAMES = MappingProxyType(
    {
        "within_screening": ("≤风险筛选值", "at or below the risk screening value"),
        "over_screening": ("超过风险筛选值", "above the risk screening value"),
        "over_control": ("超过风险管制值", "above the risk control value"),
    }
)
CATEGORIES = ("priority_protection", "safe_use", "strict_control")
#: zh / en names of the categories (土壤污染防治法 第四十九条; 环办土壤函〔2019〕53号)
CATEGORY_NAMES = MappingProxyType(
    {
        "priority_protection": ("优先保护类", "priority protection"),
        "safe_use": ("安全利用类", "safe use"),
        "strict_control": ("严格管控类", "strict control"),
    }
)

_CLAUSE = "GB 15618-2018"
_EDGES = tuple(int(Decimal(e).scaleb(_DIG)) for e in PH_EDGES)
_PH_MAX = 14 * _S


def _scaled(field: str, value: object, clause: str) -> int:
    if isinstance(value, bool) or value is None:
        raise InvalidValue(
            f"{field} must be a number, got {value!r} ({clause})",
            field=field, value=value, clause=clause,
        )  # fmt: skip
    if isinstance(value, float) and math.isnan(value):
        raise InvalidValue(f"{field} is not a number (NaN) ({clause})",
                           field=field, value=value, clause=clause)  # fmt: skip
    try:
        scaled, missing = to_scaled(value, _DIG, field=field)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidValue(
            f"{field} must be a number, got {value!r} ({clause})",
            field=field, value=value, clause=clause,
        ) from exc  # fmt: skip
    if scaled.ndim != 0 and scaled.size != 1:
        raise InvalidValue(f"{field} must be one number, got {value!r}",
                           field=field, value=value, clause=clause)  # fmt: skip
    if bool(missing.ravel()[0]):
        raise InvalidValue(f"{field} is missing ({clause})",
                           field=field, value=value, clause=clause)  # fmt: skip
    return int(scaled.ravel()[0])


def _band_index(ph: object) -> int:
    p = _scaled("pH", ph, f"{_CLAUSE} Table 1")
    if p < 0 or p > _PH_MAX:
        raise InvalidValue(
            f"pH {ph} is outside 0–14", field="pH", value=ph, clause=f"{_CLAUSE} Table 1"
        )
    for i, edge in enumerate(_EDGES):
        if p <= edge:  # "pH≤5.5", "5.5<pH≤6.5", "6.5<pH≤7.5": each upper edge is in its band
            return i
    return 3  # "pH>7.5"


def ph_band(ph: float) -> str:
    """The pH column of GB 15618-2018 Tables 1 and 3 for a soil pH.

    Parameters
    ----------
    ph : float
        Soil pH, 0–14 inclusive.

    Returns
    -------
    str
        One of :data:`PH_BANDS`: ``"pH<=5.5"``, ``"5.5<pH<=6.5"``, ``"6.5<pH<=7.5"``,
        ``"pH>7.5"`` (the table's headings ``pH≤5.5``, ``5.5<pH≤6.5``, ``6.5<pH≤7.5``,
        ``pH>7.5``; :data:`PH_BAND_LABELS` gives them as printed).

    Raises
    ------
    InvalidValue
        pH missing, not a number, or outside 0–14 (field ``"pH"``).
    """
    return PH_BANDS[_band_index(ph)]


def _check_item(item: str) -> None:
    if item not in ITEMS:
        raise UnknownIndicator(item, ITEMS)


def _check_land_use(land_use: str) -> None:
    if land_use not in LAND_USES:
        raise UnknownKeyError("land use", land_use, LAND_USES)


def _screening(item: str, band: int, land_use: str) -> str:
    if item in TABLE2_SCREENING:
        return TABLE2_SCREENING[item]
    rows = SCREENING[item]
    if "all" in rows:
        return rows["all"][band]
    if land_use == "rotation":  # Table 1 note 2: the stricter of the two
        cands = [rows[r][band] for r in ("paddy", "other") if r in rows]
        return min(cands, key=Decimal)
    if item == "Cu":
        return rows["orchard" if land_use == "orchard" else "other"][band]
    return rows["paddy" if land_use == "paddy" else "other"][band]


def screening_value(item: str, ph: float, land_use: str) -> float:
    """Risk screening value [mg/kg] of ``item`` (GB 15618-2018 Table 1 / Table 2).

    Cd, Hg, As, Pb, Cr: the 水田 row for ``"paddy"``, the 其他 row otherwise (orchards
    included); Cu: the 果园 row for ``"orchard"``, the 其他 row otherwise; Ni, Zn: one row;
    ``"rotation"`` (水旱轮作地): the stricter of the paddy and other rows (Table 1 note 2).
    Table 2 items: one value for any pH and land use (the pH is still checked).
    """
    _check_item(item)
    _check_land_use(land_use)
    return float(_screening(item, _band_index(ph), land_use))


def control_value(item: str, ph: float) -> float | None:
    """Risk control value [mg/kg] (GB 15618-2018 Table 3); None for items it does not list."""
    _check_item(item)
    band = _band_index(ph)
    return float(CONTROL[item][band]) if item in CONTROL else None


@dataclass(frozen=True, slots=True)
class FarmlandJudgement:
    """One item of one sample judged against GB 15618-2018.

    Attributes
    ----------
    item : str
    value : float
        Content [mg/kg dry soil].
    ph : float
    land_use : str
    screening : float
        Risk screening value [mg/kg] (Table 1 or 2).
    control : float or None
        Risk control value [mg/kg] (Table 3); None for Cu, Ni, Zn and Table 2 items.
    level : str
        ``"within_screening"`` (≤ screening, §5.1), ``"over_screening"`` (> screening, and ≤
        control where there is one), ``"over_control"`` (> control, §5.3).
    ph_band : str
        The pH column used (one of :data:`PH_BANDS`).
    """

    item: str
    value: float
    ph: float
    land_use: str
    screening: float
    control: float | None
    level: str
    ph_band: str = ""

    @property
    def screening_ratio(self) -> float:
        """Single-factor index value / screening value [dimensionless]."""
        return self.value / self.screening


def judge_farmland(item: str, value: float, ph: float, land_use: str) -> FarmlandJudgement:
    """Judge one content against GB 15618-2018 Tables 1–3 and §5.1–5.3.

    Parameters
    ----------
    item : str
        One of :data:`ITEMS` (``Cd Hg As Pb Cr Cu Ni Zn hch ddt benzo_a_pyrene``).
    value : float
        Content [mg/kg dry soil], ≥ 0.
    ph : float
        Soil pH, 0–14.
    land_use : str
        One of :data:`LAND_USES`.

    Returns
    -------
    FarmlandJudgement

    Raises
    ------
    UnknownIndicator
        Unknown item (with close matches).
    UnknownKeyError
        Unknown land use.
    InvalidValue
        Value missing, negative or not a number; pH outside 0–14.
    """
    _check_item(item)
    _check_land_use(land_use)
    band = _band_index(ph)
    v = _scaled(item, value, f"{_CLAUSE} Table 1")
    if v < 0:
        raise InvalidValue(
            f"{item} content {value} mg/kg is negative", field=item, value=value,
            clause=f"{_CLAUSE} Table 1",
        )  # fmt: skip
    s_txt = _screening(item, band, land_use)
    c_txt = CONTROL[item][band] if item in CONTROL else None
    s = int(Decimal(s_txt).scaleb(_DIG))
    if v <= s:  # §5.1 "等于或者低于风险筛选值"
        level = "within_screening"
    elif c_txt is not None and v > int(Decimal(c_txt).scaleb(_DIG)):  # §5.3 "高于风险管制值"
        level = "over_control"
    else:
        level = "over_screening"
    return FarmlandJudgement(
        item=item,
        value=float(value),
        ph=float(ph),
        land_use=land_use,
        screening=float(s_txt),
        control=None if c_txt is None else float(c_txt),
        level=level,
        ph_band=PH_BANDS[band],
    )


@dataclass(frozen=True, slots=True)
class FarmlandCategory:
    """Category of one sample (环办土壤函〔2019〕53号 on the basis of GB 15618-2018 §5).

    Attributes
    ----------
    category : str
        ``"priority_protection"`` (优先保护类), ``"safe_use"`` (安全利用类) or
        ``"strict_control"`` (严格管控类).
    deciding : tuple of str
        The items that decided it: those above the control value (strict control), or the
        controlled items above the screening value (safe use); empty for priority protection.
    judgements : tuple of FarmlandJudgement
        Every item given, in :data:`ITEMS` order.
    monitor : tuple of str
        Items without a control value (Cu, Ni, Zn, Table 2) above their screening value: they
        call for closer soil and produce monitoring (§5.1) but decide no category.
    """

    category: str
    deciding: tuple[str, ...]
    judgements: tuple[FarmlandJudgement, ...]
    monitor: tuple[str, ...] = ()

    @property
    def name_zh(self) -> str:
        return CATEGORY_NAMES[self.category][0]


def farmland_category(values: Mapping[str, float], ph: float, land_use: str) -> FarmlandCategory:
    """Category of a sample from its contents (GB 15618-2018 §5; 环办土壤函〔2019〕53号).

    Parameters
    ----------
    values : mapping item → content [mg/kg]
        At least one item; items not given are not judged.
    ph : float
        Soil pH, 0–14.
    land_use : str
        One of :data:`LAND_USES`.

    Returns
    -------
    FarmlandCategory

    Raises
    ------
    InvalidValue
        No item given, or any value / the pH invalid (as :func:`judge_farmland`).
    UnknownIndicator, UnknownKeyError
        Unknown item or land use.
    """
    if not values:
        raise InvalidValue(
            "a farmland sample needs at least one item (Cd, Hg, As, Pb, Cr, …)",
            field="values", value={}, clause=f"{_CLAUSE} §5",
        )  # fmt: skip
    for k in values:
        _check_item(k)
    judgements = tuple(judge_farmland(k, values[k], ph, land_use) for k in ITEMS if k in values)
    over_control = tuple(j.item for j in judgements if j.level == "over_control")
    over_screening = tuple(
        j.item for j in judgements if j.item in CONTROLLED and j.level == "over_screening"
    )
    monitor = tuple(
        j.item for j in judgements if j.item not in CONTROLLED and j.level != "within_screening"
    )
    if over_control:
        return FarmlandCategory("strict_control", over_control, judgements, monitor)
    if over_screening:
        return FarmlandCategory("safe_use", over_screening, judgements, monitor)
    return FarmlandCategory("priority_protection", (), judgements, monitor)
