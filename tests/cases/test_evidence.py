"""Evidence files: the type by content, the size limit as a setting, content addressing."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from qingshan.cases.errors import EvidenceRejected, EvidenceTooLarge
from qingshan.cases.evidence import check_evidence, evidence_limits, sniff_media_type, store_bytes
from qingshan.config import Settings
from qingshan.errors import ConfigurationError

from .conftest import auth

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"x" * 100


def _ooxml(folder: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{folder}/document.xml", "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (JPEG, "jpeg"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (PDF, "pdf"),
        (_ooxml("word"), "docx"),
        (_ooxml("xl"), "xlsx"),
        (b"PK\x03\x04 not a zip", None),
        (b"MZ\x90\x00 an exe", None),
        (b"<svg onload=alert(1)>", None),
    ],
)
def test_the_type_is_read_from_the_content(data, kind):
    assert sniff_media_type(data) == kind


def test_limits_and_types():
    allowed = {"jpeg", "pdf"}
    with pytest.raises(
        EvidenceTooLarge, match="more than the limit of 50 .*QINGSHAN_CASE_EVIDENCE_MAX_BYTES"
    ):
        check_evidence(JPEG, max_bytes=50, allowed=allowed)
    with pytest.raises(
        EvidenceRejected, match="content is png; accepted: jpeg, pdf .*QINGSHAN_CASE_EVIDENCE_TYPES"
    ):
        check_evidence(b"\x89PNG\r\n\x1a\n", max_bytes=1000, allowed=allowed)
    with pytest.raises(EvidenceRejected, match="the file is empty"):
        check_evidence(b"", max_bytes=1000, allowed=allowed)
    got = check_evidence(PDF, max_bytes=1000, allowed=allowed)
    assert (got.media_type, got.sha256, got.size) == (
        "application/pdf",
        hashlib.sha256(PDF).hexdigest(),
        len(PDF),
    )


def test_the_settings_name_a_bad_kind(tmp_path):
    s = Settings(data_dir=tmp_path, case_evidence_types="jpeg,exe")
    with pytest.raises(
        ConfigurationError, match="QINGSHAN_CASE_EVIDENCE_TYPES: unknown kind\\(s\\) exe"
    ):
        evidence_limits(s)
    limits = evidence_limits(Settings(data_dir=tmp_path))
    assert limits.max_bytes == 10 * 2**20 and limits.root == tmp_path / "evidence"


def test_stored_once_under_its_hash(tmp_path):
    sha = hashlib.sha256(PDF).hexdigest()
    p = store_bytes(tmp_path, PDF, sha)
    assert p == tmp_path / sha[:2] / sha[2:4] / sha and p.read_bytes() == PDF
    assert store_bytes(tmp_path, PDF, sha) == p and len(list(tmp_path.rglob("*"))) == 3


def test_upload_and_download_through_the_api(client, engine, world, app_settings):
    from qingshan.cases import service
    from qingshan.db.engine import session_scope

    from .conftest import NOW, make_draft

    with session_scope(engine) as s:
        case_id = service.register_case(s, make_draft(world), actor="t", now=NOW).case.id
    h = auth(client, "owner")
    r = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        files={"file": ("整改前.pdf", PDF, "application/pdf")},
        headers=h,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["sha256"], body["media_type"], body["filename"]) == (
        hashlib.sha256(PDF).hexdigest(), "application/pdf", "整改前.pdf")  # fmt: skip
    got = client.get(f"/api/v1/cases/files/{body['id']}", headers=h)
    assert got.status_code == 200 and got.content == PDF
    assert (
        client.get(f"/api/v1/cases/files/{body['id']}", headers=auth(client, "nb")).status_code
        == 404
    )
    bad = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        files={"file": ("a.jpg", b"<html>", "image/jpeg")},
        headers=h,
    )
    assert bad.status_code == 415 and "unrecognised type" in bad.json()["detail"]
    # larger than the setting: refused at the door (413) whatever the request limit is
    small = app_settings.model_copy(update={"case_evidence_max_bytes": 2048})
    from fastapi.testclient import TestClient

    from qingshan.platform.app import create_app

    with TestClient(create_app(small)) as c2:
        r = c2.post(f"/api/v1/cases/{case_id}/evidence", headers=auth(c2, "owner"),
                    files={"file": ("big.pdf", b"%PDF-" + b"x" * 4096, "application/pdf")})  # fmt: skip
        assert r.status_code == 413 and "QINGSHAN_CASE_EVIDENCE_MAX_BYTES" in r.text
        big = b"%PDF-" + b"x" * (1024 * 1024 + 10)  # above the 1 MiB request limit, under …
    r = client.post(f"/api/v1/cases/{case_id}/evidence", headers=h,
                    files={"file": ("big.pdf", big, "application/pdf")})  # fmt: skip
    assert r.status_code == 201  # … the 10 MiB evidence limit: the upload route allows it
