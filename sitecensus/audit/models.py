from django.conf import settings
from django.db import models
from django.utils import timezone

from sitecensus.core import dbtriggers

APPEND_ONLY_MESSAGE = "审计日志只允许追加，不可修改或删除"
dbtriggers.protect("audit_auditevent", APPEND_ONLY_MESSAGE)


class AuditEvent(models.Model):
    """One security or business event. Append-only: the database refuses
    UPDATE and DELETE (see migration 0002) and REPLACE (0003); each row is
    hash-chained to the previous one (`sitecensus audit verify`)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_username = models.CharField("账号", max_length=150, blank=True)
    actor_unit = models.CharField("操作人单位", max_length=200, blank=True)
    role = models.CharField("角色", max_length=32, blank=True)
    action = models.CharField("事件", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    details = models.JSONField("详情", default=dict, blank=True)
    # Tamper evidence (audit/chain.py): the previous event's hash and this one's.
    prev_hash = models.CharField("前一哈希", max_length=64, blank=True, default="")
    chain_hash = models.CharField("哈希", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"
