"""Labels of the emergency-command resources pages (issue #22); keys under their own prefix."""

LABELS: dict[str, tuple[str, str]] = {
    "emres.title": ("应急资源", "Emergency resources"),
    "emres.note": (
        "本辖区环境应急物资库、应急物资、救援队伍和专家库。物资类别依据《环境应急资源调查指南（试行）》"
        "（7类）；到期和30日内到期的物资已标出。距离为直线（大圆）距离，近似道路距离。",
        "Your region's emergency materials depots, their stock, rescue teams and experts. Material "
        "categories after the 环境应急资源调查指南 (trial; 7 categories); stock expired or expiring "
        "within 30 days is flagged. Distances are straight-line (great-circle), approximating road "
        "distance.",
    ),
    "emres.empty": (
        "本辖区尚无登记的物资库、救援队伍或专家：可在下方导入 Excel/CSV 文件或逐条录入。",
        "No depot, rescue team or expert is registered in your region yet: import an Excel/CSV "
        "file or enter them one by one below.",
    ),
    "emres.synthetic": ("演示用合成数据", "Synthetic demo data"),
    "emres.depots": ("物资库", "Depots"),
    "emres.depot": ("物资库", "Depot"),
    "emres.teams": ("救援队伍", "Rescue teams"),
    "emres.experts": ("专家", "Experts"),
    "emres.materials": ("应急物资", "Emergency materials"),
    "emres.materials.note": (
        "已过期的排在前面，其后按有效期；“即将到期”指{days}日内到期。",
        "Expired first, then by expiry; 'expiring' means within {days} days.",
    ),
    "emres.materials.none": ("没有符合条件的物资。", "No materials match."),
    "emres.depots.none": ("本辖区尚无物资库。", "No depot in your region yet."),
    "emres.teams.none": ("没有符合条件的救援队伍。", "No rescue team matches."),
    "emres.experts.none": ("没有符合条件的专家。", "No expert matches."),
    "emres.first_500": (
        "仅显示前500条，请用筛选缩小范围。",
        "The first 500 only: filter to narrow.",
    ),
    "emres.status": ("有效期状态", "Expiry"),
    "emres.status.expired": ("已过期", "Expired"),
    "emres.status.expiring": ("即将到期", "Expiring"),
    "emres.status.ok": ("有效", "Valid"),
    "emres.status.none": ("无有效期", "No expiry"),
    "emres.any": ("全部", "Any"),
    "emres.filter": ("筛选", "Filter"),
    "emres.name": ("名称", "Name"),
    "emres.category": ("物资类别", "Category"),
    "emres.quantity": ("数量", "Quantity"),
    "emres.holding": ("储备方式", "Held"),
    "emres.expires": ("有效期至", "Expires"),
    "emres.produced": ("生产日期", "Produced"),
    "emres.custodian": ("保管人", "Custodian"),
    "emres.owner": ("权属", "Owner"),
    "emres.owner.bureau": ("生态环境部门", "Bureau"),
    "emres.owner.enterprise": ("企业", "Enterprise"),
    "emres.region": ("地区", "Region"),
    "emres.position": ("坐标（经度, 纬度）", "Position (lon, lat)"),
    "emres.lines": ("物资条目", "Stock lines"),
    "emres.size": ("人数", "Size"),
    "emres.speciality": ("专长", "Speciality"),
    "emres.field": ("专业领域", "Field"),
    "emres.contact": ("联系人", "Contact"),
    "emres.organisation": ("单位", "Organisation"),
    "emres.phone": ("电话", "Phone"),
    "emres.open": ("打开", "Open"),
    "emres.map": ("物资库与救援队伍分布", "Depots and rescue teams"),
    "emres.map.hint": (
        "方块为物资库（红色：有过期物资），圆点为救援队伍；点击物资库查看详情，点击地图空白处查询最近资源。",
        "Squares are depots (red: some stock expired), dots are rescue teams; click a depot for "
        "its page, click elsewhere on the map to find the nearest resources.",
    ),
    "emres.map.depot": ("物资库", "Depot"),
    "emres.map.team": ("救援队伍", "Rescue team"),
    "emres.near.title": ("最近资源查询", "Nearest resources"),
    "emres.near.road": (
        "道路距离以直线（大圆）距离近似，实际道路更长。",
        "Road distance is approximated by the straight-line (great-circle) distance; the road is longer.",
    ),
    "emres.near.empty": (
        "点击地图或输入经纬度，列出最近的物资库（持有可用物资）、救援队伍和专家。",
        "Click the map or type a longitude and latitude to list the nearest depots (with usable "
        "stock), rescue teams and experts.",
    ),
    "emres.near.go": ("查询", "Find"),
    "emres.near.depots": ("最近的物资库", "Nearest depots"),
    "emres.near.teams": ("最近的救援队伍", "Nearest rescue teams"),
    "emres.near.experts": ("最近的专家", "Nearest experts"),
    "emres.near.none": ("本辖区没有符合条件的资源。", "None in your region matches."),
    "emres.near.region_centre": ("位置取所在县区中心", "placed at their county's centre"),
    "emres.near.error": ("查询失败：", "The query failed:"),
    "emres.km": ("公里", "km"),
    "emres.lon": ("经度", "Longitude"),
    "emres.lat": ("纬度", "Latitude"),
    "emres.import": ("导入与录入", "Import and entry"),
    "emres.import.note": (
        "每行逐项检查（类别未知、数量为负、有效期早于生产日期、坐标不在浙江省内等均逐行指出）；"
        "有任何问题则整批不导入。编号相同的记录将被更新。",
        "Every row is checked (unknown category, negative quantity, expiry before production, "
        "coordinates outside Zhejiang … each bad row named); with any problem nothing is stored. "
        "A record with the same code is updated.",
    ),
    "emres.import.go": ("导入", "Import"),
    "emres.import.rejected": (
        "{file}：有{n}处问题，未导入任何记录",
        "{file}: {n} problem(s), nothing stored",
    ),
    "emres.import.stored": (
        "{file}：新增{created}条，更新{updated}条",
        "{file}: {created} added, {updated} updated",
    ),
    "emres.kind.depots": ("物资库", "Depots"),
    "emres.kind.materials": ("应急物资", "Materials"),
    "emres.kind.teams": ("救援队伍", "Rescue teams"),
    "emres.kind.experts": ("专家", "Experts"),
    "emres.template": ("模板", "Template"),
    "emres.max_mb": ("不超过{mb} MB", "at most {mb} MB"),
    "emres.form": ("逐条录入", "Enter one record"),
    "emres.save": ("保存", "Save"),
    "emres.depot.note": (
        "该物资库的全部物资条目，已过期的排在前面。",
        "Every stock line of this depot, expired first.",
    ),
    "emres.depot.empty": ("该物资库尚无物资条目。", "This depot holds no stock lines yet."),
}
