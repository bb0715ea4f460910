"""Labels of the emergency-command radiation pages (issue #22); keys under ``emrad.``."""

LABELS: dict[str, tuple[str, str]] = {
    "emrad.title": ("辐射安全监管", "Radiation safety"),
    "emrad.note": (
        "辐射环境自动监测站γ剂量率、放射源台账（活度按半衰期衰减至今日，分类依《放射源分类办法》"
        "（国家环保总局公告2005年第62号）A/D）、高风险移动放射源在线监控（越出许可区域或剂量率异常告警，"
        "每次越界立案一次）与废旧放射源收贮（国务院令第449号第三十二条：3个月内）。",
        "Ambient gamma dose-rate stations, the source register (activity decayed to today; class by "
        "A/D as 《放射源分类办法》, 2005 No. 62), high-risk mobile sources tracked online (an "
        "alert and one case per excursion out of the licensed area or on abnormal dose), and "
        "spent-source collection (State Council Decree 449 Art. 32: within 3 months).",
    ),
    "emrad.empty": (
        "本辖区尚无辐射监测站和放射源记录。放射源通过接口 /api/v1/emergency/radiation/sources 登记。",
        "No dose-rate station or radioactive source in this region yet. Sources are registered "
        "through /api/v1/emergency/radiation/sources.",
    ),
    "emrad.tab.overview": ("总览", "Overview"),
    "emrad.tab.sources": ("放射源台账", "Source register"),
    "emrad.stations": ("γ剂量率监测站", "Dose-rate stations"),
    "emrad.stations.note": (
        "最新小时值；点击站点查看序列与质控标记。",
        "Newest hourly value; open a station for its series and QC flags.",
    ),
    "emrad.stations.none": ("本辖区无γ剂量率监测站。", "No dose-rate station in this region."),
    "emrad.station": ("站点", "Station"),
    "emrad.latest": ("最新值", "Latest"),
    "emrad.time": ("时间", "Time"),
    "emrad.sources": ("放射源", "Sources"),
    "emrad.mobile": ("移动放射源", "Mobile sources"),
    "emrad.map": ("监测站与移动源轨迹", "Stations and mobile-source tracks"),
    "emrad.map.note": (
        "圆点：监测站（颜色为最新γ剂量率）；虚线：移动源许可作业区域（电子围栏）；实线：近48小时轨迹；"
        "红色脉冲：进行中的告警。",
        "Dots: stations (colour: newest dose rate); dashed: mobile sources' licensed work areas "
        "(fences); lines: tracks of the last 48 h; red pulses: alerts going on.",
    ),
    "emrad.map.stations": ("监测站", "Stations"),
    "emrad.map.fence": ("电子围栏", "Fence"),
    "emrad.map.tracks": ("轨迹", "Tracks"),
    "emrad.map.alert": ("告警", "Alert"),
    "emrad.unit.ngy": ("nGy/h", "nGy/h"),
    "emrad.alerts": ("移动源告警", "Mobile-source alerts"),
    "emrad.alerts.note": (
        "一次越界（或剂量率持续高于 {usv} µSv/h）为一条告警，并立一个环境应急案件；回到区域内即结束。",
        "One excursion (out of the fence, or the dose rate above {usv} µSv/h) is one alert and "
        "one emergency case; it ends when the source is back to normal.",
    ),
    "emrad.alerts.none": ("无告警。", "No alert."),
    "emrad.alerts.open": ("进行中告警", "Alerts going on"),
    "emrad.alert.kind": ("类型", "Kind"),
    "emrad.alert.fence": ("越出许可区域", "Out of fence"),
    "emrad.alert.dose": ("剂量率异常", "Abnormal dose rate"),
    "emrad.alert.started": ("开始", "Started"),
    "emrad.alert.ended": ("结束", "Ended"),
    "emrad.alert.ongoing": ("进行中", "Going on"),
    "emrad.alert.reports": ("报告数", "Reports"),
    "emrad.alert.distance": ("越界距离/剂量率", "Distance / dose"),
    "emrad.case": ("案件", "Case"),
    "emrad.incident": ("突发事件", "Incident"),
    "emrad.classes": ("放射源分类", "Sources by class"),
    "emrad.classes.note": (
        "按今日衰减后活度的A/D分类（不含已收贮）；D值取自IAEA EPR-D-Values 2006，分类界限[MC]。",
        "By A/D of today's decayed activity (collected sources left out); D-values from IAEA "
        "EPR-D-Values 2006, class bands [MC].",
    ),
    "emrad.class.I": ("Ⅰ类（极高危险源）", "Category I (extremely dangerous)"),
    "emrad.class.II": ("Ⅱ类（高危险源）", "Category II (very dangerous)"),
    "emrad.class.III": ("Ⅲ类（危险源）", "Category III (dangerous)"),
    "emrad.class.IV": ("Ⅳ类（低危险源）", "Category IV (unlikely to be dangerous)"),
    "emrad.class.V": ("Ⅴ类（极低危险源）", "Category V (most unlikely to be dangerous)"),
    "emrad.class.exempt": ("低于豁免活度", "Below exemption"),
    "emrad.spent": ("废旧放射源收贮", "Spent-source collection"),
    "emrad.spent.note": (
        "应收尽收率 = 已收贮 ÷ 废旧（规划主要目标100%）；废旧后3个月内返回生产单位或送贮（国务院令第449号第三十二条 [U]）。",
        "Collection rate = collected ÷ disused (plan main goal: 100 %); within 3 months of "
        "becoming disused, returned to the producer or sent to storage (Decree 449 Art. 32 [U]).",
    ),
    "emrad.spent.rate": ("应收尽收率", "Collection rate"),
    "emrad.spent.figures": (
        "废旧 {disused} 枚，已收贮 {collected} 枚（按期 {in_time}），逾期未收 {overdue} 枚。",
        "{disused} disused, {collected} collected ({in_time} in time), {overdue} overdue.",
    ),
    "emrad.disused_on": ("废旧日期", "Disused on"),
    "emrad.deadline": ("收贮期限", "Deadline"),
    "emrad.deadline.note": (
        "今日标记则收贮期限为 {deadline}。",
        "Marked today, the deadline is {deadline}.",
    ),
    "emrad.collected_on": ("收贮日期", "Collected on"),
    "emrad.facility": ("接收单位类型", "Receiving facility"),
    "emrad.facility_name": ("接收单位", "Facility name"),
    "emrad.facility.return_to_producer": ("返回生产单位", "Returned to producer"),
    "emrad.facility.provincial_storage": ("省城市放射性废物库", "Provincial storage"),
    "emrad.overdue": ("逾期", "Overdue"),
    "emrad.mark_disused": ("标记为废旧", "Mark disused"),
    "emrad.record_collection": ("登记收贮", "Record collection"),
    "emrad.register": ("放射源台账", "Source register"),
    "emrad.register.note": (
        "活度按 A = A0·2^(−t/T½) 衰减至 {today}（半衰期取自NNDC/ENSDF，附来源与可信度）；类别随衰减重新计算，箭头示出厂时类别。",
        "Activity decayed to {today} by A = A0·2^(−t/T½) (half-lives from NNDC/ENSDF, with "
        "source and confidence); the class is recomputed as the source decays (arrow: the class "
        "on its reference date).",
    ),
    "emrad.register.empty": ("没有符合条件的放射源。", "No source matches."),
    "emrad.status": ("状态", "Status"),
    "emrad.status.in_use": ("在用", "In use"),
    "emrad.status.in_storage": ("贮存", "In storage"),
    "emrad.status.mobile": ("移动使用", "Mobile"),
    "emrad.status.disused": ("废旧待收贮", "Disused"),
    "emrad.status.collected": ("已收贮", "Collected"),
    "emrad.category": ("类别", "Category"),
    "emrad.nuclide": ("核素", "Nuclide"),
    "emrad.any": ("全部", "Any"),
    "emrad.filter": ("筛选", "Filter"),
    "emrad.code": ("编码", "Code"),
    "emrad.a0": ("出厂活度", "Activity A0"),
    "emrad.reference_date": ("出厂日期", "Reference date"),
    "emrad.activity_today": ("今日活度", "Activity today"),
    "emrad.holder": ("持有单位", "Holder"),
    "emrad.region": ("区县", "County"),
    "emrad.synthetic": ("模拟", "synthetic"),
    "emrad.source": ("放射源", "Source"),
    "emrad.source.note": (
        "活度衰减、类别（A/D）、许可证与收贮；数值的来源与可信度（confirmed / MC / U）随值列出。",
        "Decay, class (A/D), licence and collection; each figure's source and confidence "
        "(confirmed / MC / U) is shown beside it.",
    ),
    "emrad.decay": ("活度衰减与分类", "Decay and class"),
    "emrad.half_life": ("半衰期", "Half-life"),
    "emrad.at_reference": ("出厂时", "on the reference date"),
    "emrad.thresholds": ("分类下限", "Class lower bounds"),
    "emrad.licence": ("许可证与位置", "Licence and place"),
    "emrad.licence_no": ("辐射安全许可证", "Licence"),
    "emrad.expiry": ("有效期至", "valid until"),
    "emrad.expired": ("已过期", "expired"),
    "emrad.use": ("用途", "Use"),
    "emrad.location": ("位置", "Location"),
    "emrad.track": ("许可区域与近7日轨迹", "Fence and last 7 days' track"),
    "emrad.station.note": (
        "小时γ剂量率。质控：超出仪器量程为无效；超出全国原野γ调查范围 {lo}–{hi} nGy/h [MC] 为可疑；"
        "高于本站近一年均值+{k}σ [U] 需核查，降雨期间及其后数小时（氡子体冲刷）的升高标为降雨，不作异常。",
        "Hourly ambient gamma dose rate. QC: outside the instrument range fails; outside the "
        "national survey range {lo}–{hi} nGy/h [MC] is suspect; above the station's trailing-year "
        "mean + {k}σ [U] is investigated — unless raised in or just after rain (radon-progeny "
        "washout), flagged rain.",
    ),
    "emrad.baseline": (
        "本站基线：均值 {mean} nGy/h，σ {sd}，核查水平 {level} nGy/h（{n} 个无雨有效小时值）。",
        "Baseline: mean {mean} nGy/h, σ {sd}, investigation level {level} nGy/h ({n} valid dry hours).",
    ),
    "emrad.baseline.none": ("有效数据不足，尚无基线。", "Too few valid hours for a baseline."),
    "emrad.series.dose": ("γ剂量率", "Dose rate"),
    "emrad.series.rain": ("降水", "Rain"),
    "emrad.series.baseline": ("均值+3σ", "mean + 3σ"),
    "emrad.series.none": ("近14日无数据。", "No data in the last 14 days."),
    "emrad.flagged": ("标记的小时值", "Flagged hours"),
    "emrad.flagged.none": ("近14日无标记。", "Nothing flagged in the last 14 days."),
    "emrad.flag": ("标记", "Flag"),
    "emrad.flag.1": ("通过", "Pass"),
    "emrad.flag.3": ("可疑", "Suspect"),
    "emrad.flag.4": ("无效", "Fail"),
    "emrad.flag.9": ("缺失", "Missing"),
    "emrad.flag.rain": ("降雨", "rain"),
    "emrad.flag.above": ("高于基线，需核查", "above baseline: investigate"),
    "emrad.new": ("登记放射源", "Register a source"),
    "emrad.new.note": (
        "出厂活度必须附出厂（标定）日期；核素须在核素表内；移动使用的放射源须给出许可作业区域（GeoJSON多边形）。",
        "An activity needs its reference date; the nuclide must be in the table; a mobile source "
        "needs its licensed work area (a GeoJSON polygon).",
    ),
    "emrad.fence": ("许可作业区域（GeoJSON）", "Licensed work area (GeoJSON)"),
    "emrad.save": ("保存", "Save"),
    "emrad.kpi.spent_sources_collected": (
        "废旧放射源应收尽收率",
        "Spent radioactive sources collected",
    ),
    "emrad.import": ("导入放射源台账", "Import the source register"),
    "emrad.import.note": (
        "CSV 或 Excel，按模板一行一枚放射源（编号、核素、出厂活度及其参考日期必填）。任何一行有误"
        "（未知核素、无参考日期、活度≤0、许可证已过期、坐标不在浙江省内、编号已登记等）则整个文件不入库，"
        "并逐行列出问题。移动使用的放射源须连同作业区域逐枚登记。",
        "CSV or Excel, one source per row in the template's layout (code, nuclide, activity and "
        "its reference date required). If any row is wrong (unknown nuclide, no reference date, "
        "activity ≤ 0, licence expired, coordinates outside Zhejiang, code already registered …) "
        "nothing in the file is stored and every bad row is listed. Mobile sources are "
        "registered one by one with their work area.",
    ),
    "emrad.import.file": ("文件", "File"),
    "emrad.import.go": ("导入", "Import"),
    "emrad.import.template": ("下载模板", "Template"),
    "emrad.import.rejected": (
        "{file}：{n} 处问题，未导入任何记录",
        "{file}: {n} problem(s); nothing was imported",
    ),
    "emrad.import.stored": ("{file}：已导入 {n} 枚放射源", "{file}: {n} source(s) imported"),
}
