"""CRC of HJ 212-2017 Appendix A, and the two vendor variants met in the field.

The Appendix A procedure is **not** CRC-16/MODBUS: per byte the register is replaced by
``(reg >> 8) ^ byte`` (the old low byte is discarded) before the eight shift/XOR-0xA001 steps.
Only the register's high byte carries from one byte to the next, and that carry is a linear map
``L`` over GF(2) with ``L**8 == identity``. :func:`crc16` uses this: it XOR-folds the segment into
eight lanes (bytes at equal distance mod 8 from the end), maps each lane once, and so runs in a
handful of big-integer operations instead of a Python loop over every byte.
"""

from __future__ import annotations

import enum

__all__ = ["CrcVariant", "crc16", "crc16_modbus", "crc16_loop", "crc_for", "format_crc"]


class CrcVariant(enum.StrEnum):
    """Which checksum a device sends (configured per device; HJ 212 is the default)."""

    HJ212 = "hj212"  # HJ 212-2017 Appendix A
    MODBUS = "modbus"  # plain CRC-16/MODBUS, high byte first (vendor variant)
    MODBUS_SWAPPED = "modbus-swapped"  # CRC-16/MODBUS with its two bytes swapped (vendor variant)


def _table() -> tuple[int, ...]:
    out = []
    for i in range(256):
        reg = i
        for _ in range(8):
            reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
        out.append(reg)
    return tuple(out)


#: the ordinary reflected 0xA001 table: T[x] = eight shift/XOR steps applied to x
_T = _table()
#: high byte of T: the carry map L from one byte to the next
_H = bytes(t >> 8 for t in _T)


def _power_tables() -> tuple[bytes, ...]:
    """``P[k][x] = L**k (x)`` for k = 0..8 (L**8 is the identity)."""
    tables = [bytes(range(256))]
    for _ in range(8):
        prev = tables[-1]
        tables.append(bytes(_H[prev[x]] for x in range(256)))
    assert tables[8] == tables[0], "HJ 212 carry map must have period 8"
    return tuple(tables)


_P = _power_tables()
# lane j of the folded 64-bit word holds the XOR of the bytes at distance j (mod 8) from the
# end of the prefix; each such byte is carried through L**(j + 1)
_LANE = tuple(_P[(j + 1) % 8] for j in range(8))
_MASK64 = (1 << 64) - 1


def crc16(data: bytes) -> int:
    """CRC of HJ 212-2017 Appendix A over ``data`` (the data segment, UTF-8 bytes).

    Parameters
    ----------
    data : bytes
        The data segment (``QN=…&&``), without ``##``, length, CRC and CRLF.

    Returns
    -------
    int
        The 16-bit CRC, printed in frames as ``%04X`` (high byte first). Empty input → 0xFFFF;
        ``b"123456789"`` → 0x2F80; the Appendix A example → 0x1C80.
    """
    n = len(data)
    if n == 0:
        return 0xFFFF
    m = n - 1
    # high byte of the register before the last byte: L**m(0xFF) xor sum of L**(e+1)(b)
    h = _P[m & 7][0xFF]
    if m:
        x = int.from_bytes(data[:m], "big")
        width = 64
        while x >> width:
            width <<= 1
        while width > 64:
            width >>= 1
            x = (x >> width) ^ (x & ((1 << width) - 1))
        b = x.to_bytes(8, "little")
        l0, l1, l2, l3, l4, l5, l6, l7 = _LANE
        h ^= (l0[b[0]] ^ l1[b[1]] ^ l2[b[2]] ^ l3[b[3]]
              ^ l4[b[4]] ^ l5[b[5]] ^ l6[b[6]] ^ l7[b[7]])  # fmt: skip
    return _T[h ^ data[-1]]


def crc16_loop(data: bytes) -> int:
    """The same CRC as :func:`crc16`, the direct per-byte loop of Appendix A (a reference)."""
    reg = 0xFFFF
    for byte in data:
        reg = (reg >> 8) ^ byte
        for _ in range(8):
            reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
    return reg


def crc16_modbus(data: bytes) -> int:
    """Plain CRC-16/MODBUS (init 0xFFFF, reflected poly 0xA001) — a vendor variant."""
    reg = 0xFFFF
    for byte in data:
        reg = (reg >> 8) ^ _T[(reg ^ byte) & 0xFF]
    return reg


def crc_for(variant: CrcVariant | str, data: bytes) -> int:
    """The CRC of ``data`` as a device configured with ``variant`` computes it."""
    variant = CrcVariant(variant)
    if variant is CrcVariant.HJ212:
        return crc16(data)
    value = crc16_modbus(data)
    if variant is CrcVariant.MODBUS_SWAPPED:
        return ((value & 0xFF) << 8) | (value >> 8)
    return value


def format_crc(value: int) -> bytes:
    """``%04X`` of ``value`` as bytes (zero-padded, upper case)."""
    return b"%04X" % value
