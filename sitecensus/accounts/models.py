from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from django.dispatch import Signal

from sitecensus.core.lifecycle import in_states

from . import roles
from .errors import SuperuserRefused

# Sent (inside the reset's transaction) when an account's password or second factor is
# reset: other apps end what the old credentials opened (the API revokes its tokens).
credentials_reset = Signal()


class CensusUserManager(UserManager):
    def create_superuser(self, *args, **kwargs):
        raise SuperuserRefused()


class User(AbstractUser):
    """An account, bound to exactly one unit, with exactly one role."""

    unit = models.ForeignKey("orgs.Unit", verbose_name="所属单位", on_delete=models.PROTECT,
                             related_name="accounts")
    role = models.CharField("角色", max_length=32, choices=roles.CHOICES)
    must_change_password = models.BooleanField("须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    issued_by = models.ForeignKey("self", verbose_name="发放人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="issued_accounts")
    issued_at = models.DateTimeField("发放时间", null=True, blank=True)
    disabled_at = models.DateTimeField("停用时间", null=True, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    # Who last reset this account's password or second factor (or handed its one-time
    # password over): accounts/policy.py keeps that person out of two-person steps with it.
    reset_by = models.ForeignKey("self", verbose_name="最近重置人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reset_at = models.DateTimeField("最近重置时间", null=True, blank=True)

    objects = CensusUserManager()
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[r for r, _ in roles.CHOICES]),
                                   name="user_role_valid"),
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="user_no_superuser"),
        ]

    def __str__(self):
        return f"{self.username}（{self.unit}）" if self.unit_id else self.username

    def _get_session_auth_hash(self, secret=None):
        """Sessions carry this hash: a reset (password or second factor, `reset_at`)
        ends every session the account had, whatever the session store."""
        from django.utils.crypto import salted_hmac

        return salted_hmac("sitecensus.accounts.User.session_auth_hash",
                           f"{self.password}|{self.reset_at.isoformat() if self.reset_at else ''}",
                           secret=secret, algorithm="sha256").hexdigest()

    @property
    def role_label(self) -> str:
        return roles.LABELS.get(self.role, self.role)

    @property
    def status_label(self) -> str:
        if not self.is_active:
            return "已停用"
        if self.must_change_password:
            return "待首次登录"
        return "正常"


class PrivilegedReset(models.Model):
    """A password reset of a privileged account (三员 or 国办): requested by the
    security administrator, carried out only when a second person approves; the
    new one-time password goes to the account holder's e-mail, never to either."""

    class Status(models.TextChoices):
        PENDING = "pending", "待批准"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    target = models.ForeignKey(User, verbose_name="账号", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("理由", max_length=300)
    reset_device = models.BooleanField("同时重置二次验证设备", default=False)
    requested_by = models.ForeignKey(User, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    is_pending = in_states("status", Status.PENDING)
    decided_by = models.ForeignKey(User, verbose_name="批准人", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("批准时间", null=True, blank=True)

    class Meta:
        verbose_name = "特权账号密码重置申请"
        verbose_name_plural = verbose_name
        ordering = ["-requested_at"]


class PasswordHistory(models.Model):
    """Earlier password hashes of an account: a new password may not be any of
    the last PASSWORD_HISTORY ones (ASVS 2.1; 等保 password management)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField("密码哈希", max_length=128)
    changed_at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = verbose_name
        ordering = ["-changed_at", "-id"]
