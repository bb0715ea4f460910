"""Excel exports of the carbon pages: the overview's tables (one sheet each: counties,
industries, months, trajectory against the peak path, contribution) and an enterprise's account
(months by source, factors used, warnings, versions of the results). Headers in the page's
language with their units; written by :func:`qingshan.tablefile.write_workbook` (text that
would read as a formula stays text).

Units: [tCO2]; intensity [tCO2/10^4 yuan]; value added [10^4 yuan]; shares [%].
"""

from __future__ import annotations

import math
from typing import Any

from qingshan.carbon.account_view import AccountView
from qingshan.carbon.overview_service import Overview, region_label
from qingshan.tablefile import write_workbook
from qingshan.web.i18n import LABELS, translate


def _v(x: Any, digits: int = 3) -> Any:
    """A cell: None for a missing or NaN number, floats rounded to ``digits``."""
    if x is None:
        return None
    if isinstance(x, float):
        return None if math.isnan(x) else round(x, digits)
    if hasattr(x, "item"):  # numpy scalars
        return _v(x.item(), digits)
    return x


def _h(key: str, lang: str) -> str:
    return translate(f"cb.x.{key}", lang)


def overview_workbook(o: Overview, lang: str) -> tuple[bytes, str]:
    """(xlsx bytes, file name) of the overview ``o``."""
    t = lambda k: _h(k, lang)  # noqa: E731
    basis = ", ".join(o.basis)
    counties = (
        [t("county"), t("code"), t("total"), t("intensity"), t("share"), t("enterprises"),
         t("scope1"), t("scope2"), t("biomass"), t("no_va")],
        [[region_label(r.region_code, lang), r.region_code, _v(r.total_tco2, 1),
          _v(r.intensity, 4), _v(100 * r.total_tco2 / o.total_tco2 if o.total_tco2 else None, 2),
          int(r.enterprises), _v(r.scope1_tco2, 1), _v(r.scope2_tco2, 1), _v(r.biomass_tco2, 1),
          int(r.months_without_va)] for r in o.counties.itertuples()],
    )  # fmt: skip
    ind = o.industries
    industries = (
        [t("industry"), t("total"), t("intensity"), t("share"), t("enterprises"),
         *(f"{t('grade')} {g}" for g in range(1, 6)), t("ungraded")],
        [[translate(f"industry.{r['industry']}", lang) if f"industry.{r['industry']}" in LABELS
          else r["industry"], _v(r["total_tco2"], 1), _v(r["intensity"], 4),
          _v(100 * r["share"], 2), int(r["enterprises"]),
          *(int(r.get(f"g{g}", 0) or 0) for g in range(1, 6)), int(r.get("ungraded", 0) or 0)]
         for r in ind.to_dict("records")],
    )  # fmt: skip
    months = (
        [t("month"), t("total"), t("scope1"), t("scope2"), t("biomass"), t("intensity")],
        [[m.month.isoformat()[:7], _v(m.total_tco2, 1), _v(m.scope1_tco2, 1),
          _v(m.scope2_tco2, 1), _v(m.biomass_tco2, 1), _v(m.intensity, 4)]
         for m in o.monthly.itertuples()],
    )  # fmt: skip
    trajectory = (
        [t("year"), t("actual"), t("months"), t("target"), t("gap"), t("pace"), t("gap_pace")],
        [[int(r.year), _v(r.actual, 1), int(r.months), _v(r.target, 1), _v(r.gap, 1),
          _v(r.pace, 1), _v(r.gap_pace, 1)] for r in o.trajectory.itertuples()],
    )  # fmt: skip
    contribution = (
        [t("enterprise"), t("county"), t("industry"), t("before"), t("after"), t("change"),
         t("share_change")],
        [[r.name, region_label(r.region_code, lang), r.industry, _v(r.before, 1),
          _v(r.after, 1), _v(r.change, 1), _v(100 * r.share_of_change, 2)]
         for r in o.contribution.itertuples()],
    )  # fmt: skip
    periods = ""
    if o.current is not None and o.previous is not None:
        periods = (f"{o.previous.first:%Y-%m}–{o.previous.last:%Y-%m} → "
                   f"{o.current.first:%Y-%m}–{o.current.last:%Y-%m}")  # fmt: skip
    about: tuple[list[str], list[list[Any]]] = (
        [t("item"), t("value")],
        [[t("region"), f"{region_label(o.region_code, lang)} ({o.region_code})"],
         [t("year"), o.year], [t("basis"), basis],
         [t("library"), ", ".join(o.library_versions)], [t("method"), t("method_text")],
         [t("grade_method"), o.grade_method], [t("periods"), periods]],
    )  # fmt: skip
    data = write_workbook(
        {t("sheet.counties"): counties, t("sheet.industries"): industries,
         t("sheet.months"): months, t("sheet.trajectory"): trajectory,
         t("sheet.contribution"): contribution, t("sheet.about"): about},
        widths={t("county"): 16, t("industry"): 18, t("enterprise"): 30, t("item"): 18,
                t("value"): 70},
    )  # fmt: skip
    name = f"{t('file.overview')}-{o.region_code}-{o.year}.xlsx"
    return data, name


def account_workbook(v: AccountView, lang: str) -> tuple[bytes, str]:
    """(xlsx bytes, file name) of an enterprise's account ``v``."""
    t = lambda k: _h(k, lang)  # noqa: E731
    a = v.account
    months = (
        [t("month"), *v.sources, t("total"), t("biomass"), t("va"), t("intensity"),
         t("revision")],
        [[r["month"], *(_v(r[s], 3) for s in v.sources), _v(r["total"], 3), _v(r["biomass"], 3),
          _v(r["va"], 2), _v(r["intensity"], 4), r["revision"]] for r in v.monthly],
    )  # fmt: skip
    factors = (
        [t("factor"), t("value"), t("unit"), t("source"), t("valid_from"), t("valid_to"),
         t("tag")],
        [[f["id"], _v(f["value"], 6), f["unit"], f["source"], f["valid_from"], f["valid_to"],
          f["tag"]] for f in v.factors],
    )  # fmt: skip
    warnings = (
        [t("kind"), t("month"), t("message")],
        [[w.kind, w.month.isoformat()[:7] if w.month else "", w.message] for w in a.warnings],
    )  # fmt: skip
    versions = (
        [t("month"), t("version"), t("current"), t("total"), t("library"), t("basis"),
         t("edition"), t("reason"), t("computed_at")],
        [[r["month"], r["version"], "✓" if r["current"] else "", _v(r["total"], 3),
          r["library_version"], r["basis"], r["edition"], r["reason"], r["computed_at"]]
         for r in v.versions],
    )  # fmt: skip
    code = a.code
    about: tuple[list[str], list[list[Any]]] = (
        [t("item"), t("value")],
        [[t("enterprise"), a.name], [t("credit_code"), a.credit_code], [t("year"), v.year],
         [t("total"), _v(a.total_tco2, 3)], [t("intensity"), _v(v.intensity, 4)],
         [t("grade"), code.grade], [t("k"), _v(code.k, 3)],
         [t("grade_method"), code.method], [t("basis"), ", ".join(v.basis)],
         [t("edition"), ", ".join(v.editions)], [t("library"), ", ".join(v.library_versions)]],
    )  # fmt: skip
    data = write_workbook(
        {t("sheet.months"): months, t("sheet.factors"): factors,
         t("sheet.warnings"): warnings, t("sheet.versions"): versions, t("sheet.about"): about},
        widths={t("factor"): 34, t("source"): 60, t("message"): 80, t("reason"): 40,
                t("library"): 30, t("value"): 60},
    )  # fmt: skip
    name = f"{t('file.account')}-{a.enterprise_id}-{v.year}.xlsx"
    return data, name
