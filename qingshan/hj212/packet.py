"""The parsed HJ 212 packet: :class:`Packet`, its :class:`Flag` field and the command codes of
HJ 212-2017 Table 9.

Both the codec (:mod:`qingshan.hj212.codec`, which builds packets) and the stream framing
(:mod:`qingshan.hj212.framing`, which merges the parts of packetized messages) use these; they
live here so that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.errors import UnknownCommandError

__all__ = ["COMMANDS", "FLAGS", "Flag", "Packet"]

#: HJ 212-2017 Table 9 command codes, plus the 2005-era and 2025 codes met in the field
COMMANDS: dict[str, str] = {
    "1000": "设置超时时间及重发次数", "1001": "提取硬件序列号(2025)", "1002": "设置MN(2025)",
    "1011": "提取现场机时间", "1012": "设置现场机时间", "1013": "现场机时间校准请求",
    "1014": "密钥交换(2025)", "1061": "提取实时数据间隔", "1062": "设置实时数据间隔",
    "1063": "提取分钟数据间隔", "1064": "设置分钟数据间隔", "1072": "设置现场机访问密码",
    "2011": "实时数据", "2012": "停止察看实时数据", "2013": "原始数据(2025)",
    "2021": "设备运行状态", "2022": "停止察看设备运行状态", "2031": "日历史数据",
    "2041": "设备运行时间日历史数据", "2051": "分钟数据", "2052": "噪声单次测量(2025)",
    "2061": "小时数据", "2062": "自动标样核查数据(2025)", "2081": "数采仪开机时间",
    "2111": "炉温5分钟均值(2025)", "3011": "零点/量程校准", "3012": "即时采样",
    "3013": "启动清洗/反吹", "3014": "比对采样", "3015": "超标留样", "3016": "设置采样时间周期",
    "3017": "提取采样时间周期", "3018": "提取出样时间", "3019": "提取设备唯一标识",
    "3020": "提取现场机信息", "3021": "设置现场机参数", "3022": "留样任务(2025)",
    "3024": "启动标样核查(2025)", "9011": "请求应答", "9012": "执行结果", "9013": "通知应答",
    "9014": "数据应答", "9015": "心跳(2025)",
}  # fmt: skip


class Flag(int):
    """The Flag field (§6.3.2 Table 3): bits ``V5..V0 D A``.

    ``ack_needed`` is bit 0 (A), ``packetized`` bit 1 (D, PNUM/PNO present) and ``version`` is
    ``Flag >> 2``: 0 = HJ/T 212-2005, 1 = HJ 212-2017, 2 = HJ 212-2025 (the 2025 text swaps
    the letters of bits 0 and 1; the bit positions are the same).
    """

    __slots__ = ()

    @property
    def ack_needed(self) -> bool:
        return bool(self & 1)

    @property
    def packetized(self) -> bool:
        return bool(self & 2)

    @property
    def version(self) -> int:
        return int(self) >> 2

    @classmethod
    def make(cls, version: int = 1, *, ack_needed: bool = False, packetized: bool = False) -> Flag:
        return cls((version << 2) | (2 if packetized else 0) | (1 if ack_needed else 0))


#: the 256 Flag values, shared (a parsed packet's flag is one of them)
FLAGS: tuple[Flag, ...] = tuple(Flag(i) for i in range(256))


@dataclass(slots=True)
class Packet:
    """One parsed data segment. Times are timezone-aware UTC (the wire carries CST, UTC+8).

    ``values`` holds numeric CP fields (``a21026-Rtd`` → float), ``data_flags`` the ``-Flag``
    data flags of Table 8, ``fields`` every other CP field as a string.
    """

    qn: str | None = None
    st: str | None = None
    cn: str | None = None
    pw: str | None = None
    mn: str | None = None
    flag: Flag = FLAGS[0]
    pnum: int | None = None
    pno: int | None = None
    data_time: datetime | None = None
    values: dict[str, float] = field(default_factory=dict)
    data_flags: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    has_flag: bool = False
    rf: bool = False  # HJ 212-2025 RF=1: a re-sent (supplementary) packet
    crc_variant: CrcVariant | None = None  # which checksum matched (None: parsed without CRC)
    segment: str = ""

    @property
    def command(self) -> str | None:
        """The Chinese name of the CN (Table 9), or None for an unknown CN."""
        return COMMANDS.get(self.cn or "")

    def require_known_command(self) -> Packet:
        """Return self, or raise :class:`UnknownCommandError` if CN is not in Table 9."""
        if self.cn not in COMMANDS:
            raise UnknownCommandError(
                f"unknown command CN={self.cn!r} (HJ 212-2017 Table 9)",
                packet=self.segment,
                clause="Table 9",
                cn=self.cn,
            )
        return self
