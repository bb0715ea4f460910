"""The demo's notices and enterprise applications (issue #23, areas notices + onboarding), every
record synthetic:

- ten notices of the bureau over the last seven weeks: province-wide public notices (秋冬季大气
  攻坚, 信息公开), Hangzhou's and 西湖's notices to every enterprise of their region (排污许可
  执行报告, 自行监测, 危废申报, 应急预案备案), one addressed to the demo ``enterprise`` account's
  enterprise by name, one for officers only, one withdrawn (with its reason, kept on record)
  and one draft;
- read receipts: the demo ``enterprise`` account has read some (the newest it has not), the
  waste demo accounts a few;
- three applications for an account waiting for the bureau: two enterprises of 西湖 (the
  ``xihu`` and ``hangzhou`` accounts see them) and one elsewhere in Hangzhou (``hangzhou`` only)
  — enterprises without an account first; where 西湖 has fewer (the small demo), more of Hangzhou,
  each with the password ``qingshan-apply`` so /register/status can be tried.

Idempotent: nothing is added when a notice exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import scope_of
from qingshan.archive.service import enterprise_directory
from qingshan.audit.log import acting_as
from qingshan.db.engine import session_scope
from qingshan.portal.notices import service as notices
from qingshan.portal.notices.models import Notice
from qingshan.portal.onboarding import service as onboarding

__all__ = ["seed_demo_portal_notices", "APPLY_PASSWORD"]

#: the password of the demo applications (for /register/status)
APPLY_PASSWORD = "qingshan-apply"

_OFFICERS = {
    "province": Scope(region_code="330000", role=Role.PROVINCE, username="province"),
    "hangzhou": Scope(region_code="330100", role=Role.CITY, username="hangzhou"),
    "xihu": Scope(region_code="330106", role=Role.COUNTY, username="xihu"),
    "ningbo": Scope(region_code="330200", role=Role.CITY, username="ningbo"),
}

#: (by, days ago, audience, title, body); audience "listed" goes to the demo enterprise
_NOTICES = [
    ("province", 48, "public", "浙江省2026—2027年秋冬季大气污染防治攻坚行动公告",
     "为持续改善环境空气质量，全省自2026年10月1日至2027年3月31日开展秋冬季攻坚行动。\n\n"
     "- 重点行业企业落实错峰生产和重污染天气应急减排措施；\n- 加强施工扬尘、道路扬尘管控；\n"
     "- 欢迎公众通过“公众服务”页面投诉举报。\n\n（演示数据）"),
    ("province", 40, "public", "关于企业环境信息依法披露的公告",
     "依据《企业环境信息依法披露管理办法》（生态环境部令第24号），纳入名单的企业应于每年3月15日前"
     "披露上一年度环境信息。\n\n（演示数据）"),
    ("hangzhou", 33, "region", "关于做好2026年度排污许可证执行报告填报工作的通知",
     "请辖区持证排污单位按《排污许可管理条例》第二十二条要求，在全国排污许可证管理信息平台按时提交"
     "年度执行报告。\n\n逾期未提交的，将依法处理。\n\n（演示数据）"),
    ("xihu", 26, "region", "关于开展自动监测设备运维情况自查的通知",
     "请辖区重点排污单位于本月底前完成自动监测设备**运维记录**和**比对监测**自查，"
     "在企业服务页面标记维护时段并上传证明。\n\n（演示数据）"),
    ("hangzhou", 19, "region", "危险废物年度管理计划申报提醒",
     "产生危险废物的单位请在“固废”模块提交年度管理计划和申报。\n\n（演示数据）"),
    ("hangzhou", 12, "listed", "关于贵单位整改事项的告知",
     "贵单位有未办结的督办案件，请在企业服务页面提交整改材料并申请验收。\n\n（演示数据）"),
    ("xihu", 8, "officers", "西湖区执法检查人员培训安排（内部）",
     "请各中队于下周三参加“双随机、一公开”执法检查培训。\n\n（演示数据）"),
    ("province", 4, "public", "关于2026年第三季度环境质量状况的公告",
     "全省设区城市PM2.5平均浓度与优良天数比例详见“公众服务”页面的排名和开放数据。\n\n（演示数据）"),
    ("hangzhou", 2, "region", "突发环境事件应急预案备案提醒",
     "应急预案到期或发生重大变化的企业，请及时修订并重新备案。\n\n（演示数据）"),
]  # fmt: skip
_WITHDRAWN = ("xihu", 15, "region", "关于停产检修期间排放管理的通知（误发）",
              "（演示数据：已撤回）", "内容有误，将重新发布")  # fmt: skip
_DRAFT = ("hangzhou", 0, "region", "关于2027年度重点排污单位名录的通知（草稿）",
          "名录待核定后发布。\n\n（演示数据）")  # fmt: skip


def _user_scope(session, username: str) -> Scope | None:
    user = session.scalar(select(User).where(User.username == username))
    return None if user is None else scope_of(user)


def seed_demo_portal_notices(engine: Engine, *, now: datetime) -> str | None:
    """Seed the notices, receipts and pending applications (see the module); a summary, or
    None when the demo already has notices."""
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(Notice)):
            return None
        ent = _user_scope(session, "enterprise")
        listed = sorted(ent.enterprises) if ent is not None else []
        made: list[tuple[int, str]] = []
        for by, days, audience, title, body in _NOTICES:
            if audience == "listed" and not listed:
                continue
            at = now - timedelta(days=days, hours=3)
            with acting_as(by):
                v = notices.create_notice(
                    session, _OFFICERS[by], title=title, body=body, audience=audience,
                    enterprise_ids=listed if audience == "listed" else (), publish=True,
                    synthetic=True, now=at,
                )  # fmt: skip
            made.append((v.id, audience))
        by, days, audience, title, body, reason = _WITHDRAWN
        with acting_as(by):
            v = notices.create_notice(session, _OFFICERS[by], title=title, body=body,
                                      audience=audience, publish=True, synthetic=True,
                                      now=now - timedelta(days=days))  # fmt: skip
            notices.withdraw_notice(session, _OFFICERS[by], v.id, reason=reason,
                                    now=now - timedelta(days=days - 1))  # fmt: skip
        by, _, audience, title, body = _DRAFT
        with acting_as(by):
            notices.create_notice(session, _OFFICERS[by], title=title, body=body,
                                  audience=audience, synthetic=True, now=now)  # fmt: skip
        reads = 0
        readers = ["enterprise", "waste-producer", "waste-carrier", "waste-facility"]
        for i, username in enumerate(readers):
            scope = _user_scope(session, username)
            if scope is None:
                continue
            # newest first: the demo enterprise leaves its two newest unread
            seen = notices.notices_for(session, scope, limit=50)[2 if i == 0 else 1 + i :]
            for k, view in enumerate(seen):
                at = (view.published_at or now) + timedelta(hours=5 + k)
                with acting_as(username):
                    notices.mark_read(session, scope, view.id, now=min(at, now))
                reads += 1
        applied = _applications(session, now)
    return (f"{len(made) + 2} notices (1 withdrawn, 1 draft), {reads} read receipts, "
            f"{applied} applications pending")  # fmt: skip


def _applications(session, now: datetime) -> int:
    """Three applications: two of 西湖 and one elsewhere in Hangzhou (more of Hangzhou when 西湖
    has fewer enterprises)."""
    taken = set(session.scalars(select(User.enterprise_id).where(User.enterprise_id.is_not(None))))
    # enterprises without an account first; one with an account may ask for a second one
    city = sorted(enterprise_directory(session, "330100"), key=lambda e: (e.id in taken, e.id))
    xihu = [e for e in city if e.region_code == "330106"][:2]
    other = [e for e in city if e.region_code != "330106"][: 3 - len(xihu)]
    contacts = [("张伟", "0571-8765 4321"), ("李娜", "13805710000"), ("陈静", "0571-8123 4567")]
    n = 0
    for i, e in enumerate(xihu + other):
        name, phone = contacts[i]
        with acting_as(f"applicant:apply-{i + 1}"):
            onboarding.register(
                session, credit_code=e.credit_code, contact_name=name, contact_phone=phone,
                username=f"apply-{i + 1}", password=APPLY_PASSWORD, synthetic=True,
                now=now - timedelta(days=3 - i, hours=2),
            )  # fmt: skip
        n += 1
    return n
