"""A long job (import confirm, spot-check scan, large export, statistics refresh)
as a row: the request that starts it only creates the row and queues it; a
worker (Celery, or the in-process worker of the embedded mode) runs it and
reports its progress here, and the requester follows it on a progress page."""

from django.conf import settings
from django.db import models

from sitecensus.core.lifecycle import in_states


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=32)
    label = models.CharField("任务", max_length=200)
    params = models.JSONField(default=dict)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    is_done = in_states("status", Status.DONE)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    next_url = models.CharField("完成后前往", max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
