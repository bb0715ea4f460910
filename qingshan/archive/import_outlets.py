"""An enterprise's outlets (排口) as the archive writes them: ``site`` rows of kind gas/water
outlet (no second outlet table), with the facts the archive keeps in ``attrs`` — the source
type that gives the national limits and reference O2 (:data:`.limits.NATIONAL_SOURCES`), its
name, and the reference O2 recorded where no standard gives it. The one rule for storing an
outlet; the import (:mod:`.import_archive`) calls it, and so may an editing form.

Rules: the code is 3–32 letters, digits, ``-``, ``_`` or ``.``, and no other site has it; the
name 2–128 characters; the kind (gas/water) of an outlet on file does not change (its series
would lose their meaning: register a new outlet); coordinates in China; the source type one of
the library's and of the outlet's medium; the reference O2 in [0, 21) % and only for gas
outlets. An outlet lies in its enterprise's county.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.archive.errors import ArchiveConflict, BadArchiveInput, EnterpriseNotFound
from qingshan.archive.limits import NATIONAL_SOURCES
from qingshan.archive.models import Enterprise
from qingshan.monitoring.models import ControlLevel, Site, SiteKind

__all__ = ["OUTLET_FIELDS", "save_outlet"]

OUTLET_FIELDS = ("name", "kind", "control_level", "longitude", "latitude", "source_type",
                 "source_name", "reference_o2")  # fmt: skip
_ATTRS = ("source_type", "source_name", "reference_o2")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{2,31}$")
_WATER_SOURCES = frozenset(k for k in NATIONAL_SOURCES if k.endswith("effluent"))


def _bad(field: str, value: object, allowed: str) -> BadArchiveInput:
    return BadArchiveInput(f"{field} {value!r} is not valid: {allowed}", field=field, value=value)


def _clean(values: Mapping[str, Any], kind: SiteKind) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k == "name":
            name = " ".join(str(v).split())
            if not 2 <= len(name) <= 128:
                raise _bad("name", v, "2 to 128 characters")
            out[k] = name
        elif k == "control_level":
            try:
                out[k] = ControlLevel(v or "enterprise")
            except ValueError:
                raise _bad(k, v, f"one of {', '.join(ControlLevel)}") from None
        elif k in ("longitude", "latitude"):
            lo, hi = (73.0, 136.0) if k == "longitude" else (3.0, 54.0)
            if v is not None and not (isinstance(v, int | float) and lo <= float(v) <= hi):
                raise _bad(k, v, f"a WGS-84 {k} in China, {lo}–{hi} degrees")
            out[k] = None if v is None else float(v)
        elif k == "source_type":
            if v in (None, ""):
                out[k] = None
                continue
            if v not in NATIONAL_SOURCES:
                raise _bad(k, v, f"one of {', '.join(NATIONAL_SOURCES)}")
            if (v in _WATER_SOURCES) != (kind is SiteKind.WATER_OUTLET):
                raise _bad(
                    k,
                    v,
                    f"a source type of a {'water' if kind is SiteKind.WATER_OUTLET else 'gas'} outlet",
                )
            out[k] = v
        elif k == "source_name":
            out[k] = None if v in (None, "") else str(v).strip()[:64]
        elif k == "reference_o2":
            if v is not None and kind is not SiteKind.GAS_OUTLET:
                raise _bad(k, v, "a reference O2 is for gas outlets only")
            if v is not None and not (isinstance(v, int | float) and 0 <= float(v) < 21):
                raise _bad(k, v, "a percentage, 0 ≤ O2 < 21")
            out[k] = None if v is None else float(v)
        elif k != "kind":
            raise _bad("field", k, ", ".join(OUTLET_FIELDS))
    return out


def _value(site: Site, key: str) -> Any:
    if key in _ATTRS:
        return (site.attrs or {}).get(key)
    v = getattr(site, key)
    return v.value if key in ("kind", "control_level") else v


def save_outlet(
    session: Session, enterprise_id: int, code: str, values: Mapping[str, Any]
) -> tuple[Site, dict[str, list]]:
    """Create the outlet ``code`` of ``enterprise_id``, or change the fields of ``values``
    (keys of :data:`OUTLET_FIELDS`) of the one on file. Returns the site and what changed
    (field → [old, new]; every given field of a new outlet). Refused, storing nothing: a code
    of another site, a changed kind, a bad value (:class:`BadArchiveInput` naming the field).
    """
    ent = session.get(Enterprise, enterprise_id)
    if ent is None:
        raise EnterpriseNotFound(f"no enterprise {enterprise_id}", enterprise_id=enterprise_id)
    code = code.strip()
    if not _CODE.match(code):
        raise _bad(
            "code",
            code,
            "3 to 32 letters, digits, '-', '_' or '.', starting with a letter or digit",
        )
    site = session.scalar(select(Site).where(Site.code == code))
    if site is not None and (
        site.enterprise_id != enterprise_id
        or site.kind not in (SiteKind.GAS_OUTLET, SiteKind.WATER_OUTLET)
    ):
        owner = (
            f"enterprise {site.enterprise_id}"
            if site.enterprise_id
            else f"the {site.kind.value} {site.name}"
        )
        raise ArchiveConflict(f"site code {code} is on file for {owner}", field="code", value=code)
    try:
        kind = SiteKind(values.get("kind") or (site.kind if site is not None else ""))
    except ValueError:
        raise _bad("kind", values.get("kind"), "gas_outlet or water_outlet") from None
    if kind not in (SiteKind.GAS_OUTLET, SiteKind.WATER_OUTLET):
        raise _bad("kind", kind.value, "gas_outlet or water_outlet")
    if site is not None and kind is not site.kind:
        raise _bad("kind", kind.value, f"outlet {code} is a {site.kind.value} on file: an outlet's kind "
                   "does not change (register a new outlet)")  # fmt: skip
    clean = _clean(values, kind)
    if site is None:
        if "name" not in clean:
            raise _bad("name", None, "a new outlet has a name")
        attrs = {k: clean[k] for k in _ATTRS if clean.get(k) is not None}
        site = Site(code=code, name=clean["name"], kind=kind,
                    control_level=clean.get("control_level", ControlLevel.ENTERPRISE),
                    region_code=ent.region_code, enterprise_id=enterprise_id,
                    longitude=clean.get("longitude"), latitude=clean.get("latitude"), attrs=attrs)  # fmt: skip
        session.add(site)
        session.flush()
        return site, {"kind": [None, kind.value], **{k: [None, _value(site, k)] for k in clean}}
    diff: dict[str, list] = {}
    attrs = dict(site.attrs or {})
    for k, v in clean.items():
        old = _value(site, k)
        new = v.value if isinstance(v, ControlLevel) else v
        if old == new:
            continue
        diff[k] = [old, new]
        if k in _ATTRS:
            if v is None:
                attrs.pop(k, None)
            else:
                attrs[k] = v
        else:
            setattr(site, k, v)
    if site.region_code != ent.region_code:
        diff["region_code"] = [site.region_code, ent.region_code]
        site.region_code = ent.region_code
    if diff:
        site.attrs = attrs
        session.flush()
    return site, diff
