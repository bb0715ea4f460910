"""gzip for the answers that are text: JSON and GeoJSON above all (a province's enterprise list,
a year of an air station's hours, the counties' boundaries), scripts, styles and CSV.

Starlette's ``GZipMiddleware`` compresses an answer of at least :data:`MINIMUM_BYTES` when the
request accepts gzip (every browser does) and leaves it alone otherwise; a streamed answer is
compressed chunk by chunk as it goes (it stays streamed), a ranged (206) answer or one already
encoded is passed through. Not compressed (:data:`EXCLUDED`): formats that are compressed
already (Excel and Word files are ZIP archives, images, PDF) and HTML pages, whose
Content-Security-Policy hashes and Content-Length the security middleware computes on the
body (the pages are small; their data comes as JSON)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

#: smaller answers are sent as they are (a gzip header and a round trip cost more)
MINIMUM_BYTES = 1024
#: zlib level: 6 (zlib's default) is within a few per cent of 9's size at a fraction of its CPU
LEVEL = 6
#: media types sent uncompressed
EXCLUDED: tuple[str, ...] = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "text/html",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/octet-stream",
    "image/*",
)


def install_compression(app: FastAPI) -> None:
    """Compress ``app``'s text answers; call it last, so that it wraps every other middleware
    (they see the body uncompressed)."""
    app.add_middleware(
        GZipMiddleware, minimum_size=MINIMUM_BYTES, compresslevel=LEVEL,
        exclude_content_types=EXCLUDED,
    )  # fmt: skip
