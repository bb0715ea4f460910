"""Labels of the soil farmland pages (issue #24); keys start with soilf.."""

LABELS: dict[str, tuple[str, str]] = {
    "soilf.title": ("农用地土壤环境", "Farmland soil"),
    "soilf.note": (
        "农用地地块按最新一次土壤样品划分类别：GB 15618-2018《土壤环境质量 农用地土壤污染风险管控标准（试行）》"
        "第5章及《农用地土壤环境质量类别划分技术指南（试行）》——镉、汞、砷、铅、铬均不超过风险筛选值为优先保护类，"
        "超过筛选值但不超过管制值为安全利用类，超过管制值为严格管控类。1 亩 = 10000/15 m²。示例数据均为合成数据。",
        "Farmland plots by the category of their newest soil sample (GB 15618-2018 §5 and the "
        "category-division guide): Cd, Hg, As, Pb and Cr all at or below the risk screening "
        "values — priority protection; above screening but not above control — safe use; above "
        "control — strict control. 1 mu = 10 000/15 m². Demo records are synthetic.",
    ),
    "soilf.cat.priority_protection": ("优先保护类", "Priority protection"),
    "soilf.cat.safe_use": ("安全利用类", "Safe use"),
    "soilf.cat.strict_control": ("严格管控类", "Strict control"),
    "soilf.cat.none": ("未划分", "Not categorised"),
    "soilf.mu": ("亩", "mu"),
    "soilf.area_mu": ("亩", "mu"),
    "soilf.rate": ("{y}年受污染耕地安全利用率", "Safe use of polluted farmland, {y}"),
    "soilf.rate.terms": (
        "安全利用达标 {c} 亩 + 严格管控 {d} 亩 / 受污染耕地 {e} 亩",
        "safe use met {c} mu + strict control {d} mu / polluted {e} mu",
    ),
    "soilf.rate.definition": (
        "核算方法：《受污染耕地安全利用率核算方法（试行）》公式(1)",
        "Definition: formula (1) of the accounting method (trial)",
    ),
    "soilf.empty": (
        "本辖区尚无农用地地块。可通过接口登记地块（/api/v1/soil/farmland/plots）后上传土壤样品。",
        "No farmland plots in this region yet. Register plots through the API "
        "(/api/v1/soil/farmland/plots), then upload soil samples.",
    ),
    "soilf.empty.short": ("暂无数据。", "Nothing yet."),
    "soilf.map": ("地块分布", "Plots on the map"),
    "soilf.map.note": ("点击地块打开其档案。", "Click a plot to open its file."),
    "soilf.by_county": ("各县（市、区）地块数与面积", "Plots and area by county"),
    "soilf.plots": ("块", "plots"),
    "soilf.list": ("地块列表", "Plots"),
    "soilf.category": ("类别", "Category"),
    "soilf.county": ("县（市、区）", "County"),
    "soilf.all": ("全部", "All"),
    "soilf.filter": ("筛选", "Filter"),
    "soilf.nomatch": ("没有符合条件的地块。", "No plot matches these filters."),
    "soilf.code": ("编号", "Code"),
    "soilf.name": ("名称", "Name"),
    "soilf.land_use": ("用地类型", "Land use"),
    "soilf.area": ("面积", "Area"),
    "soilf.since": ("划定日期", "Since"),
    "soilf.position": ("经纬度", "Lon, lat"),
    "soilf.synthetic": ("示例数据（合成）", "Synthetic demo record"),
    "soilf.samples.upload": ("上传土壤样品", "Upload soil samples"),
    "soilf.samples.help": (
        "每行一个样品：地块编号（plot_code）、采样日期（sampled_on）、采样深度（depth，如 0-20，cm）、"
        "单位（unit，mg/kg）、pH（必填，0–14），其后每列一个 GB 15618-2018 项目（镉、汞、砷、铅、铬……）。"
        "任一行有误则整个文件不入库，并列出每个错误。",
        "One row a sample: plot_code, sampled_on, depth (e.g. 0-20, cm), unit (mg/kg), pH "
        "(required, 0–14), then one column per GB 15618-2018 item (Cd, Hg, As, Pb, Cr …). One "
        "bad row refuses the whole file, every problem listed.",
    ),
    "soilf.samples.stored": ("已入库 {n} 个样品。", "{n} sample(s) stored."),
    "soilf.samples.refused": ("文件未入库：", "File refused, nothing stored:"),
    "soilf.file": ("CSV 或 Excel 文件", "CSV or Excel file"),
    "soilf.upload": ("上传", "Upload"),
    "soilf.plot.note": (
        "地块档案：历次土壤样品（GB 15618-2018 判定，超标项目加粗）、类别变化和安全利用／严格管控措施。",
        "A plot's file: its soil samples (judged by GB 15618-2018, deciding items in bold), "
        "category history and safe-use / strict-control measures.",
    ),
    "soilf.samples": ("土壤样品", "Soil samples"),
    "soilf.samples.none": ("尚无样品。", "No samples yet."),
    "soilf.sampled_on": ("采样日期", "Sampled on"),
    "soilf.depth": ("深度", "Depth"),
    "soilf.deciding": ("定类项目", "Deciding items"),
    "soilf.history": ("类别变化", "Category history"),
    "soilf.history.none": ("尚无类别记录。", "No category yet."),
    "soilf.measures": ("安全利用与严格管控措施", "Safe-use and strict-control measures"),
    "soilf.measures.note": (
        "安全利用类地块采取农艺调控、替代种植等措施，农产品达标方计入安全利用；严格管控类地块采取种植结构调整、"
        "退耕还林还草等措施（GB 15618-2018 第5.2、5.3条）。",
        "Safe-use plots take agronomic measures and count as safely used once the produce meets "
        "the standard; strict-control plots change crops, lie fallow or return to forest "
        "(GB 15618-2018 §5.2, §5.3).",
    ),
    "soilf.measures.none": ("尚无措施。", "No measures yet."),
    "soilf.year": ("年度", "Year"),
    "soilf.measure": ("措施", "Measure"),
    "soilf.started_on": ("实施日期", "Started on"),
    "soilf.effective": ("农产品达标", "Produce met the standard"),
    "soilf.effective.yes": ("达标", "Yes"),
    "soilf.effective.no": ("未达标", "No"),
    "soilf.effective.pending": ("待评估", "Not yet evaluated"),
    "soilf.note_col": ("备注", "Note"),
    "soilf.add": ("登记", "Record"),
}
