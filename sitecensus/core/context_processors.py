from sitecensus.accounts import roles


def navigation(request):
    """Navigation entries by role (the header shows unit and role)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.must_change_password:
        return {"nav": []}
    nav = [("core:home", "首页")]
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER, roles.REPORTER, roles.SITE):
        nav.append(("registry:site_list", "政府网站"))
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER):
        nav.append(("registry:review_queue", "待审核"))
        nav.append(("registry:import_upload", "导入"))
        nav.append(("registry:progress", "进度"))
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER, roles.REPORTER, roles.SITE):
        nav.append(("scoring:index", "检查整改"))
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER, roles.REPORTER): nav.append(("reports:index", "统计"))  # noqa: E701
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER, roles.REPORTER): nav.append(("public:report_list", "网民找错"))  # noqa: E701,E501
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER, roles.REPORTER, roles.AUDIT_ADMIN):
        nav.append(("api_tokens:list", "接口令牌"))
    if user.role == roles.NATIONAL_ADMIN or (user.role == roles.ORGANIZER and user.unit.kind == "provincial_office"):
        nav.append(("spotcheck:batch_list", "抽查"))
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER, roles.REPORTER, roles.SITE):
        nav.append(("inbox:inbox", "站内消息"))
    if user.role in (roles.NATIONAL_ADMIN, roles.SYSTEM_ADMIN):
        nav.append(("campaigns:list", "普查日程"))
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER, roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN):
        nav.append(("orgs:unit_list", "单位树"))
    if user.role in roles.GRANTABLE:
        nav.append(("accounts:issued", "账号发放"))
    if user.role == roles.SECURITY_ADMIN:
        nav.append(("accounts:security", "账号安全"))
    if user.role == roles.AUDIT_ADMIN:
        nav.append(("audit:event_list", "审计日志"))
    if user.role == roles.REPORTER:
        nav.append(("orgs:my_unit", "本单位"))
    return {"nav": nav}
