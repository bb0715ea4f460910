"""Labels of the rights pages of the application services (issue #23); keys under ``rights.``."""

LABELS: dict[str, tuple[str, str]] = {
    "rights.nav": ("排污权", "Emission rights"),
    "rights.title": ("排污权", "Emission rights"),
    "rights.note": (
        "排污权台账（复式记账，只增不改：更正以冲正记录）：每家企业每种污染物一户，年初余额、本年初始分配、"
        "交易、租赁、收储与出让、注销及年末余额；持有量不得超过排污许可证年许可排放量，除非经上级审批变更。单位 t/a。",
        "The emission-rights ledger (double entry, insert only: a correction is a reversal): one "
        "account per enterprise and pollutant with the opening balance, the year's allocation, "
        "trades, leases, reserve purchases and releases, retirements and the closing balance; a "
        "holding never exceeds the permit's annual cap unless a higher-level officer approved a "
        "change. Unit t/a.",
    ),
    "rights.tab.balances": ("企业账户", "Accounts"),
    "rights.tab.report": ("年度报表", "Year report"),
    "rights.tab.reserve": ("政府储备", "Reserve"),
    "rights.year": ("年度", "Year"),
    "rights.pollutant": ("污染物", "Pollutant"),
    "rights.all": ("全部", "All"),
    "rights.show": ("查询", "Show"),
    "rights.download": ("下载", "Download"),
    "rights.enterprise": ("企业", "Enterprise"),
    "rights.region": ("地区", "Region"),
    "rights.opening": ("年初余额", "Opening"),
    "rights.allocated": ("初始分配", "Allocated"),
    "rights.bought": ("买入", "Bought"),
    "rights.sold": ("卖出", "Sold"),
    "rights.leased_in": ("租入", "Leased in"),
    "rights.leased_out": ("租出", "Leased out"),
    "rights.lease_net": ("租赁到期返还", "Lease returns"),
    "rights.from_reserve": ("储备出让取得", "From reserve"),
    "rights.to_reserve": ("被收储", "To reserve"),
    "rights.retired": ("注销", "Retired"),
    "rights.closing": ("年末余额", "Closing"),
    "rights.cap": ("许可排放量", "Permit cap"),
    "rights.no_cap": ("无许可量", "no cap"),
    "rights.empty": (
        "本辖区该年度尚无排污权账户。初始分配、交易等通过接口 /api/v1/portal/rights/movements 登记。",
        "No emission-rights account in this region for the year. Allocations, trades and the rest are "
        "recorded through /api/v1/portal/rights/movements.",
    ),
    "rights.report.note": (
        "按区县与污染物汇总：本年初始分配、交易量与金额、租赁、收储、储备出让、注销，及年末企业持有量与储备余额。",
        "By county and pollutant: the year's allocation, traded volume and value, leases, reserve "
        "purchases and releases, retirements, and what enterprises and the reserve hold at year end.",
    ),
    "rights.traded": ("交易量", "Traded"),
    "rights.traded_value": ("交易金额 (元)", "Traded value (yuan)"),
    "rights.leased": ("租赁量", "Leased"),
    "rights.reserve_purchased": ("收储", "Reserve purchases"),
    "rights.reserve_released": ("储备出让", "Reserve releases"),
    "rights.held": ("企业持有", "Held by enterprises"),
    "rights.reserve_position": ("储备余额", "Reserve position"),
    "rights.reserve.note": (
        "各区县政府储备账户在所选日期的余额、累计收储与出让及收支。",
        "Each county reserve on the chosen day: balance, purchases and releases to date, paid and received.",
    ),
    "rights.on": ("日期", "Day"),
    "rights.balance": ("余额", "Balance"),
    "rights.purchased": ("累计收储", "Purchased"),
    "rights.released": ("累计出让", "Released"),
    "rights.paid": ("收储支出 (元)", "Paid (yuan)"),
    "rights.received": ("出让收入 (元)", "Received (yuan)"),
    "rights.reserve.empty": ("本辖区尚无政府储备账户。", "No reserve account in this region yet."),
    "rights.statement": ("排污权对账单", "Emission-rights statement"),
    "rights.statement.note": (
        "本企业各污染物排污权账户的年度明细与余额（含租赁到期自动返还、冲正）；余额不超过许可排放量。",
        "The year's movements on this enterprise's accounts with running balances (lease returns "
        "and reversals included); no balance exceeds the permit cap.",
    ),
    "rights.statement.empty": (
        "该年度本企业排污权账户无变动。",
        "No movement on this enterprise's accounts in the year.",
    ),
    "rights.date": ("日期", "Date"),
    "rights.kind": ("类型", "Kind"),
    "rights.document": ("文号", "Document"),
    "rights.counterpart": ("对方", "Counterpart"),
    "rights.amount": ("变动 (t/a)", "Change (t/a)"),
    "rights.value": ("金额 (元)", "Value (yuan)"),
    "rights.term": ("租期至", "Lease to"),
    "rights.summary": ("本年汇总", "The year"),
    "rights.kind.allocation": ("初始分配", "Initial allocation"),
    "rights.kind.trade": ("有偿使用和交易", "Purchase / sale"),
    "rights.kind.lease": ("租赁", "Lease"),
    "rights.kind.lease_return": ("租赁到期返还", "Lease return"),
    "rights.kind.reserve_purchase": ("收储", "Reserve purchase"),
    "rights.kind.reserve_release": ("储备出让", "Reserve release"),
    "rights.kind.retirement": ("注销", "Retirement"),
    "rights.kind.reversal": ("冲正", "Reversal"),
    "rights.recorded": ("已登记。", "Recorded."),
    "rights.form.title": ("登记一笔变动", "Record a movement"),
    "rights.form.note": (
        "从转出账户转入转入账户；企业填企业编号，储备填区县代码，核发与注销无需填写。余额不足、超出许可排放量、"
        "租期结束早于开始等情形不予登记并说明原因。",
        "From the giving account to the receiving one: an enterprise by its id, a reserve by its "
        "county code, issuance needs none. A movement leaving a balance below zero, exceeding the "
        "permit cap or with a lease ending before it starts is refused with the reason.",
    ),
    "rights.form.from": ("转出", "From"),
    "rights.form.to": ("转入", "To"),
    "rights.form.ref": ("编号/代码", "id / code"),
    "rights.form.submit": ("登记", "Record"),
    "rights.project": ("项目", "Project"),
    "rights.account.enterprise": ("企业", "Enterprise"),
    "rights.account.reserve": ("政府储备", "Reserve"),
    "rights.account.issuance": ("核发与注销", "Issuance"),
}
