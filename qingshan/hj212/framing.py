"""Stream framing and multi-packet reassembly (HJ 212-2017 §6.3.1, §6.3.2 PNUM/PNO).

:class:`FrameReader` cuts a TCP byte stream into frames by their length field, never by CRLF
alone: frames may come back to back without CRLF or with a bare LF. On a bad length it skips
one byte and scans for the next ``##`` (resynchronisation). A frame whose CP area lacks its
closing ``&&`` is still cut when its four CRC digits are the segment's checksum, so that the
parser rejects it for what it is (the CP error, with its MN). It holds at most one incomplete
frame (≤ 10,011 bytes) plus the last chunk, so memory is bounded whatever arrives.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import replace

from qingshan.hj212.crc import CrcVariant, crc_for
from qingshan.hj212.errors import FrameHeaderError, FrameLengthError, ReassemblyError
from qingshan.hj212.packet import Packet

_MAX_ERRORS = 100
#: MN, CN, DataTime (as sent) and PNUM of a packetized message
_PartsKey = tuple[str | None, str | None, str | None, int]


_HEX4 = re.compile(rb"[0-9A-Fa-f]{4}")


def _is_hex4(chunk: bytes | bytearray) -> bool:
    return _HEX4.fullmatch(chunk) is not None


def _checksummed(body: bytes | bytearray, crc: bytes | bytearray) -> bool:
    """Whether ``crc`` (4 hex digits) is a checksum of ``body`` in any known variant: the
    sender framed exactly these bytes, even if their CP is not closed by ``&&``."""
    got = int(crc, 16)
    return any(crc_for(v, bytes(body)) == got for v in CrcVariant)


class FrameReader:
    """Feed bytes, iterate complete frames (``bytes``, without the CRLF).

    Examples
    --------
    >>> reader = FrameReader()
    >>> frames = list(reader.feed(chunk))  # doctest: +SKIP

    Framing problems do not raise: they are appended to :attr:`errors` (a bounded list of
    :class:`FrameHeaderError` / :class:`FrameLengthError`) and the skipped bytes counted in
    :attr:`discarded`; the caller drains ``errors`` when it wants to log them.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._frames: deque[bytes] = deque()
        self.errors: list[FrameHeaderError | FrameLengthError] = []
        self.discarded = 0

    def feed(self, data: bytes) -> FrameReader:
        """Add received bytes; complete frames become available by iterating the reader."""
        if self._buf:
            self._buf += data
            self._scan(self._buf)
        else:  # the usual case: frames are cut from ``data`` itself, without a copy
            rest = self._scan(bytes(data))
            if rest:
                self._buf += rest
        return self

    def __iter__(self) -> Iterator[bytes]:
        while self._frames:
            yield self._frames.popleft()

    @property
    def pending(self) -> int:
        """Bytes held while waiting for the rest of a frame."""
        return len(self._buf)

    def _error(self, exc: FrameHeaderError | FrameLengthError) -> None:
        if len(self.errors) < _MAX_ERRORS:
            self.errors.append(exc)

    def _garbage(self, buf: bytes | bytearray, start: int, stop: int) -> None:
        chunk = bytes(buf[start:stop]).strip(b"\r\n")
        if chunk:
            self.discarded += len(chunk)
            self._error(
                FrameHeaderError(
                    f"skipped {len(chunk)} bytes before '##' (HJ 212-2017 §6.3.1)",
                    packet=chunk, position=start, clause="6.3.1 Table 2",
                )
            )  # fmt: skip

    def _scan(self, buf: bytes | bytearray) -> bytes | bytearray:
        """Cut the complete frames from ``buf``; a bytearray is trimmed in place, of bytes
        the unread rest is returned."""
        n = len(buf)
        pos = 0
        frames = self._frames
        while True:
            start = buf.find(b"##", pos)
            if start < 0:
                keep = n - 1 if n and buf[-1] == 0x23 else n
                self._garbage(buf, pos, keep)
                pos = keep
                break
            if start > pos:
                self._garbage(buf, pos, start)
            pos = start
            if n - start < 6:
                break
            digits = buf[start + 2 : start + 6]
            if not digits.isdigit():
                self._error(
                    FrameHeaderError(
                        f"length field {bytes(digits)!r} is not 4 digits (HJ 212-2017 §6.3.1)",
                        packet=bytes(buf[start : start + 16]), position=start + 2,
                        clause="6.3.1 Table 2",
                    )
                )  # fmt: skip
                self.discarded += 1
                pos = start + 1
                continue
            body_end = start + 6 + int(digits)
            end = body_end + 4
            if end <= n and buf[body_end - 2 : body_end] == b"&&" and _is_hex4(buf[body_end:end]):
                frames.append(bytes(buf[start:end]))  # no copy of a slice of bytes
                pos = end
                continue
            if (
                end <= n
                and _is_hex4(buf[body_end:end])
                and _checksummed(buf[start + 6 : body_end], buf[body_end:end])
            ):  # a whole frame whose CP lacks its closing &&: parse rejects it, naming the CP
                frames.append(bytes(buf[start:end]))
                pos = end
                continue
            alt = self._by_chars(buf, start, int(digits))
            if alt is not None:
                frames.append(bytes(buf[start:alt]))
                pos = alt
                continue
            if end > n and buf.find(b"\r\n##", start + 6) < 0 and n - start < 10011:
                break  # wait for the rest of the frame
            self._error(
                FrameLengthError(
                    f"length field {int(digits)} does not delimit a frame (HJ 212-2017 §6.3.1)",
                    packet=bytes(buf[start : start + 64]), position=start + 2,
                    clause="6.3.1 Table 2", declared=int(digits),
                )
            )  # fmt: skip
            self.discarded += 1
            pos = start + 1
        if isinstance(buf, bytes):
            return buf[pos:]
        if pos:
            del buf[:pos]
        return buf

    @staticmethod
    def _by_chars(buf: bytes | bytearray, start: int, length: int) -> int | None:
        """End of a frame whose length field counts characters, not UTF-8 bytes, if any."""
        body = start + 6
        lo, hi = body + length - 2, min(len(buf), body + 4 * length + 2)
        at = buf.find(b"&&", lo, hi)
        while at >= 0:
            end = at + 6
            if end <= len(buf) and _is_hex4(buf[at + 2 : end]):
                try:
                    if len(bytes(buf[body : at + 2]).decode("utf-8")) == length:
                        return end
                except UnicodeDecodeError:
                    pass
            at = buf.find(b"&&", at + 1, hi)
        return None


class Reassembler:
    """Merge the parts of a packetized message (Flag D = 1, PNUM/PNO; App. C.47–C.50).

    Parts are keyed by MN + CN + DataTime + PNUM; each part's CP is self-contained, so the
    merged packet is the union of the parts' values, flags and fields, with the first part's
    header. Pure: the caller passes the clock (``now``, seconds).
    """

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._parts: dict[_PartsKey, tuple[float, dict[int, Packet]]] = {}

    def __len__(self) -> int:
        return len(self._parts)

    def add(self, packet: Packet, now: float) -> Packet | None:
        """Return the whole message once all parts are in (a plain packet at once), else None."""
        if packet.pnum is None or packet.pno is None or packet.pnum == 1:
            return packet
        key = (packet.mn, packet.cn, packet.fields.get("DataTime"), packet.pnum)
        first, parts = self._parts.setdefault(key, (now, {}))
        old = parts.get(packet.pno)
        if old is not None and old.segment != packet.segment and old.values != packet.values:
            raise ReassemblyError(
                f"part {packet.pno}/{packet.pnum} of MN={packet.mn} CN={packet.cn} arrived twice "
                "with different content",
                packet=packet.segment,
                clause="6.3.2",
                pno=packet.pno,
                pnum=packet.pnum,
            )
        parts[packet.pno] = packet
        if len(parts) < packet.pnum:
            return None
        del self._parts[key]
        return _merge([parts[i] for i in sorted(parts)])

    def expire(self, now: float) -> list[Packet]:
        """Drop messages older than ``timeout`` and return what arrived of them, merged."""
        out = []
        for key, (first, parts) in list(self._parts.items()):
            if now - first >= self.timeout:
                del self._parts[key]
                out.append(_merge([parts[i] for i in sorted(parts)]))
        return out


def _merge(parts: list[Packet]) -> Packet:
    head = parts[0]
    merged = replace(
        head, values=dict(head.values), data_flags=dict(head.data_flags), fields=dict(head.fields)
    )
    for part in parts[1:]:
        merged.values.update(part.values)
        merged.data_flags.update(part.data_flags)
        merged.fields.update(part.fields)
        if merged.data_time is None:
            merged.data_time = part.data_time
    merged.pno = None if len(parts) == head.pnum else merged.pno
    return merged
