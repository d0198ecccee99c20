"""Roles. Business roles and the three separated administrator roles (三员分立)
are one field per account, so no account can ever hold two of them."""

NATIONAL_ADMIN = "national_admin"
ORGANIZER = "organizer"
REPORTER = "reporter"
SYSTEM_ADMIN = "system_admin"
SECURITY_ADMIN = "security_admin"
AUDIT_ADMIN = "audit_admin"
# Created at final approval: log in with the site's identifier code + verification code.
SITE = "site"

CHOICES = [
    (NATIONAL_ADMIN, "国办管理员"),
    (ORGANIZER, "组织单位操作员"),
    (REPORTER, "填报单位操作员"),
    (SYSTEM_ADMIN, "系统管理员"),
    (SECURITY_ADMIN, "安全管理员"),
    (AUDIT_ADMIN, "审计管理员"),
    (SITE, "网站账号（标识码登录）"),
]
LABELS = dict(CHOICES)

BUSINESS_ROLES = {NATIONAL_ADMIN, ORGANIZER, REPORTER}
SEPARATED_ADMIN_ROLES = {SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN}

# Privileged accounts (三员 and 国办): nobody acts on them alone. A password reset
# needs a request by the security administrator and the approval of a second
# person (a national administrator who is neither the requester nor the target),
# or the server-side command; the new password never reaches the people who reset it.
PRIVILEGED_ROLES = SEPARATED_ADMIN_ROLES | {NATIONAL_ADMIN}

# The duties of each separated administrator.
DUTIES = {
    SYSTEM_ADMIN: "系统管理员：普查日程与系统运行配置；不管理账号，不查看审计日志",
    SECURITY_ADMIN: "安全管理员：业务账号的停用、启用、解除限制与密码重置，申请重置特权账号密码；不能直接管理三员与国办账号，不查看审计日志",
    AUDIT_ADMIN: "审计管理员：查看、导出与校验审计日志；不管理账号与系统配置",
}

# Which roles an account may grant when it issues accounts one level down.
GRANTABLE = {
    NATIONAL_ADMIN: {ORGANIZER, REPORTER},
    ORGANIZER: {ORGANIZER, REPORTER},
}


def role_for_unit(unit) -> str:
    """The role a unit's first account gets: organizers organize, others report."""
    return ORGANIZER if unit.is_organizer else REPORTER
