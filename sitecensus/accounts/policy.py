"""Who may see and manage which accounts."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from sitecensus.core import policy as base
from sitecensus.core import roles
from sitecensus.core.errors import NotFound
from sitecensus.orgs import policy as orgs_policy

from .models import User

ISSUE = base.rule("accounts.issue", "只有组织单位可以发放账号")
SECURITY = base.rule("accounts.security", "只有安全管理员可以查看账号锁定情况")
OWN_ACCOUNT = base.rule("accounts.own", "不能在此管理自己的账号，请使用“修改密码”")
MANAGE = base.rule("accounts.manage", "您无权管理账号")
HANDOVER = base.rule("accounts.handover", "您无权导出账号交接表")
UNLOCK = base.rule("accounts.unlock", "只有安全管理员可以解除锁定")
GRANT = base.rule("accounts.grant", "您无权授予该角色")
# 三员分立: nobody acts alone on a 三员 or 国办 account.
PRIVILEGED = base.rule("accounts.privileged", "三员与国办管理员账号不能由他人直接管理：重置密码须由安全管理员申请、"
                       "另一名国办管理员批准，或由服务器端命令 sitecensus reset-password 执行")
PRIVILEGED_RESET = base.rule("accounts.privileged_reset", "只有安全管理员可以申请重置特权账号的密码，"
                             "须由申请人和被重置账号以外的国办管理员批准")


def visible_accounts(user) -> QuerySet:
    """Accounts a user may see: those of units directly below its own unit
    (the accounts it issued), its own, or all for the security administrator."""
    qs = User.objects.select_related("unit")
    if base.is_security_admin(user):
        return qs
    if base.is_issuer(user):
        return qs.filter(
            Q(pk=user.pk)
            | Q(unit__path__startswith=user.unit.path, unit__depth=user.unit.depth + 1)
        )
    return qs.filter(pk=user.pk)


def get_managed_account(user, pk):
    try:
        account = visible_accounts(user).get(pk=pk)
    except (ValueError, TypeError, User.DoesNotExist):
        raise NotFound("账号不存在或不在您的权限范围内") from None
    if account.pk == user.pk and not base.is_security_admin(user):
        raise OWN_ACCOUNT.refuse()
    return account


def may_issue(user) -> bool:
    return base.is_issuer(user)


def check_issue(user) -> None:
    ISSUE.check(may_issue(user))


def may_grant(user, role: str) -> bool:
    return base.is_active(user) and role in roles.GRANTABLE.get(user.role, set())


def may_see_privileged(user) -> bool:
    """The privileged-reset page: the security administrator asks, 国办 approves."""
    return base.is_active(user) and user.role in (roles.SECURITY_ADMIN, roles.NATIONAL_ADMIN)


def needs_second_factor(user) -> bool:
    """Which accounts log in with a second factor is a setting (OTP_REQUIRED_ROLES)."""
    return bool(user and user.is_authenticated and user.role in settings.OTP_REQUIRED_ROLES)


# Roles the demo gives a device to (whatever OTP_REQUIRED_ROLES says at load time).
DEMO_DEVICE_ROLES = frozenset({roles.NATIONAL_ADMIN, roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN, roles.AUDIT_ADMIN,
                               roles.ORGANIZER})


def gets_demo_device(user) -> bool:
    return user.role in DEMO_DEVICE_ROLES


def is_privileged(account) -> bool:
    """A 三员 or 国办 account: nobody acts on it alone."""
    return account.role in roles.PRIVILEGED_ROLES


def may_request_privileged_reset(user) -> bool:
    return base.is_security_admin(user)


def is_code_login_for(account, website) -> bool:
    """The account is a site's identifier-code login under the site's own unit (never a personal account)."""
    return account.role == roles.SITE and account.unit_id == website.unit_id


def may_see_security(user) -> bool:
    return base.is_security_admin(user)


def check_security(user) -> None:
    SECURITY.check(may_see_security(user))


# ------------------------------------------------- two-person steps and resets
# Who may reset whom (README, Security): the organizing unit that issued an account (the unit
# directly above) and the security administrator reset business accounts; nobody resets a 三员 or
# 国办 account alone (the security administrator asks, another 国办 administrator approves). No
# reset ever shows the new password to the person who reset it: it is mailed to the holder, or —
# for a business account without an address — handed over by the issuing organizing unit's
# hand-over sheet. Whoever reset an account (or handed its one-time password over) may have used
# it, so that person is never the other party of a two-person step with it.
SAME_PERSON = base.rule("accounts.same_person", "两人步骤须由两个不同的人完成：另一方是重置过本账号（或重置过对方账号）的"
                        "管理员，不能由其完成")


def acting_persons(account) -> set[int]:
    """Everyone who may be acting through `account`: its holder and whoever last reset it."""
    if account is None:
        return set()
    return {pk for pk in (account.pk, getattr(account, "reset_by_id", None)) if pk is not None}


def distinct_persons(first, second) -> bool:
    """True when `first` and `second` are two people for a two-person step: not the same
    account, and neither was last reset (or handed over) by the other."""
    if first is None or second is None:
        return True
    return first.pk not in acting_persons(second) and second.pk not in acting_persons(first)


def check_distinct_persons(first, second, message: str | None = None) -> None:
    if not distinct_persons(first, second):
        raise SAME_PERSON.refuse(message)


def check_manage_account(actor, account) -> None:
    """Reset (password or second factor), disable or enable an account: a business account
    by the security administrator or by the organizing unit that issued it (the unit directly
    above); a 三员 or 国办 account by nobody alone (request_privileged_reset)."""
    if account.role in roles.PRIVILEGED_ROLES:
        raise PRIVILEGED.refuse()
    if may_see_security(actor):
        return
    if not may_issue(actor):
        raise MANAGE.refuse()
    orgs_policy.check_manage_unit(actor, account.unit)


def may_approve_privileged_reset(actor, pending) -> bool:
    """A 国办 administrator other than the requester and the target, and not one whose
    account the requester reset (nor who reset the requester's)."""
    return (base.is_active(actor) and actor.role == roles.NATIONAL_ADMIN
            and actor.pk not in (pending.requested_by_id, pending.target_id)
            and distinct_persons(actor, pending.requested_by))


def reset_delivery(account) -> str:
    """Where a reset account's one-time password goes (never to the person who reset it):
    "mail" to the holder's own address, else "handover" by the issuing organizing unit
    (business accounts only; a privileged account without an address is reset on the server)."""
    if account.email:
        return "mail"
    return "handover"
