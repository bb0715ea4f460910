"""Receiving the public's complaints (群众举报): the form and Open311 both end here.

A complaint is checked whole before anything is stored (category open to the public, text
lengths, contact, the place within Zhejiang, the photos by their content and size through the
core's evidence checks); then it becomes a case through the core's intake
(:func:`~.intake.register_case`, source ``complaint``), which decides what a repeat complaint
does: it joins the nearest open case :func:`~.intake.find_duplicates` finds (same enterprise,
or within the duplicate radius, same category, recent), reopens a case of the enterprise closed
within 12 months as a relapse (反弹), or opens a new case. The complainant gets a tracking
number (举报编号) and, on the form, a secret (查询码) shown once; only its SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.archive.service import find_enterprise
from qingshan.cases.complaint_models import CaseComplaint
from qingshan.cases.errors import BadCaseInput, EvidenceRejected
from qingshan.cases.evidence import EvidenceLimits, Sniffed, check_evidence, store_bytes
from qingshan.cases.intake import CaseDraft, find_duplicates, register_case
from qingshan.cases.locate import region_for_point
from qingshan.cases.models import CaseFile
from qingshan.cases.public_services import check_attributes, public_service
from qingshan.cases.workflow import OPEN_STATES, CaseState
from qingshan.geo.regions import in_scope
from qingshan.timeutil import as_cst, utcnow

__all__ = [
    "Photo",
    "ComplaintInput",
    "ComplaintReceipt",
    "submit_complaint",
    "secret_hash",
    "normalize_code",
    "PHOTO_KINDS",
]

#: what a complaint's photos may be (by content), within QINGSHAN_CASE_EVIDENCE_TYPES
PHOTO_KINDS = frozenset({"jpeg", "png", "webp"})
#: letters and digits that cannot be mistaken for each other (no 0/O, 1/I)
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,30}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_CHANNELS = ("web", "open311")


@dataclass(frozen=True)
class Photo:
    filename: str
    data: bytes


@dataclass(frozen=True)
class ComplaintInput:
    """A complaint as the form or an Open311 client gives it. ``region_code``: the county (or
    city) the complainant named; with a point it must lie in the point's city."""

    category: str
    description: str
    longitude: float | None = None
    latitude: float | None = None
    region_code: str | None = None
    place: str = ""
    enterprise: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    observed_at: datetime | None = None
    media_url: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    photos: Sequence[Photo] = ()
    channel: str = "web"


@dataclass(frozen=True)
class ComplaintReceipt:
    """What the complainant is told: the tracking number and, once, the secret; the case and
    how the complaint ended in it (``new``, ``attached`` to an open case, ``relapse``)."""

    tracking_no: str
    secret: str | None
    case_id: int
    outcome: str
    complaint_id: int


def _random(n: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(n))


def normalize_code(text: str) -> str:
    """A tracking number or secret as typed → its canonical form (upper case, without spaces
    or dashes)."""
    return re.sub(r"[\s\-_]", "", text).upper()


def secret_hash(secret: str) -> str:
    """The stored form of a secret: SHA-256 of its canonical form (80 random bits: no slow
    hash is needed)."""
    return hashlib.sha256(normalize_code(secret).encode()).hexdigest()


def secrets_match(stored: str | None, given: str) -> bool:
    return stored is not None and hmac.compare_digest(stored, secret_hash(given))


def _tracking_no(session: Session, now: datetime) -> str:
    for _ in range(8):
        no = f"JB{as_cst(now):%Y%m%d}{_random(6)}"
        if session.scalar(select(CaseComplaint.id).where(CaseComplaint.tracking_no == no)) is None:
            return no
    raise RuntimeError("no free tracking number after 8 tries")  # 32^6 a day: not reached


def _text(field: str, value: str, limit: int, *, required: bool = False) -> str:
    value = value.strip()
    if "\x00" in value:
        raise BadCaseInput(field, "contains a NUL character")
    if required and not value:
        raise BadCaseInput(field, "must not be empty")
    if len(value) > limit:
        raise BadCaseInput(field, f"at most {limit} characters, got {len(value)}")
    return value


def _photos(inp: ComplaintInput, limits: EvidenceLimits, max_photos: int) -> list[Sniffed]:
    if len(inp.photos) > max_photos:
        raise BadCaseInput(
            "photos",
            f"at most {max_photos} photos, got {len(inp.photos)} "
            "(setting QINGSHAN_COMPLAINT_MAX_PHOTOS)",
        )
    allowed = limits.allowed & PHOTO_KINDS
    out = []
    for photo in inp.photos:
        try:
            out.append(check_evidence(photo.data, max_bytes=limits.max_bytes, allowed=allowed))
        except EvidenceRejected as exc:
            name = Path(photo.filename).name or "photo"
            raise type(exc)(f"photo {name!r}: {exc.message}", **exc.context) from None
    return out


def _validated(inp: ComplaintInput, now: datetime) -> dict[str, Any]:
    if inp.channel not in _CHANNELS:
        raise BadCaseInput("channel", f"one of {', '.join(_CHANNELS)}")
    service = public_service(inp.category)
    out: dict[str, Any] = {
        "service": service,
        "description": _text("description", inp.description, 4000, required=inp.channel == "web"),
        "place": _text("place", inp.place, 200),
        "enterprise": _text(
            "enterprise", inp.enterprise or str(inp.attributes.get("ENTERPRISE") or ""), 200
        ),
        "contact_name": _text("contact_name", inp.contact_name, 64),
        "contact_phone": _text("contact_phone", inp.contact_phone, 32),
        "contact_email": _text("contact_email", inp.contact_email, 128),
        "attributes": check_attributes(service, inp.attributes),
    }
    if out["contact_phone"] and not _PHONE.match(out["contact_phone"]):
        raise BadCaseInput("contact_phone", f"{out['contact_phone']!r} is not a phone number")
    if out["contact_email"] and not _EMAIL.match(out["contact_email"]):
        raise BadCaseInput("contact_email", f"{out['contact_email']!r} is not an e-mail address")
    media = None if inp.media_url is None else inp.media_url.strip() or None
    if media is not None and (not re.match(r"^https?://\S+$", media) or len(media) > 1000):
        raise BadCaseInput("media_url", "an http(s) URL of at most 1000 characters")
    out["media_url"] = media
    observed = inp.observed_at
    if observed is None and "OBSERVED" in out["attributes"]:
        observed = datetime.fromisoformat(out["attributes"]["OBSERVED"])
    if observed is not None:
        if observed.tzinfo is None:
            raise BadCaseInput("observed_at", "needs a time zone")
        if observed > now + timedelta(minutes=5):
            raise BadCaseInput("observed_at", f"{observed.isoformat()} is in the future")
        if observed < now - timedelta(days=366):
            raise BadCaseInput("observed_at", "more than a year ago")
    out["observed_at"] = observed or now
    out["region_code"] = region_for_point(inp.longitude, inp.latitude, inp.region_code)
    return out


def _title(service_name: str, description: str, place: str) -> str:
    gist = " ".join(description.split())[:60] or place or service_name
    return f"群众举报·{service_name}：{gist}"[:200]


def submit_complaint(
    session: Session,
    inp: ComplaintInput,
    *,
    limits: EvidenceLimits,
    max_photos: int,
    with_secret: bool = True,
    now: datetime | None = None,
) -> ComplaintReceipt:
    """Check ``inp`` whole, register it through the core's intake (joining an open duplicate,
    reopening a relapse, or opening a case), store its photos and the complaint.

    Raises
    ------
    BadCaseInput
        A field is invalid (the message names it): a category the public may not report, an
        empty description, a point outside Zhejiang, a county of another city, a bad phone …
    EvidenceRejected, EvidenceTooLarge
        A photo that is not a JPEG, PNG or WebP image by its content, or too large.
    """
    now = now or utcnow()
    v = _validated(inp, now)
    sniffed = _photos(inp, limits, max_photos)
    region = v["region_code"]
    enterprise_id = None
    if v["enterprise"]:
        found = find_enterprise(session, v["enterprise"])
        if found is not None:
            enterprise_id, ent_region = found
            if in_scope(ent_region, region):  # the enterprise's county is the finer place
                region = ent_region
    tracking_no = _tracking_no(session, now)
    service = v["service"]
    draft = CaseDraft(
        source="complaint",
        category=service.code,
        severity="general",
        title=_title(service.name, v["description"], v["place"]),
        region_code=region,
        occurred_at=v["observed_at"],
        description=v["description"],
        enterprise_id=enterprise_id,
        longitude=inp.longitude,
        latitude=inp.latitude,
        place=v["place"],
        source_key=tracking_no,
        evidence={"tracking_no": tracking_no, "channel": inp.channel,
                  "attributes": v["attributes"], "media_url": v["media_url"]},
    )  # fmt: skip
    for dup in find_duplicates(session, draft, now=now):
        if dup.case.state in OPEN_STATES or dup.case.state is CaseState.ACCEPTED:
            draft = replace(draft, join_case_id=dup.case.id)
            break
    reg = register_case(session, draft, actor=f"public:{inp.channel}", scope=None, now=now)
    file_ids = []
    for photo, s in zip(inp.photos, sniffed, strict=True):
        store_bytes(limits.root, photo.data, s.sha256)
        row = CaseFile(
            case_id=reg.case.id, sha256=s.sha256, size=s.size, media_type=s.media_type,
            filename=(Path(photo.filename).name or "photo")[:200],
            uploaded_by=f"complaint:{tracking_no}", uploaded_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        file_ids.append(row.id)
    secret = f"{_random(4)}-{_random(4)}-{_random(4)}-{_random(4)}" if with_secret else None
    complaint = CaseComplaint(
        tracking_no=tracking_no,
        secret_hash=None if secret is None else secret_hash(secret),
        case_id=reg.case.id,
        channel=inp.channel,
        outcome=reg.outcome,
        category=service.code,
        description=v["description"],
        place=v["place"],
        region_code=region,
        longitude=inp.longitude,
        latitude=inp.latitude,
        enterprise_text=v["enterprise"],
        contact_name=v["contact_name"],
        contact_phone=v["contact_phone"],
        contact_email=v["contact_email"],
        media_url=v["media_url"],
        file_ids=file_ids,
        attributes=v["attributes"],
        submitted_at=now,
    )
    session.add(complaint)
    session.flush()
    return ComplaintReceipt(tracking_no, secret, reg.case.id, reg.outcome, complaint.id)
