"""Labels of the public pages of the application services (issue #23); keys under ``pp.``."""

LABELS: dict[str, tuple[str, str]] = {
    "pp.nav": ("公众服务", "Public services"),
    "pp.title": ("公众服务", "Public services"),
    "pp.note": (
        "无需登录：今日空气与水质、环境质量排名、数据开放、举报与进度查询、双随机抽查结果公开。"
        "数字均取自平台发布的指数与排名（与地图、城市页面、开放数据接口一致）。",
        "No login needed: today's air and water, the quality rankings, open data, complaints and "
        "their progress, and the published spot-check results. Every figure is the platform's "
        "published index or ranking (the same as the map, the city pages and the open-data API).",
    ),
    "pp.air": ("今日空气", "Air today"),
    "pp.air_note": (
        "各站点最新小时实时AQI（HJ 633-2026 第5章，与空气质量地图相同）按城市汇总；日AQI为城市国控点"
        "日均值计算的最新日报（HJ 633日报，HJ 663-2013 第4条城市点位算术平均）。",
        "Each station's real-time AQI at its newest hour (HJ 633-2026 §5, as on the air map), "
        "summed up per city; the daily AQI is the newest daily report from the mean of the "
        "city's national stations (HJ 633 daily report; HJ 663-2013 §4).",
    ),
    "pp.as_of": ("数据时间", "Data time"),
    "pp.stations_reporting": ("有AQI站点", "stations with an AQI"),
    "pp.withheld": ("AQI不发布", "AQI withheld"),
    "pp.air_empty": (
        "暂无空气站点的最新小时数据：监测数据到达后此处显示。",
        "No air station has a newest hour yet: it shows here when monitoring data arrive.",
    ),
    "pp.city": ("城市", "City"),
    "pp.day_aqi": ("日AQI", "Daily AQI"),
    "pp.primary": ("首要污染物", "Primary pollutant"),
    "pp.now_range": ("当前站点AQI（有值/站点）", "Stations' AQI now (with value/stations)"),
    "pp.to_map": ("空气质量地图", "Air quality map"),
    "pp.to_forecast": ("空气质量预报", "Air quality forecast"),
    "pp.water": ("今日水质", "Water today"),
    "pp.water_note": (
        "国控、省控断面最新小时水质类别，按《地表水环境质量标准》（GB 3838-2002）表1评价，与水质地图相同。",
        "National and provincial sections at their newest hour, classed by GB 3838-2002 "
        "Table 1, as on the water map.",
    ),
    "pp.assessed": ("已评价断面", "sections assessed"),
    "pp.good_rate": ("Ⅰ～Ⅲ类比例", "Class I–III share"),
    "pp.compliance_rate": ("达标率", "meeting target"),
    "pp.class": ("类别", "Class"),
    "pp.sections_list": ("各断面", "Each section"),
    "pp.section": ("断面", "Section"),
    "pp.target": ("目标", "Target"),
    "pp.water_empty": (
        "暂无断面的最新数据：监测数据到达后此处显示。",
        "No section has newest data yet: it shows here when monitoring data arrive.",
    ),
    "pp.to_water": ("水质地图", "Water quality map"),
    "pp.ranking": ("环境质量排名", "Quality rankings"),
    "pp.ranking_note": (
        "最新完整月份的设区市排名：空气按环境空气质量综合指数（环办监测〔2018〕19号），水按城市水质指数"
        "CWQI（环办监测〔2017〕51号），数值越小越好。",
        "The newest complete month's city ranking: air by the comprehensive index "
        "(环办监测〔2018〕19号), water by CWQI (环办监测〔2017〕51号); lower is better.",
    ),
    "pp.rank.air": ("空气质量综合指数", "Air comprehensive index"),
    "pp.rank.water": ("城市水质指数", "Water CWQI"),
    "pp.rank_empty": (
        "尚无可排名的月份：排名汇总任务生成后显示。",
        "No month to rank yet: shown once the ranking roll-up job has run.",
    ),
    "pp.rank_lacking": (
        "该月没有城市有足够的有效数据可排名（{n}个城市数据不足，原因见完整排名）。",
        "No city has enough valid data to be ranked this month ({n} lacking; the full ranking "
        "says why).",
    ),
    "pp.to_ranking": ("完整排名（区县、年度、下载）", "Full ranking (counties, years, download)"),
    "pp.opendata": ("数据开放", "Open data"),
    "pp.opendata_note": (
        "站点、观测值、日月年统计、空气日AQI和断面水质类别，可筛选、查看接口地址并下载CSV或Excel。",
        "Sites, observations, daily/monthly/yearly means, daily AQI and section classes: filter "
        "them, see the API URL and download CSV or Excel.",
    ),
    "pp.to_opendata": ("查询与下载", "Query and download"),
    "pp.to_api_docs": ("接口文档", "API documentation"),
    "pp.complaint": ("举报与进度查询", "Complaints and tracking"),
    "pp.verify_note": (
        "收到企业出具的合规证明？可凭证明上的验证码核对其内容。",
        "Holding a compliance certificate from an enterprise? Check it with the code printed on it.",
    ),
    "pp.to_verify": ("核验合规证明", "Verify a certificate"),
    "pp.complaint_note": (
        "在地图上选位置、上传照片举报环境问题；凭受理编号和查询码查看办理进度。",
        "Report an environmental problem with its place on the map and photos; follow it with "
        "the tracking number and secret.",
    ),
    "pp.to_complaint": ("我要举报", "File a complaint"),
    "pp.to_track": ("进度查询", "Track a complaint"),
    "pp.spot": ("双随机抽查与行政处罚公开", "Spot checks and penalties (published)"),
    "pp.spot_note": (
        "“双随机、一公开”：已抽取的检查计划及其记录的检查结果（抽取种子和哈希可在公示页核验）。",
        "Random inspections, published: the drawn plans and the results recorded on them (the "
        "draw's seed and hashes can be verified on the published page).",
    ),
    "pp.spot_short": ("抽查与处罚公开", "Inspections and penalties"),
    "pp.penalties": ("行政处罚决定公开", "Penalty decisions (published)"),
    "pp.penalties_note": (
        "最新的生态环境行政处罚决定（依《中华人民共和国行政处罚法》第四十八条公开；被撤销的决定不再公开）。",
        "The newest environmental penalty decisions (published under the Administrative Penalty "
        "Law, Art. 48; a revoked decision is withdrawn).",
    ),
    "pp.penalties_empty": ("暂无已公开的行政处罚决定。", "No penalty decision published yet."),
    "pp.penalty": ("处罚", "Penalty"),
    "pp.decided_on": ("决定日期", "Decided on"),
    "pp.yuan": ("元", "CNY"),
    "pp.enterprise": ("企业", "Enterprise"),
    "pp.outcome": ("检查结果", "Outcome"),
    "pp.checked_on": ("检查日期", "Checked on"),
    "pp.spot_pending": (
        "已抽取的计划尚未录入检查结果。",
        "The drawn plans have no result recorded yet.",
    ),
    "pp.spot_empty": ("尚无已抽取的抽查计划。", "No spot-check plan has been drawn yet."),
    "pp.violations": ("发现问题", "problems found"),
    "pp.to_spot": ("抽查公示（计划、抽取核验）", "Published plans and draws"),
    "pp.notices": ("通知公告", "Notices"),
    "pp.notices_note": (
        "生态环境部门发布的面向公众的通知公告，最新在前。",
        "The bureaus' published notices to the public, newest first.",
    ),
    "pp.notices_empty": ("暂无已发布的公告。", "No notice has been published yet."),
    "pp.od.title": ("数据开放", "Open data"),
    "pp.od.note": (
        "开放数据接口（/api/v1/open）的查询页面：选择数据集和条件，查看结果、复制接口地址，或下载当前"
        "结果为CSV、Excel。仅公开的空气站和水质断面，不含企业排口。",
        "The open-data API (/api/v1/open) as a page: pick a dataset and its filters, see the "
        "result, copy the API URL, or download the result as CSV or Excel. Public air stations "
        "and water sections only, never enterprise outlets.",
    ),
    "pp.od.datasets": ("数据集", "Datasets"),
    "pp.od.ds.city_aqi": ("城市空气日AQI", "City daily AQI"),
    "pp.od.ds.city_aqi.desc": (
        "设区市国控点日均值计算的日AQI（HJ 633日报，执行当日有效版本），含首要污染物和各项浓度。",
        "Daily AQI of a city from its national stations' daily means (HJ 633 daily report of "
        "the edition in force), with primary pollutants and concentrations.",
    ),
    "pp.od.ds.station_aqi": ("站点空气日AQI", "Station daily AQI"),
    "pp.od.ds.station_aqi.desc": (
        "单个空气站的日AQI（HJ 633日报）。",
        "Daily AQI of one air station (HJ 633 daily report).",
    ),
    "pp.od.ds.water_class": ("断面水质类别", "Section water class"),
    "pp.od.ds.water_class.desc": (
        "断面逐月或逐日水质类别（GB 3838-2002 表1），含有效率和主要污染指标。",
        "A section's class per month or day (GB 3838-2002 Table 1) with coverage and main "
        "pollutants.",
    ),
    "pp.od.ds.observations": ("观测值", "Observations"),
    "pp.od.ds.observations.desc": (
        "一个站点一项指标的小时或日观测值（含数据标记）。",
        "Hourly or daily observations of one parameter of a site (with their flags).",
    ),
    "pp.od.ds.rollups": ("日、月、年统计", "Daily, monthly, yearly means"),
    "pp.od.ds.rollups.desc": (
        "已存储的日、月、年均值及有效数据覆盖率。",
        "Stored daily, monthly and yearly means with their coverage.",
    ),
    "pp.od.ds.sites": ("站点与断面", "Sites"),
    "pp.od.ds.sites.desc": (
        "公开的空气站和水质断面位置（GeoJSON，WGS 84），可按类型和地区筛选。",
        "The public air stations and water sections with positions (GeoJSON, WGS 84), by kind "
        "and region.",
    ),
    "pp.od.query": ("查询", "Query"),
    "pp.od.dataset": ("数据集", "Dataset"),
    "pp.od.code": ("站点/城市", "Site or city"),
    "pp.od.from": ("起始日", "From"),
    "pp.od.to": ("截止日", "To"),
    "pp.od.start": ("开始日期", "Start"),
    "pp.od.end": ("结束日期", "End"),
    "pp.od.parameter": ("指标", "Parameter"),
    "pp.od.period": ("时间尺度", "Period"),
    "pp.od.hour": ("小时", "Hour"),
    "pp.od.day": ("日", "Day"),
    "pp.od.month": ("月", "Month"),
    "pp.od.year": ("年", "Year"),
    "pp.od.scale": ("时间尺度", "Scale"),
    "pp.od.months": ("月数", "Months"),
    "pp.od.kind": ("类型", "Kind"),
    "pp.od.all": ("全部", "All"),
    "pp.od.air_station": ("空气站", "Air stations"),
    "pp.od.water_section": ("水质断面", "Water sections"),
    "pp.od.region": ("地区", "Region"),
    "pp.od.show": ("查询", "Show"),
    "pp.od.api_url": ("接口地址", "API URL"),
    "pp.od.pick": (
        "选择数据集和条件后点击“查询”。",
        "Pick a dataset and its filters, then press Show.",
    ),
    "pp.od.empty": ("该条件下没有数据。", "No data for these filters."),
    "pp.od.loading": ("正在查询…", "Loading…"),
    "pp.od.count": ("显示 {shown} 条，共 {total} 条", "{shown} shown of {total}"),
}
