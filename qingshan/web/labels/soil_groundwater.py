"""Labels of the soil groundwater pages (issue #24); keys start with soilg.."""

LABELS: dict[str, tuple[str, str]] = {
    "soilg.title": ("地下水环境监测", "Groundwater monitoring"),
    "soilg.note": (
        "地下水监测井按最新一次采样的水质类别着色（GB/T 14848-2017《地下水质量标准》单指标评价，"
        "取最差指标类别，§6.2–6.3）；虚线为地下水污染防治分区（保护区、防控区、治理区）。示例数据均为合成数据。",
        "Monitoring wells coloured by the class of their newest sample (GB/T 14848-2017, "
        "single-indicator evaluation, the worst indicator's class, §6.2–6.3); dashed outlines "
        "are the groundwater pollution-prevention zones. Demo records are synthetic.",
    ),
    "soilg.class": ("{k}类", "Class {k}"),
    "soilg.class.none": ("未采样", "Not sampled"),
    "soilg.empty": (
        "本辖区尚无地下水监测井。可通过接口登记监测井（/api/v1/soil/groundwater/wells）后上传采样数据。",
        "No monitoring wells in this region yet. Register wells through the API "
        "(/api/v1/soil/groundwater/wells), then upload samples.",
    ),
    "soilg.map": ("监测井与防治分区", "Wells and prevention zones"),
    "soilg.map.note": ("点击监测井打开其档案。", "Click a well to open its file."),
    "soilg.map.zones": ("防治分区", "Prevention zones"),
    "soilg.list": ("监测井列表", "Wells"),
    "soilg.all": ("全部", "All"),
    "soilg.filter": ("筛选", "Filter"),
    "soilg.nomatch": ("没有符合条件的监测井。", "No well matches these filters."),
    "soilg.code": ("编号", "Code"),
    "soilg.name": ("名称", "Name"),
    "soilg.county": ("县（市、区）", "County"),
    "soilg.type": ("点位类型", "Network"),
    "soilg.aquifer": ("含水层", "Aquifer"),
    "soilg.depth": ("井深", "Depth"),
    "soilg.klass": ("水质类别", "Class"),
    "soilg.deciding": ("定类指标", "Deciding indicators"),
    "soilg.sampled_on": ("采样日期", "Sampled on"),
    "soilg.position": ("经纬度", "Lon, lat"),
    "soilg.zones": ("地下水污染防治分区", "Groundwater pollution-prevention zones"),
    "soilg.zones.note": (
        "依据《地下水污染防治分区划分工作指南（试行）》划分的保护区、防控区和治理区；可上传 GeoJSON "
        "（属性 code、name、kind、region_code），逐个要素校验，有误则整个文件不入库。",
        "Protection, prevention-and-control and remediation zones (MEE zoning guide, trial). "
        "Upload GeoJSON (properties code, name, kind, region_code); every feature is checked "
        "and one bad feature refuses the file.",
    ),
    "soilg.zones.empty": ("尚未划定防治分区。", "No zones yet."),
    "soilg.zones.upload": ("上传分区 GeoJSON", "Upload zones (GeoJSON)"),
    "soilg.zone.kind": ("分区类型", "Kind"),
    "soilg.zone.protection": ("保护区", "Protection zone"),
    "soilg.zone.prevention": ("防控区", "Prevention zone"),
    "soilg.zone.remediation": ("治理区", "Remediation zone"),
    "soilg.area": ("面积", "Area"),
    "soilg.upload": ("上传", "Upload"),
    "soilg.file": ("CSV 或 Excel 文件", "CSV or Excel file"),
    "soilg.samples.upload": ("上传采样数据", "Upload samples"),
    "soilg.samples.help": (
        "每行一个样品：监测井编号（well_code）、采样日期（sampled_on），其后每列一个 GB/T 14848-2017 "
        "指标（键名或中文名，单位按标准）；空格表示未测。任一行有误则整个文件不入库，并列出每个错误。",
        "One row a sample: well_code, sampled_on, then one column per GB/T 14848-2017 indicator "
        "(key or Chinese name, in the standard's unit); a blank cell is not measured. One bad "
        "row refuses the whole file, every problem listed.",
    ),
    "soilg.samples.stored": ("已入库 {n} 个样品。", "{n} sample(s) stored."),
    "soilg.samples.refused": ("文件未入库：", "File refused, nothing stored:"),
    "soilg.well.note": (
        "监测井档案：所选指标的历次监测值及 GB/T 14848-2017 Ⅲ类、Ⅳ类限值（虚线）；每次采样的水质类别；"
        "年度类别取当年各次采样中最差者。",
        "A well's file: the chosen indicator's values with the GB/T 14848-2017 class III and IV "
        "limits (dashed); each sample's class; a year's class is the worst sample of that year.",
    ),
    "soilg.yearly": ("年度类别", "Class by year"),
    "soilg.yearly.counts": (
        "{y}年度类别（取当年各次采样中最差者）：",
        "Class in {y} (the worst sample of the year):",
    ),
    "soilg.series": ("监测序列", "Series"),
    "soilg.indicator": ("指标", "Indicator"),
    "soilg.series.none": ("尚无监测数据。", "No values yet."),
    "soilg.history": ("类别历史", "Class history"),
    "soilg.history.none": ("尚无采样记录。", "No samples yet."),
    "soilg.measured": ("测定指标数", "Indicators measured"),
    "soilg.chart.value": ("监测值", "Value"),
    "soilg.chart.limit": ("类别限值", "Class limit"),
}
