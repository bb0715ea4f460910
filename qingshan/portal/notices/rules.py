"""The notices' pure rules (no I/O): the lifecycle, who may read a notice, safe rendering.

Lifecycle: ``draft`` → ``published`` (publish) → ``withdrawn`` (withdraw, with a reason). A
notice is never deleted; a withdrawn one leaves the readers' lists and stays in the record. A
draft may be edited; a published notice is withdrawn and written again, not edited, so that
what an enterprise read is what stays on file.

Reading: a notice belongs to a region (the bureau's county, city or the province); it reaches
the readers of that region and below (GB/T 2260 prefixes, :func:`qingshan.geo.regions.in_scope`):

==========  ===========================================================================
audience    who reads it (published only)
==========  ===========================================================================
public      everyone, without login (the public portal), and every account of the region
region      every enterprise account of the region (and its officers)
listed      the enterprise accounts acting for one of ``enterprise_ids`` (and officers)
officers    the bureau's accounts of the region only
==========  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from markdown_it import MarkdownIt

from qingshan.geo.regions import in_scope

__all__ = [
    "AUDIENCES",
    "STEPS",
    "allowed_steps",
    "ancestors",
    "enterprise_may_read",
    "officer_may_read",
    "render_body",
]

AUDIENCES = ("public", "region", "listed", "officers")

#: event → (states it is allowed in, the state it leads to)
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "edit": (("draft",), "draft"),
    "publish": (("draft",), "published"),
    "withdraw": (("published",), "withdrawn"),
}

#: the most characters of a title and a body
MAX_TITLE = 200
MAX_BODY = 20_000


def allowed_steps(state: str) -> list[str]:
    """The events allowed in ``state``."""
    return [event for event, (states, _) in STEPS.items() if state in states]


def ancestors(region_code: str) -> list[str]:
    """``region_code`` and the regions containing it (GB/T 2260: county 330106 → city 330100 →
    province 330000): the regions whose notices reach a reader of ``region_code``."""
    codes = [region_code[:2] + "0000", region_code[:4] + "00", region_code]
    return sorted(set(codes))


def enterprise_may_read(
    audience: str,
    notice_region: str,
    listed: Iterable[int],
    enterprise_regions: dict[int, str],
) -> bool:
    """Whether an enterprise account acting for the enterprises ``enterprise_regions`` (id →
    county) reads a published notice of ``audience`` and ``notice_region``."""
    if audience == "officers":
        return False
    inside = {e for e, code in enterprise_regions.items() if in_scope(code, notice_region)}
    if audience == "listed":
        return bool(inside & set(listed))
    return bool(inside)


def officer_may_read(audience: str, notice_region: str, officer_region: str) -> bool:
    """Whether a bureau account of ``officer_region`` reads a published notice: those of its
    own region and below (it oversees them) and those of the regions above it."""
    del audience  # officers read every audience of their regions
    return in_scope(notice_region, officer_region) or in_scope(officer_region, notice_region)


_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_MD.disable("image")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "/")


def _safe_link(url: str) -> bool:
    return url.lower().startswith(_SAFE_SCHEMES)


_MD.validateLink = _safe_link  # type: ignore[method-assign]


def render_body(text: str) -> str:
    """The body as HTML: CommonMark with raw HTML escaped (``html=False``), no images, links
    only to http(s), mailto and the site itself; plain text reads as paragraphs."""
    return _MD.render(text)


def check_listed(audience: str, enterprise_ids: Collection[int]) -> list[int]:
    """The listed enterprises, sorted and unique; an error text when they do not fit the
    audience (``listed`` needs at least one, the others none)."""
    ids = sorted({int(i) for i in enterprise_ids})
    if audience == "listed" and not ids:
        raise ValueError("audience 'listed' needs at least one enterprise")
    if audience != "listed" and ids:
        raise ValueError(f"audience {audience!r} takes no enterprise list (only 'listed' does)")
    return ids
