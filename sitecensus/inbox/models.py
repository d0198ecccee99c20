"""The in-app inbox: messages to a unit (reminders, rectification notices),
read by any of its accounts; each also goes out by mail."""

from django.conf import settings
from django.db import models

from sitecensus.orgs.models import Unit


class Message(models.Model):
    class Kind(models.TextChoices):
        REMIND_SELFCHECK = "remind_selfcheck", "催办自查"
        REMIND_INSPECTION = "remind_inspection", "催办检查"
        REMIND_REPORT = "remind_report", "催报检查整改情况"
        REMIND_RECTIFICATION = "remind_rectification", "整改逾期提醒"
        RECTIFICATION_ISSUED = "rectification_issued", "整改通知"
        REPORT_WITHDRAWN = "report_withdrawn", "检查整改情况报告撤回或退回"
        REMIND_ANNUAL = "remind_annual", "催办年度报表"
        DISCOVERY_REPORT = "discovery_report", "发现未报送网站"  # discovery: a found site to file

    unit = models.ForeignKey(Unit, verbose_name="收件单位", on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField("类型", max_length=32, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    link = models.CharField("办理地址", max_length=300, blank=True)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    sender_unit = models.ForeignKey(Unit, verbose_name="发送单位", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "read_at"])]

    def __str__(self):
        return self.title
