"""Labels of the dashboard in Chinese (first) and English, and the page language.

Every page takes its words from :data:`LABELS` through :func:`translator`; add a page's labels
here under a prefix of its own (``map.``, ``water.`` …). The language comes from ``?lang=``
(which also sets the :data:`LANG_COOKIE` cookie), then the cookie, then Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from starlette.requests import Request

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "qingshan_lang"

_RAW: dict[str, tuple[str, str]] = {
    # layout
    "app.brand": ("青山", "Qingshan"),
    "app.title": (
        "生态环境保护综合协同管理平台",
        "Eco-environmental Protection Coordination Platform",
    ),
    "nav.map": ("空气质量地图", "Air quality map"),
    "nav.water": ("水质", "Water quality"),
    "nav.enterprises": ("污染源", "Pollution sources"),
    "nav.devices": ("设备状态", "Device status"),
    "nav.admin_jobs": ("任务调度", "Jobs"),
    "nav.api": ("接口文档", "API docs"),
    "nav.locked": ("需登录", "login required"),
    "punct.colon": ("：", ": "),
    "layout.region": ("辖区", "Region"),
    "layout.cst": ("北京时间", "CST (UTC+8)"),
    "layout.switch_lang": ("English", "中文"),
    "layout.login": ("登录", "Log in"),
    "layout.logout": ("退出", "Log out"),
    "layout.user": ("当前用户", "Signed in as"),
    # roles (qingshan.accounts.models.Role)
    "role.province": ("省级", "Province"),
    "role.city": ("市级", "City"),
    "role.county": ("县级", "County"),
    "role.enterprise": ("企业", "Enterprise"),
    "role.public": ("公众", "Public"),
    "layout.footer": (
        "地图与图表：Apache ECharts（Apache-2.0）；城市边界来自 ECharts 4.9.0 地图数据。",
        "Maps and charts: Apache ECharts (Apache-2.0); city boundaries from the ECharts 4.9.0 map data.",
    ),
    # AQI levels (HJ 633-2012 Table 2) and the absent value
    "aqi.level.1": ("优", "Excellent"),
    "aqi.level.2": ("良", "Good"),
    "aqi.level.3": ("轻度污染", "Lightly polluted"),
    "aqi.level.4": ("中度污染", "Moderately polluted"),
    "aqi.level.5": ("重度污染", "Heavily polluted"),
    "aqi.level.6": ("严重污染", "Severely polluted"),
    "aqi.no_data": ("无数据", "No data"),
    # monitoring words
    "control.national": ("国控", "National"),
    "control.provincial": ("省控", "Provincial"),
    "control.city": ("市控", "City"),
    "station.code": ("站点编码", "Station code"),
    "station.city": ("城市", "City"),
    "station.control": ("类别", "Network"),
    "station.time": ("时间", "Time"),
    "station.aqi": ("AQI", "AQI"),
    "station.primary": ("首要污染物", "Primary pollutant"),
    "station.none": ("—", "—"),
    "station.replayed": ("回放数据", "replayed data"),
    # map page
    "map.title": ("{region}空气质量实时地图", "{region} real-time air quality"),
    "map.ranking": ("城市排名（站点AQI均值）", "Cities by mean station AQI"),
    "map.rank": ("排名", "Rank"),
    "map.city": ("城市", "City"),
    "map.mean_aqi": ("AQI均值", "Mean AQI"),
    "map.stations": ("站点数", "Stations"),
    "map.ranking_note": (
        "按各站点实时AQI算术平均由低到高排列，仅供参考，不代替按浓度均值计算的城市AQI。",
        "Arithmetic mean of the stations' real-time AQI, best first; for orientation only, not the "
        "official city AQI (which is computed from mean concentrations).",
    ),
    "map.source": ("数据来源", "Source"),
    "map.source_text": (
        "环境空气质量自动监测站小时数据；AQI 按 HJ 633 实时报计算（2026年3月1日前的数据用 HJ 633-2012，此后用 HJ 633-2026）。",
        "Hourly data of the automatic air-quality stations; AQI as the HJ 633 real-time report "
        "(HJ 633-2012 for data before 2026-03-01, HJ 633-2026 from then on).",
    ),
    "map.updated": ("更新时间", "Updated"),
    "map.counts": ("站点", "Stations"),
    "map.with_data": ("有数据", "with data"),
    "map.symbols": (
        "圆点为国控站点，三角为省控站点。",
        "Circles: national stations; triangles: provincial.",
    ),
    "map.loading": ("正在加载…", "Loading…"),
    "map.load_failed": ("数据加载失败", "Could not load the data"),
    "map.no_stations": ("暂无空气站点数据。", "No air stations yet."),
    "map.demo_note": (
        "演示数据：国控站点回放 2019 年真实小时数据（日期平移）。",
        "Demo data: national stations replay real 2019 hourly data (dates shifted).",
    ),
}
_RAW |= {
    # login page
    "login.title": ("用户登录", "Log in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.submitting": ("正在登录…", "Logging in…"),
    "login.required": (
        "该页面需要登录后查看，请先登录。",
        "This page needs a login; please log in first.",
    ),
    "login.expired": ("登录已过期，请重新登录。", "Your login has expired; please log in again."),
    "login.logged_out": ("您已安全退出。", "You have logged out."),
    "login.already": ("您已登录为", "You are logged in as"),
    "login.wrong": ("用户名或密码错误。", "Wrong username or password."),
    "login.empty": ("请输入用户名和密码。", "Enter your username and password."),
    "login.failed": ("登录失败", "Login failed"),
    "login.note": (
        "账号由上级生态环境部门分配；数据按账号所属行政区划授权查看。",
        "Accounts are issued by the supervising bureau; you see the data of your account's region.",
    ),
    "login.or": ("或", "or"),
    "login.oidc": ("使用{name}登录", "Log in with {name}"),
    "login.oidc_failed": ("统一身份认证登录失败", "Single sign-on failed"),
    # device status page
    "devices.title": ("{region}数采仪设备状态", "{region} data logger status"),
    "devices.explain": (
        "数采仪按 HJ 212-2017 上传数据。{minutes} 分钟内有报文即为在线；时延为当前时间与最新数据时间（DataTime）之差；"
        "报文计数按命令编码（CN）统计；拒收报文不入库，原因见右侧。",
        "Data loggers send HJ 212-2017 packets. A logger heard from within {minutes} minutes is online; "
        "lag is now minus the newest DataTime; packets are counted by command code (CN); rejected "
        "frames are not stored, their reasons are listed on the right.",
    ),
    "devices.total": ("设备总数", "Devices"),
    "devices.online": ("在线", "Online"),
    "devices.offline": ("离线", "Offline"),
    "devices.disabled": ("停用", "Disabled"),
    "devices.with_errors": ("有错误", "With errors"),
    "devices.never": ("从未上线", "Never seen"),
    "devices.mn": ("设备编码（MN）", "MN"),
    "devices.name": ("设备名称", "Name"),
    "devices.site": ("绑定点位", "Site"),
    "devices.state": ("状态", "Status"),
    "devices.last_seen": ("最后通讯", "Last seen"),
    "devices.lag": ("数据时延", "Lag"),
    "devices.packets": ("报文数", "Packets"),
    "devices.errors": ("错误", "Errors"),
    "devices.cn.2011": ("实时", "Real-time"),
    "devices.cn.2051": ("分钟", "Minute"),
    "devices.cn.2061": ("小时", "Hour"),
    "devices.cn.2031": ("日", "Day"),
    "devices.cn.other": ("其他", "Other"),
    "devices.filter": ("筛选", "Filter"),
    "devices.search": ("搜索 MN、名称或点位", "Search MN, name or site"),
    "devices.all": ("全部", "All"),
    "devices.only_errors": ("仅看有错误的", "Only with errors"),
    "devices.shown": ("显示 {n} / {total} 台", "{n} of {total} shown"),
    "devices.none": ("您的辖区内暂无登记的数采仪。", "No data loggers registered in your region."),
    "devices.refresh": ("每 {s} 秒自动刷新", "Refreshes every {s} s"),
    "devices.updated": ("刷新时间", "Refreshed"),
    "devices.rejects": ("最近拒收报文", "Latest rejected frames"),
    "devices.rejects_none": ("暂无拒收记录。", "No rejected frames."),
    "devices.reject_time": ("时间", "Time"),
    "devices.reject_reason": ("原因", "Reason"),
    "devices.unbound": ("未绑定", "not bound"),
    "devices.sort": ("点击表头排序", "Click a heading to sort"),
    "devices.load_failed": ("设备状态加载失败", "Could not load the device status"),
    "devices.seconds": ("秒", "s"),
    "devices.minutes": ("分", "min"),
    "devices.hours": ("小时", "h"),
    "devices.days": ("天", "d"),
    # 任务调度 (/admin/jobs, qingshan.jobs.web)
    "jobs.title": ("任务调度", "Job schedule"),
    "jobs.explain": (
        "平台的周期任务：调度方式、下次运行时间与最近的运行记录。定时表达式（cron）按北京时间执行；"
        "同一任务不会同时运行两次，错过的运行在宽限时间内补跑一次。",
        "The platform's periodic jobs: schedule, next run and latest runs. Cron expressions run "
        "in China Standard Time; a job never runs twice at once, and a missed run is made up "
        "once within its grace time.",
    ),
    "jobs.count": ("任务数", "Jobs"),
    "jobs.scheduler": ("调度器", "Scheduler"),
    "jobs.scheduler_on": ("运行中", "Running"),
    "jobs.scheduler_off": ("未运行", "Stopped"),
    "jobs.scheduler_off_note": (
        "调度器未在运行：它随 qingshan serve 启动，未运行时任务不会自动执行（可用 qingshan jobs run 手动运行）。",
        "The scheduler is not running: it runs inside qingshan serve; until then no job runs by "
        "itself (run one with qingshan jobs run).",
    ),
    "jobs.pid": ("进程号", "PID"),
    "jobs.running_now": ("正在运行", "Running now"),
    "jobs.failing": ("最近一次失败", "Last run failed"),
    "jobs.job": ("任务", "Job"),
    "jobs.schedule": ("调度方式", "Schedule"),
    "jobs.next_run": ("下次运行", "Next run"),
    "jobs.last_run": ("最近运行", "Last run"),
    "jobs.duration": ("耗时", "Duration"),
    "jobs.result": ("结果", "Result"),
    "jobs.history": ("近期运行", "Recent runs"),
    "jobs.runs_of": ("{name} 的运行记录", "Runs of {name}"),
    "jobs.started": ("开始时间", "Started"),
    "jobs.status": ("状态", "Status"),
    "jobs.status.ok": ("成功", "OK"),
    "jobs.status.failed": ("失败", "Failed"),
    "jobs.status.running": ("运行中", "Running"),
    "jobs.status.interrupted": ("已中断", "Interrupted"),
    "jobs.never": ("尚未运行", "Never run"),
    "jobs.no_runs": ("暂无运行记录。", "No runs yet."),
    "jobs.not_scheduled": ("未调度", "Not scheduled"),
    "jobs.due_now": ("即将运行", "Due now"),
    "jobs.in": ("{t}后", "in {t}"),
    "jobs.ago": ("{t}前", "{t} ago"),
    "jobs.unit.s": ("秒", "s"),
    "jobs.unit.min": ("分钟", "min"),
    "jobs.unit.h": ("小时", "h"),
    "jobs.unit.d": ("天", "d"),
    "jobs.every_seconds": ("每 {n} 秒", "Every {n} s"),
    "jobs.every_minutes": ("每 {n} 分钟", "Every {n} min"),
    "jobs.every_hours": ("每 {n} 小时", "Every {n} h"),
    "jobs.every_days": ("每 {n} 天", "Every {n} days"),
    "jobs.daily": ("每天 {time}", "Daily at {time}"),
    "jobs.monthly": ("每月 {day} 日 {time}", "Monthly on day {day} at {time}"),
    "jobs.weekly": ("每{weekday} {time}", "Every {weekday} at {time}"),
    "jobs.weekday.0": ("周日", "Sunday"),
    "jobs.weekday.1": ("周一", "Monday"),
    "jobs.weekday.2": ("周二", "Tuesday"),
    "jobs.weekday.3": ("周三", "Wednesday"),
    "jobs.weekday.4": ("周四", "Thursday"),
    "jobs.weekday.5": ("周五", "Friday"),
    "jobs.weekday.6": ("周六", "Saturday"),
    "jobs.cst_note": ("时间均为北京时间（UTC+8）", "Times in China Standard Time (UTC+8)"),
    "jobs.select_hint": ("点击任务查看其运行记录", "Click a job to see its runs"),
    "jobs.run_hint": (
        "手动运行一个任务：qingshan jobs run 任务名",
        "Run a job now: qingshan jobs run NAME",
    ),
    "jobs.refresh": ("每 {s} 秒自动刷新", "Refreshes every {s} s"),
    "jobs.updated": ("刷新时间", "Refreshed"),
    "jobs.load_failed": ("任务信息加载失败", "Could not load the jobs"),
    "jobs.forbidden_title": ("无权访问（403）", "Access denied (403)"),
    "jobs.forbidden": (
        "任务调度页面仅对省级账号开放。当前账号：{user}（{role}）。",
        "The job schedule is for province accounts only. You are signed in as {user} ({role}).",
    ),
    "jobs.back_home": ("返回首页", "Back to the home page"),
    # the registry's jobs by name (optional: a job without a label shows its description only)
    "jobs.job.rollups": ("均值汇总（小时→日→月）", "Hour → day → month means"),
    "jobs.job.compact": ("观测数据文件合并", "Observation file compaction"),
    "jobs.job.qc": ("排口数据质控与超标线索", "Outlet QC and exceedance cases"),
    # reasons of rejected frames (qingshan.hj212.errors ``reason``), and auth split by message
    "reason.wrong_pw": ("密码错误", "Wrong password"),
    "reason.unknown_device": ("未知设备", "Unknown device"),
    "reason.disabled_device": ("设备已停用", "Disabled device"),
    "reason.auth": ("认证失败", "Authentication failed"),
    "reason.bad_crc": ("CRC 校验错误", "CRC mismatch"),
    "reason.bad_header": ("包头错误", "Bad header"),
    "reason.bad_length": ("长度错误", "Bad length"),
    "reason.bad_field": ("字段错误", "Bad field"),
    "reason.bad_timestamp": ("时间戳错误", "Bad timestamp"),
    "reason.unknown_command": ("未知命令", "Unknown command"),
    "reason.reassembly": ("分包重组失败", "Reassembly failed"),
    "reason.error": ("其他错误", "Other error"),
    "reason.dropped": ("拒收过多未逐条记录", "Rejects not recorded (overflow)"),
    "reason.rejects_dropped": ("拒收未记录", "Rejects not recorded"),
    "reason.bad_cipher": ("SM4 解密失败", "SM4 decryption failed"),
    # platform → logger commands on the devices page (HJ 212-2017 Appendix C)
    "devices.cmd.action": ("操作", "Action"),
    "devices.cmd.button": ("命令", "Command"),
    "devices.cmd.title": ("下发命令", "Commands to loggers"),
    "devices.cmd.explain": (
        "由持有该数采仪连接的接收服务发送；数采仪离线时两分钟内未送达即为未送达",
        "Sent by the listener holding the logger's connection; undelivered if the logger "
        "stays offline for two minutes",
    ),
    "devices.cmd.kind": ("命令", "Command"),
    "devices.cmd.kind.time-get": ("提取现场机时间 1011", "Get the logger's time 1011"),
    "devices.cmd.kind.time-set": ("校时 1012", "Set the logger's time 1012"),
    "devices.cmd.kind.backfill": ("补传历史数据", "Back-fill history data"),
    "devices.cmd.kind.rtd-start": ("开始实时数据 2011", "Start real-time data 2011"),
    "devices.cmd.kind.rtd-stop": ("停止实时数据 2012", "Stop real-time data 2012"),
    "devices.cmd.kind.timeouts": ("设置超时与重发 1000", "Set timeout and resends 1000"),
    "devices.cmd.data": ("数据", "Data"),
    "devices.cmd.from": ("从", "From"),
    "devices.cmd.to": ("至", "To"),
    "devices.cmd.send": ("下发", "Send"),
    "devices.cmd.sending": ("正在下发…", "Sending…"),
    "devices.cmd.sent": ("已创建命令 {id}", "Command {id} created"),
    "devices.cmd.failed": ("下发失败", "Could not send"),
    "devices.cmd.need_range": ("请填写补传的起止时间", "Give the back-fill's start and end"),
    "devices.cmd.state": ("状态", "State"),
    "devices.cmd.sends": ("发送次数", "Sends"),
    "devices.cmd.result": ("结果", "Result"),
    "devices.cmd.created": ("创建时间", "Created"),
    "devices.cmd.cancel": ("取消", "Cancel"),
    "devices.cmd.none": ("暂无命令。", "No commands yet."),
    "devices.cmd.packets": ("收到 {n} 条数据", "{n} records received"),
    "devices.cmd.clock": ("现场机时间 {time}，偏差 {s} 秒", "Logger time {time}, {s} s off"),
    "devices.cmd.state.queued": ("待发送", "Queued"),
    "devices.cmd.state.sent": ("已发送", "Sent"),
    "devices.cmd.state.answered": ("执行中", "Executing"),
    "devices.cmd.state.succeeded": ("成功", "Succeeded"),
    "devices.cmd.state.failed": ("失败", "Failed"),
    "devices.cmd.state.refused": ("拒绝", "Refused"),
    "devices.cmd.state.timed_out": ("超时", "Timed out"),
    "devices.cmd.state.undelivered": ("未送达", "Undelivered"),
    "devices.cmd.state.cancelled": ("已取消", "Cancelled"),
    # water quality page
    "water.title": ("{region}地表水水质", "{region} surface water quality"),
    "water.class.I": ("I类", "Class I"),
    "water.class.II": ("II类", "Class II"),
    "water.class.III": ("III类", "Class III"),
    "water.class.IV": ("IV类", "Class IV"),
    "water.class.V": ("V类", "Class V"),
    "water.class.劣V": ("劣V类", "Worse than V"),
    "water.no_data": ("无数据", "No data"),
    "water.section": ("断面名称", "Section"),
    "water.code": ("断面编码", "Code"),
    "water.city": ("城市", "City"),
    "water.basin": ("流域", "Basin"),
    "water.body": ("水体类型", "Water body"),
    "water.body.river": ("河流", "River"),
    "water.body.lake": ("湖库", "Lake/reservoir"),
    "water.control": ("断面类别", "Network"),
    "water.time": ("监测时间", "Time"),
    "water.quality": ("水质类别", "Class"),
    "water.target": ("目标类别", "Target"),
    "water.meets": ("达标情况", "Target met"),
    "water.met": ("达标", "Met"),
    "water.not_met": ("超标", "Not met"),
    "water.no_target": ("无目标", "No target"),
    "water.main": ("主要污染指标（超标倍数）", "Main pollutants (times over class III)"),
    "water.rank": ("排名", "Rank"),
    "water.ranking": ("断面水质排名", "Sections ranked"),
    "water.ranking_note": (
        "按水质类别由好到差排列，同类别按超III类标准倍数之和由小到大。",
        "Best class first; within a class by the sum of multiples over class III, smallest first.",
    ),
    "water.summary": ("水质概况", "Summary"),
    "water.sections": ("断面数", "Sections"),
    "water.assessed": ("有数据", "with data"),
    "water.good_rate": ("I～III类比例", "Share of classes I–III"),
    "water.bad_rate": ("劣V类比例", "Share worse than V"),
    "water.compliance": ("达标率", "Target compliance"),
    "water.compliance_detail": (
        "{met}/{n} 个断面达到水质目标",
        "{met} of {n} sections meet their target",
    ),
    "water.source": ("评价依据", "Method"),
    "water.source_text": (
        "按《地表水环境质量标准》（GB 3838-2002）表1 单因子评价最新小时数据，参评指标为 pH、溶解氧、高锰酸盐指数、"
        "氨氮、总磷（湖库按湖库标准），总氮不参评；主要污染指标及超标倍数按《地表水环境质量评价办法（试行）》。"
        "小时数据评价仅反映实时状况，不代替月度考核结果。",
        "Single-factor assessment of the newest hourly values against GB 3838-2002 Table 1: pH, "
        "DO, CODMn, NH3-N and TP (lake limits for lakes and reservoirs); TN is not assessed. Main "
        "pollutants and multiples per the 2011 evaluation method. Hourly results show the current "
        "state only and do not replace the monthly assessment.",
    ),
    "water.updated": ("数据时间", "Data time"),
    "water.symbols": (
        "圆点为国控断面，三角为省控断面。",
        "Circles: national sections; triangles: provincial.",
    ),
    "water.none": ("暂无国控、省控断面数据。", "No national or provincial sections yet."),
    "water.load_failed": ("水质数据加载失败", "Could not load the water data"),
    "water.indicator": ("指标", "Indicator"),
}

_RAW |= {
    # industries (qingshan.archive.models.Industry)
    "industry.thermal_power": ("火电", "Thermal power"),
    "industry.cement": ("水泥", "Cement"),
    "industry.paper": ("造纸", "Paper"),
    "industry.dyeing": ("印染", "Dyeing"),
    "industry.chemical": ("化工", "Chemicals"),
    # enterprise list (/enterprises)
    "ent.title": (
        "{region}污染源企业与排口",
        "{region} pollution sources: enterprises and outlets",
    ),
    "ent.explain": (
        "辖区内排污单位的排污许可证与排口。排口最新小时值与许可限值比较：废气污染物按基准氧含量折算后比较；"
        "废水排口小时值与日均值限值比较，仅作预警。超标标红；点击排口查看数据质控与超标事件。",
        "Permitted dischargers in your region with their permits and outlets. Each outlet's newest "
        "hourly values are compared with the permit limits: flue-gas pollutants after conversion to "
        "the reference O2; hourly wastewater values against daily-mean limits, as an early warning "
        "only. Exceedances are red; click an outlet for its data QC and exceedance events.",
    ),
    "ent.enterprises": ("企业数", "Enterprises"),
    "ent.outlets": ("排口数", "Outlets"),
    "ent.exceeding": ("当前超标排口", "Outlets exceeding now"),
    "ent.open_cases": ("未办结督办", "Open supervision cases"),
    "ent.industry": ("行业", "Industry"),
    "ent.city": ("城市", "City"),
    "ent.all_industries": ("全部行业", "All industries"),
    "ent.all_cities": ("全部城市", "All cities"),
    "ent.county": ("区县", "County"),
    "ent.all_counties": ("全部区县", "All counties"),
    "ent.search": (
        "搜索企业名称、信用代码、许可证或排口编码",
        "Search name, credit code, permit or outlet",
    ),
    "ent.only_exceeding": ("仅看超标", "Exceeding only"),
    "ent.shown": ("显示 {n} / {total} 家", "{n} of {total} shown"),
    "ent.more": (
        "仅显示前 {n} 家，请缩小筛选范围。",
        "Only the first {n} are shown; narrow the filter.",
    ),
    "ent.name": ("企业名称", "Enterprise"),
    "ent.credit_code": ("统一社会信用代码", "Unified social credit code"),
    "ent.region": ("所在地区", "Location"),
    "ent.permit": ("排污许可证", "Discharge permit"),
    "ent.valid": ("有效期", "Valid"),
    "ent.permit.valid": ("有效", "Valid"),
    "ent.permit.expiring": ("即将到期", "Expiring"),
    "ent.permit.expired": ("已过期", "Expired"),
    "ent.permit.pending": ("未生效", "Not yet valid"),
    "ent.no_permit": ("无许可证", "No permit"),
    "ent.outlet_values": (
        "排口及最新小时值 / 许可限值",
        "Outlets: newest hourly value / permit limit",
    ),
    "ent.supervision": ("督办 / 事件", "Cases / events"),
    "ent.cases_events": (
        "未办结督办 {c} 件，超标事件 {e} 起",
        "{c} open cases, {e} exceedance events",
    ),
    "ent.no_outlets": ("无在线监测排口", "No monitored outlets"),
    "ent.no_value": ("无数据", "no data"),
    "ent.converted": ("折算", "converted"),
    "ent.measured": ("实测", "measured"),
    "ent.exceeds": ("超标", "Exceeds"),
    "ent.limit_hour": ("小时均值限值", "hourly-mean limit"),
    "ent.limit_day": ("日均值限值", "daily-mean limit"),
    "ent.kind.gas_outlet": ("废气", "Flue gas"),
    "ent.kind.water_outlet": ("废水", "Wastewater"),
    "ent.none": ("没有符合条件的企业。", "No enterprise matches."),
    "ent.load_failed": ("企业数据加载失败", "Could not load the enterprises"),
    "ent.updated": ("数据时间", "Data time"),
    # outlet QC page (/qc/outlets/{code})
    "qc.title": ("排口数据质控", "Outlet data QC"),
    "qc.back": ("返回污染源列表", "Back to pollution sources"),
    "qc.enterprise": ("企业", "Enterprise"),
    "qc.industry": ("行业", "Industry"),
    "qc.outlet": ("排口", "Outlet"),
    "qc.source": ("排放源", "Source"),
    "qc.permit": ("许可证", "Permit"),
    "qc.rule_pack": ("质控规则包", "QC rule pack"),
    "qc.start": ("开始", "Start"),
    "qc.end": ("结束", "End"),
    "qc.show": ("查询", "Show"),
    "qc.days": ("近 {n} 天", "{n} d"),
    "qc.range_note": (
        "时间为北京时间；小时数据，逐时判定。",
        "Times in CST; hourly data, judged hour by hour.",
    ),
    "qc.legend": ("图例", "Legend"),
    "qc.flag.pass": ("通过", "Pass"),
    "qc.flag.suspect": ("可疑", "Suspect"),
    "qc.flag.fail": ("无效", "Invalid"),
    "qc.flag.missing": ("缺失", "Missing"),
    "qc.flag.not_evaluated": ("未评估", "Not evaluated"),
    "qc.mark_shade": (
        "企业标记时段（停运、故障、校准…）",
        "Enterprise mark (shutdown, fault, calibration…)",
    ),
    "qc.limit_line": ("许可限值", "Permit limit"),
    "qc.limit_day": ("许可限值（日均值）", "Permit limit (daily mean)"),
    "qc.limit": ("限值", "Limit"),
    "qc.converted": ("折算", "converted"),
    "qc.converted_note": ("按基准氧含量 {o2}% 折算", "converted to reference O2 {o2}%"),
    "qc.measured": ("实测", "measured"),
    "qc.value": ("数值", "Value"),
    "qc.flag": ("质控标记", "QC flag"),
    "qc.no_series": ("所选时段内无小时数据。", "No hourly data in the chosen period."),
    "qc.marks": ("企业标记", "Enterprise marks"),
    "qc.marks_none": ("所选时段内无企业标记。", "No marks in the chosen period."),
    "qc.mark.kind": ("类型", "Kind"),
    "qc.mark.scope": ("参数", "Parameter"),
    "qc.mark.all": ("整个排口", "Whole outlet"),
    "qc.mark.reason": ("原因", "Reason"),
    "qc.mark.by": ("填报人", "Entered by"),
    "qc.mark.at": ("填报时间", "Entered at"),
    "qc.mark.proof": ("证明材料", "Proof"),
    "qc.events": ("超标事件", "Exceedance events"),
    "qc.events_none": ("当前判定无超标事件。", "No exceedance events in the current verdicts."),
    "qc.event.parameter": ("污染物", "Pollutant"),
    "qc.event.periods": ("超标时段数", "Periods"),
    "qc.event.max": ("最大值", "Maximum"),
    "qc.event.multiple": ("超标倍数", "Times over"),
    "qc.event.standard": ("依据", "Basis"),
    "qc.event.source.permit": ("许可证", "permit"),
    "qc.event.source.national": ("国家标准", "national standard"),
    "qc.load_failed": ("数据加载失败", "Could not load the data"),
    "qc.not_found": ("您的辖区内没有排口 {code}。", "There is no outlet {code} in your region."),
    "qc.kind.gas_outlet": ("废气排口", "Flue-gas outlet"),
    "qc.kind.water_outlet": ("废水排口", "Wastewater outlet"),
}

_RAW |= {
    # error pages (qingshan.web.errors): titles and explanations by HTTP status
    "error.code": ("错误代码", "Error"),
    "error.title.400": ("请求有误", "Bad request"),
    "error.title.401": ("需要登录", "Login required"),
    "error.title.403": ("无权访问", "Access denied"),
    "error.title.404": ("页面不存在", "Page not found"),
    "error.title.405": ("不支持的请求方式", "Method not allowed"),
    "error.title.422": ("请求参数有误", "Invalid parameter"),
    "error.title.500": ("服务器内部错误", "Internal server error"),
    "error.title.503": ("服务暂不可用", "Service unavailable"),
    "error.title.4xx": ("请求未能完成", "The request could not be completed"),
    "error.title.5xx": ("服务器错误", "Server error"),
    "error.explain.403": ("您没有查看此页面的权限。", "You are not allowed to see this page."),
    "error.explain.404": (
        "本站没有 {path} 这个页面：地址可能有误，或页面已经移动。",
        "There is no page at {path}: the address may be mistyped, or the page has moved.",
    ),
    "error.explain.405": (
        "页面 {path} 不接受这种请求方式。",
        "The page {path} does not accept this kind of request.",
    ),
    "error.explain.422": (
        "地址中的参数不符合要求，请修改后重试：",
        "A parameter in the address is not valid; correct it and try again:",
    ),
    "error.explain.500": (
        "服务器在生成此页面时出错，错误已记入日志。请稍后再试。",
        "The server failed while preparing this page; the error has been logged. "
        "Please try again later.",
    ),
    "error.explain.503": (
        "服务暂时无法提供此页面，请稍后再试或联系管理员。",
        "The service cannot show this page at the moment; try again later or ask the "
        "administrator.",
    ),
    "error.explain.4xx": ("请求未能完成。", "The request could not be completed."),
    "error.explain.5xx": (
        "服务器出错，错误已记入日志。请稍后再试。",
        "The server failed; the error has been logged. Please try again later.",
    ),
    "error.detail": ("详情", "Details"),
    "error.param": ("参数", "Parameter"),
    "error.given": ("给定值", "Given"),
    "error.problem": ("问题", "Problem"),
    "error.allowed": ("允许值", "Allowed"),
    "error.none_given": ("（未提供）", "(none)"),
    "error.loc.query": ("查询参数", "query"),
    "error.loc.path": ("路径", "path"),
    "error.loc.header": ("请求头", "header"),
    "error.loc.cookie": ("Cookie", "cookie"),
    "error.loc.body": ("表单", "form"),
    "error.range": ("{lo} 至 {hi}", "{lo} to {hi}"),
    "error.reason.missing": ("缺少此参数", "missing"),
    "error.reason.int": ("应为整数", "must be a whole number"),
    "error.reason.number": ("应为数字", "must be a number"),
    "error.reason.bool": ("应为 true 或 false", "must be true or false"),
    "error.reason.date": ("应为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "error.reason.datetime": (
        "应为日期时间（ISO 8601）",
        "must be a date and time (ISO 8601)",
    ),
    "error.reason.too_small": ("小于允许的最小值", "below the smallest allowed value"),
    "error.reason.too_large": ("大于允许的最大值", "above the largest allowed value"),
    "error.reason.too_short": ("太短", "too short"),
    "error.reason.too_long": ("太长", "too long"),
    "error.reason.pattern": ("格式不符", "not in the expected form"),
    "error.reason.choice": ("不是可选值之一", "not one of the allowed values"),
    "error.reason.other": ("无效", "not valid"),
    "error.home": ("返回首页", "Go to the home page"),
    "error.back": ("返回上一页", "Go back"),
}

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {key: MappingProxyType(dict(zip(LANGS, pair, strict=True))) for key, pair in _RAW.items()}
)
"""Label key → {"zh": …, "en": …}. Immutable; extend ``_RAW`` to add labels."""


def translate(key: str, lang: str) -> str:
    """The label ``key`` in ``lang``; an unknown key or language raises ``KeyError`` naming it."""
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    try:
        return LABELS[key][lang]
    except KeyError:
        raise KeyError(f"no label {key!r}; define it in qingshan/web/i18n.py") from None


def translator(lang: str) -> Callable[[str], str]:
    """A one-argument ``t(key)`` for templates."""
    return lambda key: translate(key, lang)


def labels_for(prefixes: Iterable[str], lang: str) -> dict[str, str]:
    """All labels whose key starts with one of ``prefixes``, in ``lang`` (for page scripts)."""
    prefixes = tuple(prefixes)
    return {k: v[lang] for k, v in LABELS.items() if k.startswith(prefixes)}


def requested_lang(request: Request) -> str | None:
    """The language asked for by ``?lang=`` (None when absent or not one of :data:`LANGS`)."""
    lang = request.query_params.get("lang")
    return lang if lang in LANGS else None


def get_lang(request: Request) -> str:
    """The page language: ``?lang=``, then the cookie, then Chinese."""
    lang = requested_lang(request) or request.cookies.get(LANG_COOKIE)
    return lang if lang in LANGS else DEFAULT_LANG
