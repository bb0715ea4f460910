"""Open311 GeoReport v2 output (wiki.open311.org/GeoReport_v2, "Format Support"): XML with
its UTF-8 declaration, schemaless and without a namespace, and JSON as the spec's "Spark"
mapping of it (a list of objects for the list resources). Pure: bodies in, bytes out."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from fastapi.responses import Response

__all__ = ["MEDIA", "answer", "errors", "to_xml"]

MEDIA = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
#: the element of each item of a list, by the list's element
_ITEMS = {
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
}


def _element(parent: ET.Element, name: str, value: Any) -> None:
    """``value`` as the element ``name``: a list as its items (named by :data:`_ITEMS`), an
    object as its fields, true/false in lower case, None as an empty element."""
    el = ET.SubElement(parent, name)
    if isinstance(value, list):
        for item in value:
            _element(el, _ITEMS[name], item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _element(el, k, v)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


def to_xml(root: str, item: str | None, body: Any) -> bytes:
    """The XML document of ``body``: a list of ``item`` elements under ``root``, or (``item``
    None) an object's fields under ``root``."""
    top = ET.Element(root)
    for k, v in body.items() if item is None else ((item, obj) for obj in body):
        _element(top, k, v)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(top, encoding="utf-8")


def answer(fmt: str, root: str, item: str | None, body: Any, status: int = 200) -> Response:
    """The response of ``body`` in ``fmt`` (``json`` or ``xml``)."""
    if fmt == "xml":
        return Response(to_xml(root, item, body), status_code=status, media_type=MEDIA["xml"])
    text = json.dumps(body, ensure_ascii=False)
    return Response(text.encode(), status_code=status, media_type=MEDIA["json"])


def errors(fmt: str, status: int, *descriptions: str) -> Response:
    """The spec's error array (``errors``/``error`` of ``code`` and ``description``) with the
    HTTP ``status``."""
    body = [{"code": status, "description": d} for d in descriptions]
    return answer(fmt if fmt in MEDIA else "json", "errors", "error", body, status)
