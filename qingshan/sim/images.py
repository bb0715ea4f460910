"""Stand-in images for the demo's evidence files."""

from __future__ import annotations

import struct
import zlib

__all__ = ["tiny_png"]


def tiny_png(seed: int) -> bytes:
    """A tiny valid PNG (a 2×2 grey image, its shade from ``seed``): a stand-in for a site photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    g = seed % 256
    raw = b"".join(b"\x00" + bytes([g, g]) for _ in range(2))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))  # fmt: skip
