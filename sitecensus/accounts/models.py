from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from . import roles


class CensusUserManager(UserManager):
    def create_superuser(self, *args, **kwargs):
        from sitecensus.core.errors import NotAllowed

        # No all-powerful accounts: the three separated administrators instead (三员分立).
        raise NotAllowed("本系统不设超级用户，请使用 bootstrap 命令创建三员账号")


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

    @property
    def role_label(self) -> str:
        return roles.LABELS.get(self.role, self.role)

    @property
    def is_business(self) -> bool:
        return self.role in roles.BUSINESS_ROLES

    @property
    def status_label(self) -> str:
        if not self.is_active:
            return "已停用"
        if self.must_change_password:
            return "待首次登录"
        return "正常"
