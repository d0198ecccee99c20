"""Spot-check batches: a stratified random sample (strata and seed recorded, so
the draw can be reproduced), machine scan plus human re-check with a second
reviewer's sign-off, and the published notice (通报)."""

from django.conf import settings
from django.db import models

from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Campaign, Website
from sitecensus.scoring.models import Scorecard


class Batch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "未启动"
        MONITORING = "monitoring", "检查中"
        SCANNED = "scanned", "扫描完成"
        REPORTED = "reported", "报告完成"

    NO_ROUND = "未关联抽查轮次"

    name = models.CharField("批次名称", max_length=100)
    organizer = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    # The campaign round (a quarterly spot check after the census) the batch belongs to;
    # None only for batches made before rounds were kept, or with no round configured.
    round = models.ForeignKey(Campaign, verbose_name="抽查轮次", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="spotcheck_batches")
    is_late = models.BooleanField("逾期创建", default=False)  # created after the round's 抽查核查 phase closed
    strata_by = models.JSONField("分层依据", default=list)  # any of "region", "level", "site_class"
    ratio = models.DecimalField("抽样比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    per_stratum = models.PositiveIntegerField("每层抽取数", null=True, blank=True)
    seed = models.BigIntegerField("随机种子")
    strata = models.JSONField("分层结果", default=dict)  # stratum → {"population", "sampled"}
    window_start = models.DateField("监测开始")
    window_end = models.DateField("监测结束")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    drawn_at = models.DateTimeField("抽样时间", null=True, blank=True)

    class Meta:
        verbose_name = "抽查批次"
        verbose_name_plural = "抽查批次"

    def __str__(self):
        return self.name

    @property
    def round_label(self) -> str:
        return self.round.name if self.round_id else self.NO_ROUND


class BatchSite(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待复核"
        REVIEWED = "reviewed", "已复核"
        SIGNED = "signed", "已签发"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="sites")
    website = models.ForeignKey(Website, on_delete=models.PROTECT, related_name="spot_checks")
    stratum = models.CharField("层", max_length=100)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    scorecard = models.OneToOneField(Scorecard, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "抽查网站"
        verbose_name_plural = "抽查网站"
        constraints = [models.UniqueConstraint(fields=["batch", "website"], name="batch_site_unique")]

    @property
    def stratum_label(self) -> str:
        from .presentation import stratum_label

        return stratum_label(self.stratum)


class Notice(models.Model):
    """The notice (通报) of a batch; public once published."""

    batch = models.OneToOneField(Batch, on_delete=models.PROTECT, related_name="notice")
    title = models.CharField("标题", max_length=200)
    figures = models.JSONField("统计", default=dict)
    unqualified = models.JSONField("不合格网站", default=list)
    typical = models.JSONField("典型问题", default=list)
    body = models.TextField("通报正文", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"

    def __str__(self):
        return self.title
