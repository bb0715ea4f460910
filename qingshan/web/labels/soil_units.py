"""Labels of the soil units pages (issue #24); keys start with soilu.."""

LABELS: dict[str, tuple[str, str]] = {
    "soilu.title": ("土壤污染重点监管单位", "Key soil-supervised units"),
    "soilu.note": (
        "列入土壤污染重点监管单位名录的企业: 年度土壤污染隐患排查 (《工矿用地土壤环境管理办法(试行)》"
        "第十一条)、土壤和地下水自行监测 (第十二条; 土壤按 GB 36600-2018 第二类用地筛选值/管制值判定, "
        "地下水按 GB/T 14848-2017 分类, 劣于 IV 类为超标) 及有毒有害物质排放情况年度报告 "
        "(《土壤污染防治法》第二十一条)。逾期、超标、未报告的由系统每日立案。",
        "Enterprises on the list of key soil-supervised units: the yearly hidden-danger check "
        "(Measures for soil of industrial and mining land, Art. 11), soil and groundwater "
        "self-monitoring (Art. 12; soil judged by GB 36600-2018 second-category screening and "
        "intervention values, groundwater by GB/T 14848-2017 classes, worse than IV exceeding) "
        "and the yearly report of toxic substance discharges (Soil Pollution Law, Art. 21). "
        "Overdue, exceeding and unreported items open cases daily.",
    ),
    "soilu.empty": (
        "本辖区尚无土壤污染重点监管单位: 由设区的市生态环境局将企业列入名录后在此显示。",
        "No key soil-supervised unit in your region yet: units appear here once the city bureau "
        "puts an enterprise on the list.",
    ),
    "soilu.empty_filter": ("没有符合筛选条件的单位。", "No unit matches the filter."),
    "soilu.units": ("名录单位", "Listed units"),
    "soilu.overdue": ("排查逾期", "Check overdue"),
    "soilu.exceeding": ("监测超标", "Monitoring exceeding"),
    "soilu.report_missing": ("未报告排放", "Report missing"),
    "soilu.flag": ("标记", "Flag"),
    "soilu.flag.any": ("任一问题", "Any problem"),
    "soilu.all": ("全部", "All"),
    "soilu.filter": ("筛选", "Filter"),
    "soilu.name": ("单位名称", "Unit"),
    "soilu.county": ("区县", "County"),
    "soilu.listed": ("列入名录", "Listed"),
    "soilu.reason": ("列入原因", "Reason"),
    "soilu.check": ("隐患排查", "Hidden-danger check"),
    "soilu.checks": ("隐患排查记录", "Hidden-danger checks"),
    "soilu.monitoring": ("自行监测", "Self-monitoring"),
    "soilu.reports": ("有毒有害物质排放报告", "Toxic substance discharge reports"),
    "soilu.cases": ("相关案件", "Cases"),
    "soilu.state.done": ("已完成", "Done"),
    "soilu.state.late": ("逾期完成", "Done late"),
    "soilu.state.overdue": ("逾期未完成", "Overdue"),
    "soilu.state.open": ("未到期", "Not yet due"),
    "soilu.state.none": ("无记录", "None"),
    "soilu.year": ("年度", "Year"),
    "soilu.due_on": ("应完成日期", "Due"),
    "soilu.done_on": ("完成日期", "Done on"),
    "soilu.findings": ("排查发现", "Findings"),
    "soilu.items": ("整改项", "Rectification items"),
    "soilu.item": ("整改内容", "Item"),
    "soilu.deadline": ("整改期限", "Deadline"),
    "soilu.items_overdue": ("整改逾期", "Items overdue"),
    "soilu.point": ("点位", "Point"),
    "soilu.medium": ("介质", "Medium"),
    "soilu.medium.soil": ("土壤", "Soil"),
    "soilu.medium.groundwater": ("地下水", "Groundwater"),
    "soilu.sampled_on": ("采样日期", "Sampled"),
    "soilu.depth": ("深度 (m)", "Depth (m)"),
    "soilu.unit": ("单位", "Unit"),
    "soilu.values": ("监测值", "Values"),
    "soilu.result": ("判定", "Result"),
    "soilu.deciding": ("决定类别的因子", "Deciding items"),
    "soilu.level.within_screening": ("不超筛选值", "Within screening"),
    "soilu.level.over_screening": ("超筛选值", "Over screening"),
    "soilu.level.over_intervention": ("超管制值", "Over intervention"),
    "soilu.class": ("{k} 类", "Class {k}"),
    "soilu.worst": ("最差判定", "Worst result"),
    "soilu.no_samples": ("尚无自行监测数据。", "No self-monitoring result yet."),
    "soilu.no_checks": ("尚无隐患排查记录。", "No hidden-danger check recorded yet."),
    "soilu.no_reports": ("尚未提交排放报告。", "No discharge report filed yet."),
    "soilu.no_cases": ("无相关案件。", "No case."),
    "soilu.missing_years": ("未报告年度", "Years not reported"),
    "soilu.submitted_on": ("提交日期", "Submitted"),
    "soilu.substances": ("物质及排放量 (kg)", "Substances and amounts (kg)"),
    "soilu.substances_hint": (
        "每行一种物质: 名称, 千克 (如: 镉, 0.8)",
        "One substance per line: name, kg (e.g. Cd, 0.8)",
    ),
    "soilu.note_field": ("备注", "Note"),
    "soilu.record_check": ("填报隐患排查", "Record a check"),
    "soilu.add_sample": ("填报监测数据", "Add a sample"),
    "soilu.import": ("导入 CSV / Excel", "Import CSV / Excel"),
    "soilu.import_hint": (
        "表头: 点位, 介质 (土壤/地下水), 采样日期, 深度, 单位 (mg/kg 或 mg/L), pH, 以及各监测项目 "
        "(标准中的代码或中文名, 如 Cd / 镉)。任一行有误则整个文件不导入, 并列出每一个错误行。",
        "Headers: 点位 point, 介质 medium (土壤/地下水), 采样日期 date, 深度 depth, 单位 unit "
        "(mg/kg or mg/L), pH, and one column per item (the standard's key or Chinese name, e.g. "
        "Cd / 镉). If any row is bad nothing is imported and every bad row is listed.",
    ),
    "soilu.item_key": ("监测项目", "Item"),
    "soilu.value": ("数值", "Value"),
    "soilu.file_report": ("提交年度排放报告", "File the yearly report"),
    "soilu.save": ("保存", "Save"),
    "soilu.saved": ("已保存。", "Saved."),
    "soilu.back": ("返回名录", "Back to the list"),
    "soilu.synthetic": ("演示数据 (合成)", "Demo data (synthetic)"),
    "soilu.rules": ("依据", "Rules"),
    "soilu.confidence": ("可信度", "Confidence"),
    "soilu.kpi": ("隐患排查逾期数", "Hidden-danger checks overdue"),
    "soilu.count": ("共 {n} 家", "{n} units"),
    "soilu.samples_n": ("{n} 个样品, 均未超标", "{n} samples, none exceeding"),
}
