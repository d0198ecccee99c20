"""Who may read the audit log: the audit administrator only (三员分立)."""

from sitecensus.core import policy as base

READ = base.rule("audit.read", "只有审计管理员可以查看审计日志")


def may_read_audit(user) -> bool:
    return base.is_audit_admin(user)


def check_read_audit(user) -> None:
    READ.check(may_read_audit(user))
