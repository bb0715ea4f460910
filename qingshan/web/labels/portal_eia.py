"""Labels of the eia pages of the application services (issue #23); keys under ``eia.``."""

LABELS: dict[str, tuple[str, str]] = {
    "eia.nav": ("环评与许可", "EIA & permits"),
    "eia.title": ("环评与许可", "EIA & permits"),
    "eia.note": (
        "建设项目环评审批（报告书、报告表）与登记表备案，关联企业档案及其排污许可证；可逐条录入或批量导入"
        "（CSV/Excel：任一行有误则整批不导入，并逐行列出问题）。",
        "EIA approvals (reports, forms) and registration filings, linked to the enterprise file and "
        "its discharge permit; entered one by one or imported from CSV/Excel (any bad row: nothing "
        "is imported and every problem is listed by row).",
    ),
    "eia.tab.approvals": ("环评审批", "EIA approvals"),
    "eia.tab.applications": ("许可办理", "Permit applications"),
    "eia.tab.warnings": ("预警", "Warnings"),
    "eia.recorded": ("已保存。", "Saved."),
    "eia.approvals": ("环评审批记录", "EIA approvals"),
    "eia.approvals.empty": (
        "本辖区尚无环评审批记录。用下方表单录入，或导入审批台账。",
        "No EIA approval in this region yet. Enter one below or import the approval register.",
    ),
    "eia.count": ("共 {n} 条", "{n} record(s)"),
    "eia.approval_no": ("批复文号", "Approval no."),
    "eia.project": ("项目名称", "Project"),
    "eia.doc_type": ("文件类型", "Document"),
    "eia.approved_on": ("批复日期", "Approved on"),
    "eia.totals": ("批复总量 (t/a)", "Approved totals (t/a)"),
    "eia.region": ("地区", "Region"),
    "eia.month": ("月份", "Month"),
    "eia.synthetic": ("演示数据", "synthetic"),
    "eia.form": ("录入环评审批", "Record an approval"),
    "eia.form_error": ("未保存，请修改：", "Not saved — please correct:"),
    "eia.enterprise_id": ("企业编号", "Enterprise id"),
    "eia.enterprise": ("企业", "Enterprise"),
    "eia.longitude": ("经度", "Longitude"),
    "eia.latitude": ("纬度", "Latitude"),
    "eia.industry_code": ("行业代码 (GB/T 4754)", "Industry code (GB/T 4754)"),
    "eia.authority": ("审批部门", "Approving authority"),
    "eia.conditions": ("批复要求（每行一条）", "Conditions (one per line)"),
    "eia.save": ("保存", "Save"),
    "eia.import": ("导入审批台账", "Import an approval register"),
    "eia.import.note": (
        "列：统一社会信用代码、项目名称、经度、纬度、行业代码、文件类型、批复文号、审批部门、批复日期、"
        "批复要求（以；分隔）、批复总量（如 COD:12.5;NH3-N:1.2）。",
        "Columns: credit code, project, longitude, latitude, industry code, document type, approval "
        "no., authority, date, conditions (separated by ;), totals (e.g. COD:12.5;NH3-N:1.2).",
    ),
    "eia.import.failed": ("未导入任何记录：", "Nothing imported:"),
    "eia.import.go": ("导入", "Import"),
    "eia.apps.note": (
        "排污许可申请、变更、延续按服务记录登记：材料清单、提交/受理/决定日期与企业到现场次数。"
        "“最多跑一次”统计：办理天数中位数与90分位、到现场不超过1次的办结占比；《排污许可管理条例》"
        "第十五条：受理后{limit}日内作出决定。",
        "Permit applications, changes and renewals as service records: materials checklist, "
        'submitted/accepted/decided dates and the applicant\'s trips. "At most one trip": median '
        "and 90th-percentile days, share decided with at most one trip; Regulation on Discharge "
        "Permits Art. 15: decided within {limit} days of acceptance.",
    ),
    "eia.apps.n": ("申请数", "Applications"),
    "eia.apps.median": ("办理天数中位数", "Median days"),
    "eia.apps.p90": ("90分位天数", "p90 days"),
    "eia.apps.one_trip": ("最多跑一次占比", "≤ 1 trip share"),
    "eia.apps.period": (
        "统计期：{since} 至 {until}（按提交日期）",
        "Period: {since} to {until} (by submission)",
    ),
    "eia.apps.empty": (
        "本辖区近一年尚无排污许可申请记录。用下方表单登记。",
        "No permit application in this region in the past year. Record one below.",
    ),
    "eia.apps.by_region": ("按地区", "By region"),
    "eia.apps.by_month": ("按月份", "By month"),
    "eia.apps.list": ("申请记录", "Applications"),
    "eia.apps.kind": ("事项", "Kind"),
    "eia.apps.submitted": ("提交日期", "Submitted"),
    "eia.apps.accepted": ("受理日期", "Accepted"),
    "eia.apps.decided": ("决定日期", "Decided"),
    "eia.apps.decision": ("决定", "Decision"),
    "eia.apps.days": ("办理天数", "Days"),
    "eia.apps.trips": ("到现场次数", "Trips"),
    "eia.apps.missing": ("缺少材料", "Missing materials"),
    "eia.apps.materials": ("已提交材料", "Materials handed in"),
    "eia.apps.pending": ("办理中", "pending"),
    "eia.apps.form": ("登记申请", "Record an application"),
    "eia.decision.granted": ("准予", "granted"),
    "eia.decision.refused": ("不予", "refused"),
    "eia.decision.None": ("—", "—"),
    "eia.permit_number": ("许可证编号", "Permit no."),
    "eia.warn.note": (
        "由档案、许可证与环评记录比对得出：在产企业无环评审批；排污许可证早于最近一次环评批复（应变更，"
        "《排污许可管理条例》第十五条）；环评批复总量高于许可排放量。可为每条预警立案一次（来源：大数据分析）。",
        "Computed by comparing the archive, the permits and the EIA records: an operating "
        "enterprise without EIA approval; a permit older than the latest approval (a change is "
        "due, Art. 15); approved totals above the permit's caps. Each warning can open one case "
        "(source: big-data analysis).",
    ),
    "eia.warn.all": ("全部", "All"),
    "eia.warn.no_eia": ("无环评审批", "No EIA approval"),
    "eia.warn.permit_older": ("许可证早于环评", "Permit older than EIA"),
    "eia.warn.totals_above": ("批复总量高于许可量", "Approved totals above permit"),
    "eia.warn.kind": ("预警类型", "Warning"),
    "eia.warn.detail": ("说明", "Detail"),
    "eia.warn.case": ("案件", "Case"),
    "eia.warn.open": ("立案", "Open a case"),
    "eia.warn.case_open": ("案件 #{id}", "Case #{id}"),
    "eia.warn.empty": ("本辖区当前无预警。", "No warning in this region now."),
    "eia.ent.note": (
        "本企业的环评审批、排污许可证与许可办理记录；预警由系统比对得出。",
        "This enterprise's EIA approvals, discharge permit and permit applications; warnings are "
        "computed by comparing them.",
    ),
    "eia.permit": ("排污许可证", "Discharge permit"),
    "eia.caps": ("许可排放量", "Permitted annual totals"),
    "eia.ent.no_permit": ("档案中无排污许可证。", "No discharge permit on file."),
    "eia.ent.no_approval": ("尚无环评审批记录。", "No EIA approval on file."),
    "eia.ent.no_application": ("尚无许可办理记录。", "No permit application on file."),
}
