"""Labels of the emergency-command gas pages (issue #22); keys under their own prefix."""

LABELS: dict[str, tuple[str, str]] = {
    "emg.title": ("有毒有害气体预警", "Toxic-gas early warning"),
    "emg.note": (
        "化工园区边界监测站经 HJ 212-2017 接入，每分钟数据按物质的报警值判定：一级报警值为职业接触限值"
        "（GBZ 2.1-2019，MAC 或 PC-TWA）的100%，二级为200%（GB/T 50493-2019）。颜色为各站最新读数的级别。",
        "Chemical parks' boundary stations report through HJ 212-2017; each minute's reading is "
        "judged against its substance's alarm levels: level 1 at 100 % and level 2 at 200 % of the "
        "occupational exposure limit (GBZ 2.1-2019, MAC or PC-TWA; GB/T 50493-2019). Colours show "
        "the level of each station's latest readings.",
    ),
    "emg.empty": (
        "本辖区尚无登记的化工园区或边界监测站。园区和站点由管理员登记；站点的数采仪接入后，数据和报警将显示在这里。",
        "No chemical park or boundary station is registered in your region yet. Parks and "
        "stations are registered by an administrator; once a station's data logger reports, its "
        "data and alarms show here.",
    ),
    "emg.synthetic": ("演示用合成数据", "Synthetic demo data"),
    "emg.parks": ("化工园区", "Chemical parks"),
    "emg.park": ("园区", "Park"),
    "emg.stations": ("边界监测站", "Boundary stations"),
    "emg.station": ("监测站", "Station"),
    "emg.map": ("园区与监测站", "Parks and stations"),
    "emg.level.0": ("正常", "Normal"),
    "emg.level.1": ("一级报警", "Level 1 alarm"),
    "emg.level.2": ("二级报警", "Level 2 alarm"),
    "emg.nodata": ("无数据", "No data"),
    "emg.al1": ("一级报警值", "Level-1 set-point"),
    "emg.al2": ("二级报警值", "Level-2 set-point"),
    "emg.substance": ("物质", "Substance"),
    "emg.latest": ("最新读数", "Latest reading"),
    "emg.alarms": ("报警", "Alarms"),
    "emg.alarms.active": ("当前报警", "Active alarms"),
    "emg.alarms.all": ("全部报警", "All alarms"),
    "emg.alarms.none": ("没有报警。", "No alarms."),
    "emg.alarms.note": (
        "报警从不删除。一级报警在读数≥一级报警值时发出；读数≥二级报警值或连续{n}个时段≥一级报警值时升为二级，"
        "并自动启动突发环境事件；连续{m}个时段低于一级报警值时解除；一级报警{w}分钟内未确认的转为案件。",
        "Alarms are never deleted. A level-1 alarm is raised at a reading ≥ the level-1 set-point; "
        "it escalates to level 2 at a reading ≥ the level-2 set-point or after {n} consecutive "
        "intervals ≥ level 1, which opens an environmental incident; it clears after {m} "
        "consecutive intervals below level 1; a level-1 alarm not acknowledged within {w} min "
        "opens a case.",
    ),
    "emg.state": ("状态", "State"),
    "emg.state.active": ("报警中", "Active"),
    "emg.state.cleared": ("已解除", "Cleared"),
    "emg.any": ("全部", "Any"),
    "emg.filter": ("筛选", "Filter"),
    "emg.level": ("级别", "Level"),
    "emg.data_time": ("数据时间", "Data time"),
    "emg.raised_at": ("报警时间", "Raised at"),
    "emg.value": ("读数 (mg/m³)", "Reading (mg/m³)"),
    "emg.peak": ("峰值 (mg/m³)", "Peak (mg/m³)"),
    "emg.ack": ("确认", "Acknowledge"),
    "emg.ack.note": ("处置说明", "Note"),
    "emg.ack.by": ("确认人", "Acknowledged by"),
    "emg.ack.none": ("未确认", "Not acknowledged"),
    "emg.escalation.al2": ("超二级报警值", "above the level-2 set-point"),
    "emg.escalation.persisting": ("一级报警持续", "level 1 persisting"),
    "emg.incident": ("突发环境事件", "Incident"),
    "emg.case": ("案件", "Case"),
    "emg.cleared_at": ("解除时间", "Cleared at"),
    "emg.wind": ("风向/风速", "Wind (from / speed)"),
    "emg.series": ("近24小时监测数据", "Last 24 hours"),
    "emg.series.none": ("近24小时无数据。", "No data in the last 24 hours."),
    "emg.open_alarm": ("查看", "Open"),
    "emg.plume": ("烟羽扩散筛查估算", "Plume screening estimate"),
    "emg.plume.sector": ("下风向扇区（筛查估算）", "Downwind sector (screening estimate)"),
    "emg.plume.note": (
        "筛查估算，不是预报：假设泄漏源为位于监测站上风向{d}米的地面点源，由站点读数反推源强；"
        "平坦开阔地形、稳定风场、无沉降。稳定度按 Turner (1970) 表（Pasquill 分类，白天06–18时按中等日照），"
        "扩散参数按 Briggs (1973) 开阔地公式，浓度按高斯烟羽地面轴线公式。扇区边界为±2σy。",
        "A screening estimate, not a forecast: a ground-level point source {d} m upwind of the "
        "station, its rate back-estimated from the station's reading; flat open terrain, steady "
        "wind, no deposition. Stability from Turner's (1970) table (Pasquill classes; daytime "
        "06–18 CST taken as moderate insolation), σy/σz from Briggs' (1973) open-country "
        "formulas, the ground-level centre-line Gaussian plume. Sector edges at ±2σy.",
    ),
    "emg.plume.none": (
        "报警时无风向风速数据，无法估算扩散方向。",
        "No wind at the station when raised: no plume estimate.",
    ),
    "emg.plume.class": ("稳定度", "Stability class"),
    "emg.plume.bearing": ("下风向", "Downwind bearing"),
    "emg.plume.rate": ("反推源强 (g/s)", "Back-estimated rate (g/s)"),
    "emg.plume.distance": ("站点下风向距离 (m)", "Distance beyond the station (m)"),
    "emg.plume.conc": ("轴线浓度 (mg/m³)", "Centre-line concentration (mg/m³)"),
    "emg.thresholds": ("报警值（按物质）", "Alarm set-points by substance"),
    "emg.confidence": ("可信度", "Confidence"),
    "emg.source": ("依据", "Source"),
    "emg.reg.title": ("登记园区与边界站", "Register parks and boundary stations"),
    "emg.reg.readonly": (
        "化工园区和边界监测站由省、市生态环境部门登记；县级账号只读。",
        "Chemical parks and boundary stations are registered by province and city officers; "
        "county accounts read them.",
    ),
    "emg.reg.error": ("未保存", "Not saved"),
    "emg.reg.park": ("登记化工园区", "Register a chemical park"),
    "emg.reg.park.note": (
        "边界为 GeoJSON 多边形（WGS-84 经纬度，闭合外环，无内洞），可粘贴或上传文件；须为有效多边形、"
        "全部顶点在浙江省内，且位于所选区县。",
        "The boundary is a GeoJSON polygon (WGS-84 longitude, latitude; a closed outer ring, no "
        "holes), pasted or uploaded; it must be a valid polygon with every vertex in Zhejiang, "
        "in the county chosen.",
    ),
    "emg.reg.station": ("登记边界监测站", "Register a boundary station"),
    "emg.reg.station.note": (
        "站点须在园区边界内或距边界1 km以内；数采仪 MN 和密码按 HJ 212-2017 表3 校验并登记到数采仪台账，"
        "数据经 HJ 212 接入后按所选物质判定报警。",
        "The station stands inside the park or within 1 km of its boundary; its data logger's MN "
        "and password are checked by HJ 212-2017 Table 3 and registered in the device registry; "
        "once it reports over HJ 212, the substances chosen are judged for alarms.",
    ),
    "emg.reg.name": ("名称", "Name"),
    "emg.reg.county": ("所在区县", "County"),
    "emg.reg.boundary": ("边界 GeoJSON", "Boundary GeoJSON"),
    "emg.reg.upload": ("或上传 GeoJSON 文件", "or upload a GeoJSON file"),
    "emg.reg.lon": ("经度", "Longitude"),
    "emg.reg.lat": ("纬度", "Latitude"),
    "emg.reg.pw": ("数采仪密码 PW", "Data logger password (PW)"),
    "emg.reg.substances": ("监测物质", "Substances reported"),
    "emg.reg.save": ("登记", "Register"),
}
