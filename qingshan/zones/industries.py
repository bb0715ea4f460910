"""Names of GB/T 4754-2017 《国民经济行业分类》 codes the siting page offers (pure, no I/O).

The 20 sections (门类 A–T) and the 31 divisions (大类 13–43) of section C 制造业, with the few
classes the statutory rules name (D461 自来水生产和供应, the water-supply projects 水污染防治法
Art. 65 exempts). A code not listed here is still accepted when it has the standard's form
(:func:`qingshan.zones.layers.check_industry`); only its name is then unknown to the page.
"""

from __future__ import annotations

#: GB/T 4754-2017 门类 (sections)
SECTIONS: dict[str, str] = {
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业", "E": "建筑业", "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业", "I": "信息传输、软件和信息技术服务业",
    "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业", "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业", "P": "教育",
    "Q": "卫生和社会工作", "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}  # fmt: skip

#: GB/T 4754-2017 大类 of section C (制造业), and classes the statutory rules or the demo name
NAMED: dict[str, str] = {
    "C13": "农副食品加工业", "C14": "食品制造业", "C15": "酒、饮料和精制茶制造业",
    "C16": "烟草制品业", "C17": "纺织业", "C18": "纺织服装、服饰业",
    "C19": "皮革、毛皮、羽毛及其制品和制鞋业", "C20": "木材加工和木、竹、藤、棕、草制品业",
    "C21": "家具制造业", "C22": "造纸和纸制品业", "C23": "印刷和记录媒介复制业",
    "C24": "文教、工美、体育和娱乐用品制造业", "C25": "石油、煤炭及其他燃料加工业",
    "C26": "化学原料和化学制品制造业", "C27": "医药制造业", "C28": "化学纤维制造业",
    "C29": "橡胶和塑料制品业", "C30": "非金属矿物制品业", "C31": "黑色金属冶炼和压延加工业",
    "C32": "有色金属冶炼和压延加工业", "C33": "金属制品业", "C34": "通用设备制造业",
    "C35": "专用设备制造业", "C36": "汽车制造业",
    "C37": "铁路、船舶、航空航天和其他运输设备制造业", "C38": "电气机械和器材制造业",
    "C39": "计算机、通信和其他电子设备制造业", "C40": "仪器仪表制造业", "C41": "其他制造业",
    "C42": "废弃资源综合利用业", "C43": "金属制品、机械和设备修理业",
    "C2614": "有机化学原料制造", "D44": "电力、热力生产和供应业", "D46": "水的生产和供应业",
    "D461": "自来水生产和供应", "N77": "生态保护和环境治理业", "N78": "公共设施管理业",
}  # fmt: skip


def industry_name(code: str) -> str | None:
    """The standard's name of ``code`` (normalised, e.g. ``C26``), or None when not listed."""
    return NAMED.get(code) or (SECTIONS.get(code) if len(code) == 1 else None)


def choices(rule_prefixes: list[str]) -> list[tuple[str, str]]:
    """(code, name) the siting page offers: the prefixes the rules name first (they are the
    codes that change a verdict), then the sections and manufacturing divisions."""
    out: dict[str, str] = {p: industry_name(p) or "" for p in rule_prefixes}
    for code, name in list(NAMED.items()) + list(SECTIONS.items()):
        out.setdefault(code, name)
    return list(out.items())
