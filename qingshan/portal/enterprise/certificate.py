"""The compliance certificate (合规证明) as a PDF: pure — the facts in, the PDF bytes out.

The facts are computed by :func:`qingshan.portal.enterprise.service.certificate_facts` from the
archive, QC and cases; nothing on the certificate is typed in. The PDF is drawn with fpdf2 and
the WenQuanYi Micro Hei font (Debian ``fonts-wqy-microhei``, installed by
``scripts/system-deps.sh``) embedded as a subset, so it reads the same on any reader. The
creation date is the issue time, so the same facts always give the same bytes (the stored
digest can be checked against a re-download).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from qingshan.errors import ConfigurationError

__all__ = ["FONT_PATHS", "font_path", "render_certificate"]

#: where Debian's fonts-wqy-microhei puts the font (``QINGSHAN_CJK_FONT`` overrides)
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)


def font_path() -> Path:
    """The CJK font to embed; :class:`ConfigurationError` naming the package when missing."""
    override = os.environ.get("QINGSHAN_CJK_FONT")
    for p in (override, *FONT_PATHS) if override else FONT_PATHS:
        if p and Path(p).is_file():
            return Path(p)
    raise ConfigurationError(
        "no Chinese font for the compliance certificate: install Debian's fonts-wqy-microhei "
        "(scripts/system-deps.sh) or set QINGSHAN_CJK_FONT to a .ttf/.ttc file"
    )


def _yes_no(n: int) -> str:
    return "无 none" if n == 0 else str(n)


def render_certificate(facts: dict[str, Any], *, code: str, issued_at: datetime,
                       verify_url: str) -> bytes:  # fmt: skip
    """The certificate's PDF: ``facts`` as :func:`.service.certificate_facts` computes them,
    the verification ``code`` and where to check it (``verify_url``)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(issued_at)
    pdf.set_title(f"合规证明 {code}")
    pdf.set_author("Qingshan 青山")
    pdf.add_font("wqy", fname=str(font_path()))
    pdf.add_page()
    pdf.set_font("wqy", size=20)
    pdf.cell(0, 14, "企业环境合规证明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("wqy", size=11)
    pdf.cell(0, 7, "Environmental compliance certificate", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if facts.get("synthetic"):
        pdf.set_text_color(180, 0, 0)
        pdf.cell(0, 7, "演示数据（合成）· synthetic demo data", align="C", new_x="LMARGIN",
                 new_y="NEXT")  # fmt: skip
        pdf.set_text_color(0, 0, 0)
    rows = [
        ("企业名称 Enterprise", facts["enterprise_name"]),
        ("统一社会信用代码 Credit code", facts["credit_code"]),
        ("证明期间 Period", f"{facts['period_start']} — {facts['period_end']}"),
        ("排污许可证 Permit", facts.get("permit_number") or "无 none"),
        ("监测排口 Outlets", str(len(facts["outlets"]))),
        ("超标天数 Exceedance days", str(facts["exceedance_days"])),
        ("未办结督办案件 Open cases", _yes_no(facts["open_cases"])),
        ("期间行政处罚 Penalties in period", _yes_no(len(facts["penalties"]))),
    ]
    for label, value in rows:
        pdf.set_font("wqy", size=10)
        pdf.cell(70, 8, label, border=1)
        pdf.set_font("wqy", size=11)
        pdf.multi_cell(0, 8, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("wqy", size=10)
    for o in facts["outlets"]:
        days = ", ".join(o["exceedance_dates"]) or "无 none"
        pdf.multi_cell(0, 6, f"· {o['code']} {o['name']}：超标日 exceedance days {days}",
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    for p in facts["penalties"]:
        amount = "" if p["amount_yuan"] is None else f"，{p['amount_yuan']:.0f} 元"
        pdf.multi_cell(0, 6, f"· 处罚 {p['decision_no']}（{p['decided_on']}{amount}）",
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(3)
    pdf.multi_cell(0, 6, facts["statement"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("wqy", size=12)
    pdf.cell(0, 9, f"验证码 Verification code：{code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("wqy", size=9)
    pdf.multi_cell(0, 5, f"核验 Verify at：{verify_url}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, f"出具时间 Issued：{facts['issued_cst']} (CST)", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
