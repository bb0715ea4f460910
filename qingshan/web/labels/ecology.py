"""Labels of the ecology pages (生态与生物多样性, issue #25): nav.ecology and keys starting eco."""

LABELS: dict[str, tuple[str, str]] = {
    "nav.ecology": ("生态状况", "Ecology"),
    "eco.tab.status": ("生态状况指数", "Ecological status"),
    "eco.tab.surveys": ("生物多样性调查", "Biodiversity surveys"),
    "eco.status.title": ("生态环境状况指数（EI）", "Ecological status index (EI)"),
    "eco.status.note": (
        "各区县生态环境状况指数（EI）由生物丰度、植被覆盖、水网密度、土地胁迫、污染负荷五项分指数"
        "加权求得，环境限制指数约束等级；分级与变化度分级依据 HJ 192-2015《生态环境状况评价技术规范》。"
        "地图按等级着色，可切换为两期之间的变化度；点击区县查看详情。",
        "The ecological status index (EI) of each county is the weighted sum of five sub-indices "
        "(biological abundance, vegetation cover, water-network density, land stress, pollution "
        "load); the environmental restriction index constrains the grade. Grades and change "
        "classes per HJ 192-2015. The map shows grades, or the change between two periods; "
        "click a county for its page.",
    ),
    "eco.status.empty": (
        "本辖区尚无生态状况评价数据。省、市账号可在下方导入各区县的分指数（CSV 或 Excel）。",
        "No ecological-status inputs for this region yet. Province and city officers can import "
        "each county's sub-indices below (CSV or Excel).",
    ),
    "eco.year": ("评价年", "Year"),
    "eco.base_year": ("基准年", "Base year"),
    "eco.show": ("显示", "Show"),
    "eco.synthetic": (
        "演示数据（合成），非实测评价结果。",
        "Demo data (synthetic), not a real assessment.",
    ),
    "eco.map.mode": ("地图显示", "Map shows"),
    "eco.map.grade": ("等级", "Grade"),
    "eco.map.change": ("变化度", "Change"),
    "eco.map.no_base": ("只有一期数据，无法比较变化", "Only one period: no change to compare"),
    "eco.map.title": ("各区县生态环境状况", "Ecological status by county"),
    "eco.map.hint": (
        "悬停查看 EI；点击区县打开详情。",
        "Hover for the EI; click a county to open it.",
    ),
    "eco.map.colon": ("：", ": "),
    "eco.map.species": ("种", "species"),
    "eco.no_data": ("无数据", "No data"),
    "eco.summary": ("汇总", "Summary"),
    "eco.table": ("各区县评价结果", "Results by county"),
    "eco.col.county": ("区县", "County"),
    "eco.col.grade": ("等级", "Grade"),
    "eco.col.change": ("变化度", "Change"),
    "eco.col.counties": ("区县数", "Counties"),
    "eco.sub.biological_abundance": ("生物丰度", "Biological abundance"),
    "eco.sub.vegetation_cover": ("植被覆盖", "Vegetation cover"),
    "eco.sub.water_network_density": ("水网密度", "Water network"),
    "eco.sub.land_stress": ("土地胁迫", "Land stress"),
    "eco.sub.pollution_load": ("污染负荷", "Pollution load"),
    "eco.sub.restriction": ("环境限制", "Restriction"),
    "eco.standard_note": (
        "HJ 192-2015：EI = 0.35×生物丰度 + 0.25×植被覆盖 + 0.15×水网密度 + 0.15×(100−土地胁迫) + "
        "0.10×(100−污染负荷)；优 ≥ 75，良 55–75，一般 35–55，较差 20–35，差 < 20；"
        "变化度 |ΔEI| < 1 无明显变化，1–3 略微，3–8 明显，≥ 8 显著（置信度见文档）。",
        "HJ 192-2015: EI = 0.35·BA + 0.25·VC + 0.15·WND + 0.15·(100−LS) + 0.10·(100−PL); "
        "excellent ≥ 75, good 55–75, fair 35–55, poor 20–35, bad < 20; change |ΔEI| < 1 none, "
        "1–3 slight, 3–8 obvious, ≥ 8 significant (confidence in the docs).",
    ),
    "eco.county.note": (
        "本县各评价年的分指数、EI、等级（环境限制指数约束后）及与上一期相比的变化度（HJ 192-2015）。",
        "This county's sub-indices, EI, grade (after the restriction index) and change from the "
        "period before, per HJ 192-2015.",
    ),
    "eco.county.empty": ("本县尚无评价数据。", "No assessment for this county yet."),
    "eco.county.change_from": ("较 {year} 年", "Since {year}"),
    "eco.county.restricted": (
        "按指数为“{grade}”，因环境限制指数降级。",
        "By the index alone “{grade}”; lowered by the restriction index.",
    ),
    "eco.source": ("来源", "Source"),
    "eco.import.title": ("导入分指数", "Import sub-indices"),
    "eco.import.note": (
        "每行一个区县一个年份：区县代码、年份、五项分指数（0–100）、环境限制（可空）。"
        "有任何错误行则整份不入库，并列出每一行的问题。",
        "One row per county and year: county code, year, the five sub-indices (0–100), "
        "restriction (optional). A file with any bad row is refused whole, every problem named.",
    ),
    "eco.import.file": ("文件", "File"),
    "eco.import.go": ("导入", "Import"),
    "eco.import.done": (
        "新增 {created} 行，更新 {updated} 行。",
        "{created} new, {updated} updated.",
    ),
    "eco.import.refused": ("未入库，问题如下：", "Nothing stored; problems:"),
    "eco.template": ("模板", "Template"),
    "eco.surveys.title": ("生物多样性调查", "Biodiversity surveys"),
    "eco.surveys.note": (
        "“十四五”规划目标 9.1：深入推进 29 个重点区域生物多样性调查评估。地图按调查状态（计划、调查中、"
        "已完成）显示各重点区域；物种记录采用 Darwin Core 字段，标注国家重点保护（2021 年名录）与重点管理"
        "外来入侵物种（2022 年名录）。",
        "Plan target 9.1: biodiversity surveys of 29 key areas. The map shows each area by status "
        "(planned, surveying, done); species records use Darwin Core terms and are flagged against "
        "the national key protected lists (2021) and the key managed invasive species list (2022).",
    ),
    "eco.surveys.empty": (
        "本辖区尚无重点调查区域。区域由省、市生态环境部门设定。",
        "No key survey area in this region yet. Areas are set by province and city bureaus.",
    ),
    "eco.surveys.plan": ("规划目标（已完成 / 29）", "Plan target (done / 29)"),
    "eco.surveys.progress": ("调查进度", "Survey progress"),
    "eco.surveys.map": ("重点调查区域", "Key survey areas"),
    "eco.surveys.list": ("调查区域", "Survey areas"),
    "eco.st.planned": ("计划", "Planned"),
    "eco.st.surveying": ("调查中", "Surveying"),
    "eco.st.done": ("已完成", "Done"),
    "eco.since": ("始于", "since"),
    "eco.col.area": ("区域", "Area"),
    "eco.col.status": ("状态", "Status"),
    "eco.col.species": ("物种数", "Species"),
    "eco.col.protected": ("重点保护", "Protected"),
    "eco.col.invasive": ("外来入侵", "Invasive"),
    "eco.col.records": ("记录数", "Records"),
    "eco.col.species_name": ("物种", "Species"),
    "eco.col.flags": ("名录", "Lists"),
    "eco.col.individuals": ("个体数", "Individuals"),
    "eco.col.last_seen": ("最近记录", "Last seen"),
    "eco.col.position": ("经度, 纬度", "Lon, lat"),
    "eco.records.import": ("导入物种记录", "Import species records"),
    "eco.records.import_note": (
        "表头使用 Darwin Core 术语（occurrenceID、scientificName、eventDate、decimalLatitude、"
        "decimalLongitude……；调查区域填 locationID）。缺地点或日期、坐标在浙江省外的记录拒收；"
        "有任何错误行则整份不入库。",
        "Headers are Darwin Core terms (occurrenceID, scientificName, eventDate, decimalLatitude, "
        "decimalLongitude…; the survey area as locationID). Records without a place or date, or "
        "outside Zhejiang, are refused; a file with any bad row is refused whole.",
    ),
    "eco.records.export": ("导出 Darwin Core CSV", "Darwin Core CSV"),
    "eco.records.latest": ("最新记录", "Latest records"),
    "eco.lists": ("物种名录（节选）", "Species lists (subsets)"),
    "eco.record.title": ("录入一条物种记录", "Record one sighting"),
    "eco.record.note": (
        "字段为 Darwin Core 术语；必须有地点（经纬度，位于浙江省内）和日期，缺一不收。",
        "Fields are Darwin Core terms; a place (inside Zhejiang) and a date are required.",
    ),
    "eco.record.vernacular": ("中文名", "Chinese name"),
    "eco.record.auto_id": ("留空自动生成", "blank: generated"),
    "eco.record.saved": ("已保存。", "Saved."),
    "eco.survey.note": (
        "本区域的调查日期、记录到的物种及其名录标注（国家重点保护一级/二级、重点管理外来入侵物种）。",
        "The area's survey dates, the species recorded and their list flags (national key "
        "protection class I/II, key managed invasive species).",
    ),
    "eco.survey.empty": ("本区域尚无物种记录。", "No species record in this area yet."),
    "eco.species": ("物种", "Species"),
    "eco.dates": ("调查起止", "Survey dates"),
    "eco.started_on": ("开始日期", "Started"),
    "eco.finished_on": ("完成日期", "Finished"),
    "eco.save": ("保存", "Save"),
    "eco.flag.protected_I": ("国家一级", "Class I"),
    "eco.flag.protected_II": ("国家二级", "Class II"),
    "eco.flag.invasive": ("外来入侵", "Invasive"),
    "eco.eco.forest": ("森林", "Forest"),
    "eco.eco.wetland": ("湿地", "Wetland"),
    "eco.eco.marine": ("海洋与海岛", "Marine and islands"),
    "eco.eco.freshwater": ("河湖", "Rivers and lakes"),
    "eco.eco.farmland": ("农田", "Farmland"),
    "eco.eco.urban": ("城市", "Urban"),
    "eco.kpi.survey_areas_done": (
        "重点区域生物多样性调查完成数",
        "Key biodiversity survey areas done",
    ),
}
