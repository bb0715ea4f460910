"""Evidence files (photos, documents): checked by their content, stored content-addressed.

A file's type is read from its first bytes (magic numbers), never from its name or the type a
client claims: JPEG, PNG, WebP, PDF and Office Open XML documents (Word .docx, Excel .xlsx).
Its size is bounded (``QINGSHAN_CASE_EVIDENCE_MAX_BYTES``, default 10 MiB) and its types
(``QINGSHAN_CASE_EVIDENCE_TYPES``). The bytes go to ``<data_dir>/evidence/ab/cd/<sha256>``,
written aside and renamed, so a file is stored once however often it is attached and a
crash leaves no half-written file under its name.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from qingshan.cases.errors import EvidenceRejected, EvidenceTooLarge
from qingshan.config import Settings
from qingshan.errors import ConfigurationError

__all__ = [
    "MEDIA_TYPES",
    "Sniffed",
    "sniff_media_type",
    "check_evidence",
    "evidence_path",
    "store_bytes",
]

#: what the platform accepts, by the name used in the setting → its media type
MEDIA_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Sniffed:
    kind: str  # a key of MEDIA_TYPES
    media_type: str
    sha256: str
    size: int


def _ooxml(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def sniff_media_type(data: bytes) -> str | None:
    """The kind of ``data`` by its magic bytes (a key of :data:`MEDIA_TYPES`), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    return None


def check_evidence(data: bytes, *, max_bytes: int, allowed: Collection[str]) -> Sniffed:
    """Check ``data`` against the size limit and the allowed kinds; its hash and type.

    Raises
    ------
    EvidenceTooLarge
        More than ``max_bytes`` (the message names the setting).
    EvidenceRejected
        Empty, or a type (by content) not in ``allowed``.
    """
    if not data:
        raise EvidenceRejected("the file is empty")
    if len(data) > max_bytes:
        raise EvidenceTooLarge(
            f"the file has {len(data)} bytes, more than the limit of {max_bytes} "
            "(setting QINGSHAN_CASE_EVIDENCE_MAX_BYTES)",
            size=len(data),
            limit=max_bytes,
        )
    kind = sniff_media_type(data)
    if kind is None or kind not in allowed:
        what = "an unrecognised type" if kind is None else kind
        raise EvidenceRejected(
            f"the file's content is {what}; accepted: {', '.join(sorted(allowed))} "
            "(setting QINGSHAN_CASE_EVIDENCE_TYPES)",
            kind=kind,
        )
    return Sniffed(kind, MEDIA_TYPES[kind], hashlib.sha256(data).hexdigest(), len(data))


def evidence_path(root: Path, sha256: str) -> Path:
    """Where the file of hash ``sha256`` lives under the evidence directory ``root``."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise EvidenceRejected(f"not a sha256 hex digest: {sha256!r}")
    return root / sha256[:2] / sha256[2:4] / sha256


def store_bytes(root: Path, data: bytes, sha256: str) -> Path:
    """Write ``data`` under its hash (once: an existing file of that hash is kept)."""
    path = evidence_path(root, sha256)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{sha256}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


@dataclass(frozen=True)
class EvidenceLimits:
    """Where evidence lives and what is accepted (from the settings)."""

    root: Path
    max_bytes: int
    allowed: frozenset[str]


def evidence_limits(settings: Settings) -> EvidenceLimits:
    """The evidence directory ``<data_dir>/evidence`` and the limits of ``settings``
    (``QINGSHAN_CASE_EVIDENCE_MAX_BYTES``, ``QINGSHAN_CASE_EVIDENCE_TYPES``); an unknown kind
    in the setting raises :class:`ConfigurationError` naming it."""
    kinds = frozenset(
        k.strip().lower() for k in settings.case_evidence_types.split(",") if k.strip()
    )
    unknown = sorted(kinds - set(MEDIA_TYPES))
    if unknown or not kinds:
        raise ConfigurationError(
            f"QINGSHAN_CASE_EVIDENCE_TYPES: unknown kind(s) {', '.join(unknown) or '(none given)'}; "
            f"valid: {', '.join(MEDIA_TYPES)}"
        )
    return EvidenceLimits(settings.data_dir / "evidence", settings.case_evidence_max_bytes, kinds)
