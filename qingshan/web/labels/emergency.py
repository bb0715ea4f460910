"""Labels shared by the emergency-command pages (环境应急指挥, issue #22): the nav and tabs."""

LABELS: dict[str, tuple[str, str]] = {
    "nav.emergency": ("应急指挥", "Emergency"),
    "em.title": ("环境应急指挥", "Environmental emergency command"),
    "em.tab.incidents": ("突发环境事件", "Incidents"),
    "em.tab.risk": ("风险企业", "Risk enterprises"),
    "em.tab.plans": ("应急预案", "Emergency plans"),
    "em.tab.resources": ("应急资源", "Resources"),
    "em.tab.gas": ("有毒有害气体预警", "Toxic-gas warning"),
    "em.tab.radiation": ("辐射安全", "Radiation safety"),
    "em.screening_note": (
        "筛查估算，仅供研判参考",
        "A screening estimate, for judgement only",
    ),
}
