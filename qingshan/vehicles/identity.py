"""Vehicle identity: number plates (GA 36-2018) and vehicle identification numbers (GB 16735 /
ISO 3779), validated with an error naming the position at fault. Pure: no I/O.

**Plates** (GA 36-2018 《中华人民共和国机动车号牌》; the rules below are [MC]: read in secondary
sources that quote the standard — cnblogs.com/mmzuo-798/p/14929545.html, juejin.cn/post/7529373147951661066,
blog.csdn.net/weixin_44723129/article/details/115397064 — not in the standard's text):

- ordinary plate, 7 characters: province abbreviation (1 Chinese character) + issuing-authority
  letter (发牌机关代号, A–Z) + serial of 5 characters from A–Z / 0–9 without I and O (so that
  they are not read as 1 and 0);
- new-energy plate (新能源汽车号牌), 8 characters: province + authority letter + a serial of 6:
  **small** (小型, gradient green): serial position 1 is D (pure electric, 纯电动) or F (not
  purely electric, 非纯电动: plug-in hybrid, fuel cell), serial position 2 a letter or a digit
  (no I / O), serial positions 3–6 digits; **large** (大型, yellow-green): serial positions 1–5
  digits, serial position 6 D or F.

One secondary source (cnblogs, a 2021 addendum) says GA 36-2018 reserves further energy letters
(A, B, C, E for pure electric; G, H, J, K otherwise) for when D / F are used up [U];
``extended_energy_letters=True`` accepts them. Special-use plates (挂 学 警 港 澳 使 领) are out
of scope and refused with a message saying so.

**VIN** (GB 16735-2019 《道路车辆 车辆识别代号(VIN)》, ISO 3779:2009): 17 characters from
0–9 and A–Z without I, O and Q; position 9 is the check digit (检验位): each character is
transliterated (digits as themselves, letters by :data:`VIN_TRANSLITERATION`), multiplied by the
position weight (:data:`VIN_WEIGHTS`), the products summed, the sum divided by 11; the remainder
is the check digit, 10 written ``X``. The table and weights were read in the US text that uses
the same algorithm (49 CFR 565.15, Tables III–V, via automobilesoftware.com's reprint, with its
worked example 1G4AH59H?5G118341 → 4); that GB 16735 makes position 9 the check digit is [MC]
(Chinese secondary sources); its annex text was not read [U]. ISO 3779 itself leaves the check
digit optional, so ``require_check_digit=False`` checks everything but position 9 (imported
vehicles whose maker does not use it).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Literal

import pandas as pd

from qingshan.vehicles.errors import PlateInvalid, VinInvalid

__all__ = [
    "PROVINCES",
    "VIN_TRANSLITERATION",
    "VIN_WEIGHTS",
    "PlateKind",
    "check_plate",
    "plate_problem",
    "plate_problems",
    "check_vin",
    "vin_check_digit",
    "vin_problem",
    "vin_problems",
]

#: the 31 provincial-level abbreviations used as a plate's first character (GA 36-2018 [MC])
PROVINCES = frozenset("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_SERIAL = (_LETTERS - {"I", "O"}) | _DIGITS
_ENERGY = frozenset("DF")
_ENERGY_EXTENDED = frozenset("ABCDEFGHJK")
_SPECIAL = frozenset("挂学警港澳使领")

PlateKind = Literal["ordinary", "new_energy_small", "new_energy_large"]

#: plate types of the vehicles frame (vehicles-contract) and the plate kinds each admits
PLATE_TYPES = MappingProxyType(
    {
        "small": "ordinary",
        "large": "ordinary",
        "new_energy_small": "new_energy_small",
        "new_energy_large": "new_energy_large",
    }
)

#: VIN transliteration, 49 CFR 565.15 Table III (= GB 16735 / ISO 3779 check digit); I, O, Q never occur
VIN_TRANSLITERATION = MappingProxyType(
    {
        **{str(d): d for d in range(10)},
        **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
        **dict(zip("JKLMN", range(1, 6), strict=True)),
        "P": 7,
        "R": 9,
        **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
    }
)
#: VIN position weights, positions 1–17 (49 CFR 565.15 Table IV); position 9 (the check digit) weighs 0
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def _serial_char(plate: str, pos: int, allowed: frozenset[str], what: str) -> None:
    ch = plate[pos - 1]
    if ch not in allowed:
        hint = " (I and O are never used)" if ch in {"I", "O"} else ""
        raise PlateInvalid(plate, pos, f"{ch!r} is not {what}{hint}")


def check_plate(plate: str, *, extended_energy_letters: bool = False) -> PlateKind:
    """Validate a plate (GA 36-2018, see the module docstring) and return its kind.

    Parameters
    ----------
    plate : str
        Upper case, no spaces or separator dot (``浙A12345``, ``浙AD12345``, ``浙A12345F``).
    extended_energy_letters : bool
        Also accept the reserved energy letters A B C E / G H J K [U].

    Raises
    ------
    PlateInvalid
        Naming the 1-based position at fault (0 for a wrong length).
    """
    n = len(plate)
    if n not in (7, 8):
        raise PlateInvalid(
            plate, 0, f"{n} characters; an ordinary plate has 7, a new-energy plate 8"
        )
    if plate[0] not in PROVINCES:
        raise PlateInvalid(plate, 1, f"{plate[0]!r} is not a province abbreviation")
    _serial_char(plate, 2, _LETTERS, "an issuing-authority letter A–Z")
    if plate[-1] in _SPECIAL:
        raise PlateInvalid(
            plate, n, f"{plate[-1]!r}: special-use plates (挂学警港澳使领) are not handled"
        )
    if n == 7:
        for pos in range(3, 8):
            _serial_char(plate, pos, _SERIAL, "a serial character (A–Z without I/O, 0–9)")
        return "ordinary"
    energy = _ENERGY_EXTENDED if extended_energy_letters else _ENERGY
    letters = "".join(sorted(energy))
    if plate[2] in _DIGITS:  # large new-energy: 5 digits then the energy letter
        for pos in range(3, 8):
            _serial_char(plate, pos, _DIGITS, "a digit (large new-energy plate: serial 1–5 digits)")
        _serial_char(plate, 8, energy, f"an energy letter ({letters}) — large new-energy plate")
        return "new_energy_large"
    _serial_char(plate, 3, energy, f"an energy letter ({letters}) or a digit — new-energy plate")
    _serial_char(plate, 4, _SERIAL, "a serial character (A–Z without I/O, 0–9)")
    for pos in range(5, 9):
        _serial_char(plate, pos, _DIGITS, "a digit (small new-energy plate: serial 3–6 digits)")
    return "new_energy_small"


def plate_problem(plate: object, plate_type: str | None = None) -> str:
    """The problem with a plate as a message, ``""`` when it is valid; with ``plate_type`` (a key
    of :data:`PLATE_TYPES`) the plate's kind must also match it."""
    if not isinstance(plate, str) or plate == "":
        return "plate: missing"
    try:
        kind = check_plate(plate)
    except PlateInvalid as exc:
        return str(exc)
    if plate_type is None:
        return ""
    expected = PLATE_TYPES.get(plate_type)
    if expected is None:
        return f"plate_type {plate_type!r}: not one of {', '.join(PLATE_TYPES)}"
    if expected != kind:
        return f"plate {plate!r} is a {kind} plate, but plate_type is {plate_type!r}"
    return ""


def plate_problems(
    plates: Iterable[object], plate_types: Iterable[str | None] | None = None
) -> pd.Series:
    """:func:`plate_problem` for every element: a Series of messages, ``""`` where valid."""
    plates = list(plates)
    types = [None] * len(plates) if plate_types is None else list(plate_types)
    return pd.Series(
        [plate_problem(p, t) for p, t in zip(plates, types, strict=True)], dtype=object
    )


def vin_check_digit(vin: str) -> str:
    """The check digit (``0``–``9`` or ``X``) position 9 of ``vin`` should hold.

    GB 16735 / ISO 3779, 49 CFR 565.15 Tables III–V: Σ value(cᵢ)·wᵢ mod 11, 10 → ``X``.
    The character at position 9 itself is ignored (weight 0). Raises :class:`VinInvalid` for a
    wrong length or character.
    """
    _check_vin_chars(vin)
    total = sum(VIN_TRANSLITERATION[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def _check_vin_chars(vin: str) -> None:
    if len(vin) != 17:
        raise VinInvalid(vin, 0, f"{len(vin)} characters; a VIN has 17")
    for pos, ch in enumerate(vin, start=1):
        if ch not in VIN_TRANSLITERATION:
            hint = " (I, O and Q are never used)" if ch in {"I", "O", "Q"} else ""
            raise VinInvalid(vin, pos, f"{ch!r} is not a VIN character (0–9, A–Z){hint}")


def check_vin(vin: str, *, require_check_digit: bool = True) -> None:
    """Validate a VIN (GB 16735 / ISO 3779): 17 characters of 0–9 / A–Z without I, O, Q and,
    unless ``require_check_digit`` is false, the check digit at position 9.

    Raises
    ------
    VinInvalid
        Naming the 1-based position at fault (0 for a wrong length; 9 for a wrong check digit,
        with the digit expected).
    """
    expected = vin_check_digit(vin)
    if require_check_digit and vin[8] != expected:
        raise VinInvalid(
            vin, 9, f"check digit is {vin[8]!r}, the other 16 characters give {expected!r}"
        )


def vin_problem(vin: object, *, require_check_digit: bool = True) -> str:
    """The problem with a VIN as a message, ``""`` when it is valid."""
    if not isinstance(vin, str) or vin == "":
        return "vin: missing"
    try:
        check_vin(vin, require_check_digit=require_check_digit)
    except VinInvalid as exc:
        return str(exc)
    return ""


def vin_problems(vins: Iterable[object], *, require_check_digit: bool = True) -> pd.Series:
    """:func:`vin_problem` for every element: a Series of messages, ``""`` where valid."""
    return pd.Series(
        [vin_problem(v, require_check_digit=require_check_digit) for v in vins], dtype=object
    )
