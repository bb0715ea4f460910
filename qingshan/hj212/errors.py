"""Errors of the HJ 212 package: one base class, :class:`HJ212Error`, and one small subclass
per failure. Codec errors carry the offending packet (truncated) and the byte position; registry
errors carry the MN. Clause numbers refer to HJ 212-2017."""

from __future__ import annotations

from collections.abc import Sequence

from qingshan.errors import QingshanError

_SHOW = 120


def _preview(packet: bytes | str | None) -> str | None:
    if packet is None:
        return None
    if isinstance(packet, bytes | bytearray):
        packet = bytes(packet).decode("utf-8", "replace")
    return packet if len(packet) <= _SHOW else packet[:_SHOW] + "…"


class HJ212Error(QingshanError):
    """Base class of every HJ 212 error.

    Attributes
    ----------
    packet : str or None
        The offending frame or segment (first 120 characters).
    position : int or None
        Byte offset in the frame where the problem was found.
    clause : str or None
        The clause of HJ 212-2017 that the input breaks.
    """

    reason = "error"

    def __init__(
        self,
        message: str,
        *,
        packet: bytes | str | None = None,
        position: int | None = None,
        clause: str | None = None,
        **context: object,
    ) -> None:
        self.packet = _preview(packet)
        self.position = position
        self.clause = clause
        super().__init__(message, packet=self.packet, position=position, clause=clause, **context)


class FrameHeaderError(HJ212Error):
    """The frame does not start with ``##`` and four length digits (§6.3.1, Table 2)."""

    reason = "bad_header"


class FrameLengthError(HJ212Error):
    """The length field disagrees with the data segment (§6.3.1), or exceeds 9999."""

    reason = "bad_length"


class CRCMismatchError(HJ212Error):
    """The CRC in the frame is not the CRC of the data segment (Appendix A)."""

    reason = "bad_crc"


class FieldError(HJ212Error):
    """A field of the data segment is missing, malformed or out of range (§6.3.2, §6.3.3)."""

    reason = "bad_field"


class TimestampError(FieldError):
    """A QN, DataTime or other time field is not a valid ``YYYYMMDDhhmmss[zzz]`` (Table 4)."""

    reason = "bad_timestamp"


class UnknownCommandError(HJ212Error):
    """The CN is not one of the command codes of Table 9 (raised only when asked to be strict)."""

    reason = "unknown_command"


class EncodeError(HJ212Error):
    """A packet cannot be encoded (a value contains a separator, the segment is too long)."""

    reason = "encode"


class ReassemblyError(HJ212Error):
    """Parts of a packetized message (PNUM/PNO, §6.3.2) are inconsistent."""

    reason = "reassembly"


class AuthenticationError(HJ212Error):
    """Unknown MN, disabled device or wrong PW (§6.3.2 Table 3: PW, MN)."""

    reason = "auth"
    status_code = 403


class DeviceNotFound(HJ212Error):
    """No device with this MN in the registry."""

    reason = "unknown_device"
    status_code = 404


class UnknownSite(HJ212Error):
    """A device names a site that is not in the monitoring registry."""

    reason = "unknown_site"
    status_code = 404


class DeviceExists(HJ212Error):
    """A device with this MN is already registered."""

    reason = "duplicate_device"
    status_code = 409


class DeviceImportError(HJ212Error):
    """A device CSV has bad rows; nothing was imported. ``rows`` lists (line, message)."""

    reason = "import"
    status_code = 422

    def __init__(self, message: str, *, rows: Sequence[tuple[int, str]] = ()) -> None:
        self.rows = list(rows)
        super().__init__(message, rows=self.rows)


class JournalError(HJ212Error):
    """The journal is unreadable or a record is corrupt beyond its torn tail."""

    reason = "journal"
    status_code = 500


class JournalLocked(JournalError):
    """Another live process owns the journal (its pid in ``pid``): one writer per journal."""

    reason = "journal_locked"
    status_code = 409

    def __init__(self, message: str, *, path: str, pid: int | None) -> None:
        super().__init__(message, path=path)
        self.pid = pid


class DecryptionError(HJ212Error):
    """An SM4-encrypted frame (HJ 212-2025 §6.4.2) cannot be decrypted: no data area, or no
    key for the device."""

    reason = "bad_cipher"


class CommandError(HJ212Error):
    """A platform → logger command (HJ 212-2017 §6.1, Appendix C) cannot be made or changed."""

    reason = "command"
    status_code = 422


class CommandNotFound(CommandError):
    """No command with this id (or not one the caller may see)."""

    reason = "unknown_command_id"
    status_code = 404


class CommandStateError(CommandError):
    """An event that the command's state does not allow (names event and state)."""

    reason = "command_state"
    status_code = 409

    def __init__(self, message: str, *, event: str, state: str) -> None:
        super().__init__(message, event=event, state=state)
        self.event = event
        self.state = state
