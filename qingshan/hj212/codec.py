"""HJ 212-2017 packets: parse one frame, encode any packet, build the platform's answers.

Frame (HJ 212-2017 §6.3.1, Table 2)::

    ##  LLLL  <data segment>  CCCC  \\r\\n

LLLL counts the data segment in UTF-8 bytes (a tolerant receiver also accepts a character
count); CCCC is the Appendix A CRC (:func:`qingshan.hj212.crc.crc16`) of those bytes. The data
segment (§6.3.2, Table 3) is ``QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;[PNUM=…;PNO=…;]CP=&&…&&`` with
the header fields in any order; the CP area (§6.3.3) is parsed by :mod:`qingshan.hj212.cp`.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from qingshan.hj212.cp import check_cp, parse_cp, parse_time
from qingshan.hj212.crc import CrcVariant, crc16, crc_for, format_crc
from qingshan.hj212.errors import (
    CRCMismatchError,
    EncodeError,
    FieldError,
    FrameHeaderError,
    FrameLengthError,
    HJ212Error,
)
from qingshan.hj212.packet import COMMANDS, FLAGS, Flag, Packet
from qingshan.timeutil import CST

__all__ = [
    "COMMANDS", "CrcVariant", "Flag", "HJ212Error", "Packet", "crc16", "data_answer", "encode",
    "encode_segment", "execution_result", "notify_answer", "parse", "parse_segment",
    "request_answer",
]  # fmt: skip

MAX_LENGTH = 9999
DEFAULT_VARIANTS: frozenset[CrcVariant] = frozenset({CrcVariant.HJ212})


def _int_field(name: str, text: str, segment: str, lo: int, hi: int) -> int:
    if not (text.isdigit() and text.isascii() and len(text) <= 5) or not lo <= int(text) <= hi:
        raise FieldError(
            f"bad {name}={text!r}: expected an integer {lo}..{hi} (HJ 212-2017 Table 3)",
            packet=segment,
            clause="6.3.2 Table 3",
            field=name,
            allowed=f"{lo}..{hi}",
        )
    return int(text)


def parse_segment(segment: str, *, cp: bool = True) -> Packet:
    """Parse a data segment (``QN=…;…;CP=&&…&&``) into a :class:`Packet`.

    Header fields are read by name in any order (§6.3.2); unknown header fields are kept in
    ``fields``. Raises :class:`FieldError` / :class:`TimestampError` on malformed input.
    With ``cp=False`` the CP area is only checked (it raises exactly when a full parse would)
    and ``data_time`` set; ``values``, ``data_flags`` and the CP's ``fields`` stay empty.
    """
    cp_at = segment.find("CP=&&")
    if cp_at < 0:
        raise FieldError(
            "missing CP=&&…&& data area (HJ 212-2017 §6.3.3)",
            packet=segment,
            clause="6.3.3",
            field="CP",
        )
    if not segment.endswith("&&") or len(segment) < cp_at + 7:
        raise FieldError(
            "CP data area not closed by && (HJ 212-2017 §6.3.3)",
            packet=segment,
            position=len(segment),
            clause="6.3.3",
            field="CP",
        )
    pkt = Packet(segment=segment)
    fields = pkt.fields
    for item in segment[:cp_at].split(";"):
        if not item:
            continue
        name, eq, value = item.partition("=")
        if not eq:
            raise FieldError(
                f"header item {item!r} has no '=' (HJ 212-2017 §6.3.2)",
                packet=segment,
                position=segment.find(item),
                clause="6.3.2",
                field=item,
            )
        if name == "QN":
            pkt.qn = value
        elif name == "ST":
            pkt.st = value
        elif name == "CN":
            pkt.cn = value
        elif name == "PW":
            pkt.pw = value
        elif name == "MN":
            pkt.mn = value
        elif name == "Flag":
            pkt.flag = FLAGS[_int_field("Flag", value, segment, 0, 255)]
            pkt.has_flag = True
        elif name == "PNUM":
            pkt.pnum = _int_field("PNUM", value, segment, 1, 9999)
        elif name == "PNO":
            pkt.pno = _int_field("PNO", value, segment, 1, 9999)
        elif name == "RF":
            pkt.rf = value == "1"
        else:
            fields[name] = value
    if pkt.cn is not None and not (len(pkt.cn) == 4 and pkt.cn.isdigit()):
        raise FieldError(
            f"bad CN={pkt.cn!r}: expected 4 digits (HJ 212-2017 Table 3)",
            packet=segment,
            clause="6.3.2 Table 3",
            field="CN",
        )
    if (pkt.pnum is None) != (pkt.pno is None):
        raise FieldError(
            "PNUM and PNO must come together (HJ 212-2017 Table 3)",
            packet=segment,
            clause="6.3.2 Table 3",
            field="PNUM/PNO",
        )
    if pkt.pno is not None and pkt.pnum is not None and pkt.pno > pkt.pnum:
        raise FieldError(
            f"PNO={pkt.pno} exceeds PNUM={pkt.pnum} (HJ 212-2017 Table 3)",
            packet=segment,
            clause="6.3.2 Table 3",
            field="PNO",
        )
    if pkt.qn is not None and pkt.qn:
        parse_time(pkt.qn, "QN", segment)  # validates YYYYMMDDhhmmsszzz
    area = segment[cp_at + 5 : -2]
    if area:
        if cp:
            pkt.data_time = parse_cp(area, pkt.values, pkt.data_flags, fields, segment, cp_at + 5)
        else:
            pkt.data_time = check_cp(area, segment, cp_at + 5)
    return pkt


def parse(
    frame: bytes | str,
    variants: frozenset[CrcVariant] | set[CrcVariant] = DEFAULT_VARIANTS,
    *,
    check_crc: bool = True,
    cp: bool = True,
) -> Packet:
    """Parse one frame ``##LLLL…CCCC[\\r\\n]`` into a :class:`Packet`.

    Parameters
    ----------
    frame : bytes or str
        One whole frame; a trailing CR/LF or bare LF is optional.
    variants : set of CrcVariant
        The checksums accepted (default: Appendix A only; vendor variants are per device).
    check_crc : bool
        False skips the CRC (tools, tests, and ingest of frames the listener checked).
    cp : bool
        False only checks the CP area (same errors as a full parse) and sets ``data_time``;
        ``values``/``data_flags``/``fields`` stay empty. The listener uses it: the journal
        keeps the frame and ingest parses the CP, once.

    Raises
    ------
    FrameHeaderError, FrameLengthError, CRCMismatchError, FieldError, TimestampError
    """
    if isinstance(frame, str):
        frame = frame.encode("utf-8")
    if frame[-1:] == b"\n":
        frame = frame[:-2] if frame[-2:-1] == b"\r" else frame[:-1]
    elif frame[-1:] == b"\r":
        frame = frame[:-1]
    n = len(frame)
    if n < 10 or frame[:2] != b"##":
        raise FrameHeaderError(
            "frame must start with '##' and a 4-digit length (HJ 212-2017 §6.3.1 Table 2)",
            packet=frame,
            position=0,
            clause="6.3.1 Table 2",
        )
    digits = frame[2:6]
    if not digits.isdigit():
        raise FrameHeaderError(
            f"length field {digits!r} is not 4 decimal digits (HJ 212-2017 §6.3.1)",
            packet=frame,
            position=2,
            clause="6.3.1 Table 2",
        )
    length = int(digits)
    body = frame[6:-4]
    if len(body) != length:
        try:
            chars = len(body.decode("utf-8"))
        except UnicodeDecodeError:
            chars = -1
        if chars != length:
            raise FrameLengthError(
                f"length field says {length} but the data segment has {len(body)} bytes "
                "(HJ 212-2017 §6.3.1)",
                packet=frame,
                position=2,
                clause="6.3.1 Table 2",
                declared=length,
                actual=len(body),
            )
    crc_text = frame[-4:]
    try:
        segment = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FieldError(
            f"data segment is not valid UTF-8 at byte {6 + exc.start} (HJ 212-2017 §6.3)",
            packet=frame,
            position=6 + exc.start,
            clause="6.3",
        ) from None
    variant = None
    if check_crc:
        try:
            got = int(crc_text, 16)
        except ValueError:
            got = -1
        if not crc_text.isalnum():
            got = -1
        if CrcVariant.HJ212 in variants and got == crc16(body):
            variant = CrcVariant.HJ212
        else:
            for other in variants:
                if other is not CrcVariant.HJ212 and got == crc_for(other, body):
                    variant = other
                    break
            else:
                raise CRCMismatchError(
                    f"CRC {crc_text.decode('ascii', 'replace')} does not match the data segment "
                    f"(Appendix A gives {crc16(body):04X})",
                    packet=frame,
                    position=n - 4,
                    clause="Appendix A",
                    expected=f"{crc16(body):04X}",
                )
    pkt = parse_segment(segment, cp=cp)
    pkt.crc_variant = variant
    return pkt


# --------------------------------------------------------------------------- encoding


def encode(segment: str | bytes, variant: CrcVariant = CrcVariant.HJ212) -> bytes:
    """Frame a data segment: ``##`` + length (UTF-8 bytes) + segment + CRC + CRLF."""
    body = segment.encode("utf-8") if isinstance(segment, str) else segment
    if len(body) > MAX_LENGTH:
        raise EncodeError(
            f"data segment of {len(body)} bytes exceeds 9999 (HJ 212-2017 §6.3.1)",
            packet=body,
            clause="6.3.1",
        )
    return b"##%04d%s%s\r\n" % (len(body), body, format_crc(crc_for(variant, body)))


def _check(name: str, value: str) -> str:
    if any(c in value for c in ";&") or (name != "CP" and "=" in value):
        raise EncodeError(
            f"{name}={value!r} contains a separator (';', '&' or '=')", clause="6.3.2", field=name
        )
    return value


def encode_segment(
    *,
    cn: str,
    qn: str | None = None,
    st: str | None = "32",
    pw: str | None = None,
    mn: str | None = None,
    flag: int | None = 4,
    pnum: int | None = None,
    pno: int | None = None,
    cp: dict[str, object] | list[dict[str, object]] | str = "",
) -> str:
    """Build a data segment. ``cp`` is a CP string, a mapping (one factor per item, joined by
    ``;``) or a list of mappings (the items of one group joined by ``,``, groups by ``;``)."""
    parts = []
    for name, value in (("QN", qn), ("ST", st), ("CN", cn), ("PW", pw), ("MN", mn)):
        if value is not None:
            parts.append(f"{name}={_check(name, str(value))}")
    if flag is not None:
        parts.append(f"Flag={int(flag)}")
    if pnum is not None:
        parts.append(f"PNUM={int(pnum)};PNO={int(pno or 1)}")
    if isinstance(cp, dict):
        cp = [{k: v} for k, v in cp.items()]
    if isinstance(cp, list):
        cp = ";".join(",".join(f"{k}={_fmt(v)}" for k, v in group.items()) for group in cp)
    if "&&" in cp:
        raise EncodeError("CP content contains '&&'", clause="6.3.3", field="CP")
    parts.append(f"CP=&&{cp}&&")
    return ";".join(parts)


def _fmt(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(CST).strftime("%Y%m%d%H%M%S")
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e15 else repr(value)
    return str(value)


def _answer_flag(request: Packet) -> int:
    return 8 if request.flag.version >= 2 else 4


@lru_cache(maxsize=65536)
def _answer_tail(pw: str, mn: str, flag: int) -> bytes | None:
    """``;PW=…;MN=…;Flag=…;CP=&&&&`` of an answer (constant per device), or None when a value
    holds a separator."""
    for value in (pw, mn):
        if ";" in value or "&" in value or "=" in value:
            return None
    return f";PW={pw};MN={mn};Flag={flag};CP=&&&&".encode()


def _quick_answer(request: Packet, cn: bytes, variant: CrcVariant) -> bytes | None:
    """The answer frame built straight as bytes (the listener's hot path), or None when a
    header value needs :func:`encode_segment`'s checks."""
    qn, pw, mn = request.qn, request.pw, request.mn
    if qn is None or pw is None or mn is None or ";" in qn or "&" in qn or "=" in qn:
        return None
    tail = _answer_tail(pw, mn, 8 if request.flag >= 8 else 4)  # Flag >> 2 >= 2: 2025
    if tail is None:
        return None
    body = b"QN=%s;ST=91;CN=%s%s" % (qn.encode(), cn, tail)
    if len(body) > MAX_LENGTH:
        return None
    crc = crc16(body) if variant is CrcVariant.HJ212 else crc_for(variant, body)
    return b"##%04d%s%04X\r\n" % (len(body), body, crc)


def data_answer(request: Packet, variant: CrcVariant = CrcVariant.HJ212) -> bytes:
    """The data answer 9014 to an upload with A = 1 (§6.5, App. C): ``ST=91``, same QN."""
    quick = _quick_answer(request, b"9014", variant)
    if quick is not None:
        return quick
    return encode(
        encode_segment(qn=request.qn, st="91", cn="9014", pw=request.pw, mn=request.mn,
                       flag=_answer_flag(request)),
        variant,
    )  # fmt: skip


def notify_answer(request: Packet, variant: CrcVariant = CrcVariant.HJ212) -> bytes:
    """The notify answer 9013 (to 1013, 2012, 2022 notifications)."""
    quick = _quick_answer(request, b"9013", variant)
    if quick is not None:
        return quick
    return encode(
        encode_segment(qn=request.qn, st="91", cn="9013", pw=request.pw, mn=request.mn,
                       flag=_answer_flag(request)),
        variant,
    )  # fmt: skip


def request_answer(
    request: Packet, qn_rtn: int = 1, variant: CrcVariant = CrcVariant.HJ212
) -> bytes:
    """The request answer 9011 with ``QnRtn`` (Table 7: 1 ready, 2 rejected, 3 PW error …)."""
    return encode(
        encode_segment(qn=request.qn, st="91", cn="9011", pw=request.pw, mn=request.mn,
                       flag=_answer_flag(request), cp={"QnRtn": qn_rtn}),
        variant,
    )  # fmt: skip


def execution_result(
    request: Packet, exe_rtn: int = 1, variant: CrcVariant = CrcVariant.HJ212
) -> bytes:
    """The execution result 9012 with ``ExeRtn`` (Table 6: 1 success, 2 failed, 100 no data)."""
    return encode(
        encode_segment(qn=request.qn, st="91", cn="9012", pw=request.pw, mn=request.mn,
                       flag=_answer_flag(request), cp={"ExeRtn": exe_rtn}),
        variant,
    )  # fmt: skip
