"""Navigation entries, each shown when the user's policies allow the page."""

from sitecensus.accounts import otp
from sitecensus.accounts import policy as accounts
from sitecensus.annual import policy as annual
from sitecensus.api import policy as api
from sitecensus.audit import policy as audit
from sitecensus.inbox import policy as inbox
from sitecensus.newmedia import policy as newmedia
from sitecensus.orgs import policy as orgs
from sitecensus.public import policy as public
from sitecensus.registry import policy as registry
from sitecensus.stats import policy as stats
from sitecensus.scoring import policy as scoring
from sitecensus.spotcheck import policy as spotcheck
from sitecensus.discovery import policy as discovery

ENTRIES = [
    ("registry:site_list", "政府网站", registry.may_see_websites),
    ("registry:review_queue", "待审核", registry.may_review),
    ("newmedia:list", "政务新媒体", newmedia.may_see_accounts),  # issue 22
    ("registry:import_upload", "导入", registry.may_import),
    ("registry:progress", "进度", registry.may_see_progress),
    ("scoring:index", "检查整改", scoring.may_see_checks),
    ("stats:index", "统计", stats.may_see_stats),
    ("public:report_list", "网民找错", public.may_see_reports),
    ("annual:index", "年度报表", annual.may_see_annual),  # annual reports
    ("api_tokens:list", "接口令牌", api.uses_api),
    ("spotcheck:batch_list", "抽查", spotcheck.may_organize),
    ("discovery:queue", "摸清底数", discovery.may_see),
    ("inbox:inbox", "站内消息", inbox.may_read_inbox),
    ("campaigns:list", "普查日程", registry.may_edit_calendar),
    ("orgs:unit_list", "单位树", orgs.may_browse_units),
    ("accounts:issued", "账号发放", accounts.may_issue),
    ("accounts:security", "账号安全", accounts.may_see_security),
    ("accounts:privileged", "特权账号", accounts.may_see_privileged),
    ("audit:event_list", "审计日志", audit.may_read_audit),
    ("orgs:my_unit", "本单位", orgs.may_see_own_unit),
]


def navigation(request):
    """The header's entries for this user (the header shows unit and role)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.must_change_password:
        return {"nav": []}
    if otp.required_for(user) and not (hasattr(user, "is_verified") and user.is_verified()):
        return {"nav": []}  # nothing before the second factor
    return {"nav": [("core:home", "首页")] + [(name, label) for name, label, may in ENTRIES if may(user)]}
