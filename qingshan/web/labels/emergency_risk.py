"""Labels of the emergency-command risk pages (issue #22): ``emr.`` the risk enterprises and their
HJ 941-2018 grading, ``emp.`` the emergency plans and drills."""

LABELS: dict[str, tuple[str, str]] = {
    "emr.title": ("突发环境事件风险企业", "Risk enterprises"),
    "emr.note": (
        "按《企业突发环境事件风险分级方法》（HJ 941-2018）由企业申报的风险物质、生产工艺与风险防控措施"
        "及周边环境敏感程度计算的风险等级（一般/较大/重大），分大气和水分别评定，取高者；等级由系统计算，"
        "不可手工填写。标准条文仅部分经核实，各数值的来源与可信度见评级详情。",
        "Risk levels (general / larger / major) computed by HJ 941-2018 from the risk substances, "
        "processes and control measures the enterprise declared and the sensitivity of its "
        "surroundings, for air and water separately, the higher one counting; computed, never "
        "typed in. Only part of the standard's text was confirmed; each value's source and "
        "confidence is shown on the grading page.",
    ),
    "emr.empty": (
        "本辖区尚无已评级的风险企业：企业申报风险物质，经县（市、区）或市生态环境部门审核后自动评级。",
        "No graded risk enterprise in your region yet: an enterprise declares its risk substances "
        "and the grade is computed when a county or city officer approves the declaration.",
    ),
    "emr.level": ("风险等级", "Risk level"),
    "emr.level.一般": ("一般", "General"),
    "emr.level.较大": ("较大", "Larger"),
    "emr.level.重大": ("重大", "Major"),
    "emr.notation": ("等级表征", "Notation"),
    "emr.enterprise": ("企业", "Enterprise"),
    "emr.region": ("区县", "County"),
    "emr.industry": ("行业", "Industry"),
    "emr.computed": ("评级时间", "Graded"),
    "emr.plan": ("应急预案", "Emergency plan"),
    "emr.any": ("全部", "All"),
    "emr.filter": ("筛选", "Filter"),
    "emr.count": ("{n} 家", "{n} enterprises"),
    "emr.pending": ("待审核的申报", "Declarations awaiting review"),
    "emr.pending.none": ("没有待审核的申报。", "No declaration awaits review."),
    "emr.approve": ("审核通过并评级", "Approve and grade"),
    "emr.return": ("退回", "Return"),
    "emr.review_note": ("审核意见", "Review note"),
    "emr.declare": ("申报风险物质", "Declare risk substances"),
    "emr.declare.note": (
        "逐行填写风险物质（名称或CAS号）、最大存在量（吨）与存放位置，或上传CSV/Excel文件（列：物质名称、"
        "最大存在量、存放位置）。错误的行会逐一指出，全部无误才会保存。",
        "One row per risk substance (name or CAS number), its maximum quantity held (t) and "
        "place, or upload a CSV/Excel file (columns substance, max_stock_t, place). Every bad row "
        "is named; nothing is saved until all are right.",
    ),
    "emr.substance": ("风险物质", "Substance"),
    "emr.max_stock": ("最大存在量 (t)", "Max stock (t)"),
    "emr.place": ("存放位置", "Place"),
    "emr.file": ("或上传文件", "Or upload a file"),
    "emr.process": ("生产工艺（套数）", "Processes (units)"),
    "emr.controls": ("风险防控措施", "Control measures"),
    "emr.population": ("周边人口", "Population around"),
    "emr.pop_5km": ("5 km 内人口", "Within 5 km"),
    "emr.pop_500m": ("500 m 内人口", "Within 500 m"),
    "emr.submit": ("提交申报", "Submit"),
    "emr.submitted": ("申报已提交，待审核。", "Declaration submitted for review."),
    "emr.graded": ("已评级：{level}", "Graded: {level}"),
    "emr.bad_rows": ("申报未保存，以下行有误：", "Nothing saved; these rows are wrong:"),
    "emr.air": ("大气", "Air"),
    "emr.water": ("水", "Water"),
    "emr.q": ("Q（风险物质数量与临界量比值）", "Q (quantity over critical quantity)"),
    "emr.m": ("M（生产工艺与风险控制水平）", "M (process and risk control)"),
    "emr.e": ("E（环境风险受体敏感程度）", "E (receptor sensitivity)"),
    "emr.critical": ("临界量 (t)", "Critical quantity (t)"),
    "emr.ratio": ("q/Q", "q/Q"),
    "emr.points": ("分值", "Points"),
    "emr.q0": ("Q<1，直接评为一般（Q0）", "Q < 1: general directly (Q0)"),
    "emr.adjusted": ("等级调整", "Adjustment"),
    "emr.version": ("评级方法版本", "Grading version"),
    "emr.inputs": ("评级输入", "Grading inputs"),
    "emr.location": ("位置（档案）", "Location (archive)"),
    "emr.no_location": (
        "档案中无坐标：水环境E按无敏感目标计。",
        "No coordinates in the archive: water E found no target.",
    ),
    "emr.confidence": ("可信度", "Confidence"),
    "emr.confidence.note": (
        "confirmed＝已读标准原文；MC＝多个公开来源一致；U＝未核实（作为数据保存，未作为测试依据）。",
        "confirmed = read in the standard's own text; MC = several public sources agree; U = "
        "unverified (kept as data, not asserted in tests).",
    ),
    "emr.history": ("历次评级", "Earlier gradings"),
    "emr.declarations": ("申报记录", "Declarations"),
    "emr.status.submitted": ("待审核", "Submitted"),
    "emr.status.approved": ("已通过", "Approved"),
    "emr.status.returned": ("已退回", "Returned"),
    "emr.not_graded": ("尚未评级。", "Not graded yet."),
    "emr.regrade": ("按最新数据重新评级", "Grade again from current data"),
    "emr.synthetic": ("演示用合成数据", "Synthetic demo data"),
    "emp.title": ("企业突发环境事件应急预案", "Enterprise emergency plans"),
    "emp.note": (
        "企业应急预案备案情况：签署后20个工作日内向所在地县级生态环境部门备案（环发〔2015〕4号，MC）；"
        "至少每3年评估修订一次（U）。到期前60日列为“即将到期”；较大、重大风险企业的预案过期后自动立案督办。",
        "Enterprise emergency plans as filed: within 20 working days of signing at the county "
        "bureau (环发〔2015〕4号, MC); reviewed at least every 3 years (U). Plans due within 60 days "
        "are 'expiring'; an expired plan of a larger or major risk enterprise opens a case.",
    ),
    "emp.empty": (
        "没有符合条件的应急预案：可用下方表单备案。",
        "No emergency plan matches: file one with the form below.",
    ),
    "emp.status": ("状态", "Status"),
    "emp.status.current": ("有效", "Current"),
    "emp.status.expiring": ("即将到期", "Expiring"),
    "emp.status.expired": ("已过期", "Expired"),
    "emp.status.superseded": ("已修订替代", "Superseded"),
    "emp.status.none": ("无预案", "No plan"),
    "emp.plan": ("预案名称", "Plan"),
    "emp.signed_on": ("签署日期", "Signed on"),
    "emp.filed_on": ("备案日期", "Filed on"),
    "emp.filing_due": ("备案期限", "Filing due"),
    "emp.late": ("逾期备案", "Filed late"),
    "emp.bureau": ("备案部门", "Filed with"),
    "emp.filing_no": ("备案编号", "Filing number"),
    "emp.review_due": ("评估修订期限", "Review due"),
    "emp.revision": ("版本", "Revision"),
    "emp.files": ("备案文件", "Documents"),
    "emp.case": ("督办案件", "Case"),
    "emp.file": ("预案备案", "File a plan"),
    "emp.file.note": (
        "评估修订期限必填（不超过签署后3年）；文件可上传PDF、Word或图片。",
        "The review date is required (at most 3 years after signing); documents may be PDF, "
        "Word or images.",
    ),
    "emp.submit": ("备案", "File"),
    "emp.filed": ("预案已备案。", "Plan filed."),
    "emp.counts": (
        "有效 {current} · 即将到期 {expiring} · 已过期 {expired}",
        "Current {current} · expiring {expiring} · expired {expired}",
    ),
    "emp.drills": ("应急演练", "Drills"),
    "emp.drill.none": ("尚无演练记录。", "No drill recorded."),
    "emp.held_on": ("演练日期", "Held on"),
    "emp.scenario": ("演练情景", "Scenario"),
    "emp.participants": ("参演人数", "Participants"),
    "emp.findings": ("发现问题", "Findings"),
    "emp.drill.add": ("记录演练", "Record a drill"),
    "emp.kpi": ("已评级企业预案有效率", "Graded enterprises with a current plan"),
}
