"""Account writes: issuance one level down, resets, disabling, password changes,
unlocks. Each one transaction and one audit event; refusals are typed errors."""

from __future__ import annotations

import re
import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.orgs import policy as orgs_policy
from sitecensus.core.errors import Duplicate, InvalidInput, InvalidState, NotFound
from sitecensus.orgs import services as org_services
from sitecensus.orgs.models import Unit

from . import policy, roles
from .models import User

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,150}$")
PHONE = re.compile(r"^[0-9+\-() ]{7,32}$")
# 网站标识码: an organizing-unit code (6 digits, or bm + 4 digits) + a 4-digit sequence.
# Reserved for the site accounts made at final approval: an account named like a
# future code would otherwise be taken over by that site's code login.
SITE_CODE_USERNAME = re.compile(r"^(?:\d{6}|bm\d{4})\d{4}$", re.IGNORECASE)
_ALPHABET = string.ascii_letters + string.digits + "@#%*+=?"


def generate_initial_password(length: int = 14) -> str:
    """A random one-time password that satisfies every password rule."""
    while True:
        # A letter or digit first: exported sheets escape cells starting with = + - @.
        candidate = secrets.choice(string.ascii_letters + string.digits) + "".join(
            secrets.choice(_ALPHABET) for _ in range(length - 1))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate) and any(c in "@#%*+=?" for c in candidate)):
            return candidate


def _validate_contact(username: str, email: str, phone: str) -> None:
    if not USERNAME.match(username):
        raise InvalidInput("账号名须为 3 至 150 位字母、数字或 _ . @ -", field="username")
    if SITE_CODE_USERNAME.match(username):
        raise InvalidInput(f"账号名“{username}”与网站标识码格式相同，该格式保留给网站标识码登录，请换一个",
                           field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Duplicate(f"账号名“{username}”已存在", field="username")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(f"电子邮箱“{email}”格式不正确", field="email") from None
    if phone and not PHONE.match(phone):
        raise InvalidInput(f"联系电话“{phone}”格式不正确", field="phone")


@transaction.atomic
def issue_account(*, actor, unit: Unit, username: str, email: str = "", phone: str = "",
                  full_name: str = "", role: str | None = None, request=None) -> tuple[User, str]:
    """Issue an account for a unit directly below the actor's unit (逐级开设账号).
    Returns the account and its one-time initial password."""
    orgs_policy.check_manage_unit(actor, unit)
    if unit.closed_at is not None:
        raise InvalidState(f"“{unit.name}”已撤销，不能发放账号")
    role = role or roles.role_for_unit(unit)
    if not policy.may_grant(actor, role):
        raise policy.GRANT.refuse(f"您无权授予“{roles.LABELS.get(role, role)}”角色", field="role")
    if role == roles.ORGANIZER and not unit.is_organizer:
        raise InvalidInput(f"“{unit.name}”是填报单位，只能发放填报单位操作员账号", field="role")
    if role == roles.REPORTER and unit.is_organizer:
        raise InvalidInput(f"“{unit.name}”是组织单位，应发放组织单位操作员账号", field="role")
    username, email, phone = username.strip(), (email or "").strip(), (phone or "").strip()
    _validate_contact(username, email, phone)
    password = generate_initial_password()
    now = timezone.now()
    user = User(username=username, email=email, phone=phone, first_name=(full_name or "").strip()[:150],
                unit=unit, role=role, must_change_password=True, password_changed_at=now,
                issued_by=actor, issued_at=now)
    user.set_password(password)
    user.save()
    record("account_issued", actor=actor, request=request, obj=user, unit=unit.name, role=role)
    return user, password


@transaction.atomic
def create_unit_with_account(*, actor, parent: Unit, name: str, kind: str, username: str,
                             division_code: str | None = None, org_code: str | None = None,
                             vertical_system_name: str | None = None, email: str = "",
                             phone: str = "", full_name: str = "",
                             request=None) -> tuple[Unit, User, str]:
    """Create a unit one level down and its first account, all or nothing."""
    unit = org_services.create_unit(actor=actor, parent=parent, name=name, kind=kind,
                                    division_code=division_code, org_code=org_code,
                                    vertical_system_name=vertical_system_name, request=request)
    user, password = issue_account(actor=actor, unit=unit, username=username, email=email,
                                   phone=phone, full_name=full_name, request=request)
    return unit, user, password


def _reset(account: User, *, by=None) -> str:
    """A new one-time password; the account's sessions (the session hash covers `reset_at`)
    and API tokens end; `by` (who reset it, or handed the password over) is remembered
    for the two-person rule (accounts/policy.py)."""
    password = generate_initial_password()
    account.set_password(password)
    account.must_change_password = True
    account.password_changed_at = account.reset_at = timezone.now()
    account.reset_by = by
    return password


_RESET_FIELDS = ["password", "must_change_password", "password_changed_at", "reset_at", "reset_by"]


def _credentials_reset(account: User, *, actor=None, request=None) -> None:
    from .models import credentials_reset

    credentials_reset.send(sender=User, account=account, actor=actor, request=request)


def _mail_password(account: User, password: str, why: str) -> None:
    from django.core.mail import send_mail

    send_mail("【全国政府网站信息报送系统】您的账号密码已重置",
              f"{account.username}：\n\n{why}，您的账号密码已重置。一次性初始密码：\n\n"
              f"    {password}\n\n首次登录后须立即修改密码（二次验证设备如已重置，随后重新绑定）。如非本人知情，请立即联系上级组织单位。",
              settings.DEFAULT_FROM_EMAIL, [account.email])


def _check_account_action(actor, account: User) -> None:
    policy.check_manage_account(actor, account)


@transaction.atomic
def reset_password(*, actor, account: User, request=None) -> str:
    """Reset a business account's password. The new one-time password is shown to
    nobody: mailed to the holder's own address, or — without one — handed over by
    the issuing organizing unit's hand-over sheet (which makes a fresh one). Returns
    where it went (a sentence for the page), never the password."""
    _check_account_action(actor, account)
    account = User.objects.select_for_update().get(pk=account.pk)
    password = _reset(account, by=actor)
    account.save(update_fields=_RESET_FIELDS)
    delivery = policy.reset_delivery(account)
    if delivery == "mail":
        _mail_password(account, password, "经上级组织单位或安全管理员操作")
        where = f"一次性新密码已发送至账号本人邮箱 {_mask(account.email)}"
    else:
        issuer = Unit.objects.filter(path=account.unit.path[:-Unit.steplen]).first()
        where = (f"该账号未登记电子邮箱：一次性新密码由签发单位{f'（{issuer.name}）' if issuer else ''}"
                 "在“账号发放”页下载账号交接表时生成并交接")
    del password  # never returned, never logged
    _credentials_reset(account, actor=actor, request=request)
    record("password_reset", actor=actor, request=request, obj=account, delivery=delivery)
    return where


@transaction.atomic
def set_active(*, actor, account: User, active: bool, request=None) -> User:
    _check_account_action(actor, account)
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.is_active == active:
        raise InvalidState(f"账号“{account.username}”已{'启用' if active else '停用'}")
    if active and account.unit.closed_at is not None:
        raise InvalidState(f"“{account.unit.name}”已撤销，不能启用其账号")
    account.is_active = active
    account.disabled_at = None if active else timezone.now()
    account.save(update_fields=["is_active", "disabled_at"])
    record("account_enabled" if active else "account_disabled", actor=actor, request=request, obj=account)
    return account


@transaction.atomic
def reset_second_factor(*, actor, account: User, request=None) -> None:
    """A clerk lost the phone: the organizing unit above (the account's issuer)
    or the security administrator removes the devices; the account's sessions and
    API tokens end, and only the holder (who knows the password) enrols anew."""
    from . import otp

    _check_account_action(actor, account)
    account = User.objects.select_for_update().get(pk=account.pk)
    otp.reset_devices(account)
    account.reset_at, account.reset_by = timezone.now(), actor
    account.save(update_fields=["reset_at", "reset_by"])
    _credentials_reset(account, actor=actor, request=request)
    record("otp_reset", actor=actor, request=request, obj=account)


def disable_accounts_of_unit(*, unit: Unit) -> int:
    return User.objects.filter(unit=unit, is_active=True).update(is_active=False, disabled_at=timezone.now())


@transaction.atomic
def change_password(*, user: User, old_password: str, new_password: str, new_password2: str,
                    request=None) -> User:
    if not user.check_password(old_password or ""):
        from . import throttle

        throttle.password_check_failed(user)
        raise InvalidInput("原密码不正确", field="old_password")
    if new_password != new_password2:
        raise InvalidInput("两次输入的新密码不一致", field="new_password2")
    if new_password == old_password:
        raise InvalidInput("新密码不能与原密码相同", field="new_password")
    from django.contrib.auth.hashers import check_password

    from .models import PasswordHistory

    keep = settings.PASSWORD_HISTORY
    earlier = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:keep])
    if any(check_password(new_password, encoded) for encoded in earlier):
        raise InvalidInput(f"新密码不能与最近 {keep} 次使用过的密码相同", field="new_password")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInput("；".join(exc.messages), field="new_password") from None
    if not user.must_change_password:  # one-time initial passwords are not worth remembering
        PasswordHistory.objects.create(user=user, password=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    if request is not None:
        update_session_auth_hash(request, user)
    record("password_changed", actor=user, request=request, obj=user)
    return user


def initial_password_expired(user: User) -> bool:
    if not user.must_change_password or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=settings.INITIAL_PASSWORD_DAYS)


@transaction.atomic
def handover_rows(*, actor, request=None) -> list[list]:
    """The account hand-over sheet (as in 2015): every account the actor's unit
    issued; accounts not yet used get a fresh initial password, so the sheet is
    the only place it exists (the previous one stops working)."""
    if not policy.may_issue(actor):
        raise policy.HANDOVER.refuse()
    rows = []
    accounts = (policy.visible_accounts(actor).exclude(pk=actor.pk)
                .select_for_update(of=("self",)).order_by("unit__path", "username"))
    regenerated = 0
    for account in accounts:
        password = ""
        if account.is_active and account.must_change_password:
            password = _reset(account, by=actor)
            account.save(update_fields=_RESET_FIELDS)
            _credentials_reset(account, actor=actor, request=request)
            regenerated += 1
        rows.append([account.unit.name, account.unit.org_code or "", account.username, password,
                     account.role_label, account.first_name, account.email, account.phone,
                     account.status_label, account.issued_at])
    record("accounts_exported", actor=actor, request=request, count=len(rows), regenerated=regenerated)
    return rows


HANDOVER_HEADERS = ["单位名称", "组织单位代码", "账号", "初始密码", "角色", "联系人", "电子邮箱",
                    "联系电话", "状态", "发放时间"]


@transaction.atomic
def unlock(*, actor, account: User, request=None) -> None:
    """Lift a lockout (the security administrator's job)."""
    if not policy.may_see_security(actor):
        raise policy.UNLOCK.refuse()
    if policy.is_privileged(account) and account.pk != actor.pk:
        raise policy.PRIVILEGED.refuse()
    from axes.utils import reset

    from . import throttle

    reset(username=account.username)
    throttle.clear_user(account.username)
    record("account_unlocked", actor=actor, request=request, obj=account)


@transaction.atomic
def issue_site_account(*, website, verification: str, active: bool, actor=None, request=None) -> User:
    """The identifier-code login of one website (role SITE): username the site code,
    password the verification code; its unit is the site's reporting unit. Issued
    at final approval and re-issued when the verification code is reset."""
    user, created = User.objects.get_or_create(username=website.site_code, defaults={
        "unit": website.unit, "role": roles.SITE, "must_change_password": False})
    if not policy.is_code_login_for(user, website):
        # Never turn an existing personal account into this site's code login.
        raise InvalidState(f"账号名“{website.site_code}”已被其他账号占用，不能作为网站标识码登录账号，"
                           "请联系安全管理员处理后再终审")
    user.set_password(verification)
    user.is_active = active
    user.must_change_password = False
    user.save()
    record("account_issued" if created else "site_account_reset", actor=actor, request=request, obj=user,
           unit=website.unit.name, role=roles.SITE, site_code=website.site_code)
    return user


def set_site_account_active(*, site_code: str, active: bool, actor=None, request=None) -> None:
    """A closed or merged site's login stops working; a reopened one works again."""
    changed = User.objects.filter(username=site_code, role=roles.SITE).exclude(is_active=active).update(
        is_active=active)
    if changed:
        record("account_enabled" if active else "account_disabled", actor=actor, request=request,
               username=site_code, role=roles.SITE)


@transaction.atomic
def bootstrap(*, admin_usernames: dict[str, str] | None = None) -> list[tuple[User, str]]:
    """First start: the national office, its administrator and the three
    separated administrators (三员), each with a one-time password."""
    root = org_services.create_national_office()
    names = admin_usernames or {roles.NATIONAL_ADMIN: "guoban", roles.SYSTEM_ADMIN: "sysadmin",
                                roles.SECURITY_ADMIN: "secadmin", roles.AUDIT_ADMIN: "auditadmin"}
    created = []
    for role, username in names.items():
        if User.objects.filter(username=username).exists():
            continue
        password = generate_initial_password()
        user = User(username=username, unit=root, role=role, must_change_password=True,
                    password_changed_at=timezone.now(), issued_at=timezone.now())
        user.set_password(password)
        user.save()
        record("account_issued", obj=user, role=role, bootstrap=True)
        created.append((user, password))
    return created


# ------------------------------------------------- privileged accounts (三员分立)

def _mask(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


@transaction.atomic
def request_privileged_reset(*, actor, account: User, reason: str, reset_device: bool = False,
                             request=None):
    """The security administrator asks for a privileged account's password reset."""
    from .models import PrivilegedReset

    if not policy.may_request_privileged_reset(actor):
        raise policy.PRIVILEGED_RESET.refuse("只有安全管理员可以申请重置特权账号的密码")
    if not policy.is_privileged(account):
        raise InvalidInput("该账号不是特权账号，请直接在账号管理中重置")
    if account.pk == actor.pk:
        raise policy.OWN_ACCOUNT.refuse()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写申请理由", field="reason")
    if not account.email:
        raise InvalidState(f"账号“{account.username}”没有登记电子邮箱，新密码无法送达本人，"
                           "只能由服务器端命令 sitecensus reset-password 重置")
    if PrivilegedReset.objects.filter(target=account, status=PrivilegedReset.Status.PENDING).exists():
        raise Duplicate(f"账号“{account.username}”已有待批准的重置申请")
    pending = PrivilegedReset.objects.create(target=account, reason=reason[:300], reset_device=reset_device,
                                             requested_by=actor)
    record("privileged_reset_requested", actor=actor, request=request, obj=account, reason=reason[:300],
           reset_device=reset_device)
    return pending


may_approve_privileged_reset = policy.may_approve_privileged_reset


@transaction.atomic
def decide_privileged_reset(*, actor, pending_id, approve: bool, request=None) -> str:
    """A second person (a national administrator other than the requester and the
    target) approves or rejects. On approval the one-time password is mailed to the
    account holder only; the return value says where it went, never what it is."""
    from . import otp
    from .models import PrivilegedReset

    try:
        pending = PrivilegedReset.objects.select_for_update().select_related("target").get(pk=pending_id)
    except (PrivilegedReset.DoesNotExist, ValueError, TypeError):
        raise NotFound("重置申请不存在") from None
    if not may_approve_privileged_reset(actor, pending):
        raise policy.PRIVILEGED_RESET.refuse("重置申请须由申请人和被重置账号以外的国办管理员批准")
    if not pending.is_pending:
        raise InvalidState("该申请已处理")
    pending.status = PrivilegedReset.Status.APPROVED if approve else PrivilegedReset.Status.REJECTED
    pending.decided_by, pending.decided_at = actor, timezone.now()
    pending.save(update_fields=["status", "decided_by", "decided_at"])
    account = User.objects.select_for_update().get(pk=pending.target_id)
    if not approve:
        record("privileged_reset_rejected", actor=actor, request=request, obj=account)
        return ""
    password = _reset(account, by=pending.requested_by)
    account.save(update_fields=_RESET_FIELDS)
    if pending.reset_device:
        otp.reset_devices(account)
    _mail_password(account, password, "经安全管理员申请、国办管理员批准")
    _credentials_reset(account, actor=actor, request=request)
    record("privileged_reset_approved", actor=actor, request=request, obj=account,
           requested_by=pending.requested_by.username, approved_by=actor.username,
           reset_device=pending.reset_device)
    return _mask(account.email)


@transaction.atomic
def reset_password_on_server(*, username: str, reset_device: bool = False, show: bool = False) -> str:
    """`sitecensus reset-password`: the one-time password is mailed to the holder's own
    address; it is returned (for the command to print) only when the account has no
    address and the operator asked with `show` — audited as shown to the server operator."""
    from . import otp

    try:
        account = User.objects.select_for_update().get(username=username)
    except User.DoesNotExist:
        raise NotFound(f"账号“{username}”不存在") from None
    if not account.email and not show:
        raise InvalidState(f"账号“{username}”没有登记电子邮箱，新密码无法送达本人；"
                           "确需在服务器上显示新密码，请加 --show（将记入审计日志）")
    password = _reset(account)
    account.save(update_fields=_RESET_FIELDS)
    if reset_device:
        otp.reset_devices(account)
    _credentials_reset(account)
    if account.email:
        _mail_password(account, password, "经服务器端命令")
        record("password_reset", obj=account, server_command=True, reset_device=reset_device, delivery="mail")
        return ""
    record("password_reset", obj=account, server_command=True, reset_device=reset_device,
           delivery="shown_on_server")
    return password
