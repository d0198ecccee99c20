"""The public census pages: news posts by the national office and problem
reports from the public (我为政府网站找错)."""

from django.conf import settings
from django.db import models

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website


class NewsPost(models.Model):
    """工作动态: plain text, always escaped on output."""

    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文", max_length=20000)
    is_published = models.BooleanField("发布", default=False, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="作者", on_delete=models.PROTECT,
                               related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="发布单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")  # the national office, a province or a State Council department
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作动态"
        verbose_name_plural = "工作动态"
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title


class PublicReport(models.Model):
    """A problem the public found on a listed site, routed to the site's unit."""

    class Category(models.TextChoices):
        UNREACHABLE = "unreachable", "内容无法访问"
        STALE = "stale", "信息不更新"
        INACCURATE = "inaccurate", "内容不准确"
        NO_REPLY = "no_reply", "咨询留言不回复"
        TYPO = "typo", "错别字"
        FAKE = "fake", "虚假伪造内容"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        NEW = "new", "待处理"
        PROCESSING = "processing", "处理中"
        DONE = "done", "已办结"

    receipt = models.CharField("受理编号", max_length=32, unique=True)
    website = models.ForeignKey(Website, verbose_name="网站", on_delete=models.PROTECT, related_name="public_reports")
    # The unit that answers: the site's reporting unit when the report came in.
    unit = models.ForeignKey(Unit, verbose_name="办理单位", on_delete=models.PROTECT, related_name="public_reports")
    category = models.CharField("问题类型", max_length=16, choices=Category.choices)
    description = models.TextField("问题描述", max_length=1000)
    page_url = models.CharField("问题页面网址", max_length=500, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    deadline = models.DateField("答复期限", db_index=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    answer = models.TextField("答复", max_length=2000, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = "网民找错"
        verbose_name_plural = "网民找错"
        indexes = [models.Index(fields=["ip", "created_at"])]

    def __str__(self):
        return self.receipt

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status != self.Status.DONE and self.deadline < timezone.localdate()
