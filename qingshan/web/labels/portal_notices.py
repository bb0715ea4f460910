"""Labels of the notices and enterprise-onboarding pages (issue #23); keys under ``pn.`` (通知公告)
and ``ob.`` (企业注册 / 企业账号), and their two nav entries."""

LABELS: dict[str, tuple[str, str]] = {
    "nav.notices": ("通知公告", "Notices"),
    "nav.ent_accounts": ("企业账号", "Enterprise accounts"),
    # --- 通知公告 ---
    "pn.title": ("通知公告", "Notices"),
    "pn.note.officer": (
        "本辖区及下级生态环境部门发布的通知公告（全部状态）及已读回执数。发布对象：公众、辖区全部企业、"
        "指定企业或仅限机关；撤回的通知不再向读者显示，但保留在记录中，不可删除。",
        "The notices of your region and below in every state, with how many accounts read each. "
        "Audience: the public, every enterprise of the region, listed enterprises, or officers "
        "only; a withdrawn notice leaves the readers' lists and stays on record — never deleted.",
    ),
    "pn.note.enterprise": (
        "生态环境部门发给贵单位的通知公告：本辖区面向企业和公众的通知，以及点名发给贵单位的通知。"
        "打开即记为已读，发文机关可见回执。",
        "The bureau's notices for your enterprise: those for the enterprises and the public of "
        "your region and those addressed to you. Opening one marks it read; the bureau sees "
        "the receipt.",
    ),
    "pn.empty.officer": (
        "本辖区尚无通知公告。用下方表单撰写第一条（可先存为草稿，再发布）。",
        "No notice in your region yet. Write the first with the form below (save a draft, "
        "publish it later).",
    ),
    "pn.empty.enterprise": (
        "暂无发给贵单位的通知公告。生态环境部门发布后会显示在这里。",
        "No notice for your enterprise yet. The bureau's notices appear here once published.",
    ),
    "pn.synthetic": (
        "含演示用合成数据（非真实通知）。",
        "Includes synthetic demonstration data (not real notices).",
    ),
    "pn.synthetic.short": ("合成数据", "synthetic"),
    "pn.col.title": ("标题", "Title"),
    "pn.col.audience": ("发布对象", "Audience"),
    "pn.col.region": ("区域", "Region"),
    "pn.col.state": ("状态", "State"),
    "pn.col.reads": ("已读", "Read by"),
    "pn.col.published": ("发布时间", "Published"),
    "pn.aud.public": ("公众", "Public"),
    "pn.aud.region": ("辖区全部企业", "All enterprises of the region"),
    "pn.aud.listed": ("指定企业", "Listed enterprises"),
    "pn.aud.officers": ("仅限机关", "Officers only"),
    "pn.state.draft": ("草稿", "Draft"),
    "pn.state.published": ("已发布", "Published"),
    "pn.state.withdrawn": ("已撤回", "Withdrawn"),
    "pn.write": ("撰写通知", "Write a notice"),
    "pn.write.hint": (
        "正文可用纯文本或 Markdown（不支持HTML和图片）；附件存入证据库（类型和大小限制同案件证据）。"
        "“指定企业”需勾选企业。",
        "The body is plain text or Markdown (no HTML, no images); attachments go to the "
        "evidence store (types and size as case evidence). 'Listed enterprises' needs ticked "
        "enterprises.",
    ),
    "pn.f.title": ("标题", "Title"),
    "pn.f.body": ("正文", "Body"),
    "pn.f.audience": ("发布对象", "Audience"),
    "pn.f.region": ("所属区域", "Region"),
    "pn.f.listed": ("指定企业", "Listed enterprises"),
    "pn.f.no_ents": ("本辖区档案中尚无企业。", "No enterprise in the archive of your region."),
    "pn.f.file": ("附件（可选）", "Attachment (optional)"),
    "pn.f.publish": ("立即发布", "Publish now"),
    "pn.f.save": ("保存", "Save"),
    "pn.publish": ("发布", "Publish"),
    "pn.withdraw": ("撤回", "Withdraw"),
    "pn.withdraw.reason": ("撤回原因", "Reason"),
    "pn.withdraw.hint": (
        "撤回后读者不再看到此通知；通知及回执保留在记录中。",
        "Once withdrawn, readers no longer see it; the notice and its receipts stay on record.",
    ),
    "pn.withdrawn": ("已撤回：", "Withdrawn:"),
    "pn.read_at": ("已读于", "Read"),
    "pn.attachments": ("附件", "Attachments"),
    "pn.receipts": ("已读回执", "Read receipts"),
    "pn.receipts.none": ("尚无账号阅读。", "No account has read it yet."),
    "pn.r.account": ("账号", "Account"),
    "pn.r.at": ("首次阅读", "First read"),
    # --- 企业注册 / 企业账号 ---
    "ob.reg.title": ("企业账号注册", "Enterprise account registration"),
    "ob.reg.note": (
        "已纳入一企一档的企业可在此申请企业服务账号：填写统一社会信用代码（GB 32100-2015校验）、联系人和"
        "账号密码，由企业所在地生态环境部门审核。审核通过前账号不能登录，可在“查询审核进度”查看状态。",
        "An enterprise filed in the archive applies for a portal account here: its unified social "
        "credit code (checked per GB 32100-2015), a contact, a username and password; the bureau "
        "of its region reviews it. The account cannot log in before approval; follow the state "
        "under 'Application status'.",
    ),
    "ob.reg.honey": ("请勿填写此项", "Leave this empty"),
    "ob.reg.submit": ("提交申请", "Apply"),
    "ob.f.credit_code": ("统一社会信用代码", "Unified social credit code"),
    "ob.f.contact_name": ("联系人", "Contact"),
    "ob.f.contact_phone": ("联系电话", "Phone"),
    "ob.f.contact_email": ("电子邮箱（可选）", "Email (optional)"),
    "ob.f.username": ("用户名", "Username"),
    "ob.f.password": ("密码", "Password"),
    "ob.f.password.rule": (
        "用户名3–32位字母、数字或 _ . -；密码至少8位，不能与用户名相同。",
        "Username: 3–32 letters, digits or _ . -; password: at least 8 characters, not the "
        "username.",
    ),
    "ob.f.display_name": ("显示名称（可选）", "Display name (optional)"),
    "ob.f.enterprises": ("所代表的企业", "Enterprises it acts for"),
    "ob.status.title": ("查询审核进度", "Application status"),
    "ob.status.note": (
        "输入申请时的用户名和密码查看审核状态；驳回时显示原因。",
        "Enter the username and password of your application to see its state; a rejection "
        "shows the reason.",
    ),
    "ob.status.link": ("查询审核进度", "Application status"),
    "ob.status.check": ("查询", "Check"),
    "ob.status.filed": (
        "申请已提交，等待企业所在地生态环境部门审核。",
        "Application filed; the bureau of the enterprise's region will review it.",
    ),
    "ob.login": ("登录", "Log in"),
    "ob.col.state": ("状态", "State"),
    "ob.col.enterprise": ("企业", "Enterprise"),
    "ob.col.submitted": ("提交时间", "Submitted"),
    "ob.col.reviewed": ("审核", "Reviewed"),
    "ob.col.reason": ("原因", "Reason"),
    "ob.col.created": ("创建时间", "Created"),
    "ob.state.pending": ("待审核", "Pending"),
    "ob.state.approved": ("已通过", "Approved"),
    "ob.state.rejected": ("已驳回", "Rejected"),
    "ob.next.pending": (
        "审核通过后即可用该用户名和密码登录。",
        "Once approved, log in with this username and password.",
    ),
    "ob.next.approved": (
        "账号已开通，请登录企业服务。",
        "The account is open: log in to the enterprise services.",
    ),
    "ob.next.rejected": (
        "可按驳回原因修改后重新提交申请。",
        "You may apply again after addressing the reason.",
    ),
    "ob.acc.title": ("企业账号", "Enterprise accounts"),
    "ob.acc.note": (
        "本辖区企业的注册申请（审核通过即开通账号，驳回须说明原因）、已开通的企业账号，以及为一家或多家企业"
        "直接创建账号。所有操作记入审计日志。",
        "Applications of your region's enterprises (approving opens the account; rejecting "
        "needs a reason), the enterprise accounts, and creating an account for one or more "
        "enterprises. Every action is audited.",
    ),
    "ob.acc.pending": ("待审核申请", "Applications to review"),
    "ob.acc.pending.empty": (
        "暂无待审核申请。企业在 /register 提交申请后显示在这里。",
        "No application waiting. Applications filed at /register appear here.",
    ),
    "ob.acc.list": ("企业账号", "Enterprise accounts"),
    "ob.acc.list.empty": ("本辖区尚无企业账号。", "No enterprise account in your region yet."),
    "ob.acc.create": ("创建企业账号", "Create an enterprise account"),
    "ob.acc.decided": ("已审核申请", "Decided applications"),
    "ob.approve": ("通过", "Approve"),
    "ob.reject": ("驳回", "Reject"),
    "pn.login_register": ("企业尚无账号？", "Enterprise without an account?"),
    "pn.login_register_link": ("申请企业账号", "Apply for one"),
    "pn.login_register_status": ("查询申请进度", "Check an application"),
}
