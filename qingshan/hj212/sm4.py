"""SM4 encryption of the CP data area (HJ 212-2025 §6.4.2, Appendix A.2).

The 2025 edition encrypts the data area with SM4 (GB/T 32907-2016), a 16-byte key, ECB mode
and *no padding*: the bytes between ``CP=&&`` and the closing ``&&`` are encrypted 16 at a time
and a tail shorter than 16 bytes stays plaintext. The CRC is computed over the *plaintext* data
segment before encryption ("先完成CRC校验并组包，再对数据段加密", App. A.2), and because ECB
without padding keeps the length, the length field LLLL is the same for the plaintext and the
encrypted segment. Nothing in the header says a frame is encrypted (the examples keep
``Flag=9``): a receiver knows it from the device's configuration, and checks it by the CRC of
the decrypted segment.

Checked against the standard's own examples (App. A.2, test key 16 × 0x30, as transcribed in
``Daidai52640/cems-data-pipeline`` ``tests/protocol/hj212/test_vectors.json``): the 208-byte
data area of the 2051 example encrypts to exactly the 208 bytes printed there, and its
plaintext segment has length 0295 and CRC 2200, the values printed in the encrypted frame; the
147-byte example encrypts to the 144 printed bytes followed by the plaintext ``g=N``. The
standard prints the ciphertext as ``{0xE4,0x3E,…}``: that is how a document shows binary bytes
(LLLL 0295 counts them as bytes), so on the wire the ciphertext is binary. A text form
``{0xE4,0x3E,…}`` sent literally (some implementations do, with LLLL counting its characters)
is read too.

Pure functions: bytes in, bytes out; no I/O.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from qingshan.hj212.errors import DecryptionError, FieldError

__all__ = [
    "BLOCK_BYTES", "ENCRYPTED_CNS", "KEY_BYTES", "TEST_KEY", "decrypt_frame", "encrypt_frame",
    "needs_encryption", "parse_key", "sm4_decrypt", "sm4_encrypt",
]  # fmt: skip

#: SM4 block and key size [bytes] (GB/T 32907-2016)
BLOCK_BYTES: Final = 16
KEY_BYTES: Final = 16
#: the test key of HJ 212-2025 Appendix A.2 ("密钥使用16个0x30")
TEST_KEY: Final = b"0" * KEY_BYTES
#: commands whose data area is encrypted (HJ 212-2025 §6.4.4 as transcribed in
#: ``Daidai52640/cems-data-pipeline``: 2000–2999, 1014 and 3020) [U]
ENCRYPTED_CNS: Final = frozenset({"1014", "3020"})

_CP = b"CP=&&"
_HEX_KEY = re.compile(r"[0-9A-Fa-f]{32}")
_HEX_BYTE = re.compile(rb"\s*0[xX]([0-9A-Fa-f]{1,2})\s*")


def needs_encryption(cn: str | None) -> bool:
    """Whether a frame of command ``cn`` has its data area encrypted for a device with a key
    (HJ 212-2025 §6.4.4 [U]: data commands 2000–2999, key exchange 1014, site info 3020)."""
    return cn is not None and (cn in ENCRYPTED_CNS or (len(cn) == 4 and cn[0] == "2"))


def parse_key(text: str) -> bytes:
    """An SM4 key from its 32 hexadecimal digits (the standard's test key 16 × 0x30 is
    ``30303030303030303030303030303030``). Raises :class:`FieldError` otherwise."""
    text = (text or "").strip()
    if _HEX_KEY.fullmatch(text) is None:
        raise FieldError(
            "bad SM4 key: 32 hexadecimal digits (16 bytes, HJ 212-2025 §6.4.2)",
            field="sm4_key",
            clause="HJ 212-2025 6.4.2",
        )
    return bytes.fromhex(text)


@lru_cache(maxsize=4096)  # one per device key: building it costs a third of a frame's decryption
def _cipher(key: bytes) -> Cipher[modes.ECB]:
    if len(key) != KEY_BYTES:
        raise FieldError(
            f"SM4 key of {len(key)} bytes: it has 16 (HJ 212-2025 §6.4.2)", field="sm4_key"
        )
    return Cipher(algorithms.SM4(key), modes.ECB())


def sm4_encrypt(data: bytes, key: bytes) -> bytes:
    """SM4-ECB over the whole 16-byte blocks of ``data``; a shorter tail stays as it is
    (HJ 212-2025 App. A.2: "不足16个字符的部分使用明文"). Same length out as in."""
    whole = len(data) - len(data) % BLOCK_BYTES
    enc = _cipher(key).encryptor()
    return enc.update(data[:whole]) + enc.finalize() + data[whole:]


def sm4_decrypt(data: bytes, key: bytes) -> bytes:
    """The inverse of :func:`sm4_encrypt`."""
    whole = len(data) - len(data) % BLOCK_BYTES
    dec = _cipher(key).decryptor()
    return dec.update(data[:whole]) + dec.finalize() + data[whole:]


def _split(frame: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """(header up to and with ``CP=&&``, data area, ``&&``, CRC) of a frame without CRLF."""
    body = frame[6:-4]
    at = body.find(_CP)
    if frame[:2] != b"##" or at < 0 or not body.endswith(b"&&") or len(body) < at + 7:
        raise DecryptionError(
            "not a frame with a CP=&&…&& data area (HJ 212-2025 §6.4.2)",
            packet=frame,
            clause="HJ 212-2025 6.4.2",
        )
    return body[: at + 5], body[at + 5 : -2], b"&&", frame[-4:]


def _strip(frame: bytes) -> tuple[bytes, bytes]:
    """(frame without its line end, the line end)."""
    if frame.endswith(b"\r\n"):
        return frame[:-2], b"\r\n"
    if frame.endswith(b"\n"):
        return frame[:-1], b"\n"
    return frame, b""


def encrypt_frame(frame: bytes, key: bytes) -> bytes:
    """The frame with its data area SM4-encrypted: the length field and the CRC stay those of
    the plaintext segment (HJ 212-2025 §6.4.2, App. A.2)."""
    frame, end = _strip(frame)
    head, area, close, crc = _split(frame)
    return frame[:6] + head + sm4_encrypt(area, key) + close + crc + end


def _text_form(area: bytes) -> tuple[bytes, bytes] | None:
    """(ciphertext, plaintext tail) of a data area written as ``{0xE4,0x3E,…}<tail>``."""
    if not area.startswith(b"{0x") and not area.startswith(b"{0X"):
        return None
    close = area.find(b"}")
    if close < 0:
        return None
    items = area[1:close].split(b",")
    out = bytearray()
    for item in items:
        m = _HEX_BYTE.fullmatch(item)
        if m is None:
            return None
        out.append(int(m.group(1), 16))
    if len(out) % BLOCK_BYTES:
        return None
    return bytes(out), area[close + 1 :]


def decrypt_frame(frame: bytes, key: bytes) -> bytes:
    """The plaintext frame of an SM4-encrypted one (HJ 212-2025 §6.4.2): its data area
    decrypted, the length field that of the plaintext segment, the CRC as received.

    The ciphertext may be binary (length-preserving, as the standard's examples count it) or
    written as text ``{0xE4,0x3E,…}``. The CRC is not checked here: it is the plaintext's, so
    :func:`~qingshan.hj212.codec.parse` of the result checks it (a wrong key, or a frame that
    was not encrypted, fails there). Raises :class:`DecryptionError` when the frame has no
    ``CP=&&…&&`` data area.
    """
    frame, end = _strip(frame)
    head, area, close, crc = _split(frame)
    text = _text_form(area)
    plain = sm4_decrypt(area, key) if text is None else sm4_decrypt(text[0], key) + text[1]
    segment = head + plain + close
    return b"##%04d%s%s%s" % (len(segment), segment, crc, end)
